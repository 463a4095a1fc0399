//! The audit against a server that drifted from its spec (`tests/audit/drift.yaml`): a
//! wiremock server answers the Cirqll-shaped operations with the recorded bodies of
//! `tests/audit/responses/`, into which one of each kind of drift is planted:
//!
//! | drift | where |
//! |---|---|
//! | a number sent as a string | `price` of the second record of the first page |
//! | a new enum value | `status` of the record on the second page |
//! | a missing rate-limit header | `X-RateLimit-Remaining` on the second page |
//! | `null` in a non-nullable field | `phone` of the record shown (both eager-loading batches) |
//! | an extra field | `vat_number` of the record shown (both batches) |
//! | a missing required field | `email` of the eager-loaded `user` |
//! | a date-time in another format | `created_at` of an eager-loaded contact |
//! | an undeclared status | the create answers 200 where the spec says 201 |
//!
//! Each must be reported exactly once with its kind, operation, status and both pointers,
//! nothing else may be reported, and the overlay the audit writes, applied to the spec, must
//! give `tests/fixtures/audit_drift.yaml` byte for byte: the spec of the golden crate whose
//! `tests/decode.rs` decodes these very responses with the generated client. Audited again with
//! that spec, the same server shows no findings.

#![cfg(feature = "audit")]

mod audit_common;

use audit_common::*;
use serde_json::{json, Value};
use wiremock::MockServer;

const TOKEN: &str = "drift-test-token-5b2e";

fn audit_args(spec: &str, server: &MockServer, dir: &std::path::Path) -> Vec<String> {
    let api = format!("{}/api", server.uri());
    let report = dir.join("report.json").display().to_string();
    let overlay = dir.join("overlay.yaml").display().to_string();
    args(&[
        "audit",
        "--spec",
        spec,
        "--base-url",
        &api,
        "--token-env",
        "DRIFT_TOKEN",
        "--allow-writes",
        "--report",
        &report,
        "--overlay",
        &overlay,
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_planted_drift_is_reported_once_and_the_overlay_makes_the_responses_valid() {
    let dir = scratch("drift");
    let spec = dir.join("drift.yaml");
    std::fs::copy(fixture("drift.yaml"), &spec).unwrap();
    let spec = spec.display().to_string();
    let env = vec![("DRIFT_TOKEN".to_owned(), TOKEN.to_owned())];

    let server = drifted_server(TOKEN, true).await;
    let run = cli(audit_args(&spec, &server, &dir), env.clone()).await;
    assert_eq!(run.code, 1, "findings exit 1\nstdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    server.verify().await;
    let report = report(&dir.join("report.json"));

    let mut found: Vec<(String, u64, String, String, String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["operation"].as_str().unwrap().to_owned(),
                f["status"].as_u64().unwrap(),
                f["kind"].as_str().unwrap().to_owned(),
                f["instance"].as_str().unwrap().to_owned(),
                f["schema"].as_str().unwrap().to_owned(),
                f["occurrences"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    let customer = |p: &str| format!("#/components/schemas/CustomerResponse{p}");
    let mut expected = vec![
        ("customerIndex", 200, "type-mismatch", "/data/1/price", customer("/properties/price/type"), 1),
        ("customerIndex", 200, "unknown-enum-value", "/data/0/status", customer("/properties/status/enum"), 1),
        ("customerIndex", 200, "missing-header", "", "#/components/headers/X-RateLimit-Remaining/required".into(), 1),
        // Both eager-loading batches return the record: one finding, seen twice.
        ("customerShow", 200, "type-mismatch", "/phone", customer("/properties/phone/type"), 2),
        ("customerShow", 200, "undocumented-field", "/vat_number", customer("/properties"), 2),
        (
            "customerShow",
            200,
            "missing-required",
            "/user/email",
            "#/components/schemas/UserResponse/required/2".into(),
            1,
        ),
        (
            "customerShow",
            200,
            "format-mismatch",
            "/contacts/data/0/created_at",
            "#/components/schemas/ContactResponse/properties/created_at/format".into(),
            1,
        ),
        ("customerCreate", 200, "undocumented-status", "", "#/paths/~1customer/post/responses".into(), 1),
    ]
    .into_iter()
    .map(|(o, s, k, i, p, n)| (o.to_owned(), s, k.to_owned(), i.to_owned(), p, n))
    .collect::<Vec<_>>();
    expected.sort();
    assert_eq!(found, expected, "report:\n{report:#}");
    let header_finding = report["findings"].as_array().unwrap().iter().find(|f| f["kind"] == "missing-header").unwrap();
    assert_eq!(header_finding["header"], "X-RateLimit-Remaining");

    // Every operation was called: two pages, two eager-loading batches plus the read back, the cycle.
    let requests: Vec<(String, u64)> = report["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["operation"].as_str().unwrap().to_owned(), o["requests"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        requests,
        [
            ("customerIndex".to_owned(), 2),
            ("customerCreate".to_owned(), 1),
            ("customerShow".to_owned(), 3),
            ("customerDelete".to_owned(), 1),
            ("customerUpdate".to_owned(), 1),
        ]
    );
    assert_eq!(report["requests"], 8);

    // Verdicts on the inferences: what a finding lies under is refuted, what was used is confirmed.
    let verdict = |p: &str| -> String {
        report["provenance"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["pointer"] == p)
            .map(|v| v["verdict"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("no verdict on {p}"))
    };
    assert_eq!(verdict("#/paths/~1customer/post"), "refuted");
    assert_eq!(verdict("#/paths/~1customer~1{id}/delete"), "confirmed");
    assert_eq!(verdict("#/components/schemas/CustomerResponse"), "refuted");
    assert_eq!(verdict("#/components/schemas/UserResponse"), "refuted");
    assert_eq!(verdict("#/components/schemas/ContactResponse"), "refuted");
    assert_eq!(verdict("#/components/schemas/CustomerResponse/x-query"), "confirmed");
    assert_eq!(verdict("#/components/parameters/With/x-eager-loading"), "confirmed");
    assert_eq!(verdict("#/components/parameters/AcceptLanguage"), "unobserved");
    assert_eq!(verdict("#/components/headers/Retry-After"), "unobserved");
    assert_eq!(report["provenance"].as_array().unwrap().len(), 9);

    // The summary names each finding.
    assert!(run.stdout.contains("customerCreate 200 undocumented-status at (response)"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Per kind: undocumented-field 1, missing-required 1, type-mismatch 2"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN));

    // The overlay, applied to the spec, is the golden fixture, comments and all.
    let patched = dir.join("patched.yaml");
    let apply = cli(
        args(&[
            "audit",
            "--spec",
            &spec,
            "--apply-overlay",
            &dir.join("overlay.yaml").display().to_string(),
            "--output",
            &patched.display().to_string(),
        ]),
        vec![],
    )
    .await;
    assert_eq!(apply.code, 0, "{}", apply.stderr);
    assert!(!apply.stderr.contains("warning"), "{}", apply.stderr);
    let golden = root().join("generator/tests/fixtures/audit_drift.yaml");
    let patched_text = std::fs::read_to_string(&patched).unwrap();
    if std::env::var_os("AUDIT_DRIFT_BLESS").is_some() {
        std::fs::write(&golden, &patched_text).unwrap();
    }
    assert_eq!(
        patched_text,
        std::fs::read_to_string(&golden).unwrap(),
        "the overlay applied to tests/audit/drift.yaml must give tests/fixtures/audit_drift.yaml (AUDIT_DRIFT_BLESS=1 rewrites it)"
    );

    // The patched spec describes the drifted server: no findings any more.
    let server = drifted_server(TOKEN, false).await;
    let again = dir.join("again");
    std::fs::create_dir_all(&again).unwrap();
    let run = cli(audit_args(&golden.display().to_string(), &server, &again), env).await;
    assert_eq!(run.code, 0, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert_eq!(report_of(&again)["findings"], json!([]));
}

fn report_of(dir: &std::path::Path) -> Value {
    report(&dir.join("report.json"))
}
