//! Enum values a server sends that the spec does not list, in every position: fields of a
//! response (string and integer enums), arrays and maps of enums. Each is kept verbatim in the
//! enum's `Unknown` variant and written back unchanged; a value of the wrong JSON type is a
//! decode error naming where it is.
//!
//! Hand-written: `tests/` is not owned by the generator.

use std::collections::BTreeMap;

use golden_enums::models::{OrderChannel, Priority, Status};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn unknown_string_and_integer_enum_values_in_a_response_are_kept() {
    let server = MockServer::start().await;
    let body = serde_json::json!([
        {"status": "placed", "priority": 2, "channel": "in-store"},
        {"status": "refunded", "priority": 99, "channel": "kiosk", "undeclared": true},
        {"status": "unknown", "priority": -1, "channel": ""},
        {"status": "Placed", "priority": null},
    ]);
    Mock::given(method("GET")).and(path("/orders")).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
    let client = golden_enums::Client::builder().base_url(server.uri()).build().unwrap();
    let orders = client.default().list_orders().send().await.unwrap().value;
    let got: Vec<_> = orders.iter().map(|o| (o.status.clone(), o.priority, o.channel.clone())).collect();
    assert_eq!(
        got,
        [
            (Some(Status::Placed), Some(Priority::V2), Some(OrderChannel::InStore)),
            (Some(Status::Unknown("refunded".into())), Some(Priority::Unknown(99)), Some(OrderChannel::Unknown("kiosk".into()))),
            // The spec's own value `unknown` is a declared variant, not the catch-all.
            (Some(Status::Unknown2), Some(Priority::Unknown(-1)), Some(OrderChannel::Empty)),
            (Some(Status::Unknown("Placed".into())), None, None),
        ]
    );
}

#[tokio::test]
async fn an_enum_value_of_the_wrong_json_type_is_a_decode_error_at_its_path() {
    let server = MockServer::start().await;
    let body = serde_json::json!([{"status": "placed", "priority": 1}, {"priority": "2"}]);
    Mock::given(method("GET")).and(path("/orders")).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
    let client = golden_enums::Client::builder().base_url(server.uri()).build().unwrap();
    let err = client.default().list_orders().send().await.unwrap_err();
    let golden_enums::Error::Decode(d) = &err else { panic!("{err:?}") };
    assert_eq!((d.status, d.json_path.as_str()), (200, "[1].priority"));
    assert!(err.to_string().contains("GET /orders"), "{err}");
    // An integer enum does not guess at 2.0 either.
    assert!(serde_json::from_str::<Priority>("2.0").is_err());
}

#[test]
fn unknown_values_inside_arrays_and_maps_are_kept_and_written_back_unchanged() {
    let statuses: Vec<Status> = serde_json::from_str(r#"["approved", "on-hold", "delivered"]"#).unwrap();
    assert_eq!(statuses, [Status::Approved, Status::Unknown("on-hold".into()), Status::Delivered]);
    assert_eq!(serde_json::to_string(&statuses).unwrap(), r#"["approved","on-hold","delivered"]"#);

    let priorities: BTreeMap<String, Priority> = serde_json::from_str(r#"{"a": 3, "b": 7}"#).unwrap();
    assert_eq!(priorities["a"], Priority::V3);
    assert_eq!(priorities["b"], Priority::Unknown(7));
    assert_eq!(serde_json::to_string(&priorities).unwrap(), r#"{"a":3,"b":7}"#);

    let nested: Vec<Option<Vec<Priority>>> = serde_json::from_str("[[1, 42], null]").unwrap();
    assert_eq!(nested, [Some(vec![Priority::V1, Priority::Unknown(42)]), None]);
}
