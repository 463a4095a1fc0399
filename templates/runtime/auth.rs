//! Authentication: bearer tokens and the OAuth2 authorization-code flow.
//!
//! Contracts:
//! - Secrets ([`Secret`]) never appear in `Debug` or `Display` output, logs or errors.
//! - Every new token pair (after a code exchange or a refresh, including a rotated refresh
//!   token) is handed to the caller's [`TokenStore`] *before* it is used for a request.
//! - At most one refresh is in flight per session, however many requests wait on it: a
//!   request that saw generation `g` of the tokens only refreshes if the tokens are still
//!   at generation `g` once it holds the refresh lock.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;
use url::Url;

use super::error::{AuthError, Error, TransportError};

/// A secret string (token, client secret, PKCE verifier). Redacted when printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Only call this to send or store it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

/// An access token with its refresh token and expiry.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TokenSet {
    /// The bearer token sent with requests.
    pub access_token: Secret,
    /// The token that renews the access token.
    pub refresh_token: Option<Secret>,
    /// When the access token expires, if known.
    pub expires_at: Option<SystemTime>,
}

impl TokenSet {
    /// A token pair expiring `expires_in` from now.
    pub fn new(access_token: impl Into<Secret>, refresh_token: Option<Secret>, expires_in: Option<Duration>) -> Self {
        TokenSet {
            access_token: access_token.into(),
            refresh_token,
            expires_at: expires_in.map(|d| SystemTime::now() + d),
        }
    }

    fn expires_within(&self, skew: Duration) -> bool {
        self.expires_at.is_some_and(|at| at <= SystemTime::now() + skew)
    }
}

/// Boxed future returned by [`TokenStore::save`].
pub type StoreFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Where the caller keeps tokens. Called with every new token pair before it is used, so a
/// crash after a refresh never loses the only valid refresh token.
pub trait TokenStore: Send + Sync + 'static {
    /// Persists `tokens`; an error is reported to the request that caused the refresh.
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a>;
}

/// A token store that keeps the latest tokens in memory (tests, short-lived tools).
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    latest: std::sync::Mutex<Option<TokenSet>>,
    saves: std::sync::atomic::AtomicUsize,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The last saved tokens.
    pub fn latest(&self) -> Option<TokenSet> {
        self.latest.lock().map(|g| g.clone()).unwrap_or(None)
    }

    /// How many times tokens were saved.
    pub fn saves(&self) -> usize {
        self.saves.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl TokenStore for MemoryTokenStore {
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a> {
        Box::pin(async move {
            if let Ok(mut g) = self.latest.lock() {
                *g = Some(tokens.clone());
            }
            self.saves.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        })
    }
}

/// An OAuth2 client registration and the server's endpoints.
#[derive(Clone, Debug)]
pub struct OAuthConfig {
    /// Client identifier.
    pub client_id: String,
    /// Client secret (confidential clients).
    pub client_secret: Option<Secret>,
    /// Registered redirect URI.
    pub redirect_uri: String,
    /// Authorization endpoint.
    pub authorize_url: Url,
    /// Token endpoint (code exchange and refresh).
    pub token_url: Url,
}

/// A prepared authorization request: send the user to `url`, keep the rest for the callback.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    /// Where to send the user's browser.
    pub url: Url,
    /// The `state` sent; the callback must echo it.
    pub state: String,
    /// The PKCE verifier, when PKCE is used; pass it to the code exchange.
    pub pkce_verifier: Option<Secret>,
}

impl AuthorizationRequest {
    /// Reads the authorization code from the callback URL's query, after checking `state`.
    pub fn code_from_callback(&self, callback: &Url) -> Result<String, Error> {
        let get = |k: &str| callback.query_pairs().find(|(n, _)| n == k).map(|(_, v)| v.into_owned());
        if let Some(err) = get("error") {
            return Err(Error::Auth(AuthError::Callback(err)));
        }
        if get("state").as_deref() != Some(self.state.as_str()) {
            return Err(Error::Auth(AuthError::StateMismatch));
        }
        get("code").ok_or_else(|| Error::Auth(AuthError::Callback("no `code` in the callback".into())))
    }
}

/// Builds the URL that starts the authorization-code flow.
#[derive(Debug, Clone)]
pub struct AuthorizeUrlBuilder {
    config: OAuthConfig,
    scopes: Vec<String>,
    pkce: bool,
    extra: Vec<(String, String)>,
}

impl AuthorizeUrlBuilder {
    /// Starts from a client registration.
    pub fn new(config: OAuthConfig) -> Self {
        AuthorizeUrlBuilder { config, scopes: Vec::new(), pkce: false, extra: Vec::new() }
    }

    /// Scopes to ask for.
    pub fn scopes<S: AsRef<str>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes.extend(scopes.into_iter().map(|s| s.as_ref().to_owned()));
        self
    }

    /// Adds a PKCE (S256) challenge; the verifier is returned in the request.
    pub fn pkce(mut self, enabled: bool) -> Self {
        self.pkce = enabled;
        self
    }

    /// Adds another query parameter (e.g. `nonce`, `response_mode`).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }

    /// The URL, with a fresh random `state` (and verifier).
    pub fn build(self) -> AuthorizationRequest {
        let state = random_token(16);
        let verifier = self.pkce.then(|| Secret(random_token(32)));
        let mut url = self.config.authorize_url.clone();
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("client_id", &self.config.client_id)
                .append_pair("redirect_uri", &self.config.redirect_uri)
                .append_pair("response_type", "code")
                .append_pair("state", &state);
            if !self.scopes.is_empty() {
                q.append_pair("scope", &self.scopes.join(" "));
            }
            if let Some(v) = &verifier {
                let challenge =
                    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(v.expose().as_bytes()));
                q.append_pair("code_challenge", &challenge).append_pair("code_challenge_method", "S256");
            }
            for (k, v) in &self.extra {
                q.append_pair(k, v);
            }
        }
        AuthorizationRequest { url, state, pkce_verifier: verifier }
    }
}

fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system's random source is unavailable");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

struct TokenState {
    tokens: TokenSet,
    generation: u64,
}

/// A logged-in OAuth2 session: current tokens, refresh, and the caller's store.
pub struct OAuthSession {
    config: OAuthConfig,
    store: Arc<dyn TokenStore>,
    state: Mutex<TokenState>,
    refresh_lock: Mutex<()>,
    refresh_skew: Duration,
    http: reqwest::Client,
    refreshes: std::sync::atomic::AtomicUsize,
}

impl fmt::Debug for OAuthSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthSession").field("client_id", &self.config.client_id).finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

impl OAuthSession {
    /// A session holding `tokens` (loaded by the caller from its store).
    pub fn new(config: OAuthConfig, tokens: TokenSet, store: Arc<dyn TokenStore>) -> Self {
        OAuthSession {
            config,
            store,
            state: Mutex::new(TokenState { tokens, generation: 0 }),
            refresh_lock: Mutex::new(()),
            refresh_skew: Duration::from_secs(60),
            http: reqwest::Client::new(),
            refreshes: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Refresh this long before the access token expires (default 60 s).
    pub fn with_refresh_skew(mut self, skew: Duration) -> Self {
        self.refresh_skew = skew;
        self
    }

    /// Uses this HTTP client for the token endpoint.
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// How many refreshes this session has performed.
    pub fn refresh_count(&self) -> usize {
        self.refreshes.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The current tokens.
    pub async fn tokens(&self) -> TokenSet {
        self.state.lock().await.tokens.clone()
    }

    /// Exchanges an authorization code for tokens, saves them, and returns a session.
    pub async fn exchange_code(
        config: OAuthConfig,
        code: &str,
        pkce_verifier: Option<&Secret>,
        store: Arc<dyn TokenStore>,
    ) -> Result<Self, Error> {
        let mut form = vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.to_owned()),
            ("redirect_uri", config.redirect_uri.clone()),
            ("client_id", config.client_id.clone()),
        ];
        if let Some(s) = &config.client_secret {
            form.push(("client_secret", s.expose().to_owned()));
        }
        if let Some(v) = pkce_verifier {
            form.push(("code_verifier", v.expose().to_owned()));
        }
        let http = reqwest::Client::new();
        let tokens = token_request(&http, &config.token_url, &form, None).await?;
        store.save(&tokens).await.map_err(|e| Error::Auth(AuthError::Store(e)))?;
        Ok(OAuthSession::new(config, tokens, store))
    }

    /// The access token to send and its generation, refreshing first when it is about to expire.
    pub(crate) async fn access_token(&self) -> Result<(Secret, u64), Error> {
        let (expiring, generation) = {
            let s = self.state.lock().await;
            (s.tokens.expires_within(self.refresh_skew), s.generation)
        };
        if expiring {
            self.refresh_from(generation).await?;
        }
        let s = self.state.lock().await;
        Ok((s.tokens.access_token.clone(), s.generation))
    }

    /// Refreshes unless another task already replaced generation `seen`.
    pub(crate) async fn refresh_from(&self, seen: u64) -> Result<(), Error> {
        let _guard = self.refresh_lock.lock().await;
        let refresh_token = {
            let s = self.state.lock().await;
            if s.generation != seen {
                return Ok(());
            }
            s.tokens.refresh_token.clone().ok_or(Error::Auth(AuthError::NoRefreshToken))?
        };
        let mut form = vec![
            ("grant_type", "refresh_token".to_owned()),
            ("refresh_token", refresh_token.expose().to_owned()),
            ("client_id", self.config.client_id.clone()),
        ];
        if let Some(s) = &self.config.client_secret {
            form.push(("client_secret", s.expose().to_owned()));
        }
        self.refreshes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let tokens = token_request(&self.http, &self.config.token_url, &form, Some(refresh_token)).await?;
        let saved = self.store.save(&tokens).await;
        {
            // Install even when saving failed: dropping a rotated pair would lose it for good.
            let mut s = self.state.lock().await;
            s.tokens = tokens;
            s.generation += 1;
        }
        saved.map_err(|e| Error::Auth(AuthError::Store(e)))
    }
}

async fn token_request(
    http: &reqwest::Client,
    url: &Url,
    form: &[(&str, String)],
    previous_refresh: Option<Secret>,
) -> Result<TokenSet, Error> {
    let resp = http
        .post(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .form(form)
        .send()
        .await
        .map_err(|e| Error::Transport(TransportError::from_reqwest(e)))?;
    let status = resp.status().as_u16();
    let body = resp.bytes().await.map_err(|e| Error::Transport(TransportError::from_reqwest(e)))?;
    if !(200..300).contains(&status) {
        let parsed: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
        let message = parsed
            .as_ref()
            .and_then(|v| {
                ["error_description", "message", "error"].iter().find_map(|k| v.get(*k)?.as_str().map(str::to_owned))
            })
            .unwrap_or_else(|| "no error message".to_owned());
        return Err(Error::Auth(AuthError::TokenEndpoint { status, message }));
    }
    let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
        Error::Auth(AuthError::TokenEndpoint { status, message: format!("unexpected token response: {e}") })
    })?;
    Ok(TokenSet {
        access_token: Secret(parsed.access_token),
        refresh_token: parsed.refresh_token.map(Secret).or(previous_refresh),
        expires_at: parsed.expires_in.map(|s| SystemTime::now() + Duration::from_secs(s)),
    })
}

/// How a client authenticates its requests.
#[derive(Clone, Default)]
pub enum Auth {
    /// No `Authorization` header.
    #[default]
    None,
    /// A fixed bearer token.
    Bearer(Secret),
    /// An OAuth2 session with automatic refresh.
    OAuth(Arc<OAuthSession>),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("Auth::None"),
            Auth::Bearer(_) => f.write_str("Auth::Bearer(***)"),
            Auth::OAuth(s) => write!(f, "Auth::OAuth({s:?})"),
        }
    }
}
