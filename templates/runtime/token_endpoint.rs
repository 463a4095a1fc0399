//! The OAuth2 protocol itself, through the `oauth2` crate: the authorization URL (state,
//! PKCE S256, scopes), the authorization-code exchange and the refresh grant.
//!
//! What this module adds around `oauth2`:
//! - Client authentication in the request body (`client_id`, `client_secret`), as the
//!   runtime always sent it; servers that accept only HTTP Basic are not served yet.
//! - A lenient token response: `token_type` is not required (the token is always sent as a
//!   bearer token), and a refresh answer without `refresh_token` keeps the previous one.
//! - Every failure becomes the client's own [`Error`]: transport problems are
//!   [`Error::Transport`], anything the endpoint answered is [`AuthError::TokenEndpoint`] with
//!   the HTTP status and the server's message. No token, code, verifier or client secret ever
//!   reaches an error message: a success body that does not parse is described by its JSON
//!   path only, never quoted.
//! - The token endpoint's HTTP client follows no redirects (a redirect would carry the code
//!   or the refresh token to wherever it points) and has timeouts.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, SystemTime};

use oauth2::basic::{BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType};
use oauth2::{
    AccessToken, AsyncHttpClient, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    HttpRequest, HttpResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError,
    StandardRevocableToken,
};

use super::auth::{AuthorizationRequest, OAuthConfig, Secret, TokenSet};
use super::error::{AuthError, Error, TransportError};

/// An `oauth2` client with this runtime's token response and error body types.
type OAuth2Client<HasAuthUrl, HasTokenUrl> = oauth2::Client<
    TokenErrorBody,
    TokenResponseBody,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    HasAuthUrl,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    HasTokenUrl,
>;

/// The HTTP client for token requests: no redirects, 30 s per request, 10 s to connect.
pub(crate) fn http_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("HTTP client for the token endpoint: {}", e.without_url()))
}

/// The registration's client id and secret, authenticating in the request body.
fn client(config: &OAuthConfig) -> OAuth2Client<EndpointNotSet, EndpointNotSet> {
    let client =
        OAuth2Client::new(ClientId::new(config.client_id.clone())).set_auth_type(oauth2::AuthType::RequestBody);
    match &config.client_secret {
        Some(secret) => client.set_client_secret(ClientSecret::new(secret.expose().to_owned())),
        None => client,
    }
}

/// The registered redirect URI, when it parses as a URL. One that does not is still sent,
/// verbatim, as before this module used `oauth2`: the server is the judge of it.
fn redirect_url(config: &OAuthConfig) -> Option<RedirectUrl> {
    RedirectUrl::new(config.redirect_uri.clone()).ok()
}

/// Builds the authorization URL with a fresh random `state` and, when `pkce` is set, an S256
/// challenge whose verifier is returned in the request.
pub(crate) fn authorize(
    config: &OAuthConfig,
    scopes: &[String],
    pkce: bool,
    extra: &[(String, String)],
) -> AuthorizationRequest {
    let redirect = redirect_url(config);
    let mut client = client(config).set_auth_uri(AuthUrl::from_url(config.authorize_url.clone()));
    if let Some(redirect) = &redirect {
        client = client.set_redirect_uri(redirect.clone());
    }
    let mut request =
        client.authorize_url(CsrfToken::new_random).add_scopes(scopes.iter().map(|s| oauth2::Scope::new(s.clone())));
    if redirect.is_none() {
        request = request.add_extra_param("redirect_uri", config.redirect_uri.as_str());
    }
    let mut verifier = None;
    if pkce {
        let (challenge, v) = PkceCodeChallenge::new_random_sha256();
        request = request.set_pkce_challenge(challenge);
        verifier = Some(Secret::new(v.secret().as_str()));
    }
    for (name, value) in extra {
        request = request.add_extra_param(name.as_str(), value.as_str());
    }
    let (url, state) = request.url();
    AuthorizationRequest { url, state: state.secret().clone(), pkce_verifier: verifier }
}

/// Exchanges an authorization code (with its PKCE verifier) for tokens.
pub(crate) async fn exchange_code(
    http: &reqwest::Client,
    config: &OAuthConfig,
    code: &str,
    pkce_verifier: Option<&Secret>,
) -> Result<TokenSet, Error> {
    let redirect = redirect_url(config);
    let mut client = client(config).set_token_uri(oauth2::TokenUrl::from_url(config.token_url.clone()));
    if let Some(redirect) = &redirect {
        client = client.set_redirect_uri(redirect.clone());
    }
    let mut request = client.exchange_code(AuthorizationCode::new(code.to_owned()));
    if redirect.is_none() {
        request = request.add_extra_param("redirect_uri", config.redirect_uri.as_str());
    }
    if let Some(v) = pkce_verifier {
        request = request.set_pkce_verifier(PkceCodeVerifier::new(v.expose().to_owned()));
    }
    let transport = Transport::new(http);
    let response = request.request_async(&transport).await.map_err(|e| transport.error(e))?;
    Ok(response.into_tokens(None))
}

/// Renews the tokens with `refresh_token`. A response without a new refresh token keeps
/// this one (the server did not rotate it).
pub(crate) async fn refresh(
    http: &reqwest::Client,
    config: &OAuthConfig,
    refresh_token: &Secret,
) -> Result<TokenSet, Error> {
    let client = client(config).set_token_uri(oauth2::TokenUrl::from_url(config.token_url.clone()));
    let token = RefreshToken::new(refresh_token.expose().to_owned());
    let transport = Transport::new(http);
    let response =
        client.exchange_refresh_token(&token).request_async(&transport).await.map_err(|e| transport.error(e))?;
    Ok(response.into_tokens(Some(refresh_token)))
}

/// A token endpoint answer. Unlike `oauth2`'s standard response, `token_type` may be absent.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
struct TokenResponseBody {
    access_token: AccessToken,
    /// Ignored when reading: the runtime sends every access token as a bearer token.
    #[serde(skip, default = "bearer")]
    token_type: BasicTokenType,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<RefreshToken>,
}

fn bearer() -> BasicTokenType {
    BasicTokenType::Bearer
}

impl TokenResponseBody {
    fn into_tokens(self, previous_refresh: Option<&Secret>) -> TokenSet {
        TokenSet {
            access_token: Secret::new(self.access_token.into_secret()),
            refresh_token: self
                .refresh_token
                .map(|t| Secret::new(t.into_secret()))
                .or_else(|| previous_refresh.cloned()),
            expires_at: self.expires_in.map(|s| SystemTime::now() + Duration::from_secs(s)),
        }
    }
}

impl oauth2::TokenResponse for TokenResponseBody {
    type TokenType = BasicTokenType;

    fn access_token(&self) -> &AccessToken {
        &self.access_token
    }

    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }

    fn expires_in(&self) -> Option<Duration> {
        self.expires_in.map(Duration::from_secs)
    }

    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }

    fn scopes(&self) -> Option<&Vec<oauth2::Scope>> {
        None
    }
}

/// An error body of the token endpoint: RFC 6749's `error` and `error_description`, or the
/// `message` many frameworks send. Every field is optional, so any JSON object reads.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
struct TokenErrorBody {
    #[serde(default)]
    error_description: Option<serde_json::Value>,
    #[serde(default)]
    message: Option<serde_json::Value>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

impl TokenErrorBody {
    /// The first textual one of `error_description`, `message` and `error`.
    fn text(&self) -> Option<&str> {
        [&self.error_description, &self.message, &self.error].into_iter().find_map(|v| v.as_ref()?.as_str())
    }
}

impl std::fmt::Display for TokenErrorBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text().unwrap_or("no error message"))
    }
}

impl oauth2::ErrorResponse for TokenErrorBody {}

/// Sends `oauth2`'s requests with reqwest and remembers the status of the last response, so
/// errors can name it (`oauth2` keeps only the body).
struct Transport {
    http: reqwest::Client,
    status: AtomicU16,
}

impl Transport {
    fn new(http: &reqwest::Client) -> Self {
        Transport { http: http.clone(), status: AtomicU16::new(0) }
    }

    /// The client's error for a failed token request.
    fn error(&self, e: RequestTokenError<TransportError, TokenErrorBody>) -> Error {
        let status = self.status.load(Ordering::SeqCst);
        let message = match e {
            RequestTokenError::Request(t) => return Error::Transport(t),
            RequestTokenError::ServerResponse(body) => body.to_string(),
            // A body that is not JSON where a success was expected: name where, never quote it.
            RequestTokenError::Parse(e, _) if status == 200 => {
                let inner = e.inner();
                let what = if inner.to_string().starts_with("missing field") {
                    inner.to_string()
                } else {
                    format!("invalid value at `{}` (line {}, column {})", e.path(), inner.line(), inner.column())
                };
                format!("unexpected token response: {what}")
            }
            // An error status whose body is not a JSON object.
            RequestTokenError::Parse(..) => "no error message".to_owned(),
            RequestTokenError::Other(m) => m,
        };
        Error::Auth(AuthError::TokenEndpoint { status, message })
    }
}

impl<'c> AsyncHttpClient<'c> for Transport {
    type Error = TransportError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(TransportError::from_reqwest)?;
            let response = self.http.execute(request).await.map_err(TransportError::from_reqwest)?;
            self.status.store(response.status().as_u16(), Ordering::SeqCst);
            let mut builder = oauth2::http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = response.bytes().await.map_err(TransportError::from_reqwest)?;
            builder.body(body.to_vec()).map_err(|e| TransportError::other(e.to_string()))
        })
    }
}
