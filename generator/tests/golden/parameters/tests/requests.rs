//! What a request builder puts on the wire, read back from a wiremock server on loopback:
//! path parameters percent-encoded into the template, list parameters exploded or joined,
//! optional parameters only when set (the last setter call wins), headers and cookies.

use golden_parameters::Client;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Sends one request built by `build` and returns it as the server received it.
async fn received(build: impl FnOnce(&Client) -> golden_parameters::apis::default::GetItemsItemIdPartsPartRequest) -> Request {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let _ = build(&client).send().await;
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "one request, no retries on 404");
    requests.remove(0)
}

fn query(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[tokio::test]
async fn every_kind_of_parameter_reaches_the_server() {
    let request = received(|client| {
        client
            .default()
            .get_items_item_id_parts_part("front wheel/left", 7, "find me")
            .ids(vec![1, 2])
            .tag(vec!["a".to_owned(), "b".to_owned()])
            .x_request_id("req-1")
            .session("s3cret")
    })
    .await;
    assert_eq!(request.url.path(), "/items/7/parts/front%20wheel%2Fleft");
    // Declared order; `ids` is joined (explode: false), `tag` repeated (explode: true).
    assert_eq!(query(&request), pairs(&[("ids", "1,2"), ("tag", "a"), ("tag", "b"), ("q", "find me")]));
    assert_eq!(request.headers.get("x-request-id").unwrap(), "req-1");
    assert_eq!(request.headers.get("cookie").unwrap(), "session=s3cret");
}

#[tokio::test]
async fn unset_and_empty_parameters_are_left_out() {
    let request = received(|client| client.default().get_items_item_id_parts_part("p", 1, "x").ids(Vec::new())).await;
    assert_eq!(query(&request), pairs(&[("q", "x")]));
    assert!(request.headers.get("x-request-id").is_none());
    assert!(request.headers.get("cookie").is_none());
}

#[tokio::test]
async fn the_last_call_of_a_setter_wins() {
    let request = received(|client| {
        client.default().get_items_item_id_parts_part("p", 1, "x").tag(vec!["first".to_owned()]).tag(vec!["second".to_owned()])
    })
    .await;
    assert_eq!(query(&request), pairs(&[("tag", "second"), ("q", "x")]));
}
