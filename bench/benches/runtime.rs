//! Runtime overhead of the generated client against the hand-written alternative a user
//! would otherwise write, on the same input and machine, in one run:
//!
//! - decoding a 100-item page of customers: client vs `serde_json` into an equivalent struct;
//! - a GET against a local server: client vs bare reqwest;
//! - auto-pagination over 10,000 items: peak number of records alive at once.
//!
//! Criterion prints the detailed figures; a summary with the ratios follows.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use cirqll::apis::PageDataTotal;
use cirqll::models::CustomerResponse;
use cirqll::runtime::pagination::Page;
use criterion::{black_box, criterion_group, Criterion};
use futures_util::StreamExt;
use serde::Deserialize;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

fn customer(i: usize) -> serde_json::Value {
    serde_json::json!({
        "id": i + 1, "name": format!("Customer {i}"), "user_id": 5, "origin_id": 2,
        "email": "info@example.com", "phone": "+31 20 123 4567", "website": "https://example.com",
        "vat_number": "NL123456789B01", "coc_number": "12345678", "street": "Keizersgracht 100",
        "postal_code": "1015 AA", "city": "Amsterdam", "country": "NL",
        "created_at": "2024-05-18 13:38:35", "updated_at": "2024-05-18 13:38:35",
    })
}

fn page_json(n: usize) -> Vec<u8> {
    serde_json::to_vec(
        &serde_json::json!({"data": (0..n).map(customer).collect::<Vec<_>>(), "limit": n, "offset": 0, "total": n}),
    )
    .unwrap()
}

fn wire_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    let s = <&str>::deserialize(d)?;
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").map_err(serde::de::Error::custom)
}

/// What a user would write by hand for the same page.
#[allow(dead_code)]
#[derive(Deserialize)]
struct HandCustomer {
    id: u32,
    name: String,
    user_id: Option<u32>,
    origin_id: Option<Option<u32>>,
    email: Option<Option<String>>,
    phone: Option<Option<String>>,
    website: Option<Option<String>>,
    vat_number: Option<Option<String>>,
    coc_number: Option<Option<String>>,
    street: Option<Option<String>>,
    postal_code: Option<Option<String>>,
    city: Option<Option<String>>,
    country: Option<Option<String>>,
    #[serde(deserialize_with = "wire_date")]
    created_at: NaiveDateTime,
    #[serde(deserialize_with = "wire_date")]
    updated_at: NaiveDateTime,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandPage {
    data: Vec<HandCustomer>,
    limit: u32,
    offset: u32,
    total: u32,
}

type ClientPage = Page<CustomerResponse, PageDataTotal>;

fn decode_client(bytes: &[u8]) -> ClientPage {
    cirqll::runtime::error::decode_json::<ClientPage>(bytes, "/customer", 200).unwrap()
}

fn decode_hand(bytes: &[u8]) -> HandPage {
    serde_json::from_slice(bytes).unwrap()
}

fn bench_decode(c: &mut Criterion) {
    let bytes = page_json(100);
    let mut g = c.benchmark_group("decode_100_customers");
    g.bench_function("client", |b| b.iter(|| decode_client(black_box(&bytes))));
    g.bench_function("serde_json_hand_written", |b| b.iter(|| decode_hand(black_box(&bytes))));
    g.finish();
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/customer/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(customer(0)))
        .mount(&server)
        .await;
    server
}

fn bench_get(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let server = rt.block_on(server());
    let client = cirqll::Client::builder().base_url(server.uri()).bearer_token("token").build().unwrap();
    let bare = reqwest::Client::new();
    let url = format!("{}/customer/1", server.uri());
    let mut g = c.benchmark_group("get_customer_loopback");
    g.bench_function("client", |b| {
        b.to_async(&rt).iter(|| async { client.customer().show(1).send().await.unwrap().into_inner() })
    });
    g.bench_function("bare_reqwest", |b| {
        b.to_async(&rt).iter(|| async {
            bare.get(&url).bearer_auth("token").send().await.unwrap().json::<HandCustomer>().await.unwrap()
        })
    });
    g.finish();
}

/// Counts records alive at once while streaming.
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

struct Counted;
impl<'de> Deserialize<'de> for Counted {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d)?;
        let now = LIVE.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        Ok(Counted)
    }
}
impl Drop for Counted {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves a 10,000-record collection by limit/offset.
struct Collection(usize);
impl Respond for Collection {
    fn respond(&self, req: &wiremock::Request) -> ResponseTemplate {
        let q = |k: &str| req.url.query_pairs().find(|(n, _)| n == k).and_then(|(_, v)| v.parse::<usize>().ok());
        let (limit, offset) = (q("limit").unwrap_or(100), q("offset").unwrap_or(0));
        let items: Vec<_> = (offset..self.0.min(offset + limit)).map(customer).collect();
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"data": items, "limit": limit, "offset": offset, "total": self.0}))
    }
}

fn pagination_peak() -> (usize, usize, Duration) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET")).and(path("/customer")).respond_with(Collection(10_000)).mount(&server).await;
        let client = cirqll::Client::builder().base_url(server.uri()).build().unwrap();
        PEAK.store(0, Ordering::SeqCst);
        let started = Instant::now();
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
                        cirqll::runtime::error::decode_json::<Page<Counted, PageDataTotal>>(body, "/customer", status)
                    })
                })
            }
        };
        let mut stream = std::pin::pin!(cirqll::runtime::pagination::items(0, 100, fetch));
        let mut n = 0;
        while let Some(item) = stream.next().await {
            drop(item.unwrap());
            n += 1;
        }
        (n, PEAK.load(Ordering::SeqCst), started.elapsed())
    })
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Median time per call of `f` and of `g`, from samples taken alternately so that drift in the
/// machine's speed (other processes, frequency changes) affects both sides alike.
fn time_pair<R, S>(iters: usize, mut f: impl FnMut() -> R, mut g: impl FnMut() -> S) -> (Duration, Duration) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..SAMPLES {
        let t = Instant::now();
        for _ in 0..iters {
            black_box(f());
        }
        a.push(t.elapsed() / iters as u32);
        let t = Instant::now();
        for _ in 0..iters {
            black_box(g());
        }
        b.push(t.elapsed() / iters as u32);
    }
    (median(a), median(b))
}

/// Samples per side in the summary.
const SAMPLES: usize = 31;

fn summary() {
    println!("\n== runtime overhead summary (median of {SAMPLES} samples per side, taken alternately) ==");
    let bytes = page_json(100);
    let (client, hand) = time_pair(200, || decode_client(&bytes), || decode_hand(&bytes));
    let ratio = client.as_secs_f64() / hand.as_secs_f64();
    println!(
        "decode 100 customers: client {client:?}, serde_json hand-written {hand:?}, ratio {ratio:.2}x (target <= 1.20x: {})",
        if ratio <= 1.2 { "met" } else { "MISSED" }
    );
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let server = rt.block_on(server());
    let c = cirqll::Client::builder().base_url(server.uri()).bearer_token("token").build().unwrap();
    let bare = reqwest::Client::new();
    let url = format!("{}/customer/1", server.uri());
    let (tc, tb) = time_pair(
        100,
        || rt.block_on(async { c.customer().show(1).send().await.unwrap().into_inner() }),
        || {
            rt.block_on(async {
                bare.get(&url).bearer_auth("token").send().await.unwrap().json::<HandCustomer>().await.unwrap()
            })
        },
    );
    let ratio = tc.as_secs_f64() / tb.as_secs_f64();
    println!(
        "GET on loopback: client {tc:?}, bare reqwest {tb:?}, ratio {ratio:.2}x (target <= 1.10x: {})",
        if ratio <= 1.1 { "met" } else { "MISSED" }
    );
    let (n, peak, took) = pagination_peak();
    println!(
        "auto-pagination: {n} items in {took:?}, at most {peak} records alive at once with pages of 100 (target <= 200: {})",
        if peak <= 200 { "met" } else { "MISSED" }
    );
}

criterion_group!(benches, bench_decode, bench_get);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
