//! The `oauth_login` example end to end: its login module runs against wiremock as the
//! authorization server, token endpoint and API, while this test plays the browser (follows
//! the authorization URL to the server's redirect, then to the example's loopback listener).
//!
//! Hand-written: `tests/` is not owned by the generator.

#[path = "../examples/oauth_login/login.rs"]
mod login;

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use cirqll::runtime::auth::FileTokenStore;
use sha2::Digest as _;
use tokio::sync::oneshot;
use url::Url;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The authorization endpoint: checks the request, remembers the PKCE challenge, and sends
/// the browser back to the redirect URI with a code, or with `error` when `deny` is set.
struct Authorize {
    challenge: Arc<Mutex<Option<String>>>,
    deny: bool,
}

impl Respond for Authorize {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let q: std::collections::HashMap<String, String> = req.url.query_pairs().into_owned().collect();
        let expected = [("response_type", "code"), ("client_id", "cli-7"), ("code_challenge_method", "S256")];
        if expected.iter().any(|(k, v)| q.get(*k).map(String::as_str) != Some(*v))
            || q.get("scope").map(String::as_str) != Some("customer.read.all contact.read.all")
        {
            return ResponseTemplate::new(400).set_body_string(format!("unexpected authorization request {q:?}"));
        }
        *self.challenge.lock().unwrap() = q.get("code_challenge").cloned();
        let mut back: Url = q["redirect_uri"].parse().unwrap();
        if self.deny {
            back.query_pairs_mut().append_pair("error", "access_denied").append_pair("state", &q["state"]);
        } else {
            back.query_pairs_mut().append_pair("code", "the-code").append_pair("state", &q["state"]);
        }
        ResponseTemplate::new(302).insert_header("Location", back.as_str())
    }
}

/// The token endpoint: grants tokens only for the code with the verifier of the challenge.
struct Token(Arc<Mutex<Option<String>>>);

impl Respond for Token {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let form: std::collections::HashMap<String, String> = url::form_urlencoded::parse(&req.body).into_owned().collect();
        let verifier = form.get("code_verifier").cloned().unwrap_or_default();
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
        let ok = form.get("code").map(String::as_str) == Some("the-code")
            && form.get("redirect_uri").is_some_and(|r| r.starts_with("http://127.0.0.1:") && r.ends_with("/callback"))
            && self.0.lock().unwrap().as_deref() == Some(challenge.as_str());
        if !ok {
            return ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": "invalid_grant"}));
        }
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "token_type": "Bearer", "expires_in": 3600, "access_token": "login-access", "refresh_token": "login-refresh"
        }))
    }
}

async fn authorization_server(deny: bool) -> MockServer {
    let server = MockServer::start().await;
    let challenge = Arc::new(Mutex::new(None));
    Mock::given(method("GET"))
        .and(path("/oauth/authorize"))
        .respond_with(Authorize { challenge: challenge.clone(), deny })
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(Token(challenge))
        .expect(if deny { 0 } else { 1 })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/auth/me"))
        .and(header("authorization", "Bearer login-access"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "id": 1, "name": "Casey Dach", "email": "casey@example.com",
            "created_at": "2024-05-18T13:38:35Z", "updated_at": "2024-05-18T13:38:35Z",
            "company": {"id": 1, "name": "Cirqll B.V.", "created_at": "2024-05-18T13:38:35Z", "updated_at": "2024-05-18T13:38:35Z"}
        })))
        .expect(if deny { 0 } else { 1 })
        .mount(&server)
        .await;
    server
}

fn options(server: &MockServer, token_file: std::path::PathBuf) -> login::Options {
    login::Options {
        client_id: "cli-7".into(),
        client_secret: None,
        port: 0,
        token_file,
        scopes: vec!["customer.read.all".into(), "contact.read.all".into()],
        authorize_url: Some(format!("{}/oauth/authorize", server.uri()).parse().unwrap()),
        token_url: Some(format!("{}/oauth/token", server.uri()).parse().unwrap()),
        base_url: Some(server.uri()),
    }
}

/// The browser: no automatic redirects, so each hop is checked.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Opens the authorization URL and returns where the server sends the browser back to.
async fn authorize(browser: &reqwest::Client, url: Url) -> Url {
    let response = browser.get(url).send().await.unwrap();
    assert_eq!(response.status(), 302, "{}", response.text().await.unwrap());
    response.headers()["location"].to_str().unwrap().parse().unwrap()
}

fn token_file(name: &str) -> std::path::PathBuf {
    let file = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("oauth-login-{name}-{}", std::process::id()))
        .join("tokens.json");
    let _ = std::fs::remove_file(&file);
    file
}

#[tokio::test]
async fn the_example_logs_in_through_the_loopback_listener_and_saves_the_tokens() {
    let server = authorization_server(false).await;
    let file = token_file("ok");
    let (url_tx, url_rx) = oneshot::channel();
    let browser_task = tokio::spawn(async move {
        let browser = browser();
        let callback = authorize(&browser, url_rx.await.unwrap()).await;
        assert_eq!((callback.host_str(), callback.path()), (Some("127.0.0.1"), "/callback"));
        // Stray and forged requests first: they are refused and do not end the login.
        let mut other = callback.clone();
        other.set_path("/favicon.ico");
        assert_eq!(browser.get(other).send().await.unwrap().status(), 404);
        let mut forged = callback.clone();
        forged.set_query(Some("code=attacker-code&state=forged"));
        assert_eq!(browser.get(forged).send().await.unwrap().status(), 400);
        let page = browser.get(callback).send().await.unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("You can close this tab"));
    });
    let done = login::run(options(&server, file.clone()), move |url| url_tx.send(url.clone()).unwrap()).await.unwrap();
    browser_task.await.unwrap();
    assert_eq!((done.user.as_str(), done.company.as_str(), done.token_file.as_path()), ("Casey Dach", "Cirqll B.V.", file.as_path()));
    let saved = FileTokenStore::new(&file).read().unwrap().expect("tokens on disk");
    assert_eq!(saved.access_token.expose(), "login-access");
    assert_eq!(saved.refresh_token.unwrap().expose(), "login-refresh");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[tokio::test]
async fn a_denied_login_ends_with_the_servers_error_and_saves_nothing() {
    let server = authorization_server(true).await;
    let file = token_file("denied");
    let (url_tx, url_rx) = oneshot::channel();
    let browser_task = tokio::spawn(async move {
        let browser = browser();
        let callback = authorize(&browser, url_rx.await.unwrap()).await;
        assert_eq!(browser.get(callback).send().await.unwrap().status(), 400);
    });
    let err = login::run(options(&server, file.clone()), move |url| url_tx.send(url.clone()).unwrap()).await.unwrap_err();
    browser_task.await.unwrap();
    assert!(err.to_string().contains("access_denied"), "{err}");
    assert!(!file.exists(), "nothing is saved");
}

#[tokio::test]
async fn unknown_scopes_are_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    let mut opts = options(&server, token_file("scope"));
    opts.scopes.push("customer.read.everything".into());
    let err = login::run(opts, |_| panic!("no URL for a bad scope")).await.unwrap_err();
    assert!(err.to_string().contains("unknown scope `customer.read.everything`"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}
