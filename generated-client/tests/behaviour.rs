//! Behaviour of the generated client against real HTTP servers on loopback (wiremock):
//! OAuth2 refresh and single flight, rate limits, retries without duplicates, pagination,
//! typed queries, partial responses, errors, secrets and redirects.
//!
//! Hand-written: `tests/` is not owned by the generator.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use cirqll::oauth::{OAuthConfig, OAuthSession, Secret, TokenSet, TokenStore};
use cirqll::query::{CustomerCount, CustomerField, CustomerRelation, Filter};
use cirqll::{Client, Error, RetryPolicy};
use futures_util::TryStreamExt;
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn customer(id: u32) -> serde_json::Value {
    serde_json::json!({
        "id": id, "name": format!("Customer {id}"), "user_id": 5,
        "created_at": "2024-05-18 13:38:35", "updated_at": "2024-05-18T13:38:35+02:00",
    })
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        rate_limit_budget: Duration::from_secs(5),
        rate_limit_window: Duration::from_millis(200),
    }
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .server_url(1, server.uri())
        .bearer_token("static-token")
        .retry_policy(fast_retries())
        .build()
        .unwrap()
}

/// Records the order of token saves and API requests.
#[derive(Default)]
struct Log(Mutex<Vec<String>>);
impl Log {
    fn push(&self, s: String) {
        self.0.lock().unwrap().push(s);
    }
    fn entries(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

struct LoggingStore(Arc<Log>);
impl TokenStore for LoggingStore {
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> cirqll::runtime::auth::StoreFuture<'a> {
        Box::pin(async move {
            self.0.push(format!("save {} {}", tokens.access_token.expose(), tokens.refresh_token.as_ref().unwrap().expose()));
            Ok(())
        })
    }
}

/// Answers API calls: 401 for the old token, the customer for the new one; logs each call.
struct Api(Arc<Log>);
impl Respond for Api {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let auth = req.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        self.0.push(format!("request {auth}"));
        if auth == "Bearer new-access" {
            ResponseTemplate::new(200).set_body_json(customer(1))
        } else {
            ResponseTemplate::new(401).set_body_json(serde_json::json!({"message": "Unauthenticated."}))
        }
    }
}

fn oauth_config(server: &MockServer) -> OAuthConfig {
    OAuthConfig {
        client_id: "7".into(),
        client_secret: Some(Secret::new("client-secret-value")),
        redirect_uri: "https://app.example.com/cb".into(),
        authorize_url: format!("{}/oauth/authorize", server.uri()).parse().unwrap(),
        token_url: format!("{}/oauth/token", server.uri()).parse().unwrap(),
    }
}

async fn mount_token_endpoint(server: &MockServer, expect: u64) {
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=old-refresh"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({
                    "token_type": "Bearer", "expires_in": 2592000,
                    "access_token": "new-access", "refresh_token": "new-refresh"
                }))
                .set_delay(Duration::from_millis(50)),
        )
        .expect(expect)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_401_refreshes_once_saves_the_rotated_pair_first_and_replays() {
    let server = MockServer::start().await;
    let log = Arc::new(Log::default());
    mount_token_endpoint(&server, 1).await;
    Mock::given(method("GET")).and(path("/customer/1")).respond_with(Api(log.clone())).mount(&server).await;
    let tokens = TokenSet::new("old-access", Some(Secret::new("old-refresh")), Some(Duration::from_secs(3600)));
    let session = OAuthSession::new(oauth_config(&server), tokens, Arc::new(LoggingStore(log.clone())));
    let client = Client::builder().base_url(server.uri()).oauth(session).retry_policy(fast_retries()).build().unwrap();
    let got = client.customer().show(1).send().await.unwrap();
    assert_eq!(got.id, 1);
    assert_eq!(
        log.entries(),
        ["request Bearer old-access", "save new-access new-refresh", "request Bearer new-access"],
        "the new pair must be saved before it is used, and the request replayed once"
    );
    assert_eq!(client.oauth_session().unwrap().refresh_count(), 1);
}

#[tokio::test]
async fn a_401_after_refresh_is_returned_not_retried_forever() {
    let server = MockServer::start().await;
    let log = Arc::new(Log::default());
    mount_token_endpoint(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/customer/1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({"message": "Unauthenticated."})))
        .expect(2)
        .mount(&server)
        .await;
    let tokens = TokenSet::new("old-access", Some(Secret::new("old-refresh")), None);
    let session = OAuthSession::new(oauth_config(&server), tokens, Arc::new(LoggingStore(log)));
    let client = Client::builder().base_url(server.uri()).oauth(session).build().unwrap();
    let err = client.customer().show(1).send().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
}

#[tokio::test]
async fn fifty_concurrent_requests_with_an_expired_token_cause_one_refresh() {
    let server = MockServer::start().await;
    let log = Arc::new(Log::default());
    mount_token_endpoint(&server, 1).await;
    Mock::given(method("GET")).and(path("/customer/1")).respond_with(Api(log.clone())).mount(&server).await;
    let expired =
        TokenSet { access_token: Secret::new("old-access"), refresh_token: Some(Secret::new("old-refresh")), expires_at: Some(SystemTime::now() - Duration::from_secs(5)) };
    let session = OAuthSession::new(oauth_config(&server), expired, Arc::new(LoggingStore(log.clone())));
    let client = Client::builder().base_url(server.uri()).oauth(session).build().unwrap();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.customer().show(1).send().await.map(|r| r.id) })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), 1);
    }
    assert_eq!(client.oauth_session().unwrap().refresh_count(), 1);
    let entries = log.entries();
    assert_eq!(entries.iter().filter(|e| e.starts_with("save")).count(), 1);
    assert!(entries.iter().all(|e| e != "request Bearer old-access"), "no request may use the expired token");
    // `expect(1)` on the token endpoint is verified when the server drops.
}

#[tokio::test]
async fn a_429_is_waited_out_and_rate_limit_headers_are_readable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customer/1"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1").set_body_json(serde_json::json!({"message": "Too Many Requests"})))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/customer/1"))
        .respond_with(ResponseTemplate::new(200).insert_header("X-RateLimit-Limit", "60").insert_header("X-RateLimit-Remaining", "12").set_body_json(customer(1)))
        .expect(1)
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let got = client(&server).customer().show(1).send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(950), "waited only {:?}", started.elapsed());
    assert_eq!((got.rate_limit.limit, got.rate_limit.remaining), (Some(60), Some(12)));
}

#[tokio::test]
async fn a_429_beyond_the_budget_is_an_error_with_the_rate_limit_state() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/customer"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-RateLimit-Limit", "60")
                .insert_header("X-RateLimit-Remaining", "0")
                .set_body_json(serde_json::json!({"message": "Too Many Requests"})),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .retry_policy(RetryPolicy { rate_limit_budget: Duration::from_millis(250), rate_limit_window: Duration::from_millis(100), ..fast_retries() })
        .build()
        .unwrap();
    let body = cirqll::models::CustomerRequestStore { name: "Acme".into(), user_id: 5, ..Default::default() };
    let err = client.customer().create(&body).send().await.unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!((api.status, api.message.as_deref(), api.rate_limit.remaining), (429, Some("Too Many Requests"), Some(0)));
    // 100 ms windows within a 250 ms budget: the first try and two retries (429 means not processed).
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn idempotent_requests_are_retried_on_503() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/customer/1")).respond_with(ResponseTemplate::new(503)).up_to_n_times(2).mount(&server).await;
    Mock::given(method("GET")).and(path("/customer/1")).respond_with(ResponseTemplate::new(200).set_body_json(customer(1))).mount(&server).await;
    assert_eq!(client(&server).customer().show(1).send().await.unwrap().id, 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_post_that_reached_the_server_is_never_resent() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/customer")).respond_with(ResponseTemplate::new(503)).expect(1).mount(&server).await;
    let body = cirqll::models::CustomerRequestStore { name: "Acme".into(), user_id: 5, ..Default::default() };
    let err = client(&server).customer().create(&body).send().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
}

#[tokio::test]
async fn a_post_that_timed_out_is_not_resent_and_timeouts_apply_per_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/customer"))
        .respond_with(ResponseTemplate::new(201).set_body_json(customer(9)).set_delay(Duration::from_secs(2)))
        .expect(1)
        .mount(&server)
        .await;
    let body = cirqll::models::CustomerRequestStore { name: "Acme".into(), user_id: 5, ..Default::default() };
    let started = std::time::Instant::now();
    let err = client(&server).customer().create(&body).timeout(Duration::from_millis(150)).send().await.unwrap_err();
    assert!(matches!(&err, Error::Transport(t) if t.timeout), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(1500));
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported() {
    // A port that was just closed: nothing listens, every attempt fails to connect.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::builder().base_url(format!("http://127.0.0.1:{port}")).retry_policy(fast_retries()).build().unwrap();
    let body = cirqll::models::CustomerRequestStore { name: "Acme".into(), user_id: 5, ..Default::default() };
    let err = client.customer().create(&body).send().await.unwrap_err();
    assert!(matches!(&err, Error::Transport(t) if t.connect), "{err:?}");
}

/// Serves `total` customers in pages according to the request's limit and offset.
struct Pages {
    total: Arc<AtomicUsize>,
    grow_after_first: bool,
}
impl Respond for Pages {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let q = |k: &str| req.url.query_pairs().find(|(n, _)| n == k).map(|(_, v)| v.parse::<usize>().unwrap());
        let (limit, offset) = (q("limit").unwrap_or(100), q("offset").unwrap_or(0));
        let total = self.total.load(Ordering::SeqCst);
        let items: Vec<_> = (offset..total.min(offset + limit)).map(|i| customer(i as u32 + 1)).collect();
        if self.grow_after_first {
            self.total.fetch_add(1, Ordering::SeqCst);
        }
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": items, "limit": limit, "offset": offset, "total": total}))
    }
}

#[tokio::test]
async fn stream_walks_every_page_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customer"))
        .respond_with(Pages { total: Arc::new(AtomicUsize::new(7)), grow_after_first: false })
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server).customer().index().limit(3).stream().try_collect().await.unwrap();
    let ids: Vec<u32> = all.iter().map(|c| c.id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6, 7]);
    // 3 + 3 + 1: the short page ends the stream without a fourth request.
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    let pages: Vec<_> = client(&server).customer().index().limit(3).pages().try_collect().await.unwrap();
    assert_eq!(pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(), [3, 3, 1]);
}

#[tokio::test]
async fn stream_terminates_when_the_total_keeps_changing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customer"))
        .respond_with(Pages { total: Arc::new(AtomicUsize::new(4)), grow_after_first: true })
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server).customer().index().limit(2).stream().try_collect().await.unwrap();
    let mut ids: Vec<u32> = all.iter().map(|c| c.id).collect();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "an item was yielded twice");
    assert!(n >= 4);
}

#[tokio::test]
async fn typed_queries_are_written_in_the_api_syntax() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customer"))
        .and(query_param("with[]", "contacts"))
        .and(query_param("count[]", "assignments"))
        .and(query_param("order_by[]", "id:desc"))
        .and(query_param("filter", "name:like:Acme\\,\\:%,and,(id:in:1;2;3,or,city:eq:Den Haag)"))
        .and(query_param("limit", "10"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": [customer(1)], "limit": 10, "offset": 0, "total": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let filter = Filter::field(CustomerField::Name)
        .like("Acme,:%")
        .and(Filter::field(CustomerField::Id).in_([1, 2, 3]).or(Filter::field(CustomerField::City).eq("Den Haag")));
    let page = client(&server)
        .customer()
        .index()
        .with([CustomerRelation::Contacts])
        .count([CustomerCount::Assignments])
        .order_by(CustomerField::Id.desc())
        .filter(filter)
        .limit(10)
        .send()
        .await
        .unwrap();
    assert_eq!((page.items.len(), page.total), (1, Some(1)));
}

#[tokio::test]
async fn show_decodes_partial_records_and_relations_and_counts_appear_when_asked() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customer"))
        .and(query_param("show[]", "name"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"id": 3, "name": "Acme", "contacts_count": 2,
                      "user": {"id": 5, "name": "Casey"},
                      "contacts": {"data": [{"id": 41, "first_name": "Jan"}], "limit": 50, "total": 1, "offset": 0}}],
            "limit": 100, "offset": 0, "total": 1
        })))
        .mount(&server)
        .await;
    let page = client(&server).customer().index().show([CustomerField::Id, CustomerField::Name]).send().await.unwrap();
    let c = &page.items[0];
    assert_eq!((c.id, c.name.as_deref(), c.created_at), (Some(3), Some("Acme"), None));
    assert_eq!(c.contacts_count, Some(2));
    assert_eq!(c.user.as_ref().and_then(|u| u.name.as_deref()), Some("Casey"));
    let contacts = c.contacts.as_ref().and_then(|l| l.data.as_ref()).unwrap();
    assert_eq!(contacts[0].first_name.as_deref(), Some("Jan"));
}

#[tokio::test]
async fn validation_errors_carry_the_parsed_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/customer"))
        .respond_with(
            ResponseTemplate::new(422)
                .insert_header("x-request-id", "req-123")
                .set_body_json(serde_json::json!({"message": "The name field is required.", "errors": {"name": ["The name field is required."]}})),
        )
        .mount(&server)
        .await;
    let err = client(&server).customer().create(&Default::default()).send().await.unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(api.status, 422);
    assert_eq!(api.field_errors["name"], ["The name field is required."]);
    assert_eq!(api.request_id.as_deref(), Some("req-123"));
    assert!(api.body.contains("errors"));
    assert!(err.to_string().contains("POST /customer failed with status 422: The name field is required.; name: The name field is required."), "{err}");
}

#[tokio::test]
async fn decoding_errors_name_the_json_path_and_quote_the_body() {
    let server = MockServer::start().await;
    let mut bad = customer(1);
    bad["created_at"] = serde_json::json!("yesterday-ish");
    Mock::given(method("GET"))
        .and(path("/customer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": [customer(2), bad], "limit": 100, "offset": 0, "total": 2})))
        .mount(&server)
        .await;
    let err = client(&server).customer().index().send().await.unwrap_err();
    let Error::Decode(d) = &err else { panic!("{err:?}") };
    assert_eq!(d.json_path, "data[1].created_at");
    assert!(d.excerpt.contains("yesterday-ish"), "{}", d.excerpt);
}

#[tokio::test]
async fn unknown_fields_and_enum_values_and_wire_date_formats_decode() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/task/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "id": 1, "title": "Call", "priority": "urgent", "brand_new_field": {"x": 1},
            "due_date": "2024-05-18 13:38:35", "created_at": "2024-05-18T13:38:35Z", "updated_at": "2024-05-18 13:38:35",
        })))
        .mount(&server)
        .await;
    let task = client(&server).task().show(1).send().await.unwrap();
    assert_eq!(task.priority, Some(cirqll::models::TaskResponsePriority::Unknown("urgent".into())));
    assert_eq!(task.due_date.flatten().map(|d| d.to_string()).as_deref(), Some("2024-05-18 13:38:35"));
    assert_eq!(task.created_at.to_string(), "2024-05-18T13:38:35Z");
}

#[tokio::test]
async fn secrets_never_appear_in_debug_display_or_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/oauth/token")).respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": "invalid_grant"}))).mount(&server).await;
    Mock::given(method("GET")).and(path("/customer/1")).respond_with(ResponseTemplate::new(401)).mount(&server).await;
    let tokens = TokenSet::new("access-SECRET-1", Some(Secret::new("refresh-SECRET-2")), None);
    let config = oauth_config(&server);
    let session = OAuthSession::new(config.clone(), tokens.clone(), Arc::new(cirqll::oauth::MemoryTokenStore::new()));
    let client = Client::builder().base_url(server.uri()).oauth(session).build().unwrap();
    let err = client.customer().show(1).send().await.unwrap_err();
    let bearer = Client::builder().bearer_token("bearer-SECRET-3").build().unwrap();
    let printed = format!("{client:?} {bearer:?} {tokens:?} {config:?} {err} {err:?} {}", Secret::new("x-SECRET-4"));
    for secret in ["SECRET-1", "SECRET-2", "SECRET-3", "SECRET-4", "client-secret-value"] {
        assert!(!printed.contains(secret), "{secret} leaked in: {printed}");
    }
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
}

#[tokio::test]
async fn authorization_is_not_forwarded_to_another_host_on_redirect() {
    let other = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(customer(1))).expect(0).mount(&other).await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customer/1"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", format!("{}/customer/1", other.uri())))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/customer/2"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/customer/3"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/customer/3"))
        .and(header("authorization", "Bearer static-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer(3)))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(c.customer().show(1).send().await.unwrap_err().status(), Some(302));
    assert_eq!(c.customer().show(2).send().await.unwrap().id, 3, "same-origin redirects are followed");
}

#[tokio::test]
async fn authorize_url_has_state_pkce_and_typed_scopes() {
    let server = MockServer::start().await;
    let config = oauth_config(&server);
    let req = cirqll::oauth::AuthorizeUrlBuilder::new(config)
        .scopes([cirqll::oauth::Scope::CustomerReadAll, cirqll::oauth::Scope::ContactReadAll])
        .pkce(true)
        .build();
    let q: std::collections::BTreeMap<_, _> = req.url.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["scope"], "customer.read.all contact.read.all");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["state"], req.state);
    let verifier = req.pkce_verifier.as_ref().unwrap().expose().to_owned();
    use base64::Engine as _;
    use sha2::Digest as _;
    let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    assert_eq!(q["code_challenge"], expected);
    let ok: url::Url = format!("https://app.example.com/cb?code=abc&state={}", req.state).parse().unwrap();
    assert_eq!(req.code_from_callback(&ok).unwrap(), "abc");
    let forged: url::Url = "https://app.example.com/cb?code=abc&state=forged".parse().unwrap();
    assert!(matches!(req.code_from_callback(&forged), Err(Error::Auth(cirqll::runtime::error::AuthError::StateMismatch))));
}

#[tokio::test]
async fn code_exchange_saves_tokens_and_the_session_uses_them() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=the-code"))
        .and(body_string_contains("code_verifier=the-verifier"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"access_token": "new-access", "refresh_token": "r", "expires_in": 60})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/customer/1"))
        .and(header("authorization", "Bearer new-access"))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer(1)))
        .expect(1)
        .mount(&server)
        .await;
    let store = Arc::new(cirqll::oauth::MemoryTokenStore::new());
    let session = OAuthSession::exchange_code(oauth_config(&server), "the-code", Some(&Secret::new("the-verifier")), store.clone())
        .await
        .unwrap()
        .with_refresh_skew(Duration::ZERO);
    assert_eq!(store.saves(), 1);
    assert_eq!(store.latest().unwrap().access_token.expose(), "new-access");
    let client = Client::builder().base_url(server.uri()).oauth(session).build().unwrap();
    assert_eq!(client.customer().show(1).send().await.unwrap().id, 1);
}

#[tokio::test]
async fn the_client_side_limiter_spaces_requests() {
    let limiter = cirqll::runtime::limiter::RateLimiter::new(3, Duration::from_millis(300));
    let started = tokio::time::Instant::now();
    for _ in 0..4 {
        limiter.acquire().await;
    }
    assert!(started.elapsed() >= Duration::from_millis(290), "the fourth request must wait for the window");
}

#[tokio::test]
async fn each_request_is_traced_with_method_path_status_and_attempt() {
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/customer/1")).respond_with(ResponseTemplate::new(200).set_body_json(customer(1))).mount(&server).await;
    client(&server).customer().show(1).send().await.unwrap();
    let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(out.contains("http_request") && out.contains("method=GET") && out.contains("path=\"/customer/{id}\"") && out.contains("status=200") && out.contains("attempt=1"), "{out}");
    assert!(!out.contains("static-token"));
}

/// Counts records alive at once.
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

struct Counted;
impl<'de> serde::Deserialize<'de> for Counted {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <serde::de::IgnoredAny as serde::Deserialize>::deserialize(d)?;
        PEAK.fetch_max(LIVE.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
        Ok(Counted)
    }
}
impl Drop for Counted {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn auto_pagination_over_10000_items_holds_at_most_two_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customer"))
        .respond_with(Pages { total: Arc::new(AtomicUsize::new(10_000)), grow_after_first: false })
        .mount(&server)
        .await;
    let client = client(&server);
    let fetch = |offset: u64, limit: u64| {
        let c = client.clone();
        async move {
            let raw = c
                .execute(cirqll::runtime::client::RequestSpec {
                    method: reqwest::Method::GET,
                    server: 0,
                    template: "/customer",
                    path: "/customer".into(),
                    query: vec![("limit", limit.to_string()), ("offset", offset.to_string())],
                    headers: vec![],
                    body: cirqll::runtime::client::RequestBody::Empty,
                    timeout: None,
                })
                .await?;
            c.finish("GET", "/customer", raw, |status, body| {
                (status == 200).then(|| {
                    cirqll::runtime::error::decode_json::<cirqll::Page<Counted, cirqll::apis::PageDataTotal>>(body, "/customer", status)
                })
            })
        }
    };
    let mut items = std::pin::pin!(cirqll::runtime::pagination::items(0, 100, fetch));
    let mut n = 0;
    while let Some(item) = items.try_next().await.unwrap() {
        drop(item);
        n += 1;
    }
    assert_eq!(n, 10_000);
    let peak = PEAK.load(Ordering::SeqCst);
    assert!(peak <= 200, "{peak} records were alive at once; pages hold 100");
}
