//! Authentication: bearer tokens and OAuth2 sessions (authorization-code flow, refresh, and
//! the caller's token store). The protocol itself is the `oauth2` crate's (see
//! `token_endpoint.rs`); this module keeps what `oauth2` leaves to its users: when to
//! refresh, one refresh at a time, and handing every new pair to the caller's store.
//!
//! Contracts:
//! - Secrets ([`Secret`]) never appear in `Debug` or `Display` output, logs or errors.
//! - Tokens are obtained once and handed to the caller's [`TokenStore`] *before* any request
//!   uses them. When the store fails, the request that caused the refresh fails with
//!   [`AuthError::Store`]; the session keeps the new pair in memory, sends nothing with it,
//!   and offers it to the store again before the next request (or on
//!   [`OAuthSession::save_pending`]). It does not refresh again meanwhile: with a server that
//!   rotates refresh tokens, the old one is already spent, and the unsaved pair holds the
//!   only valid refresh token.
//! - At most one refresh is in flight per session, however many requests wait on it: a
//!   request that saw generation `g` of the tokens only refreshes if the tokens are still
//!   at generation `g` once it holds the refresh lock.
//! - A refresh, once sent, runs to its end (token request, store, install) on its own task,
//!   even when the request that started it is cancelled, so a cancelled request cannot drop
//!   a rotated pair.
//! - Left to the caller: a process that exits between the token endpoint's answer and a
//!   successful save loses that pair. Against a server that rotates refresh tokens its user
//!   must then log in again; the stores in `token_store.rs` keep that window to one write.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::Mutex;
use url::Url;

use super::error::{AuthError, Error};
use super::token_endpoint;

#[cfg(feature = "keyring")]
pub use super::token_store::KeyringTokenStore;
pub use super::token_store::{FileTokenStore, TokenStoreError, TokenStoreErrorKind};

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

/// Boxed future returned by [`TokenStore::load`].
pub type LoadFuture<'a> = Pin<Box<dyn Future<Output = Result<Option<TokenSet>, String>> + Send + 'a>>;

/// Where the caller keeps tokens. [`save`](TokenStore::save) is called with every new token
/// pair before any request uses it.
///
/// Ready-made stores: [`FileTokenStore`] (a JSON file, written atomically), the OS keyring
/// (`KeyringTokenStore`, feature `keyring`) and [`MemoryTokenStore`].
pub trait TokenStore: Send + Sync + 'static {
    /// Persists `tokens`. An error fails the request that caused the refresh; the session
    /// keeps the pair unused and calls `save` with it again before its next request.
    /// Errors must not contain the tokens.
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a>;

    /// The tokens saved last, or `None` when nothing was saved yet. Used by
    /// [`OAuthSession::resume`]. The default reads nothing back (`Ok(None)`).
    fn load(&self) -> LoadFuture<'_> {
        Box::pin(async { Ok(None) })
    }
}

/// A token store that keeps the latest tokens in memory (tests, short-lived tools).
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    latest: std::sync::Mutex<Option<TokenSet>>,
    saves: AtomicUsize,
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
        self.saves.load(Ordering::SeqCst)
    }
}

impl TokenStore for MemoryTokenStore {
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a> {
        Box::pin(async move {
            if let Ok(mut g) = self.latest.lock() {
                *g = Some(tokens.clone());
            }
            self.saves.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
    }

    fn load(&self) -> LoadFuture<'_> {
        Box::pin(async move { Ok(self.latest()) })
    }
}

/// An OAuth2 client registration and the server's endpoints.
///
/// The client authenticates to the token endpoint with `client_id` and `client_secret` in the
/// request body.
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

    /// Adds another query parameter (e.g. `nonce`, `response_mode`). Not for the parameters
    /// the builder sets itself (`client_id`, `redirect_uri`, `response_type`, `state`,
    /// `scope`, `code_challenge`, `code_challenge_method`).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }

    /// The URL, with a fresh random `state` (and verifier).
    pub fn build(self) -> AuthorizationRequest {
        token_endpoint::authorize(&self.config, &self.scopes, self.pkce, &self.extra)
    }
}

/// The tokens of a session and what became of the last refresh.
struct TokenState {
    /// The pair requests use; the store has accepted it (or it came from the store).
    tokens: TokenSet,
    /// Bumped whenever `tokens` changes.
    generation: u64,
    /// A pair obtained from the token endpoint that the store refused: not used until the
    /// store accepts it.
    unsaved: Option<TokenSet>,
}

/// The part of a session that a refresh task shares with the requests waiting for it.
struct Shared {
    config: OAuthConfig,
    store: Arc<dyn TokenStore>,
    state: Mutex<TokenState>,
    refresh_lock: Mutex<()>,
    refreshes: AtomicUsize,
}

/// A logged-in OAuth2 session: current tokens, refresh, and the caller's store.
pub struct OAuthSession {
    shared: Arc<Shared>,
    refresh_skew: Duration,
    /// The token endpoint's client, or why it could not be built (reported on refresh).
    http: Result<reqwest::Client, String>,
}

impl fmt::Debug for OAuthSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthSession").field("client_id", &self.shared.config.client_id).finish_non_exhaustive()
    }
}

impl OAuthSession {
    /// A session holding `tokens` (loaded by the caller from its store).
    pub fn new(config: OAuthConfig, tokens: TokenSet, store: Arc<dyn TokenStore>) -> Self {
        OAuthSession {
            shared: Arc::new(Shared {
                config,
                store,
                state: Mutex::new(TokenState { tokens, generation: 0, unsaved: None }),
                refresh_lock: Mutex::new(()),
                refreshes: AtomicUsize::new(0),
            }),
            refresh_skew: Duration::from_secs(60),
            http: token_endpoint::http_client(),
        }
    }

    /// A session with the tokens `store` saved last, or `None` when it holds none yet (the
    /// user has to log in: see [`AuthorizeUrlBuilder`] and [`OAuthSession::exchange_code`]).
    /// A store that cannot read its tokens (a corrupt file, say) is an [`AuthError::Load`].
    pub async fn resume(config: OAuthConfig, store: Arc<dyn TokenStore>) -> Result<Option<Self>, Error> {
        let tokens = store.load().await.map_err(|e| Error::Auth(AuthError::Load(e)))?;
        Ok(tokens.map(|tokens| OAuthSession::new(config, tokens, store)))
    }

    /// Refresh this long before the access token expires (default 60 s).
    pub fn with_refresh_skew(mut self, skew: Duration) -> Self {
        self.refresh_skew = skew;
        self
    }

    /// Uses this HTTP client for the token endpoint. It should not follow redirects: the
    /// default one does not, so a code or refresh token is never sent on to another URL.
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Ok(http);
        self
    }

    /// How many refreshes this session has performed.
    pub fn refresh_count(&self) -> usize {
        self.shared.refreshes.load(Ordering::SeqCst)
    }

    /// The current tokens (the last pair the store accepted).
    pub async fn tokens(&self) -> TokenSet {
        self.shared.state.lock().await.tokens.clone()
    }

    /// Exchanges an authorization code for tokens, saves them, and returns a session.
    ///
    /// When the store fails, the tokens are not used and the error is [`AuthError::Store`];
    /// the code is spent, so the user has to authorize again.
    pub async fn exchange_code(
        config: OAuthConfig,
        code: &str,
        pkce_verifier: Option<&Secret>,
        store: Arc<dyn TokenStore>,
    ) -> Result<Self, Error> {
        let http = token_endpoint::http_client().map_err(Error::Config)?;
        let tokens = token_endpoint::exchange_code(&http, &config, code, pkce_verifier).await?;
        store.save(&tokens).await.map_err(|e| Error::Auth(AuthError::Store(e)))?;
        Ok(OAuthSession::new(config, tokens, store).with_http_client(http))
    }

    /// Hands a token pair the store refused earlier to it again. `Ok(true)` when a pair was
    /// waiting and is now saved (and in use), `Ok(false)` when none was waiting. Call it
    /// before exiting after an [`AuthError::Store`], so the pair is not lost with the process.
    pub async fn save_pending(&self) -> Result<bool, Error> {
        let generation = {
            let s = self.shared.state.lock().await;
            if s.unsaved.is_none() {
                return Ok(false);
            }
            s.generation
        };
        self.refresh_from(generation).await.map(|()| true)
    }

    /// The access token to send and its generation: first a pair the store refused earlier is
    /// offered to it again, then tokens about to expire are refreshed.
    pub(crate) async fn access_token(&self) -> Result<(Secret, u64), Error> {
        let (unsaved, mut expiring, mut generation) = self.snapshot().await;
        if unsaved {
            self.refresh_from(generation).await?;
            (_, expiring, generation) = self.snapshot().await;
        }
        if expiring {
            self.refresh_from(generation).await?;
        }
        let s = self.shared.state.lock().await;
        Ok((s.tokens.access_token.clone(), s.generation))
    }

    /// Whether a pair waits for the store, whether the tokens expire soon, and their generation.
    async fn snapshot(&self) -> (bool, bool, u64) {
        let s = self.shared.state.lock().await;
        (s.unsaved.is_some(), s.tokens.expires_within(self.refresh_skew), s.generation)
    }

    /// Refreshes unless another task already replaced generation `seen`; saves a pair the
    /// store refused instead of refreshing again. Runs on its own task, so it completes even
    /// when the caller is cancelled.
    pub(crate) async fn refresh_from(&self, seen: u64) -> Result<(), Error> {
        let http = self.http.clone().map_err(Error::Config)?;
        let shared = self.shared.clone();
        match tokio::spawn(async move { shared.refresh_from(seen, &http).await }).await {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(Error::Config(format!("the token refresh task did not finish: {e}"))),
        }
    }
}

impl Shared {
    async fn refresh_from(&self, seen: u64, http: &reqwest::Client) -> Result<(), Error> {
        let _guard = self.refresh_lock.lock().await;
        let (refresh_token, unsaved) = {
            let s = self.state.lock().await;
            if s.generation != seen {
                return Ok(());
            }
            (s.tokens.refresh_token.clone(), s.unsaved.clone())
        };
        let tokens = match unsaved {
            Some(tokens) => tokens,
            None => {
                let refresh_token = refresh_token.ok_or(Error::Auth(AuthError::NoRefreshToken))?;
                self.refreshes.fetch_add(1, Ordering::SeqCst);
                token_endpoint::refresh(http, &self.config, &refresh_token).await?
            }
        };
        let saved = self.store.save(&tokens).await;
        let mut s = self.state.lock().await;
        match saved {
            Ok(()) => {
                s.tokens = tokens;
                s.generation += 1;
                s.unsaved = None;
                Ok(())
            }
            Err(e) => {
                s.unsaved = Some(tokens);
                Err(Error::Auth(AuthError::Store(e)))
            }
        }
    }
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
