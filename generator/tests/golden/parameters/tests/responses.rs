//! How `send()` types success responses, against a wiremock server on loopback: one variant
//! per status when the bodies differ, `Option<T>` when only one status has a body.

use golden_parameters::apis::default::GetItemsItemIdPartsPartResponse;
use golden_parameters::Client;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client_answering(route: &str, response: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path(route)).respond_with(response).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    (server, client)
}

#[tokio::test]
async fn each_success_status_decodes_into_its_own_variant() {
    let route = "/items/7/parts/wheel";
    let ok = ResponseTemplate::new(200).set_body_json(serde_json::json!({"name": "wheel"}));
    let (_server, client) = client_answering(route, ok).await;
    let response = client.default().get_items_item_id_parts_part("wheel", 7, "q").send().await.unwrap();
    match response.value {
        GetItemsItemIdPartsPartResponse::Ok(item) => assert_eq!(item.name.as_deref(), Some("wheel")),
        other => panic!("expected Ok, got {other:?}"),
    }

    let accepted = ResponseTemplate::new(202).set_body_json(serde_json::json!({"job": "j-1"}));
    let (_server, client) = client_answering(route, accepted).await;
    let response = client.default().get_items_item_id_parts_part("wheel", 7, "q").send().await.unwrap();
    assert_eq!(response.status, 202);
    match response.value {
        GetItemsItemIdPartsPartResponse::Accepted(job) => assert_eq!(job.job.as_deref(), Some("j-1")),
        other => panic!("expected Accepted, got {other:?}"),
    }
}

#[tokio::test]
async fn an_undeclared_success_status_is_an_api_error_that_does_not_call_it_a_failure() {
    let partial = ResponseTemplate::new(206).set_body_json(serde_json::json!({"name": "wheel"}));
    let (_server, client) = client_answering("/items/7/parts/wheel", partial).await;
    let err = client.default().get_items_item_id_parts_part("wheel", 7, "q").send().await.unwrap_err();
    let api = err.as_api().expect("an API error: no variant can hold a 206");
    assert_eq!(api.status, 206);
    assert!(api.body.contains("wheel"), "the body is kept: {}", api.body);
    assert_eq!(
        err.to_string(),
        "GET /items/{itemId}/parts/{part} answered with status 206, which its API description does not declare"
    );
}

#[tokio::test]
async fn a_body_that_does_not_match_its_status_schema_is_a_decode_error() {
    let wrong = ResponseTemplate::new(202).set_body_json(serde_json::json!({"job": 5}));
    let (_server, client) = client_answering("/items/7/parts/wheel", wrong).await;
    match client.default().get_items_item_id_parts_part("wheel", 7, "q").send().await.unwrap_err() {
        golden_parameters::Error::Decode(d) => assert_eq!((d.status, d.json_path.as_str()), (202, "job")),
        other => panic!("expected a decode error, got {other}"),
    }
}

#[tokio::test]
async fn a_bodyless_success_status_is_none() {
    let (_server, client) = client_answering("/items/7", ResponseTemplate::new(304)).await;
    let response = client.default().get_item(7).send().await.unwrap();
    assert_eq!((response.status, response.value), (304, None));

    let ok = ResponseTemplate::new(200).set_body_json(serde_json::json!({"name": "bolt"}));
    let (_server, client) = client_answering("/items/7", ok).await;
    let item = client.default().get_item(7).send().await.unwrap().value.expect("a body");
    assert_eq!(item.name.as_deref(), Some("bolt"));
}
