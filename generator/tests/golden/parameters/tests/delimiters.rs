//! Array parameters on the wire, against a wiremock server on loopback: each style joins the
//! items with its own delimiter (`simple` paths and headers with commas, `spaceDelimited` with
//! spaces, `pipeDelimited` with pipes).

use golden_parameters::Client;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[tokio::test]
async fn each_style_joins_array_items_with_its_delimiter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search/1,2,3"))
        .and(query_param("words", "red green"))
        .and(query_param("codes", "a|b"))
        // One header line, exactly (wiremock's `header` matcher splits values at commas).
        .and(|r: &Request| r.headers.get("x-flags").is_some_and(|v| v == "new,hot"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let response = client
        .default()
        .search(vec![1, 2, 3])
        .words(vec!["red".to_owned(), "green".to_owned()])
        .codes(vec!["a".to_owned(), "b".to_owned()])
        .x_flags(vec!["new".to_owned(), "hot".to_owned()])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status, 204);
}
