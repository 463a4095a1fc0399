//! The audit is polite and careful: a refused token stops it at once with a message naming
//! the scope the operation needs; a 429 is waited out; `--max-requests` is a hard limit; an
//! unreachable API is an error (exit 2) without findings; bad input is refused (exit 2); and
//! the token appears nowhere in what the audit prints or writes, even when the server echoes it.
//!
//! The API is `tests/fixtures/audit_drift.yaml` (the drift fixture with the audit's overlay
//! applied), served by the drift server, which it describes: without interference, no findings.

#![cfg(feature = "audit")]

mod audit_common;

use std::time::{Duration, Instant};

use audit_common::*;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer};

const TOKEN: &str = "polite-secret-9f31c7";

fn spec() -> String {
    root().join("generator/tests/fixtures/audit_drift.yaml").display().to_string()
}

fn env() -> Vec<(String, String)> {
    vec![("POLITE_TOKEN".into(), TOKEN.into())]
}

fn audit(server: &MockServer, extra: &[&str]) -> Vec<String> {
    let api = format!("{}/api", server.uri());
    let spec = spec();
    let mut a = args(&["audit", "--spec", &spec, "--base-url", &api, "--token-env", "POLITE_TOKEN"]);
    a.extend(args(extra));
    a
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spec_describes_the_server_without_interference() {
    let server = drifted_server(TOKEN, false).await;
    let run = cli(audit(&server, &[]), env()).await;
    assert_eq!(run.code, 0, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("No findings"), "{}", run.stdout);
    assert_eq!(server.received_requests().await.unwrap().len(), 4, "two pages and two eager-loading batches");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_stops_the_run_and_names_the_scope() {
    for (status, reason) in [(401, "401 Unauthorized"), (403, "403 Forbidden")] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(json(status, json!({"message": "Unauthenticated."})))
            .mount(&server)
            .await;
        let dir = scratch(&format!("refused-{status}"));
        let report = dir.join("report.json").display().to_string();
        let run = cli(audit(&server, &["--report", &report]), env()).await;
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.stderr.contains(&format!("the API refused the token: {reason} on customerIndex (GET /customer)")),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("needs the scope `customer.read.all`"), "{}", run.stderr);
        assert!(run.stderr.contains("$POLITE_TOKEN (not shown)"), "{}", run.stderr);
        assert!(!run.stderr.contains(TOKEN) && !run.stdout.contains(TOKEN));
        assert_eq!(server.received_requests().await.unwrap().len(), 1, "the run stops at the first refusal");
        assert!(!dir.join("report.json").exists(), "a stopped run writes no report");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_waited_out_then_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/customer"))
        .and(query_param("offset", "0"))
        .respond_with(
            json(429, json!({"message": "Too Many Requests"}))
                .insert_header("Retry-After", "1")
                .insert_header("X-RateLimit-Remaining", "0"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_drifted(&server, TOKEN, false).await;
    let dir = scratch("throttled");
    let report_path = dir.join("report.json");
    let started = Instant::now();
    let run = cli(audit(&server, &["--report", &report_path.display().to_string()]), env()).await;
    let elapsed = started.elapsed();
    assert_eq!(run.code, 0, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert!(elapsed >= Duration::from_secs(1), "Retry-After: 1 was honoured ({elapsed:?})");
    let report = report(&report_path);
    let index = &report["operations"][0];
    assert_eq!((index["operation"].as_str(), index["requests"].as_u64()), (Some("customerIndex"), Some(3)));
    assert_eq!(index["statuses"], json!([200, 429]));
    assert_eq!(report["requests"], 5);
    assert!(
        report["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("429 on GET")),
        "{report:#}"
    );
    // The 429 reply was checked like any other: its headers and body match the spec.
    assert_eq!(report["findings"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_requests_is_a_hard_limit() {
    let server = drifted_server(TOKEN, false).await;
    let dir = scratch("budget");
    let report_path = dir.join("report.json");
    let run =
        cli(audit(&server, &["--max-requests", "2", "--report", &report_path.display().to_string()]), env()).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    let report = report(&report_path);
    assert_eq!(report["requests"], 2);
    let show = report["operations"].as_array().unwrap().iter().find(|o| o["operation"] == "customerShow").unwrap();
    assert_eq!(show["requests"], 0);
    assert_eq!(show["skipped"], "the request budget (--max-requests 2) was used up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_api_is_an_error_without_findings() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = scratch("unreachable");
    let report = dir.join("report.json").display().to_string();
    let overlay = dir.join("overlay.yaml").display().to_string();
    let spec = spec();
    let run = cli(
        args(&[
            "audit",
            "--spec",
            &spec,
            "--base-url",
            &format!("http://127.0.0.1:{port}/api"),
            "--token-env",
            "POLITE_TOKEN",
            "--report",
            &report,
            "--overlay",
            &overlay,
        ]),
        env(),
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(&format!("cannot audit: http://127.0.0.1:{port}/api/customer: cannot connect")),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "", "no summary, no findings");
    assert!(!dir.join("report.json").exists() && !dir.join("overlay.yaml").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let spec = spec();
    let api = format!("{}/api", server.uri());
    let no_env = Vec::new;
    let cases = [
        (
            args(&["audit", "--spec", &spec, "--base-url", &api, "--token-env", "NO_SUCH_TOKEN_VAR"]),
            no_env(),
            "the token variable NO_SUCH_TOKEN_VAR is not set",
        ),
        (
            args(&["audit", "--spec", &spec, "--server", "https://nowhere.example=http://127.0.0.1:1"]),
            env(),
            "the spec has no server `https://nowhere.example`; its servers are `https://api.example.test/api`",
        ),
        (args(&["audit", "--spec", "/no/such/spec.yaml", "--base-url", &api]), vec![], "/no/such/spec.yaml"),
        (
            args(&[
                "audit",
                "--spec",
                &root().join("generator/tests/audit/responses/created.json").display().to_string(),
            ]),
            no_env(),
            "missing the `openapi` (or `swagger`) version field",
        ),
    ];
    for (a, e, expected) in cases {
        let run = cli(a.clone(), e).await;
        assert_eq!(run.code, 2, "{a:?}: {run:?}");
        assert!(run.stderr.contains(expected), "{a:?}: {}", run.stderr);
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_appears_nowhere_even_when_the_server_echoes_it() {
    let server = MockServer::start().await;
    // The first page echoes the token in a field the spec types as an enum.
    let mut page = body("index-page1");
    page["data"][0]["status"] = json!(format!("Bearer {TOKEN}"));
    Mock::given(method("GET"))
        .and(path("/api/customer"))
        .and(query_param("offset", "0"))
        .respond_with(json(200, page))
        .with_priority(1)
        .mount(&server)
        .await;
    mount_drifted(&server, TOKEN, false).await;
    let dir = scratch("secret");
    let (report, overlay) = (dir.join("report.json"), dir.join("overlay.yaml"));
    let run = cli(
        audit(&server, &["--report", &report.display().to_string(), "--overlay", &overlay.display().to_string()]),
        env(),
    )
    .await;
    assert_eq!(run.code, 1, "the echoed value is a finding: {run:?}");
    let received = server.received_requests().await.unwrap();
    assert!(received.iter().all(|r| r.headers.get("authorization").unwrap() == format!("Bearer {TOKEN}").as_str()));
    let outputs = [
        ("stdout", run.stdout.clone()),
        ("stderr", run.stderr.clone()),
        ("report", std::fs::read_to_string(&report).unwrap()),
        ("overlay", std::fs::read_to_string(&overlay).unwrap()),
    ];
    for (name, text) in &outputs {
        assert!(!text.contains(TOKEN), "{name} shows the token:\n{text}");
    }
    assert!(outputs.iter().any(|(_, t)| t.contains("[redacted]")), "the echoed token was met and redacted");
}
