//! The audit against Prism serving `spec/cirqll.yaml` from its own examples (static mode, the
//! default): the spec's examples must satisfy the spec, so the audit reports no finding, and
//! it must reach every GET operation of the spec, or say why not. Only the browser redirect
//! `oauth2Authorize` (a 302, no JSON body) may be skipped.
//!
//! Prism comes from npm (`@stoplight/prism-cli`); `cargo xtask test` installs it into `.tools/`.
//! Set `PRISM` to use another binary. Without either, the test says so loudly and passes.

#![cfg(feature = "audit")]

mod audit_common;

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use audit_common::*;
use serde_json::{json, Value};

/// A Prism process, killed on drop.
struct Prism {
    child: Child,
    url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn prism_binary() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("PRISM") {
        return Some(PathBuf::from(bin));
    }
    let bin = root().join(".tools/node_modules/.bin/prism");
    bin.exists().then_some(bin)
}

fn start_prism(bin: &PathBuf) -> Prism {
    assert!(bin.exists(), "PRISM is set to {}, which does not exist", bin.display());
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(bin)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(root().join("spec/cirqll.yaml"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting Prism");
    let prism = Prism { child, url: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "Prism did not start listening within 120 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    prism
}

/// operationId → method of every operation in the spec.
fn spec_operations() -> BTreeMap<String, String> {
    let spec: Value = serde_yaml::from_str(&std::fs::read_to_string(root().join("spec/cirqll.yaml")).unwrap()).unwrap();
    let mut ops = BTreeMap::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                ops.insert(id.to_owned(), method.clone());
            }
        }
    }
    ops
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spec_examples_pass_the_audit_and_every_get_is_covered() {
    let Some(bin) = prism_binary() else {
        eprintln!(
            "\n!!! SKIPPED audit_prism: Prism not found (set PRISM or run `cargo xtask test`, which installs it into .tools/) !!!\n"
        );
        return;
    };
    let prism = tokio::task::spawn_blocking(move || start_prism(&bin)).await.unwrap();
    let dir = scratch("prism");
    let report_path = dir.join("report.json");
    let spec = root().join("spec/cirqll.yaml").display().to_string();
    let oauth = format!("https://api.cirqll.nl/oauth={}", prism.url);
    let run = cli(
        args(&[
            "audit",
            "--spec",
            &spec,
            "--base-url",
            &prism.url,
            "--server",
            &oauth,
            "--token-env",
            "AUDIT_PRISM_TOKEN",
            "--report",
            &report_path.display().to_string(),
        ]),
        vec![("AUDIT_PRISM_TOKEN".into(), "prism-accepts-any-token".into())],
    )
    .await;
    assert_eq!(run.code, 0, "no findings expected\nstdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    let report = report(&report_path);
    assert_eq!(report["findings"], json!([]));

    let operations: BTreeMap<String, &Value> = report["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["operation"].as_str().unwrap().to_owned(), o))
        .collect();
    let mut skipped = Vec::new();
    for (id, method) in spec_operations() {
        let op = operations.get(&id).unwrap_or_else(|| panic!("{id} is missing from the report"));
        if method != "get" {
            assert_eq!(op["requests"], 0, "{id}: read-only by default");
            continue;
        }
        match op["requests"].as_u64().unwrap() {
            0 => skipped.push((id.clone(), op["skipped"].as_str().unwrap_or_default().to_owned())),
            _ => assert!(op["statuses"].as_array().unwrap().iter().all(|s| s == 200), "{id}: {op}"),
        }
    }
    assert_eq!(skipped.len(), 1, "only the authorize redirect may be skipped: {skipped:?}");
    assert_eq!(skipped[0].0, "oauth2Authorize");
    assert!(skipped[0].1.starts_with("no JSON success response"), "{:?}", skipped[0]);

    // Relations are eager-loaded within the weight limit: the customer's nine need two requests.
    assert_eq!(operations["customerShow"]["requests"], 2);
    // Prism serves the examples, so every inference the run used is confirmed, none refuted.
    let verdicts = report["provenance"].as_array().unwrap();
    assert!(verdicts.iter().all(|v| v["verdict"] != "refuted"));
    assert!(verdicts
        .iter()
        .any(|v| v["pointer"] == "#/components/schemas/CustomerResponse" && v["verdict"] == "confirmed"));
}
