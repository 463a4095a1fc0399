//! Hand-written (kept on regeneration). This crate is generated from
//! `tests/fixtures/audit_drift.yaml`: the drift fixture `tests/audit/drift.yaml` with the
//! overlay `cirqll-codegen audit` wrote applied (`generator/tests/audit_drift.rs` checks that
//! byte for byte). Here the generated client decodes the very responses the audit was served,
//! `tests/audit/responses/*.json`, with their statuses, through its own request and decoding
//! path: the overlay's edits are what the client needed.

use futures_util::TryStreamExt;
use golden_audit_drift::models::{CustomerRequestStore, CustomerResponsePrice, CustomerResponseStatus};
use golden_audit_drift::query::{CustomerCount, CustomerRelation};
use golden_audit_drift::{Client, RetryPolicy};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A recorded response body of the drift test.
fn recorded(name: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../audit/responses");
    std::fs::read_to_string(format!("{dir}/{name}.json")).unwrap()
}

fn reply(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("content-type", "application/json").set_body_string(recorded(name))
}

async fn drifted_server() -> MockServer {
    let server = MockServer::start().await;
    let mocks = [
        Mock::given(method("GET"))
            .and(path("/customer"))
            .and(query_param("offset", "0"))
            .respond_with(reply(200, "index-page1")),
        Mock::given(method("GET"))
            .and(path("/customer"))
            .and(query_param("offset", "2"))
            .respond_with(reply(200, "index-page2")),
        Mock::given(method("GET"))
            .and(path("/customer/1"))
            .and(query_param("with[]", "user"))
            .respond_with(reply(200, "show-user")),
        Mock::given(method("GET"))
            .and(path("/customer/1"))
            .and(query_param("with[]", "contacts"))
            .respond_with(reply(200, "show-contacts")),
        // The audit's planted status drift: the create answers 200, not the 201 the docs implied.
        Mock::given(method("POST")).and(path("/customer")).respond_with(reply(200, "created")),
        Mock::given(method("GET")).and(path("/customer/99")).respond_with(reply(200, "read-back")),
        Mock::given(method("PATCH")).and(path("/customer/99")).respond_with(reply(200, "updated")),
        Mock::given(method("DELETE")).and(path("/customer/99")).respond_with(ResponseTemplate::new(204)),
    ];
    for m in mocks {
        m.expect(1).mount(&server).await;
    }
    server
}

#[tokio::test]
async fn the_client_decodes_every_drifted_response() {
    let server = drifted_server().await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("token")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let api = client.customer();

    // Both pages, through the client's own pagination.
    let records: Vec<_> = api.index().limit(2).stream().try_collect().await.unwrap();
    assert_eq!(records.iter().map(|r| r.id).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(records[0].price, Some(CustomerResponsePrice::Number(1200.5)));
    assert_eq!(records[1].price, Some(CustomerResponsePrice::String("12.50".into())), "a number sent as a string");
    assert_eq!(records[2].status, CustomerResponseStatus::Archived, "the new enum value");

    // The record with each relation eager-loaded.
    let with_user =
        api.show(1).with([CustomerRelation::User]).count([CustomerCount::Contacts]).send().await.unwrap().into_inner();
    assert_eq!(with_user.phone, Some(None), "null in the formerly non-nullable phone");
    assert_eq!(with_user.vat_number.as_deref(), Some("NL987654321B01"), "the field the docs lacked");
    let user = with_user.user.unwrap();
    assert_eq!((user.name.as_str(), user.email), ("Casey Dach", None), "the required email that was absent");
    assert_eq!(with_user.contacts_count, Some(1));
    let with_contacts = api.show(1).with([CustomerRelation::Contacts]).send().await.unwrap().into_inner();
    let contacts = with_contacts.contacts.unwrap();
    assert_eq!(contacts.data[0].created_at, "18-05-2024 13:38", "the date-time in another format");

    // The write cycle, the create answering 200.
    let body = CustomerRequestStore { name: "Lowe, Farrell and Leuschke".into(), status: None, price: Some(100.0) };
    let created = api.create(&body).send().await.unwrap();
    assert_eq!(created.into_inner().id, 99);
    assert_eq!(api.show(99).send().await.unwrap().into_inner().name, "Lowe, Farrell and Leuschke");
    let update = golden_audit_drift::models::CustomerRequestUpdate { name: Some("Lowe and Leuschke".into()) };
    assert_eq!(api.update(99, &update).send().await.unwrap().into_inner().name, "Lowe and Leuschke");
    api.delete(99).send().await.unwrap();
    server.verify().await;
}

#[test]
fn each_recorded_body_decodes_into_its_model() {
    use golden_audit_drift::models::{CustomerList, CustomerResponse};
    for page in ["index-page1", "index-page2"] {
        let list: CustomerList = serde_json::from_str(&recorded(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(!list.data.is_empty());
    }
    for record in ["show-user", "show-contacts", "created", "read-back", "updated"] {
        serde_json::from_str::<CustomerResponse>(&recorded(record)).unwrap_or_else(|e| panic!("{record}: {e}"));
    }
}
