//! Token stores that survive a restart: `FileTokenStore`'s document, its errors, its file
//! modes, concurrent writers in several real processes (one of them killed mid-write), and a
//! process that dies between a refresh and the save.
//!
//! Tests that need other processes start this test binary again with an environment
//! variable that selects the child's part (see `child_role`).
//!
//! Hand-written: `tests/` is not owned by the generator.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cirqll::oauth::{OAuthConfig, OAuthSession, Secret, TokenSet, TokenStore};
use cirqll::runtime::auth::{FileTokenStore, StoreFuture, TokenStoreErrorKind};
use cirqll::{Client, Error};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A fresh directory under cargo's scratch space for integration tests.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "tokens-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tokens(access: &str, refresh: Option<&str>, expires_at: Option<SystemTime>) -> TokenSet {
    TokenSet { access_token: Secret::new(access), refresh_token: refresh.map(Secret::new), expires_at }
}

/// Temporary files a save leaves beside `file` (`.<name>.<pid>.<n>.tmp`).
fn temp_files(file: &Path) -> Vec<String> {
    let prefix = format!(".{}.", file.file_name().unwrap().to_string_lossy());
    std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix) && n.ends_with(".tmp"))
        .collect()
}

#[test]
fn a_saved_token_set_loads_back_identically_in_the_documented_shape() {
    let dir = scratch("roundtrip");
    let store = FileTokenStore::new(dir.join("nested/deeper/tokens.json"));
    assert!(store.read().unwrap().is_none(), "no file yet is no tokens, not an error");
    let expires = UNIX_EPOCH + Duration::new(1_750_000_000, 123_456_789);
    for saved in [
        tokens("access-1", Some("refresh-1"), Some(expires)),
        tokens("access-2", None, None),
        tokens("access-3", Some("refresh-3"), Some(UNIX_EPOCH + Duration::from_secs(1_750_000_000))),
    ] {
        store.write(&saved).unwrap();
        assert_eq!(store.read().unwrap(), Some(saved));
    }
    store.write(&tokens("access-4", Some("refresh-4"), Some(expires))).unwrap();
    let document: serde_json::Value = serde_json::from_slice(&std::fs::read(store.path()).unwrap()).unwrap();
    assert_eq!(
        document,
        serde_json::json!({
            "version": 1,
            "access_token": "access-4",
            "refresh_token": "refresh-4",
            "expires_at": "2025-06-15T15:06:40.123456789Z",
        })
    );
    assert!(temp_files(store.path()).is_empty(), "a save leaves no temporary file behind");
    store.delete().unwrap();
    assert!(store.read().unwrap().is_none());
    store.delete().unwrap();
}

#[test]
fn unreadable_documents_are_errors_that_name_the_path_and_never_quote_tokens() {
    let dir = scratch("corrupt");
    let file = dir.join("tokens.json");
    let store = FileTokenStore::new(&file);
    let good = r#"{"version": 1, "access_token": "access-SECRET", "refresh_token": "refresh-SECRET", "expires_at": null}"#;
    let cases: &[(&str, &str)] = &[
        ("", "empty"),
        ("  \n", "empty"),
        (&good[..good.len() / 2], "ends early"),
        ("access-SECRET", "not valid JSON"),
        (r#"["access-SECRET"]"#, "not a JSON object"),
        (r#"{"access_token": "access-SECRET"}"#, "no `version` field"),
        (r#"{"version": "1", "access_token": "access-SECRET"}"#, "`version` is not a whole number"),
        (r#"{"version": 1, "refresh_token": "refresh-SECRET"}"#, "missing field `access_token`"),
        (r#"{"version": 1, "access_token": "access-SECRET", "refresh_token": 5}"#, "`refresh_token` has the wrong type"),
        (
            r#"{"version": 1, "access_token": "access-SECRET", "expires_at": "tomorrow-SECRET"}"#,
            "`expires_at` is not an RFC 3339 date-time",
        ),
    ];
    for (content, expected) in cases {
        std::fs::write(&file, content).unwrap();
        let err = store.read().expect_err(content);
        assert!(matches!(err.kind, TokenStoreErrorKind::Corrupt(_)), "{content:?}: {err:?}");
        let printed = format!("{err} {err:?}");
        assert!(printed.contains(&file.display().to_string()), "{content:?}: the path is missing from {printed}");
        assert!(printed.contains(expected), "{content:?}: expected {expected:?} in {printed}");
        assert!(!printed.contains("SECRET"), "{content:?}: a value leaked into {printed}");
    }
    std::fs::write(&file, r#"{"version": 2, "access_token": "access-SECRET", "scheme": "new"}"#).unwrap();
    let err = store.read().unwrap_err();
    assert!(matches!(err.kind, TokenStoreErrorKind::UnsupportedVersion(2)), "{err:?}");
    assert!(err.to_string().contains(&file.display().to_string()), "{err}");
    assert!(err.to_string().contains("version 2 is not supported"), "{err}");
    // Through the session too: a corrupt file is never mistaken for "not logged in".
    std::fs::write(&file, &good[..10]).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let config = config("http://127.0.0.1:9");
    let err = runtime.block_on(OAuthSession::resume(config, Arc::new(store))).unwrap_err();
    assert!(matches!(err, Error::Auth(cirqll::runtime::error::AuthError::Load(_))), "{err:?}");
    assert!(err.to_string().contains(&file.display().to_string()), "{err}");
}

#[cfg(unix)]
#[test]
fn the_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = scratch("mode");
    let file = dir.join("private/tokens.json");
    let store = FileTokenStore::new(&file);
    store.write(&tokens("a", Some("r"), None)).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(file.parent().unwrap()), 0o700, "a directory the store creates is private too");
    // An existing file with a looser mode is replaced by a new, private one.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    store.write(&tokens("b", Some("r"), None)).unwrap();
    assert_eq!(mode(&file), 0o600);
}

#[tokio::test]
async fn the_store_trait_saves_and_loads_through_blocking_threads() {
    let dir = scratch("trait");
    let store: Arc<dyn TokenStore> = Arc::new(FileTokenStore::new(dir.join("tokens.json")));
    assert_eq!(store.load().await.unwrap(), None);
    let saved = tokens("access", Some("refresh"), Some(UNIX_EPOCH + Duration::from_secs(2_000_000_000)));
    store.save(&saved).await.unwrap();
    assert_eq!(store.load().await.unwrap(), Some(saved));
    // A save that cannot happen (the parent "directory" is a file) names the path.
    std::fs::write(dir.join("blocker"), "").unwrap();
    let blocked = FileTokenStore::new(dir.join("blocker/tokens.json"));
    let err = TokenStore::save(&blocked, &tokens("a", None, None)).await.unwrap_err();
    assert!(err.contains(&dir.join("blocker/tokens.json").display().to_string()), "{err}");
}

// ---------------------------------------------------------------------------------------
// Several processes

/// The part a re-invoked test binary plays, from `CIRQLL_TOKENS_CHILD`.
fn child_role() -> Option<String> {
    std::env::var("CIRQLL_TOKENS_CHILD").ok()
}

/// A child process, killed when dropped, so a failing test leaves none behind.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts this test binary running only `test`, as a child with `role`.
fn spawn_child(test: &str, role: &str, envs: &[(&str, String)]) -> ChildGuard {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env("CIRQLL_TOKENS_CHILD", role)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    ChildGuard(cmd.spawn().unwrap())
}

/// A token set whose parts all carry the same label, so a mixed-up document shows.
fn labelled(label: &str) -> TokenSet {
    let n: u64 = label.bytes().map(u64::from).sum();
    tokens(&format!("access-{label}"), Some(&format!("refresh-{label}")), Some(UNIX_EPOCH + Duration::from_secs(n)))
}

/// Loads the file and checks that the document is whole: all parts from the same save.
fn load_whole(store: &FileTokenStore) -> String {
    let t = store.read().unwrap_or_else(|e| panic!("a reader saw a broken document: {e}")).expect("the file exists");
    let label = t.access_token.expose().strip_prefix("access-").unwrap().to_owned();
    assert_eq!(t, labelled(&label), "a document mixes two saves");
    label
}

/// Writes `count` labelled token sets from each of `threads` threads, reading in between;
/// stops early after a minute whatever the count.
fn write_many(store: &FileTokenStore, who: &str, threads: usize, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    std::thread::scope(|s| {
        for t in 0..threads {
            s.spawn(move || {
                for i in (0..count).take_while(|_| Instant::now() < deadline) {
                    store.write(&labelled(&format!("{who}-{t}-{i}"))).unwrap();
                    load_whole(store);
                }
            });
        }
    });
}

#[test]
fn concurrent_processes_and_threads_never_corrupt_the_file() {
    const TEST: &str = "concurrent_processes_and_threads_never_corrupt_the_file";
    if let Some(role) = child_role() {
        let store = FileTokenStore::new(std::env::var("CIRQLL_TOKEN_FILE").unwrap());
        if role == "forever" {
            // Writes until the parent kills it (SIGKILL on Unix), at any point of a save
            // (or for a minute, should the parent be gone).
            write_many(&store, "killed", 1, usize::MAX);
        }
        write_many(&store, &role, 2, 25);
        return;
    }
    let dir = scratch("processes");
    let file = dir.join("tokens.json");
    let store = FileTokenStore::new(&file);
    store.write(&labelled("initial")).unwrap();
    let env = [("CIRQLL_TOKEN_FILE", file.display().to_string())];
    let mut killed = spawn_child(TEST, "forever", &env);
    // Kill it once it is writing for sure, at whatever point of a save it then is.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !load_whole(&store).starts_with("killed") {
        assert!(Instant::now() < deadline, "the forever-writer never wrote");
    }
    let writers: Vec<ChildGuard> = (0..3).map(|p| spawn_child(TEST, &format!("process{p}"), &env)).collect();
    let reads = AtomicUsize::new(0);
    std::thread::scope(|s| {
        s.spawn(|| write_many(&store, "parent", 2, 25));
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            killed.0.kill().unwrap();
            killed.0.wait().unwrap();
        });
        for mut w in writers {
            while w.0.try_wait().unwrap().is_none() {
                load_whole(&store);
                reads.fetch_add(1, Ordering::Relaxed);
            }
            assert!(w.0.wait().unwrap().success(), "a writer process failed");
        }
    });
    assert!(reads.load(Ordering::Relaxed) > 0);
    // After a writer died mid-save, the file is still whole and still takes saves.
    store.write(&labelled("final")).unwrap();
    assert_eq!(load_whole(&store), "final");
    // Only the killed writer may leave a temporary file behind.
    let killed_prefix = format!(".tokens.json.{}.", killed.0.id());
    let strays: Vec<_> = temp_files(&file).into_iter().filter(|n| !n.starts_with(&killed_prefix)).collect();
    assert!(strays.is_empty(), "finished writers left {strays:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

// ---------------------------------------------------------------------------------------
// A crash between refresh and save

fn config(server: &str) -> OAuthConfig {
    OAuthConfig {
        client_id: "7".into(),
        client_secret: Some(Secret::new("client-secret-value")),
        redirect_uri: "http://127.0.0.1/callback".into(),
        authorize_url: format!("{server}/oauth/authorize").parse().unwrap(),
        token_url: format!("{server}/oauth/token").parse().unwrap(),
    }
}

/// An authorization server that remembers the tokens it issued. Refresh tokens stay valid
/// after use (the server does not rotate them); access tokens are valid until `expire_all`.
#[derive(Clone, Default)]
struct Tokens(Arc<Mutex<(HashSet<String>, usize)>>);

impl Tokens {
    fn issued(&self) -> usize {
        self.0.lock().unwrap().1
    }
    fn expire_all(&self) {
        self.0.lock().unwrap().0.clear();
    }
}

struct TokenEndpoint(Tokens, HashSet<String>);
impl Respond for TokenEndpoint {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let form: std::collections::HashMap<String, String> = url::form_urlencoded::parse(&req.body).into_owned().collect();
        let known = form.get("refresh_token").is_some_and(|r| self.1.contains(r));
        if form.get("grant_type").map(String::as_str) != Some("refresh_token") || !known {
            return ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": "invalid_grant"}));
        }
        let mut state = (self.0).0.lock().unwrap();
        state.1 += 1;
        let access = format!("access-{}", state.1);
        state.0.insert(access.clone());
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"access_token": access, "expires_in": 3600}))
    }
}

/// The API: a customer for a valid access token, 401 otherwise.
struct Api(Tokens);
impl Respond for Api {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let auth = req.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
        if auth.strip_prefix("Bearer ").is_some_and(|t| (self.0).0.lock().unwrap().0.contains(t)) {
            ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "id": 1, "name": "Customer 1", "user_id": 5,
                "created_at": "2024-05-18 13:38:35", "updated_at": "2024-05-18T13:38:35+02:00",
            }))
        } else {
            ResponseTemplate::new(401).set_body_json(serde_json::json!({"message": "Unauthenticated."}))
        }
    }
}

async fn authorization_server(refresh_tokens: &[&str]) -> (MockServer, Tokens) {
    let server = MockServer::start().await;
    let tokens = Tokens::default();
    let valid = refresh_tokens.iter().map(|s| s.to_string()).collect();
    Mock::given(method("POST")).and(path("/oauth/token")).respond_with(TokenEndpoint(tokens.clone(), valid)).mount(&server).await;
    Mock::given(method("GET")).and(path("/customer/1")).respond_with(Api(tokens.clone())).mount(&server).await;
    (server, tokens)
}

/// A store that dies with the process the moment it is asked to save, after leaving a
/// partial temporary file, as a crash in the middle of `FileTokenStore::write` would.
struct DieOnSave(PathBuf);
impl TokenStore for DieOnSave {
    fn save<'a>(&'a self, _: &'a TokenSet) -> StoreFuture<'a> {
        let partial = self.0.with_file_name(".tokens.json.4242.0.tmp");
        std::fs::write(partial, br#"{"version": 1, "access_token": "acc"#).unwrap();
        std::process::exit(86)
    }
}

#[tokio::test]
async fn a_crash_between_refresh_and_save_leaves_the_previous_tokens_loadable_and_working() {
    const TEST: &str = "a_crash_between_refresh_and_save_leaves_the_previous_tokens_loadable_and_working";
    if child_role().as_deref() == Some("crash") {
        let file = PathBuf::from(std::env::var("CIRQLL_TOKEN_FILE").unwrap());
        let tokens = FileTokenStore::new(&file).read().unwrap().unwrap();
        let server = std::env::var("CIRQLL_SERVER").unwrap();
        let session = OAuthSession::new(config(&server), tokens, Arc::new(DieOnSave(file)));
        let client = Client::builder().base_url(&server).oauth(session).build().unwrap();
        let _ = client.customer().show(1).send().await;
        unreachable!("the store ends the process");
    }
    let (server, issued) = authorization_server(&["refresh-0"]).await;
    let dir = scratch("crash");
    let file = dir.join("tokens.json");
    let store = Arc::new(FileTokenStore::new(&file));
    let before = tokens("access-0", Some("refresh-0"), None);
    store.write(&before).unwrap();

    let mut child =
        spawn_child(TEST, "crash", &[("CIRQLL_TOKEN_FILE", file.display().to_string()), ("CIRQLL_SERVER", server.uri())]);
    let status = child.0.wait().unwrap();
    assert_eq!(status.code(), Some(86), "the child must die inside save, after its refresh");
    assert_eq!(issued.issued(), 1, "the child refreshed before it died");

    // Next start: the previous document is whole, and its refresh token still works.
    assert_eq!(store.read().unwrap(), Some(before));
    issued.expire_all();
    let session = OAuthSession::resume(config(&server.uri()), store.clone()).await.unwrap().expect("saved tokens");
    let client = Client::builder().base_url(server.uri()).oauth(session).build().unwrap();
    assert_eq!(client.customer().show(1).send().await.unwrap().id, 1);
    let after = store.read().unwrap().unwrap();
    assert_eq!((after.access_token.expose(), after.refresh_token.unwrap().expose()), ("access-2", "refresh-0"));
}
