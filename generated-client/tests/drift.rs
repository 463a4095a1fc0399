//! The client against servers that drift from the spec (wiremock and raw sockets on loopback):
//! undeclared fields and enum values, nulls, numbers and date-times in other shapes, other
//! content types, empty and unexpected bodies, undeclared statuses, redirects, pagination
//! envelopes that differ, huge bodies and connections that close mid-body.
//!
//! What is safe to accept is accepted; everything else is an `Error` that names the operation,
//! the status and what failed, with the body retrievable, and never a token.
//!
//! Hand-written: `tests/` is not owned by the generator.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cirqll::models::TaskResponsePriority;
use cirqll::{Client, Error, RetryPolicy};
use futures_util::TryStreamExt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn customer(id: u32) -> serde_json::Value {
    serde_json::json!({
        "id": id, "name": format!("Customer {id}"), "user_id": 5,
        "created_at": "2024-05-18 13:38:35", "updated_at": "2024-05-18T13:38:35+02:00",
    })
}

fn task(extra: serde_json::Value) -> serde_json::Value {
    let mut t = serde_json::json!({
        "id": 1, "title": "Call", "created_at": "2024-05-18 13:38:35", "updated_at": "2024-05-18 13:38:35",
    });
    for (k, v) in extra.as_object().unwrap() {
        t[k] = v.clone();
    }
    t
}

fn assignment(extra: serde_json::Value) -> serde_json::Value {
    let mut a = serde_json::json!({
        "id": 1, "name": "Fix", "created_at": "2024-05-18 13:38:35", "updated_at": "2024-05-18 13:38:35",
    });
    for (k, v) in extra.as_object().unwrap() {
        a[k] = v.clone();
    }
    a
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        rate_limit_budget: Duration::from_secs(1),
        rate_limit_window: Duration::from_millis(50),
    }
}

const TOKEN: &str = "drift-SECRET-token";

fn client_for(uri: &str) -> Client {
    Client::builder()
        .base_url(uri)
        .server_url(1, uri)
        .bearer_token(TOKEN)
        .retry_policy(fast_retries())
        .build()
        .unwrap()
}

fn client(server: &MockServer) -> Client {
    client_for(&server.uri())
}

async fn serve(server: &MockServer, m: &str, p: &str, reply: ResponseTemplate) {
    Mock::given(method(m)).and(path(p)).respond_with(reply).mount(server).await;
}

fn json_reply(status: u16, body: &serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
}

fn store_body() -> cirqll::models::CustomerRequestStore {
    cirqll::models::CustomerRequestStore { name: "Acme".into(), user_id: 5, ..Default::default() }
}

/// The decode error of `err`, after checking what every decode error must say.
fn decode_error<'a>(err: &'a Error, method: &str, template: &str, status: u16) -> &'a cirqll::runtime::error::DecodeError {
    let Error::Decode(d) = err else { panic!("expected a decode error, got {err:?}") };
    assert_eq!((d.method.as_str(), d.path, d.status), (method, template, status), "{err}");
    let shown = err.to_string();
    assert!(shown.contains(&format!("{method} {template}")), "the operation is not named: {shown}");
    assert!(shown.contains(&status.to_string()), "the status is not named: {shown}");
    assert!(!shown.contains(TOKEN) && !format!("{err:?}").contains(TOKEN), "the token leaked: {err:?}");
    assert_eq!(err.status(), Some(status));
    assert_eq!(err.body(), Some(d.body.as_str()));
    d
}

// --- Undeclared fields, enum values, nulls --------------------------------------------------

#[tokio::test]
async fn undeclared_fields_are_ignored_at_every_level() {
    let server = MockServer::start().await;
    let mut c = customer(3);
    c["brand_new"] = serde_json::json!({"nested": [1, 2, {"deep": null}]});
    c["user"] = serde_json::json!({
        "id": 5, "name": "Casey", "email": "c@example.com", "shoe_size": 44,
        "created_at": "2024-05-18 13:38:35", "updated_at": "2024-05-18 13:38:35",
    });
    let page = serde_json::json!({
        "data": [c.clone()], "limit": 100, "offset": 0, "total": 1,
        "links": {"next": null}, "meta": {"current_page": 1},
    });
    serve(&server, "GET", "/customer/3", json_reply(200, &c)).await;
    serve(&server, "GET", "/customer", json_reply(200, &page)).await;
    let client = client(&server);
    let got = client.customer().show(3).send().await.unwrap();
    assert_eq!((got.id, got.name.as_str(), got.user_id), (3, "Customer 3", Some(5)));
    assert_eq!(got.user.as_ref().map(|u| u.name.as_str()), Some("Casey"));
    let page = client.customer().index().send().await.unwrap();
    assert_eq!((page.items.len(), page.total, page.items[0].id), (1, Some(1), 3));
}

#[tokio::test]
async fn unknown_enum_values_are_kept_verbatim_and_known_ones_still_match() {
    let server = MockServer::start().await;
    serve(&server, "GET", "/task/1", json_reply(200, &task(serde_json::json!({"priority": "blocker"})))).await;
    serve(&server, "GET", "/task/2", json_reply(200, &task(serde_json::json!({"priority": "HIGH"})))).await;
    serve(&server, "GET", "/task/3", json_reply(200, &task(serde_json::json!({"priority": "high"})))).await;
    serve(&server, "GET", "/task/4", json_reply(200, &task(serde_json::json!({"priority": null})))).await;
    // An enum value of the wrong JSON type is not a value the enum could ever hold.
    serve(&server, "GET", "/task/5", json_reply(200, &task(serde_json::json!({"priority": 3})))).await;
    let client = client(&server);
    let p = |id| {
        let client = client.clone();
        async move { client.task().show(id).send().await.map(|t| t.value.priority) }
    };
    let blocker = p(1).await.unwrap().unwrap();
    assert_eq!(blocker, TaskResponsePriority::Unknown("blocker".into()));
    assert_eq!(blocker.to_string(), "blocker", "an unknown value is written back as received");
    assert_eq!(p(2).await.unwrap(), Some(TaskResponsePriority::Unknown("HIGH".into())), "enum values are case-sensitive");
    assert_eq!(p(3).await.unwrap(), Some(TaskResponsePriority::High));
    assert_eq!(p(4).await.unwrap(), None);
    let err = p(5).await.unwrap_err();
    let d = decode_error(&err, "GET", "/task/{id}", 200);
    assert_eq!(d.json_path, "priority");
}

#[tokio::test]
async fn optional_fields_absent_or_null_are_none_and_nullable_ones_tell_them_apart() {
    let server = MockServer::start().await;
    let mut with_nulls = customer(1);
    with_nulls["user_id"] = serde_json::Value::Null;
    with_nulls["email"] = serde_json::Value::Null;
    with_nulls["phone"] = serde_json::json!("+31 70 000");
    serve(&server, "GET", "/customer/1", json_reply(200, &with_nulls)).await;
    let mut bare = customer(2);
    bare.as_object_mut().unwrap().remove("user_id");
    serve(&server, "GET", "/customer/2", json_reply(200, &bare)).await;
    let client = client(&server);
    let a = client.customer().show(1).send().await.unwrap();
    assert_eq!((a.user_id, a.email.clone(), a.phone.clone()), (None, Some(None), Some(Some("+31 70 000".into()))));
    let b = client.customer().show(2).send().await.unwrap();
    assert_eq!((b.user_id, b.email.clone()), (None, None), "absent is not null");
}

#[tokio::test]
async fn a_required_field_null_or_missing_is_a_decode_error_naming_field_operation_and_status() {
    let server = MockServer::start().await;
    let mut null_name = customer(1);
    null_name["name"] = serde_json::Value::Null;
    serve(&server, "GET", "/customer/1", json_reply(200, &null_name)).await;
    let mut no_id = customer(2);
    no_id.as_object_mut().unwrap().remove("id");
    serve(&server, "GET", "/customer/2", json_reply(200, &no_id)).await;
    let page = serde_json::json!({"data": [customer(3), null_name], "total": 2});
    serve(&server, "GET", "/customer", json_reply(200, &page)).await;
    let client = client(&server);

    let err = client.customer().show(1).send().await.unwrap_err();
    let d = decode_error(&err, "GET", "/customer/{id}", 200);
    assert_eq!(d.json_path, "name");
    assert!(d.body.contains("\"name\":null"), "the whole body is kept: {}", d.body);
    assert!(err.to_string().contains("`name`") && err.to_string().contains("null"), "{err}");

    let err = client.customer().show(2).send().await.unwrap_err();
    let d = decode_error(&err, "GET", "/customer/{id}", 200);
    assert!(d.message.contains("missing field `id`"), "{err}");

    let err = client.customer().index().send().await.unwrap_err();
    let d = decode_error(&err, "GET", "/customer", 200);
    assert_eq!(d.json_path, "data[1].name");
}

// --- Numbers --------------------------------------------------------------------------------

#[tokio::test]
async fn an_integer_where_a_float_is_declared_decodes_exactly() {
    let server = MockServer::start().await;
    serve(&server, "GET", "/assignment/1", json_reply(200, &assignment(serde_json::json!({"price": 12})))).await;
    serve(&server, "GET", "/assignment/2", json_reply(200, &assignment(serde_json::json!({"price": 12.5})))).await;
    let client = client(&server);
    assert_eq!(client.assignment().show(1).send().await.unwrap().price, Some(12.0));
    assert_eq!(client.assignment().show(2).send().await.unwrap().price, Some(12.5));
}

#[tokio::test]
async fn numbers_as_strings_and_fractions_for_integers_are_decode_errors_not_guesses() {
    let server = MockServer::start().await;
    serve(&server, "GET", "/assignment/1", json_reply(200, &assignment(serde_json::json!({"price": "12.50"})))).await;
    serve(&server, "GET", "/assignment/2", json_reply(200, &assignment(serde_json::json!({"id": 2.0})))).await;
    serve(&server, "GET", "/assignment/3", json_reply(200, &assignment(serde_json::json!({"id": "3"})))).await;
    serve(&server, "GET", "/assignment/4", json_reply(200, &assignment(serde_json::json!({"customer_id": -1})))).await;
    serve(&server, "GET", "/assignment/5", json_reply(200, &assignment(serde_json::json!({"id": 4294967296u64})))).await;
    let client = client(&server);
    for (id, field, says) in [
        (1, "price", "string \"12.50\""),
        (2, "id", "floating point `2.0`"),
        (3, "id", "string \"3\""),
        (4, "customer_id", "-1"),
        (5, "id", "4294967296"),
    ] {
        let err = client.assignment().show(id).send().await.unwrap_err();
        let d = decode_error(&err, "GET", "/assignment/{id}", 200);
        assert_eq!(d.json_path, field, "{err}");
        assert!(err.to_string().contains(says), "{err}");
    }
}

// --- Date-times -----------------------------------------------------------------------------

#[tokio::test]
async fn date_times_in_other_unambiguous_formats_decode() {
    let server = MockServer::start().await;
    let cases = [
        ("2024-05-18T13:38:35.123456Z", "2024-05-18T13:38:35.123456Z"),
        ("2024-05-18T13:38:35", "2024-05-18 13:38:35"),
        ("2024-05-18 13:38:35.5", "2024-05-18 13:38:35.500"),
        ("2024-05-18T13:38:35+0200", "2024-05-18T13:38:35+02:00"),
        ("2024-05-18T11:38:35.000000Z", "2024-05-18T11:38:35Z"),
        ("2024-05-18", "2024-05-18 00:00:00"),
        ("Sat, 18 May 2024 13:38:35 GMT", "2024-05-18T13:38:35Z"),
    ];
    for (i, (wire, _)) in cases.iter().enumerate() {
        let body = task(serde_json::json!({"created_at": wire}));
        serve(&server, "GET", &format!("/task/{}", i + 1), json_reply(200, &body)).await;
    }
    let client = client(&server);
    for (i, (wire, shown)) in cases.iter().enumerate() {
        let t = client.task().show(i as u32 + 1).send().await.unwrap_or_else(|e| panic!("{wire}: {e}"));
        let expected: cirqll::runtime::datetime::DateTime = shown.parse().unwrap();
        assert_eq!(t.created_at, expected, "{wire}");
    }
}

#[tokio::test]
async fn date_times_that_cannot_be_read_unambiguously_are_decode_errors_naming_the_field() {
    let server = MockServer::start().await;
    for (i, wire) in [serde_json::json!("18/05/2024 13:38"), serde_json::json!(1716039515), serde_json::json!("")].iter().enumerate() {
        let body = task(serde_json::json!({"created_at": wire}));
        serve(&server, "GET", &format!("/task/{}", i + 1), json_reply(200, &body)).await;
    }
    let client = client(&server);
    for id in 1..=3 {
        let err = client.task().show(id).send().await.unwrap_err();
        let d = decode_error(&err, "GET", "/task/{id}", 200);
        assert_eq!(d.json_path, "created_at", "{err}");
        assert!(err.to_string().contains("date-time"), "{err}");
    }
}

// --- Content types and bodies ---------------------------------------------------------------

#[tokio::test]
async fn json_decodes_whatever_content_type_the_server_labels_it_with() {
    let server = MockServer::start().await;
    let body = customer(1).to_string();
    let types = ["application/json; charset=utf-8", "application/problem+json", "application/vnd.api+json", "text/plain", "text/html"];
    for (i, ct) in types.iter().enumerate() {
        serve(&server, "GET", &format!("/customer/{}", i + 1), ResponseTemplate::new(200).set_body_raw(body.clone(), ct)).await;
    }
    // No content type at all.
    serve(&server, "GET", "/customer/9", ResponseTemplate::new(200).set_body_bytes(body.clone().into_bytes())).await;
    // A UTF-8 byte order mark before the JSON.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(body.as_bytes());
    serve(&server, "GET", "/customer/10", ResponseTemplate::new(200).set_body_raw(bom, "application/json")).await;
    let client = client(&server);
    for id in (1..=types.len() as u32).chain([9, 10]) {
        let got = client.customer().show(id).send().await.unwrap_or_else(|e| panic!("/customer/{id}: {e}"));
        assert_eq!(got.name, "Customer 1");
    }
}

#[tokio::test]
async fn an_empty_or_non_json_success_body_is_a_decode_error_that_says_so() {
    let server = MockServer::start().await;
    serve(&server, "GET", "/customer/1", ResponseTemplate::new(200)).await;
    serve(
        &server,
        "GET",
        "/customer/2",
        ResponseTemplate::new(200).set_body_raw("<html><head><title>Maintenance</title></head></html>", "text/html; charset=utf-8"),
    )
    .await;
    Mock::given(method("POST")).and(path("/customer")).respond_with(ResponseTemplate::new(201)).expect(1).mount(&server).await;
    let client = client(&server);

    let err = client.customer().show(1).send().await.unwrap_err();
    decode_error(&err, "GET", "/customer/{id}", 200);
    assert!(err.to_string().contains("empty"), "{err}");

    let err = client.customer().show(2).send().await.unwrap_err();
    let d = decode_error(&err, "GET", "/customer/{id}", 200);
    assert_eq!(d.content_type.as_deref(), Some("text/html; charset=utf-8"));
    assert!(d.body.contains("Maintenance"));
    assert!(err.to_string().contains("text/html"), "{err}");

    // The record was (perhaps) created, but the server did not say what it is: an error, once.
    let err = client.customer().create(&store_body()).send().await.unwrap_err();
    decode_error(&err, "POST", "/customer", 201);
    assert!(err.to_string().contains("empty"), "{err}");
}

#[tokio::test]
async fn a_delete_succeeds_on_204_with_or_without_a_body_and_on_200() {
    let server = MockServer::start().await;
    serve(&server, "DELETE", "/customer/1", ResponseTemplate::new(204)).await;
    serve(&server, "DELETE", "/customer/2", json_reply(204, &serde_json::json!({"deleted": true}))).await;
    serve(&server, "DELETE", "/customer/3", json_reply(200, &serde_json::json!({"message": "Deleted."}))).await;
    serve(&server, "DELETE", "/customer/4", ResponseTemplate::new(202)).await;
    let client = client(&server);
    for (id, status) in [(1, 204), (2, 204), (3, 200), (4, 202)] {
        let r = client.customer().delete(id).send().await.unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(r.status, status);
    }
}

// --- Statuses -------------------------------------------------------------------------------

#[tokio::test]
async fn a_201_operation_answered_with_another_2xx_returns_the_record_and_is_not_resent() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/customer")).respond_with(json_reply(202, &customer(9))).expect(1).mount(&server).await;
    Mock::given(method("GET")).and(path("/customer/9")).respond_with(json_reply(203, &customer(9))).expect(1).mount(&server).await;
    let client = client(&server);
    let created = client.customer().create(&store_body()).send().await.unwrap();
    assert_eq!((created.status, created.id), (202, 9));
    let shown = client.customer().show(9).send().await.unwrap();
    assert_eq!((shown.status, shown.id), (203, 9));
}

#[tokio::test]
async fn undeclared_error_statuses_are_api_errors_with_the_message_and_body() {
    let server = MockServer::start().await;
    serve(&server, "GET", "/customer/1", json_reply(418, &serde_json::json!({"message": "I'm a teapot"}))).await;
    Mock::given(method("POST"))
        .and(path("/customer"))
        .respond_with(
            ResponseTemplate::new(409)
                .set_body_raw(r#"{"type":"about:blank","title":"Conflict","detail":"Name already taken"}"#, "application/problem+json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client.customer().show(1).send().await.unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!((api.status, api.message.as_deref()), (418, Some("I'm a teapot")));
    assert_eq!(err.to_string(), "GET /customer/{id} failed with status 418: I'm a teapot");

    let err = client.customer().create(&store_body()).send().await.unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!((api.status, api.message.as_deref()), (409, Some("Name already taken")));
    assert!(err.body().unwrap().contains("about:blank"));
    assert_eq!(err.to_string(), "POST /customer failed with status 409: Name already taken");
}

#[tokio::test]
async fn an_html_error_page_is_an_api_error_whose_message_is_the_page_title() {
    let server = MockServer::start().await;
    let page = "<!DOCTYPE html>\n<html><head>\n<title>500 Internal Server Error</title></head>\
                <body><h1>Whoops</h1>".to_owned()
        + &"<p>stack frame</p>".repeat(2000)
        + "</body></html>";
    serve(&server, "GET", "/customer/1", ResponseTemplate::new(500).set_body_raw(page.clone(), "text/html")).await;
    Mock::given(method("POST"))
        .and(path("/customer"))
        .respond_with(ResponseTemplate::new(502).set_body_raw("<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>", "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    serve(&server, "GET", "/customer/2", ResponseTemplate::new(503).set_body_raw("upstream connect error\n", "text/plain")).await;
    let client = client(&server);

    let err = client.customer().show(1).send().await.unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!((api.status, api.message.as_deref()), (500, Some("500 Internal Server Error")));
    assert_eq!(api.body, page, "the whole page is kept");
    let shown = err.to_string();
    assert_eq!(shown, "GET /customer/{id} failed with status 500: 500 Internal Server Error");

    let err = client.customer().create(&store_body()).send().await.unwrap_err();
    assert_eq!(err.as_api().unwrap().message.as_deref(), Some("502 Bad Gateway"), "{err}");

    // A GET is retried on 503 (three attempts), then reported with the text body's first line.
    let err = client.customer().show(2).send().await.unwrap_err();
    assert_eq!(err.to_string(), "GET /customer/{id} failed with status 503: upstream connect error");
    let gets = server.received_requests().await.unwrap().iter().filter(|r| r.url.path() == "/customer/2").count();
    assert_eq!(gets, 3);
}

#[tokio::test]
async fn a_token_echoed_by_an_error_page_is_redacted_from_the_error() {
    struct Echo;
    impl Respond for Echo {
        fn respond(&self, req: &Request) -> ResponseTemplate {
            let auth = req.headers.get("authorization").unwrap().to_str().unwrap().to_owned();
            ResponseTemplate::new(500).set_body_raw(
                format!("<html><head><title>Server Error</title></head><body>Authorization: {auth}</body></html>"),
                "text/html",
            )
        }
    }
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/customer")).respond_with(Echo).expect(1).mount(&server).await;
    let err = client(&server).customer().create(&store_body()).send().await.unwrap_err();
    let api = err.as_api().expect("an API error");
    assert!(api.body.contains("Authorization: Bearer [redacted]"), "{}", api.body);
    assert!(!format!("{err} {err:?}").contains(TOKEN), "the token leaked: {err:?}");
}

#[tokio::test]
async fn redirects_stay_on_the_origin_and_a_post_is_sent_once() {
    let other = MockServer::start().await;
    Mock::given(method("POST")).respond_with(json_reply(201, &customer(1))).expect(0).mount(&other).await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/customer"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", format!("{}/customer", other.uri())))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).customer().create(&store_body()).send().await.unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!(api.status, 307);
    assert_eq!(
        err.to_string(),
        "POST /customer answered with status 307, a redirect the client did not follow \
         (it follows them within the same origin only)"
    );
}

// --- Pagination -----------------------------------------------------------------------------

/// Serves `total` customers; caps pages at `cap` records and reports the total only when asked.
struct Pages {
    total: usize,
    cap: usize,
    report_total: bool,
    calls: Arc<AtomicUsize>,
}
impl Respond for Pages {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let q = |k: &str| req.url.query_pairs().find(|(n, _)| n == k).map(|(_, v)| v.parse::<usize>().unwrap());
        let (limit, offset) = (q("limit").unwrap_or(100).min(self.cap), q("offset").unwrap_or(0));
        let items: Vec<_> = (offset..self.total.min(offset + limit)).map(|i| customer(i as u32 + 1)).collect();
        let mut body = serde_json::json!({"data": items});
        if self.report_total {
            body["total"] = self.total.into();
        }
        json_reply(200, &body)
    }
}

#[tokio::test]
async fn a_server_that_caps_the_page_size_is_paged_to_the_end() {
    let server = MockServer::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    Mock::given(method("GET"))
        .and(path("/customer"))
        .respond_with(Pages { total: 7, cap: 2, report_total: true, calls: calls.clone() })
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server).customer().index().limit(5).stream().try_collect().await.unwrap();
    assert_eq!(all.iter().map(|c| c.id).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6, 7], "no record may be lost");
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn an_envelope_without_total_limit_or_offset_pages_until_a_short_page() {
    let server = MockServer::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    Mock::given(method("GET"))
        .and(path("/customer"))
        .respond_with(Pages { total: 6, cap: usize::MAX, report_total: false, calls: calls.clone() })
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server).customer().index().limit(3).stream().try_collect().await.unwrap();
    assert_eq!(all.iter().map(|c| c.id).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
    // 3 + 3 + an empty page: without a total only a short page shows the end.
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let page = client(&server).customer().index().send().await.unwrap();
    assert_eq!((page.items.len(), page.total), (6, None));
}

#[tokio::test]
async fn an_envelope_without_its_items_is_a_decode_error_naming_them() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customer"))
        .respond_with(json_reply(200, &serde_json::json!({"items": [customer(1)], "total": 1})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/customer")).respond_with(json_reply(200, &serde_json::json!({"data": null, "total": 0}))).mount(&server).await;
    let client = client(&server);
    let err = client.customer().index().send().await.unwrap_err();
    let d = decode_error(&err, "GET", "/customer", 200);
    assert!(d.message.contains("missing field `data`"), "{err}");
    let err = client.customer().index().stream().try_collect::<Vec<_>>().await.unwrap_err();
    let d = decode_error(&err, "GET", "/customer", 200);
    assert_eq!(d.json_path, "data", "{err}");
}

// --- Size and broken connections ------------------------------------------------------------

#[tokio::test]
async fn a_huge_body_decodes_and_a_huge_error_is_displayed_briefly() {
    let server = MockServer::start().await;
    let mut c = customer(1);
    c["blob"] = serde_json::Value::String("x".repeat(24 << 20));
    serve(&server, "GET", "/customer/1", json_reply(200, &c)).await;
    let mut bad = c.clone();
    bad["id"] = serde_json::json!("one");
    serve(&server, "GET", "/customer/2", json_reply(200, &bad)).await;
    let client = client(&server);
    assert_eq!(client.customer().show(1).send().await.unwrap().id, 1);
    let err = client.customer().show(2).send().await.unwrap_err();
    let d = decode_error(&err, "GET", "/customer/{id}", 200);
    assert_eq!(d.body.len(), bad.to_string().len(), "the whole body is retrievable");
    assert!(err.to_string().len() < 1000, "Display must not print a 24 MB body");
}

/// A server that answers every connection with `head` and `body_prefix`, then closes it.
async fn truncating_server(status_line: &'static str, declared_len: usize, body_prefix: &'static str) -> (String, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            seen.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let mut read = Vec::new();
                // Read the request head (and any body that came with it).
                while !read.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read.extend_from_slice(&buf[..n]),
                    }
                }
                let head = format!(
                    "{status_line}\r\ncontent-type: application/json\r\ncontent-length: {declared_len}\r\nconnection: close\r\n\r\n{body_prefix}"
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.flush().await;
                tokio::time::sleep(Duration::from_millis(20)).await;
                // Dropped here: the connection closes mid-body.
            });
        }
    });
    (uri, connections)
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_a_transport_error_naming_the_operation_and_a_post_is_not_resent() {
    let (uri, connections) = truncating_server("HTTP/1.1 201 Created", 5000, r#"{"id": 9, "name": "Ac"#).await;
    let client = client_for(&uri);
    let err = client.customer().create(&store_body()).send().await.unwrap_err();
    let Error::Transport(t) = &err else { panic!("{err:?}") };
    assert!(!t.connect && !t.timeout, "{err:?}");
    assert_eq!(t.operation.as_deref(), Some("POST /customer"));
    let shown = err.to_string();
    assert!(shown.starts_with("POST /customer: transport error: "), "{shown}");
    assert!(shown.contains("body"), "the cause is not said: {shown}");
    assert_eq!(connections.load(Ordering::SeqCst), 1, "a POST whose answer was cut off must not be re-sent");
}

#[tokio::test]
async fn a_get_whose_body_is_cut_off_is_retried_then_reported() {
    let (uri, connections) = truncating_server("HTTP/1.1 200 OK", 5000, r#"{"id": 1, "name": "Ac"#).await;
    let client = client_for(&uri);
    let err = client.customer().show(1).send().await.unwrap_err();
    let Error::Transport(t) = &err else { panic!("{err:?}") };
    assert_eq!(t.operation.as_deref(), Some("GET /customer/{id}"));
    assert!(err.to_string().starts_with("GET /customer/{id}: transport error: "), "{err}");
    // The first attempt and `max_retries` (2) retries: a GET is safe to send again.
    assert_eq!(connections.load(Ordering::SeqCst), 3);
}
