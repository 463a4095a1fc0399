//! Helpers of the audit tests: running the `cirqll-codegen audit` binary and serving
//! Cirqll-shaped responses from wiremock.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// A fresh, empty scratch directory, unique per test name.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("audit").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `tests/audit/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/audit").join(name)
}

/// A recorded response body, `tests/audit/responses/<name>.json`.
pub fn body(name: &str) -> Value {
    let path = fixture("responses").join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// What a run of the binary left.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cirqll-codegen <args>` with `env` set, off the async runtime (the mock server must
/// keep answering meanwhile).
pub async fn cli(args: Vec<String>, env: Vec<(String, String)>) -> Run {
    tokio::task::spawn_blocking(move || {
        let out = Command::new(env!("CARGO_BIN_EXE_cirqll-codegen"))
            .args(&args)
            .envs(env)
            .env_remove("CIRQLL_TOKEN")
            .output()
            .expect("running cirqll-codegen");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

/// Arguments from string slices.
pub fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// A JSON response with the rate-limit headers every Cirqll response carries.
pub fn json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", "application/json")
        .insert_header("X-RateLimit-Limit", "600")
        .insert_header("X-RateLimit-Remaining", "599")
        .set_body_string(body.to_string())
}

/// The JSON report a run wrote.
pub fn report(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("the report was written")).unwrap()
}

/// The drifted API of `tests/audit/drift.yaml` (see `audit_drift.rs`), answering requests that
/// carry `token`; `strict` makes wiremock verify each request is made exactly once.
pub async fn drifted_server(token: &str, strict: bool) -> MockServer {
    let server = MockServer::start().await;
    mount_drifted(&server, token, strict).await;
    server
}

/// Mounts the drifted API's mocks on `server` (see [`drifted_server`]).
pub async fn mount_drifted(server: &MockServer, token: &str, strict: bool) {
    let bearer = format!("Bearer {token}");
    let auth = || header("authorization", bearer.as_str());
    let times = |m: Mock| if strict { m.expect(1) } else { m };
    let show = |b: Value| json(200, b).insert_header("X-Eager-Loading-Weight", "3");
    // Relations are loaded one per request: user and contacts weigh 3 each, the limit is 4.
    Mock::given(method("GET"))
        .and(|r: &Request| r.url.query_pairs().filter(|(k, _)| k == "with[]").count() > 1)
        .respond_with(json(400, json!({"message": "The eager-loading weight exceeds 4."})))
        .with_priority(1)
        .expect(0)
        .mount(server)
        .await;
    for m in [
        Mock::given(method("GET"))
            .and(path("/api/customer"))
            .and(query_param("limit", "2"))
            .and(query_param("offset", "0"))
            .and(auth())
            .respond_with(json(200, body("index-page1"))),
        Mock::given(method("GET"))
            .and(path("/api/customer"))
            .and(query_param("limit", "2"))
            .and(query_param("offset", "2"))
            .and(auth())
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-type", "application/json")
                    .insert_header("X-RateLimit-Limit", "600")
                    .set_body_string(body("index-page2").to_string()),
            ),
        Mock::given(method("GET"))
            .and(path("/api/customer/1"))
            .and(query_param("with[]", "user"))
            .and(query_param("count[]", "contacts"))
            .and(auth())
            .respond_with(show(body("show-user"))),
        Mock::given(method("GET"))
            .and(path("/api/customer/1"))
            .and(query_param("with[]", "contacts"))
            .and(auth())
            .respond_with(show(body("show-contacts"))),
        Mock::given(method("POST"))
            .and(path("/api/customer"))
            .and(body_json(json!({"name": "Lowe, Farrell and Leuschke", "status": "lead", "price": 100})))
            .and(auth())
            .respond_with(json(200, body("created"))),
        Mock::given(method("GET")).and(path("/api/customer/99")).and(auth()).respond_with(show(body("read-back"))),
        Mock::given(method("PATCH"))
            .and(path("/api/customer/99"))
            .and(body_json(json!({"name": "Lowe and Leuschke"})))
            .and(auth())
            .respond_with(json(200, body("updated"))),
        Mock::given(method("DELETE")).and(path("/api/customer/99")).and(auth()).respond_with(
            ResponseTemplate::new(204)
                .insert_header("X-RateLimit-Limit", "600")
                .insert_header("X-RateLimit-Remaining", "590"),
        ),
    ] {
        times(m).mount(server).await;
    }
}
