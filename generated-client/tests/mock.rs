//! Behaviour of the typed mock server (feature `mock`) beyond what `cirqll-downstream`'s tests
//! show: reply checks, partial records, typed query and header matchers, servers other than
//! the first, sequences with fallbacks, raw wiremock, delays, scoped guards and mounting errors.
//!
//! Hand-written: `tests/` is not owned by the generator.

#![cfg(feature = "mock")]

use std::time::Duration;

use cirqll::mock::wiremock::matchers::{header, query_param};
use cirqll::mock::wiremock::ResponseTemplate;
use cirqll::mock::{CustomerShow, Expectation, MockServer};
use cirqll::models::{
    AcceptLanguage, CustomerResponse, CustomerResponsePartial, TokenRequest, TokenRequestRefresh,
    TokenRequestRefreshGrantType, TokenResponse,
};
use cirqll::query::{CustomerField, CustomerRelation, Filter};
use cirqll::Error;

fn customer(id: u32) -> CustomerResponse {
    let json = serde_json::json!({
        "id": id, "name": format!("Customer {id}"), "user_id": 5,
        "created_at": "2024-05-18 13:38:35", "updated_at": "2024-05-18T13:38:35+02:00",
    });
    serde_json::from_value(json).unwrap()
}

/// The panic message of setting an expectation, if setting it panics.
fn refusal(set: impl FnOnce() -> Expectation<CustomerShow>) -> Option<String> {
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(set)).err()?;
    panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
}

#[tokio::test]
async fn untyped_reply_bodies_are_checked_against_the_declared_type_when_set() {
    let server = MockServer::start().await;
    let show = || server.customer().show();

    let wrong = refusal(|| show().returns_json(200, serde_json::json!({"id": "seven", "name": "Acme"})));
    let wrong = wrong.expect("a customer whose id is a string is refused");
    assert!(wrong.contains("GET /customer/{id} cannot reply 200"), "{wrong}");
    assert!(wrong.contains("at `id`"), "the message names the failing field: {wrong}");

    let error = refusal(|| show().returns_json(404, serde_json::json!({"errors": {}})));
    assert!(error.expect("an Exception without message is refused").contains("`message`"));
    let empty = refusal(|| show().returns_empty(200)).expect("the spec declares a body for 200");
    assert!(empty.contains("no body"), "{empty}");

    // A partial record is what the API sends when `show[]` asks for some fields.
    assert_eq!(refusal(|| show().returns_json(200, serde_json::json!({"id": 7}))), None);
    assert_eq!(refusal(|| show().returns_json(404, serde_json::json!({"message": "No query results."}))), None);
    assert_eq!(refusal(|| show().returns_json(500, serde_json::json!("not declared: anything goes"))), None);
}

#[tokio::test]
async fn typed_query_and_header_matchers_match_what_the_client_sends() {
    let server = MockServer::start().await;
    let partial = CustomerResponsePartial { id: Some(7), name: Some("Acme".into()), ..Default::default() };
    server
        .customer()
        .show()
        .with_id(7)
        .with_show([CustomerField::Id, CustomerField::Name])
        .with_with([CustomerRelation::Contacts])
        .with_accept_language(AcceptLanguage::Nl)
        .returns_partial(&partial)
        .expect(1)
        .await;
    let client = server.client();

    let got = client
        .customer()
        .show(7)
        .with([CustomerRelation::Contacts])
        .accept_language(AcceptLanguage::Nl)
        .show([CustomerField::Id, CustomerField::Name])
        .send()
        .await
        .unwrap();
    assert_eq!(got.value, partial);
    let unmatched = client.customer().show(7).show([CustomerField::Name, CustomerField::Id]).send().await;
    assert_eq!(unmatched.unwrap_err().status(), Some(404), "fields in another order, no relation, no language");
}

#[tokio::test]
async fn a_typed_filter_matches_exactly_and_filter_contains_loosely() {
    let server = MockServer::start().await;
    let filter = || Filter::field(CustomerField::Name).like("Acme%").and(Filter::field(CustomerField::UserId).eq(5));
    server.customer().index().with_filter(filter()).returns_page(vec![customer(1)], 1).expect(1).await;
    server.customer().index().filter_contains("name:like").returns_page(vec![], 0).expect(1).await;
    let client = server.client();

    let exact = client.customer().index().filter(filter()).send().await.unwrap();
    assert_eq!(exact.items.len(), 1);
    let loose = client.customer().index().filter(Filter::field(CustomerField::Name).like("B%")).send().await.unwrap();
    assert_eq!((loose.items.len(), loose.total), (0, Some(0)));
}

#[tokio::test]
async fn a_fixed_page_echoes_the_requested_limit_and_offset() {
    let server = MockServer::start().await;
    server.customer().index().returns_page(vec![customer(1), customer(2)], 40).await;

    let page = server.client().customer().index().limit(2).offset(10).send().await.unwrap();

    assert_eq!((page.items.len(), page.total), (2, Some(40)));
    let raw: serde_json::Value = reqwest::get(format!("{}/customer?limit=2&offset=10", server.uri()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((&raw["limit"], &raw["offset"], &raw["total"]), (&2.into(), &10.into(), &40.into()));
}

#[tokio::test]
async fn operations_of_another_server_are_served_under_their_own_prefix() {
    let server = MockServer::start().await;
    let refresh = TokenRequest::RefreshToken(TokenRequestRefresh {
        grant_type: TokenRequestRefreshGrantType::RefreshToken,
        client_id: "7".into(),
        client_secret: "secret".into(),
        refresh_token: "old".into(),
        scope: None,
    });
    let tokens = TokenResponse {
        token_type: "Bearer".into(),
        expires_in: 60,
        access_token: "new-access".into(),
        refresh_token: "new-refresh".into(),
    };
    server.oauth2().token().with_body(&refresh).returns(&tokens).expect(1).await;

    let got = server.client().oauth2().token(&refresh).send().await.unwrap();

    assert_eq!(got.value, tokens);
    let received = server.oauth2().token().received().await;
    assert_eq!(received[0].request.url.path(), "/__server1/token");
    assert_eq!(received[0].body, refresh, "decoded into the request type");
}

#[tokio::test]
async fn a_limited_expectation_gives_way_to_the_next_one() {
    let server = MockServer::start().await;
    server.customer().show().with_id(7).returns(customer(7)).up_to_n_times(1).expect(1).await;
    server.customer().show().returns_status(404, serde_json::json!({"message": "gone"})).expect(1).await;
    let client = server.client();

    assert_eq!(client.customer().show(7).send().await.unwrap().id, 7);
    assert_eq!(client.customer().show(7).send().await.unwrap_err().status(), Some(404));
}

#[tokio::test]
async fn raw_wiremock_matchers_and_responses_stay_available() {
    let server = MockServer::start().await;
    server
        .customer()
        .index()
        .matching(query_param("limit", "3"))
        .matching(header("user-agent", "cirqll/0.2.0"))
        .responds_with(ResponseTemplate::new(200).set_body_string("{ not json"))
        .expect(1)
        .await;

    let err = server.client().customer().index().limit(3).send().await.unwrap_err();

    assert!(matches!(err, Error::Decode(_)), "unchecked replies reach the client as they are: {err}");
}

#[tokio::test]
async fn a_delayed_reply_runs_into_the_client_timeout() {
    let server = MockServer::start().await;
    server.customer().show().returns(customer(1)).reply_delay(Duration::from_millis(500)).await;
    let client = server.client_builder().timeout(Some(Duration::from_millis(50))).build().unwrap();

    let err = client.customer().show(1).send().await.unwrap_err();

    assert!(matches!(&err, Error::Transport(t) if t.timeout), "{err}");
}

#[tokio::test]
async fn a_scoped_expectation_reports_what_it_answered_and_unmounts_on_drop() {
    let server = MockServer::start().await;
    server.customer().show().returns(customer(1)).priority(10).await;
    let client = server.client();
    {
        let guard = server.customer().show().with_id(2).returns(customer(2)).expect(1).mount_as_scoped().await;
        assert_eq!(client.customer().show(2).send().await.unwrap().id, 2);
        assert_eq!(client.customer().show(3).send().await.unwrap().id, 1, "the global expectation answers the rest");
        let answered = guard.received().await;
        assert_eq!(answered.iter().map(|r| r.path_param("id")).collect::<Vec<_>>(), [Some("2")]);
    }
    assert_eq!(client.customer().show(2).send().await.unwrap().id, 1, "the scoped expectation is gone");
}

#[tokio::test]
async fn mounting_an_expectation_without_a_reply_fails_loudly() {
    let server = MockServer::start().await;
    let mounted = tokio::spawn(server.customer().show().with_id(7).mount()).await;
    let panic = mounted.unwrap_err().into_panic();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("GET /customer/{id} id=7") && message.contains("has no reply"), "{message}");
}

#[tokio::test]
async fn an_override_mounted_later_wins_with_a_lower_priority_number() {
    let server = MockServer::start().await;
    // Set-up shared by many tests: every customer exists.
    server.customer().show().returns(customer(1)).await;
    // This test's override, mounted later: customer 7 is gone, twice, then back.
    let gone = serde_json::json!({"message": "No query results for model."});
    server.customer().show().with_id(7).returns_status(404, gone).up_to_n_times(2).priority(1).expect(2).await;
    let client = server.client();

    assert_eq!(client.customer().show(7).send().await.unwrap_err().status(), Some(404));
    assert_eq!(client.customer().show(3).send().await.unwrap().id, 1);
    assert_eq!(client.customer().show(7).send().await.unwrap_err().status(), Some(404));
    assert_eq!(client.customer().show(7).send().await.unwrap().id, 1, "the override is used up");
}
