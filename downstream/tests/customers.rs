//! Tests of `cirqll-downstream`'s own code against cirqll's typed mock server (feature
//! `mock`), written as the cirqll README shows: one expectation per operation the code calls,
//! in cirqll's types, so a change of the spec that breaks this code breaks these tests when
//! they compile.

use std::collections::BTreeMap;
use std::time::Duration;

use cirqll::mock::MockServer;
use cirqll::models::{CustomerRequestStore, CustomerResponse, Exception};
use cirqll_downstream::{Customers, RegisterError};

/// A customer record as the API sends it.
fn customer(id: u32, name: &str) -> CustomerResponse {
    let json = serde_json::json!({
        "id": id, "name": name, "user_id": 5, "website": "https://acme.example",
        "created_at": "2024-05-18 13:38:35", "updated_at": "2024-05-18T13:38:35+02:00",
    });
    serde_json::from_value(json).expect("a customer record")
}

fn error(message: &str, fields: &[(&str, &str)]) -> Exception {
    let errors: BTreeMap<String, Vec<String>> =
        fields.iter().map(|(field, message)| (field.to_string(), vec![message.to_string()])).collect();
    Exception { message: message.into(), errors: (!errors.is_empty()).then_some(errors) }
}

#[tokio::test]
async fn index_streams_the_filtered_list_over_three_pages() {
    let server = MockServer::start().await;
    let all: Vec<CustomerResponse> = (1..=5).map(|id| customer(id, &format!("Acme {id}"))).collect();
    server.customer().index().filter_contains("name:like").with_limit(2).returns_list(all).expect(3).await;

    let names = Customers::new(server.client(), 2).names_like("Acme%").await.unwrap();

    assert_eq!(names, ["Acme 1", "Acme 2", "Acme 3", "Acme 4", "Acme 5"]);
    let requests = server.customer().index().received().await;
    let pages: Vec<(Vec<String>, Vec<String>)> =
        requests.iter().map(|r| (r.query("offset"), r.query("filter"))).collect();
    let page = |offset: &str| (vec![offset.to_owned()], vec!["name:like:Acme%".to_owned()]);
    assert_eq!(pages, [page("0"), page("2"), page("4")], "three pages, each with the filter");
}

#[tokio::test]
async fn show_finds_a_customer_and_a_404_is_none() {
    let server = MockServer::start().await;
    server.customer().show().with_id(7).returns(customer(7, "Acme")).expect(1).await;
    let missing = error("No query results for model.", &[]);
    server.customer().show().with_id(8).returns_status(404, missing).expect(1).await;
    let customers = Customers::new(server.client(), 100);

    assert_eq!(customers.find(7).await.unwrap().map(|c| c.name), Some("Acme".to_owned()));
    assert_eq!(customers.find(8).await.unwrap(), None);
}

#[tokio::test]
async fn create_sends_the_typed_body() {
    let server = MockServer::start().await;
    let expected = CustomerRequestStore { name: "Acme".into(), user_id: 5, ..Default::default() };
    server.customer().create().with_body(&expected).returns(customer(9, "Acme")).expect(1).await;

    let created = Customers::new(server.client(), 100).register("Acme", 5).await.unwrap();

    assert_eq!(created.id, 9);
    let sent = server.customer().create().received().await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].body, expected, "the received body, decoded into cirqll's request type");
}

#[tokio::test]
async fn create_turns_a_422_into_field_errors() {
    let server = MockServer::start().await;
    let invalid = error("The name field is required.", &[("name", "The name field is required.")]);
    server.customer().create().returns_status(422, invalid).expect(1).await;

    let refused = Customers::new(server.client(), 100).register("", 5).await;

    match refused {
        Err(RegisterError::Invalid(fields)) => {
            assert_eq!(fields, BTreeMap::from([("name".to_owned(), vec!["The name field is required.".to_owned()])]))
        }
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[tokio::test]
async fn update_patches_the_name_and_clears_the_website() {
    let server = MockServer::start().await;
    server
        .customer()
        .update()
        .with_id(7)
        .body_matching(|b| b.name.as_deref() == Some("Acme BV") && b.website == Some(None) && b.email.is_none())
        .returns(customer(7, "Acme BV"))
        .expect(1)
        .await;

    let renamed = Customers::new(server.client(), 100).rename(7, "Acme BV").await.unwrap();

    assert_eq!(renamed.name, "Acme BV");
    let sent = server.customer().update().with_id(7).received().await;
    let json: serde_json::Value = sent[0].request.body_json().unwrap();
    assert_eq!(json, serde_json::json!({"name": "Acme BV", "website": null}), "absent fields are not sent");
}

#[tokio::test]
async fn delete_removes_the_customer() {
    let server = MockServer::start().await;
    server.customer().delete().with_id(7).returns().expect(1).await;

    Customers::new(server.client(), 100).remove(7).await.unwrap();

    assert_eq!(server.customer().delete().received().await[0].path_param("id"), Some("7"));
}

#[tokio::test]
async fn a_429_is_waited_out_and_the_request_sent_again() {
    let server = MockServer::start().await;
    let slow_down = error("Too Many Attempts.", &[]);
    server
        .customer()
        .show()
        .with_id(7)
        .returns_status(429, slow_down)
        .retry_after(Duration::ZERO)
        .returns(customer(7, "Acme"))
        .expect(2)
        .await;

    let found = Customers::new(server.client(), 100).find(7).await.unwrap();

    assert_eq!(found.map(|c| c.id), Some(7));
    assert_eq!(server.customer().show().with_id(7).received().await.len(), 2, "the 429, then the retry");
}

#[tokio::test]
async fn call_counts_are_asserted() {
    let server = MockServer::start().await;
    let customers = Customers::new(server.client(), 100);

    // Scoped: counted while the guard lives, verified when it drops.
    let guard = server.customer().show().with_id(7).returns(customer(7, "Acme")).expect(2).mount_as_scoped().await;
    customers.find(7).await.unwrap();
    customers.find(7).await.unwrap();
    assert_eq!(guard.received().await.len(), 2);
    drop(guard);
    assert_eq!(customers.find(7).await.unwrap(), None, "unmounted: the mock answers 404");

    // An expectation that is not met fails verification (and would fail the test on drop).
    server.customer().delete().with_id(1).returns().expect(1).await;
    let unmet = tokio::spawn({
        let server = server.clone();
        async move { server.verify().await }
    })
    .await;
    assert!(unmet.is_err_and(|e| e.is_panic()), "verify must panic: DELETE /customer/1 was expected once");
    customers.remove(1).await.unwrap();
    server.verify().await;
}
