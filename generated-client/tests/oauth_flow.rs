//! The OAuth2 flow on top of the `oauth2` crate, against wiremock as the authorization
//! server: how the client authenticates to the token endpoint, what becomes of the
//! endpoint's errors and redirects, what the session does when the token store fails or a
//! request is cancelled mid-refresh, and resuming a session from a store.
//!
//! (`behaviour.rs` holds the older OAuth tests: refresh on 401, single flight, saving
//! before use, authorize URL, code exchange, secrets.)
//!
//! Hand-written: `tests/` is not owned by the generator.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use cirqll::oauth::{MemoryTokenStore, OAuthConfig, OAuthSession, Secret, TokenSet, TokenStore};
use cirqll::runtime::auth::{FileTokenStore, LoadFuture, StoreFuture};
use cirqll::runtime::error::AuthError;
use cirqll::{Client, Error};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn config(server: &MockServer, secret: Option<&str>) -> OAuthConfig {
    OAuthConfig {
        client_id: "client-7".into(),
        client_secret: secret.map(Secret::new),
        redirect_uri: "http://127.0.0.1:8765/callback".into(),
        authorize_url: format!("{}/oauth/authorize", server.uri()).parse().unwrap(),
        token_url: format!("{}/oauth/token", server.uri()).parse().unwrap(),
    }
}

fn customer() -> serde_json::Value {
    serde_json::json!({
        "id": 1, "name": "Customer 1", "user_id": 5,
        "created_at": "2024-05-18 13:38:35", "updated_at": "2024-05-18T13:38:35+02:00",
    })
}

fn expired(access: &str, refresh: &str) -> TokenSet {
    TokenSet {
        access_token: Secret::new(access),
        refresh_token: Some(Secret::new(refresh)),
        expires_at: Some(SystemTime::now() - Duration::from_secs(1)),
    }
}

fn token_body(access: &str, refresh: Option<&str>) -> serde_json::Value {
    let mut body = serde_json::json!({"access_token": access, "token_type": "Bearer", "expires_in": 3600});
    if let Some(r) = refresh {
        body["refresh_token"] = r.into();
    }
    body
}

/// Matches requests without an `Authorization` header.
struct NoAuthorization;
impl wiremock::Match for NoAuthorization {
    fn matches(&self, req: &Request) -> bool {
        !req.headers.contains_key("authorization")
    }
}

/// Answers the API for `token` only.
async fn mount_api(server: &MockServer, token: &str, expect: u64) {
    Mock::given(method("GET"))
        .and(path("/customer/1"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer()))
        .expect(expect)
        .mount(server)
        .await;
}

fn client(server: &MockServer, session: OAuthSession) -> Client {
    Client::builder().base_url(server.uri()).oauth(session).build().unwrap()
}

#[tokio::test]
async fn the_client_authenticates_in_the_body_and_a_public_client_sends_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(NoAuthorization)
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=the-code"))
        .and(body_string_contains("client_id=client-7"))
        .and(body_string_contains("client_secret=s3cr%2Ft+%C3%A9"))
        .and(body_string_contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("confidential", Some("r"))))
        .expect(1)
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::new());
    let session =
        OAuthSession::exchange_code(config(&server, Some("s3cr/t é")), "the-code", None, store.clone()).await.unwrap();
    assert_eq!(session.tokens().await.access_token.expose(), "confidential");

    let public = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(NoAuthorization)
        .and(body_string_contains("client_id=client-7"))
        .and(body_string_contains("code_verifier=the-verifier"))
        .respond_with(|req: &Request| {
            let body = String::from_utf8_lossy(&req.body).into_owned();
            let status = if body.contains("client_secret") { 400 } else { 200 };
            ResponseTemplate::new(status).set_body_json(token_body("public", None))
        })
        .expect(1)
        .mount(&public)
        .await;
    let verifier = Secret::new("the-verifier");
    let session = OAuthSession::exchange_code(config(&public, None), "code", Some(&verifier), store.clone()).await.unwrap();
    assert_eq!(session.tokens().await.access_token.expose(), "public");
    assert_eq!(store.saves(), 2);
}

#[tokio::test]
async fn the_token_endpoint_is_never_followed_through_a_redirect() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("stolen", Some("stolen"))))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", format!("{}/collect", elsewhere.uri())))
        .mount(&server)
        .await;
    let session = OAuthSession::new(config(&server, Some("secret")), expired("a", "refresh-SECRET"), Arc::new(MemoryTokenStore::new()));
    let err = client(&server, session).customer().show(1).send().await.unwrap_err();
    assert!(matches!(err, Error::Auth(AuthError::TokenEndpoint { status: 307, .. })), "{err:?}");
    // `expect(0)` on `elsewhere` is verified when it drops.
}

#[tokio::test]
async fn token_endpoint_errors_keep_the_status_and_the_servers_message() {
    let cases: Vec<(u16, ResponseTemplate, &str)> = vec![
        (
            400,
            ResponseTemplate::new(400).set_body_json(serde_json::json!({
                "error": "invalid_grant", "error_description": "The refresh token is invalid.", "message": "Other."
            })),
            "The refresh token is invalid.",
        ),
        (
            401,
            ResponseTemplate::new(401).set_body_json(serde_json::json!({"error": "invalid_client", "message": "Client authentication failed"})),
            "Client authentication failed",
        ),
        (400, ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": "invalid_grant"})), "invalid_grant"),
        (500, ResponseTemplate::new(500).set_body_string("<html>oops</html>"), "no error message"),
        (503, ResponseTemplate::new(503), "empty"),
    ];
    for (status, response, message) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST")).and(path("/oauth/token")).respond_with(response).mount(&server).await;
        let session = OAuthSession::new(config(&server, Some("client-SECRET")), expired("a", "refresh-SECRET"), Arc::new(MemoryTokenStore::new()));
        let err = client(&server, session).customer().show(1).send().await.unwrap_err();
        let Error::Auth(AuthError::TokenEndpoint { status: got, message: text }) = &err else { panic!("{err:?}") };
        assert_eq!(*got, status, "{err}");
        assert!(text.contains(message), "{status}: expected {message:?} in {text:?}");
        assert!(!format!("{err} {err:?}").contains("SECRET"), "{err:?}");
        assert!(server.received_requests().await.unwrap().iter().all(|r| r.url.path() == "/oauth/token"), "nothing sent to the API");
    }
}

#[tokio::test]
async fn a_success_body_that_does_not_parse_is_described_without_quoting_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "access-SECRET", "refresh_token": "refresh-SECRET", "expires_in": "expiry-SECRET"
        })))
        .mount(&server)
        .await;
    let session = OAuthSession::new(config(&server, None), expired("a", "r"), Arc::new(MemoryTokenStore::new()));
    let err = client(&server, session).customer().show(1).send().await.unwrap_err();
    let printed = format!("{err} {err:?}");
    assert!(printed.contains("expires_in"), "the failing field is named: {printed}");
    assert!(!printed.contains("SECRET"), "{printed}");

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"token_type": "Bearer"})))
        .mount(&server)
        .await;
    let session = OAuthSession::new(config(&server, None), expired("a", "r"), Arc::new(MemoryTokenStore::new()));
    let err = client(&server, session).customer().show(1).send().await.unwrap_err();
    assert!(err.to_string().contains("missing field `access_token`"), "{err}");
}

#[tokio::test]
async fn a_refresh_without_a_new_refresh_token_keeps_the_old_one() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("refresh_token=kept"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("fresh", None)))
        .expect(1)
        .mount(&server)
        .await;
    mount_api(&server, "fresh", 1).await;
    let store = Arc::new(MemoryTokenStore::new());
    let session = OAuthSession::new(config(&server, None), expired("stale", "kept"), store.clone());
    assert_eq!(client(&server, session).customer().show(1).send().await.unwrap().id, 1);
    let saved = store.latest().unwrap();
    assert_eq!((saved.access_token.expose(), saved.refresh_token.unwrap().expose()), ("fresh", "kept"));
}

/// Saves to a `MemoryTokenStore` unless told to fail; logs saves and failures.
struct Flaky {
    inner: MemoryTokenStore,
    failures_left: AtomicUsize,
    log: Arc<Mutex<Vec<String>>>,
}

impl Flaky {
    fn new(failures: usize, log: Arc<Mutex<Vec<String>>>) -> Self {
        Flaky { inner: MemoryTokenStore::new(), failures_left: AtomicUsize::new(failures), log }
    }
}

impl TokenStore for Flaky {
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a> {
        Box::pin(async move {
            if self.failures_left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
                self.log.lock().unwrap().push(format!("save failed {}", tokens.access_token.expose()));
                return Err("disk full".to_owned());
            }
            self.log.lock().unwrap().push(format!("saved {}", tokens.access_token.expose()));
            self.inner.save(tokens).await
        })
    }

    fn load(&self) -> LoadFuture<'_> {
        self.inner.load()
    }
}

/// What the authorization server has issued: the one refresh token that works and the
/// one access token the API accepts.
struct Issued {
    refresh: String,
    access: String,
    count: usize,
}

/// A token endpoint that rotates refresh tokens: each works once, and each refresh issues a
/// new pair `access-<n>` / `refresh-<n>`, invalidating the previous access token.
struct Rotating(Arc<Mutex<Issued>>, Arc<Mutex<Vec<String>>>);
impl Respond for Rotating {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body = String::from_utf8_lossy(&req.body).into_owned();
        let mut issued = self.0.lock().unwrap();
        if !body.contains(&format!("refresh_token={}", issued.refresh)) {
            self.1.lock().unwrap().push("refresh refused".into());
            return ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": "invalid_grant"}));
        }
        issued.count += 1;
        let n = issued.count;
        (issued.access, issued.refresh) = (format!("access-{n}"), format!("refresh-{n}"));
        self.1.lock().unwrap().push(format!("refreshed to access-{n}"));
        ResponseTemplate::new(200).set_body_json(token_body(&issued.access, Some(&issued.refresh)))
    }
}

/// The API: logs each request's token; 200 for the access token issued last, 401 otherwise.
struct LoggedApi(Arc<Mutex<Issued>>, Arc<Mutex<Vec<String>>>);
impl Respond for LoggedApi {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let auth = req.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        self.1.lock().unwrap().push(format!("request {auth}"));
        if auth == format!("Bearer {}", self.0.lock().unwrap().access) {
            ResponseTemplate::new(200).set_body_json(customer())
        } else {
            ResponseTemplate::new(401)
        }
    }
}

async fn rotating_server(log: &Arc<Mutex<Vec<String>>>) -> MockServer {
    let server = MockServer::start().await;
    let issued = Arc::new(Mutex::new(Issued { refresh: "refresh-0".into(), access: String::new(), count: 0 }));
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(Rotating(issued.clone(), log.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/customer/1")).respond_with(LoggedApi(issued, log.clone())).mount(&server).await;
    server
}

#[tokio::test]
async fn a_pair_the_store_refused_is_never_used_and_is_saved_before_the_next_request() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let server = rotating_server(&log).await;
    let store = Arc::new(Flaky::new(1, log.clone()));
    let session = OAuthSession::new(config(&server, None), expired("access-0", "refresh-0"), store.clone());
    let client = client(&server, session);

    let err = client.customer().show(1).send().await.unwrap_err();
    assert!(matches!(&err, Error::Auth(AuthError::Store(m)) if m == "disk full"), "{err:?}");
    assert_eq!(client.oauth_session().unwrap().tokens().await.access_token.expose(), "access-0");
    assert!(store.inner.latest().is_none());

    assert_eq!(client.customer().show(1).send().await.unwrap().id, 1);
    assert_eq!(
        *log.lock().unwrap(),
        ["refreshed to access-1", "save failed access-1", "saved access-1", "request Bearer access-1"],
        "one refresh; the refused pair is saved before any request uses it"
    );
    assert_eq!(store.inner.latest().unwrap().refresh_token.unwrap().expose(), "refresh-1");
    assert_eq!(client.oauth_session().unwrap().refresh_count(), 1);
    assert!(!client.oauth_session().unwrap().save_pending().await.unwrap(), "nothing waits any more");
}

#[tokio::test]
async fn after_a_failed_save_the_next_start_still_has_a_refresh_token_that_works() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let server = rotating_server(&log).await;
    let file = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("restart-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let disk = FileTokenStore::new(&file);
    disk.write(&expired("access-0", "refresh-0")).unwrap();

    /// The file store, failing its first save (a full disk, say).
    struct FailOnce(FileTokenStore, AtomicUsize);
    impl TokenStore for FailOnce {
        fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a> {
            if self.1.fetch_add(1, Ordering::SeqCst) == 0 {
                return Box::pin(async { Err("disk full".to_owned()) });
            }
            self.0.save(tokens)
        }
        fn load(&self) -> LoadFuture<'_> {
            self.0.load()
        }
    }
    let store = Arc::new(FailOnce(FileTokenStore::new(&file), AtomicUsize::new(0)));
    let session = OAuthSession::resume(config(&server, None), store.clone()).await.unwrap().unwrap();
    let first = client(&server, session);
    let err = first.customer().show(1).send().await.unwrap_err();
    assert!(matches!(err, Error::Auth(AuthError::Store(_))), "{err:?}");
    // The server rotated: refresh-0 is spent, and only the unsaved pair holds refresh-1.
    assert_eq!(disk.read().unwrap().unwrap().refresh_token.unwrap().expose(), "refresh-0");
    // The shutdown path of a careful program: hand the waiting pair to the store again.
    assert!(first.oauth_session().unwrap().save_pending().await.unwrap());
    drop(first);

    // Next start, from the file alone: its refresh token is refresh-1, and it works. (The
    // saved access token is made to look expired, so the session refreshes first.)
    let mut saved = disk.read().unwrap().unwrap();
    assert_eq!(saved.refresh_token.as_ref().unwrap().expose(), "refresh-1");
    saved.expires_at = Some(SystemTime::now());
    disk.write(&saved).unwrap();
    let store = Arc::new(FileTokenStore::new(&file));
    let session = OAuthSession::resume(config(&server, None), store.clone()).await.unwrap().unwrap();
    assert_eq!(client(&server, session).customer().show(1).send().await.unwrap().id, 1);
    assert_eq!(store.read().unwrap().unwrap().refresh_token.unwrap().expose(), "refresh-2");
    assert_eq!(
        *log.lock().unwrap(),
        ["refreshed to access-1", "refreshed to access-2", "request Bearer access-2"],
        "no refresh was refused, and no request went out with an unsaved pair"
    );
    let _ = std::fs::remove_file(&file);
}

#[tokio::test]
async fn a_cancelled_request_does_not_lose_the_pair_its_refresh_obtained() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("refresh_token=old"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("new", Some("rotated"))).set_delay(Duration::from_millis(300)))
        .expect(1)
        .mount(&server)
        .await;
    mount_api(&server, "new", 1).await;
    let store = Arc::new(MemoryTokenStore::new());
    let session = OAuthSession::new(config(&server, None), expired("old-access", "old"), store.clone());
    let client = client(&server, session);
    let cancelled = tokio::time::timeout(Duration::from_millis(50), client.customer().show(1).send()).await;
    assert!(cancelled.is_err(), "the request was cancelled while its refresh was in flight");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(store.latest().map(|t| t.refresh_token.unwrap().expose().to_owned()).as_deref(), Some("rotated"));
    assert_eq!(client.customer().show(1).send().await.unwrap().id, 1, "the next request uses the saved pair");
    assert_eq!(client.oauth_session().unwrap().refresh_count(), 1);
}

#[tokio::test]
async fn resume_returns_none_for_an_empty_store_and_a_session_for_saved_tokens() {
    let server = MockServer::start().await;
    mount_api(&server, "saved-access", 1).await;
    let store = Arc::new(MemoryTokenStore::new());
    assert!(OAuthSession::resume(config(&server, None), store.clone()).await.unwrap().is_none());
    store.save(&TokenSet::new("saved-access", Some(Secret::new("r")), Some(Duration::from_secs(3600)))).await.unwrap();
    let session = OAuthSession::resume(config(&server, None), store).await.unwrap().expect("a session");
    assert_eq!(client(&server, session).customer().show(1).send().await.unwrap().id, 1);
}
