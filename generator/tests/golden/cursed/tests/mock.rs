//! The mock layer of a crate whose names collide with the mock's own (hand-written; the
//! generator keeps `tests/`): a tag accessor named like a `MockServer` method, an operation
//! named like the mock module's types, parameters named like `Expectation` methods, and path
//! values with characters that must be percent-encoded.

#![cfg(feature = "mock")]

use golden_cursed::mock::{ClientMock2, Expectation, MockServer, MockServer2};
use golden_cursed::models::{Expectation as Record, Option as Found, Result as Body};

#[tokio::test]
async fn a_path_value_is_matched_as_the_client_meant_it_not_as_it_was_encoded() {
    let server = MockServer::start().await;
    let value = "a b/c%2F?#é";
    let found = Found { type_: Some("x".into()), ..Default::default() };
    server.self_().get_self().with_type(value).returns(&found).expect(1).await;

    let client = server.client();
    let got = client.self_().get_self(value).send().await.unwrap();
    assert_eq!(got.value, found);
    let other = client.self_().get_self("a b").send().await.unwrap_err();
    assert_eq!(other.status(), Some(404), "another value does not match");

    let received = server.self_().get_self().received().await;
    assert_eq!(received.iter().map(|r| r.path_param("type")).collect::<Vec<_>>(), [Some(value), Some("a b")]);
}

#[tokio::test]
async fn colliding_names_are_numbered_and_every_matcher_works() {
    let server = MockServer::start().await;
    let body = Body { ok: Some(true) };
    // `client_2`: `client` is the mock server's own method; `MockServer2`: the module's type.
    let expectation: Expectation<MockServer2> = server.client_2().mock_server();
    expectation
        .with_key("k/1")
        .with_expect("e")
        .with_query_param("needle in a haystack")
        .query_param_contains_2("needle")
        .with_with(3)
        .with_returns("r")
        .with_body(&body)
        .returns(Record { x: Some("made".into()) })
        .expect(1)
        .await;
    let _: Expectation<ClientMock2> = server.client_2().mock();

    let made = server
        .client()
        .client()
        .mock_server("k/1", &body)
        .expect("e")
        .query_param("needle in a haystack")
        .with(3)
        .returns("r")
        .send()
        .await
        .unwrap();
    assert_eq!(made.value.x.as_deref(), Some("made"));
}

#[tokio::test]
async fn statuses_are_checked_against_exact_codes_ranges_and_bodyless_responses() {
    let server = MockServer::start().await;
    let mock = || server.client_2().mock_server();
    // 404 declares no body, other 4xx an `Error`.
    let refused = |set: &dyn Fn() -> Expectation<MockServer2>| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(set)).is_err()
    };
    assert!(refused(&|| mock().returns_json(404, serde_json::json!({"message": "gone"}))));
    assert!(!refused(&|| mock().returns_empty(404)));
    assert!(!refused(&|| mock().returns_json(409, serde_json::json!({"message": "taken"}))));
    assert!(refused(&|| mock().returns_json(409, serde_json::json!({"message": 1}))));
    assert!(refused(&|| mock().returns_empty(409)));
    // Undeclared statuses take any body.
    assert!(!refused(&|| mock().returns_json(500, serde_json::json!(["anything"]))));
}
