//! The mock answers in every success shape `send()` knows (a response enum, `Option<T>`,
//! bytes), matches parameters of every location as the client encodes them, and checks error
//! bodies against `default` (hand-written; the generator keeps `tests/`).

#![cfg(feature = "mock")]

use golden_parameters::apis::default::GetItemsItemIdPartsPartResponse;
use golden_parameters::mock::{Expectation, GetItemsItemIdPartsPart, MockServer};
use golden_parameters::models::{GetItemsItemIdPartsPartResponse202, Item};
use golden_parameters::DateTime;

#[tokio::test]
async fn every_parameter_location_is_matched_as_the_client_sends_it() {
    let server = MockServer::start().await;
    let since = DateTime::parse("2024-05-18 13:38:35").unwrap();
    let accepted = GetItemsItemIdPartsPartResponse202 { job: Some("j-1".into()) };
    server
        .default()
        .get_items_item_id_parts_part()
        .with_part("wheel")
        .with_item_id(7)
        .with_q("round things")
        .with_ids(vec![1, 2])
        .with_tag(vec!["a".to_owned(), "b".to_owned()])
        .with_since(since)
        .with_x_request_id("r-1")
        .with_session("s-1")
        .returns(GetItemsItemIdPartsPartResponse::Accepted(accepted.clone()))
        .expect(1)
        .await;

    let response = server
        .client()
        .default()
        .get_items_item_id_parts_part("wheel", 7, "round things")
        .ids(vec![1, 2])
        .tag(vec!["a".to_owned(), "b".to_owned()])
        .since(since)
        .x_request_id("r-1")
        .session("s-1")
        .send()
        .await
        .unwrap();

    assert_eq!((response.status, response.value), (202, GetItemsItemIdPartsPartResponse::Accepted(accepted)));
    let received = server.default().get_items_item_id_parts_part().received().await;
    assert_eq!((received[0].query("ids"), received[0].query("tag")), (vec!["1,2".to_owned()], vec!["a".into(), "b".into()]));
}

#[tokio::test]
async fn a_bodyless_status_beside_a_body_is_served_empty() {
    let server = MockServer::start().await;
    server.default().get_item().returns_empty(304).returns(Item { name: Some("bolt".into()) }).await;
    let client = server.client();

    let first = client.default().get_item(7).send().await.unwrap();
    assert_eq!((first.status, first.value), (304, None));
    let second = client.default().get_item(7).send().await.unwrap();
    assert_eq!(second.value.and_then(|i| i.name).as_deref(), Some("bolt"));
}

#[tokio::test]
async fn error_bodies_are_checked_against_the_default_response() {
    let server = MockServer::start().await;
    let refused = |set: &dyn Fn() -> Expectation<GetItemsItemIdPartsPart>| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(set)).is_err()
    };
    let op = || server.default().get_items_item_id_parts_part();
    assert!(!refused(&|| op().returns_json(500, serde_json::json!({"message": "boom"}))));
    assert!(refused(&|| op().returns_json(500, serde_json::json!({"message": 5}))), "default declares a string");
    assert!(!refused(&|| op().returns_empty(404)), "404 declares no body");
    assert!(refused(&|| op().returns_json(202, serde_json::json!({"job": 1}))));
}
