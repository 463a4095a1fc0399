//! Helpers of the audit tests: running the `cirqll-codegen audit` binary and serving
//! Cirqll-shaped responses from wiremock.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use wiremock::ResponseTemplate;

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
