//! A typed mock server for tests of code that uses this crate (feature `mock`).
//!
//! [`MockServer`] is a [wiremock](https://docs.rs/wiremock) server with a [`crate::Client`]
//! pointed at it. The crate's `mock` module adds an accessor per tag and an [`Expectation`] per
//! operation whose matchers and replies take the crate's own types, so a spec change that
//! breaks a test breaks it at compile time:
//!
//! ```text
//! server.customer().show().with_id(7).returns(&customer).expect(1).await;
//! ```
//!
//! An expectation matches its operation's method and path template, then every matcher added
//! (`with_<param>`, `with_body`, [`Expectation::matching`]...). It answers with its replies in
//! order, the last one repeating, so `.returns_status(429, &e).returns(&customer)` answers 429
//! once and then the record. Awaiting it mounts it for the server's lifetime;
//! [`Expectation::mount_as_scoped`] mounts it until the returned guard drops. `expect(n)` is
//! verified when the server (or the guard) drops, as in wiremock.
//!
//! A reply body that is not typed (`returns_status`, `returns_json`, `returns_empty`) is decoded
//! into the type the spec declares for that status when it is set, so a test cannot serve what
//! the real API could not send; a mismatch panics at the line that set it. List operations
//! (`x-pagination`) reply with whole envelopes built from items ([`Expectation::returns_list`]
//! slices them by the request's limit and offset, so `.stream()` pages through them).
//!
//! Raw wiremock stays reachable: [`Expectation::matching`] takes any `wiremock::Match`,
//! [`Expectation::responds_with`] any `ResponseTemplate`, and [`MockServer::wiremock`] is the
//! server itself, for mocks the typed layer has no words for.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use wiremock::{Match, Mock, Request, ResponseTemplate, Times};

use super::mock_wire::{
    lock, route_prefix, template_params, BodyMatch, CookieIs, HeaderIs, Mounted, PageReply, QueryContains, QueryParam,
    Replies, Reply, ReplyKind, Route, Shared, Yield, DEFAULT_PRIORITY,
};
use super::pagination::PageLayout;
use super::retry::RetryPolicy;

/// One operation of the API as the mock sees it. Implemented by the marker types of the
/// crate's `mock` module (one per operation); tests name them only in helper signatures
/// (`Expectation<CustomerShow>`).
pub trait MockOperation: 'static {
    /// HTTP method, upper case.
    const METHOD: &'static str;
    /// Path template of the spec (`/customer/{id}`).
    const TEMPLATE: &'static str;
    /// Index of the server the operation is sent to (the crate's `SERVERS`).
    const SERVER: usize;
    /// The request body as the test sees it: the operation's body type, `()` when it has none,
    /// raw bytes for multipart and binary bodies.
    type Body: Send + 'static;
    /// Decodes a received request body.
    fn decode_body(raw: &[u8]) -> Result<Self::Body, String>;
    /// Checks a reply body against what the spec declares for `status`: its body type, no body,
    /// or anything for a status the spec does not declare.
    fn check_reply(status: u16, body: &[u8]) -> Result<(), String>;
}

/// A list operation with offset pagination (`x-pagination`): the mock can build its envelopes.
pub trait PagedOperation: MockOperation {
    /// The record type of a page.
    type Item: Serialize;
    /// Where the items and the total sit in the envelope.
    type Layout: PageLayout;
    /// Status of a page reply (the operation's success status).
    const PAGE_STATUS: u16;
    /// Query parameter of the page size.
    const LIMIT_PARAM: &'static str;
    /// Query parameter of the records to skip.
    const OFFSET_PARAM: &'static str;
    /// Envelope key that echoes the applied page size, when the envelope schema has one.
    const LIMIT_KEY: Option<&'static str>;
    /// Envelope key that echoes the applied offset, when the envelope schema has one.
    const OFFSET_KEY: Option<&'static str>;
}

/// A mock of the API on loopback: wiremock underneath, typed expectations on top (see the
/// crate's `mock` module for the per-tag accessors). Cheap to clone; clones share the server,
/// which stops and verifies every `expect` when the last clone drops.
///
/// Operations of server 0 are served at the root, those of server `i` under `/__server<i>`,
/// so operations of different servers cannot answer for each other; [`Self::client`] is set up
/// accordingly.
#[derive(Clone)]
pub struct MockServer {
    inner: Arc<wiremock::MockServer>,
    /// Every expectation mounted through this server, for [`Expectation::priority`].
    mounted: Arc<Mutex<Vec<Arc<Mounted>>>>,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer").field("uri", &self.inner.uri()).finish()
    }
}

impl MockServer {
    /// Starts a mock server on a random loopback port. Needs a tokio runtime.
    pub async fn start() -> Self {
        Self::from_wiremock(wiremock::MockServer::start().await)
    }

    /// Wraps a wiremock server started another way (`wiremock::MockServer::builder()`, to
    /// listen on a given port, say). Request recording must stay on for `received`.
    pub fn from_wiremock(server: wiremock::MockServer) -> Self {
        MockServer { inner: Arc::new(server), mounted: Arc::default() }
    }

    /// The server's base URL (`http://127.0.0.1:<port>`).
    pub fn uri(&self) -> String {
        self.inner.uri()
    }

    /// The base URL of the API's server `index` on the mock: the root for server 0,
    /// `/__server<index>` for the others.
    pub fn server_uri(&self, index: usize) -> String {
        match index {
            0 => self.inner.uri(),
            i => format!("{}/__server{i}", self.inner.uri()),
        }
    }

    /// A client builder pointed at the mock (every server), without credentials, retrying
    /// quickly: a few milliseconds of backoff, 10 ms on a 429 without `Retry-After`, and up to
    /// 2 s of 429 waits per request. Change anything before `build()`.
    pub fn client_builder(&self) -> crate::ClientBuilder {
        let mut builder = crate::Client::builder().retry_policy(RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(10),
            rate_limit_budget: Duration::from_secs(2),
            rate_limit_window: Duration::from_millis(10),
        });
        for index in 0..crate::SERVERS.len().max(1) {
            builder = builder.server_url(index, self.server_uri(index));
        }
        builder
    }

    /// A client pointed at the mock (see [`Self::client_builder`]).
    pub fn client(&self) -> crate::Client {
        match self.client_builder().build() {
            Ok(client) => client,
            // The mock's URLs are absolute, which is all `build` checks.
            Err(e) => panic!("cannot build a client for the mock server: {e}"),
        }
    }

    /// The wiremock server, for mocks the typed layer cannot express.
    pub fn wiremock(&self) -> &wiremock::MockServer {
        &self.inner
    }

    /// Every request the server received, in order.
    pub async fn received_requests(&self) -> Vec<Request> {
        self.inner.received_requests().await.unwrap_or_default()
    }

    /// Panics unless every mounted expectation's `expect` is met (also checked on drop).
    pub async fn verify(&self) {
        self.inner.verify().await
    }

    /// Removes every mounted expectation and forgets the received requests.
    pub async fn reset(&self) {
        self.inner.reset().await;
        lock(&self.mounted).clear();
    }
}

/// What one operation is expected to receive and how it answers; mounted when awaited.
///
/// Built by the crate's `mock` module (`server.customer().show()`), which adds the typed
/// matchers and replies of the operation (`with_id`, `with_body`, `returns`...). The methods
/// here are the same for every operation.
#[must_use = "an expectation does nothing until it is mounted: `.await` it"]
pub struct Expectation<O: MockOperation> {
    server: MockServer,
    /// Path parameter values the request must carry, as sent (not percent-encoded).
    path: Vec<(&'static str, String)>,
    matchers: Vec<Arc<dyn Match>>,
    replies: Vec<Reply>,
    expect: Option<Times>,
    up_to: Option<u64>,
    name: Option<String>,
    priority: Option<u8>,
    op: PhantomData<fn() -> O>,
}

impl<O: MockOperation> Clone for Expectation<O> {
    fn clone(&self) -> Self {
        Expectation {
            server: self.server.clone(),
            path: self.path.clone(),
            matchers: self.matchers.clone(),
            replies: self.replies.clone(),
            expect: self.expect.clone(),
            up_to: self.up_to,
            name: self.name.clone(),
            priority: self.priority,
            op: PhantomData,
        }
    }
}

impl<O: MockOperation> fmt::Debug for Expectation<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expectation")
            .field("operation", &format_args!("{} {}", O::METHOD, O::TEMPLATE))
            .field("path", &self.path)
            .field("matchers", &self.matchers.len())
            .field("replies", &self.replies)
            .field("expect", &self.expect)
            .finish()
    }
}

impl<O: MockOperation> Expectation<O> {
    /// An expectation of operation `O` on `server` that matches every request of the operation
    /// and has no reply yet.
    pub fn new(server: &MockServer) -> Self {
        Expectation {
            server: server.clone(),
            path: Vec::new(),
            matchers: Vec::new(),
            replies: Vec::new(),
            expect: None,
            up_to: None,
            name: None,
            priority: None,
            op: PhantomData,
        }
    }

    // Matching.

    /// Matches requests whose path parameter `name` is `value` as sent (before
    /// percent-encoding). Prefer the typed `with_<param>` methods.
    ///
    /// # Panics
    /// When the operation's path has no parameter `name`.
    #[track_caller]
    pub fn path_param(mut self, name: &str, value: impl Into<String>) -> Self {
        let Some(name) = template_params(O::TEMPLATE).find(|p| *p == name) else {
            panic!("{} {} has no path parameter `{name}`", O::METHOD, O::TEMPLATE);
        };
        self.path.push((name, value.into()));
        self
    }

    /// Matches requests whose query parameter `name` has exactly these values, in this order
    /// (none: the parameter is absent). Prefer the typed `with_<param>` methods.
    pub fn query_param<V: Into<String>>(self, name: impl Into<String>, values: impl IntoIterator<Item = V>) -> Self {
        let (name, values) = (name.into(), values.into_iter().map(Into::into).collect());
        self.matching(QueryParam { name, values })
    }

    /// Matches requests with a value of query parameter `name` that contains `needle`.
    pub fn query_param_contains(self, name: impl Into<String>, needle: impl Into<String>) -> Self {
        self.matching(QueryContains { name: name.into(), needle: needle.into() })
    }

    /// Matches requests that carry header `name` with `value`. Prefer the typed
    /// `with_<param>` methods for the operation's header parameters.
    pub fn header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.matching(HeaderIs { name: name.into().to_ascii_lowercase(), value: value.into() })
    }

    /// Matches requests that carry cookie `name` with `value`.
    pub fn cookie(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.matching(CookieIs { name: name.into(), value: value.into() })
    }

    /// Adds any wiremock matcher (`wiremock::matchers::*` or your own `Match`).
    pub fn matching(mut self, matcher: impl Match + 'static) -> Self {
        self.matchers.push(Arc::new(matcher));
        self
    }

    /// Matches requests whose body decodes into the operation's body type and satisfies
    /// `predicate` (for a field or two; `with_body` compares the whole value).
    pub fn body_matching(self, predicate: impl Fn(&O::Body) -> bool + Send + Sync + 'static) -> Self {
        self.matching(BodyMatch::<O> { predicate: Box::new(predicate), op: PhantomData })
    }

    // Replies: each `returns…` call adds one; requests get them in order, the last repeats.

    /// Replies `status` with `body` (a value or a reference) as JSON, which must decode into
    /// the type the spec declares for `status` (any body passes for a status the spec does not
    /// declare).
    ///
    /// # Panics
    /// When the body is not what the API could send for `status`.
    #[track_caller]
    pub fn returns_status(self, status: u16, body: impl Serialize) -> Self {
        let bytes = match serde_json::to_vec(&body) {
            Ok(bytes) => bytes,
            Err(e) => panic!("{} {}: the reply body does not serialize: {e}", O::METHOD, O::TEMPLATE),
        };
        self.checked(status, bytes)
    }

    /// Replies `status` with a JSON value, which must decode into the type the spec declares
    /// for `status` (any body passes for a status the spec does not declare).
    ///
    /// # Panics
    /// When the body is not what the API could send for `status`.
    #[track_caller]
    pub fn returns_json(self, status: u16, body: Value) -> Self {
        self.checked(status, body.to_string().into_bytes())
    }

    /// Replies `status` without a body.
    ///
    /// # Panics
    /// When the spec declares a body for `status`.
    #[track_caller]
    pub fn returns_empty(self, status: u16) -> Self {
        self.checked(status, Vec::new())
    }

    /// Replies with a wiremock response as it is, unchecked: for what the API's declared
    /// responses cannot express (a malformed body, a redirect, a slow drip).
    pub fn responds_with(self, template: ResponseTemplate) -> Self {
        self.push_reply(ReplyKind::Raw(template))
    }

    /// Adds a header to the last reply added.
    ///
    /// # Panics
    /// When no reply has been added yet.
    #[track_caller]
    pub fn reply_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.last_reply().headers.push((name.into(), value.into()));
        self
    }

    /// Delays the last reply added by `delay` (to test timeouts).
    ///
    /// # Panics
    /// When no reply has been added yet.
    #[track_caller]
    pub fn reply_delay(mut self, delay: Duration) -> Self {
        self.last_reply().delay = Some(delay);
        self
    }

    /// Adds `Retry-After` (whole seconds, as HTTP writes it) to the last reply added.
    ///
    /// # Panics
    /// When no reply has been added yet.
    #[track_caller]
    pub fn retry_after(self, wait: Duration) -> Self {
        self.reply_header("retry-after", wait.as_secs().to_string())
    }

    // Counting.

    /// Expects the expectation to match this many requests (`1`, `2..`, `..=3`); verified when
    /// the server or the scoped guard drops, or by [`MockServer::verify`].
    pub fn expect(mut self, times: impl Into<Times>) -> Self {
        self.expect = Some(times.into());
        self
    }

    /// Stops matching after `n` requests, so an expectation mounted after it takes over.
    pub fn up_to_n_times(mut self, n: u64) -> Self {
        self.up_to = Some(n);
        self
    }

    /// Names the expectation in verification failures (default: method, path and parameters).
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Priority among expectations that match the same request: lower numbers first, 5 by
    /// default; equal priorities go in mount order. An override mounted after a general
    /// expectation needs a lower number to win.
    pub fn priority(mut self, priority: u8) -> Self {
        self.priority = Some(priority);
        self
    }

    // Mounting and inspecting.

    /// Mounts the expectation for the server's lifetime (awaiting the expectation does the
    /// same).
    ///
    /// # Panics
    /// When no reply has been added.
    pub async fn mount(self) {
        let server = self.server.clone();
        let (mock, _) = self.into_mock();
        mock.mount(&server.inner).await;
    }

    /// Mounts the expectation until the returned guard drops; dropping it verifies `expect`.
    ///
    /// # Panics
    /// When no reply has been added.
    pub async fn mount_as_scoped(self) -> MockGuard<O> {
        let server = self.server.clone();
        let (mock, mounted) = self.into_mock();
        let guard = mock.mount_as_scoped(&server.inner).await;
        MockGuard { guard, mounted, op: PhantomData }
    }

    /// The requests received so far that this expectation's matchers accept (whether or not
    /// it is mounted), with their bodies decoded.
    ///
    /// # Panics
    /// When a matching request's body does not decode into the operation's body type.
    pub async fn received(&self) -> Vec<ReceivedRequest<O::Body>> {
        let route = self.route();
        let matchers = &self.matchers;
        self.server
            .received_requests()
            .await
            .into_iter()
            .filter(|r| route.matches(r) && matchers.iter().all(|m| m.matches(r)))
            .map(ReceivedRequest::decode::<O>)
            .collect()
    }

    // Used by the generated per-operation methods (not every API needs both).

    /// Adds a JSON reply of a typed value; the type already guarantees the shape.
    #[track_caller]
    #[allow(dead_code)]
    pub(crate) fn reply_json<B: Serialize + ?Sized>(self, status: u16, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(body) => self.push_reply(ReplyKind::Body { status, body, content_type: Some("application/json") }),
            Err(e) => panic!("{} {}: the reply body does not serialize: {e}", O::METHOD, O::TEMPLATE),
        }
    }

    /// Adds a reply with raw bytes (empty and without content type for a bodyless status).
    #[allow(dead_code)]
    pub(crate) fn reply_bytes(self, status: u16, body: Vec<u8>, content_type: Option<&'static str>) -> Self {
        self.push_reply(ReplyKind::Body { status, body, content_type })
    }

    #[track_caller]
    fn checked(self, status: u16, body: Vec<u8>) -> Self {
        if let Err(e) = O::check_reply(status, &body) {
            panic!("{} {} cannot reply {status} with this body: {e}", O::METHOD, O::TEMPLATE);
        }
        let content_type = (!body.is_empty()).then_some("application/json");
        self.push_reply(ReplyKind::Body { status, body, content_type })
    }

    fn push_reply(mut self, kind: ReplyKind) -> Self {
        self.replies.push(Reply { kind, headers: Vec::new(), delay: None });
        self
    }

    #[track_caller]
    fn last_reply(&mut self) -> &mut Reply {
        match self.replies.last_mut() {
            Some(reply) => reply,
            None => panic!("{} {}: add a reply (`returns…`) before changing it", O::METHOD, O::TEMPLATE),
        }
    }

    fn route(&self) -> Route {
        Route { method: O::METHOD, prefix: route_prefix(O::SERVER), template: O::TEMPLATE, values: self.path.clone() }
    }

    /// The wiremock mock, and its entry in the server's list of mounted expectations.
    ///
    /// Priorities are kept here rather than with wiremock's `with_priority`: wiremock 0.6 sorts
    /// its mocks by priority in place, which points the guards of scoped mocks mounted before
    /// the reordering at other mocks. Every wiremock mock keeps the default priority (so mount
    /// order is never disturbed) and an expectation declines a request that a live expectation
    /// with a lower number would take.
    fn into_mock(self) -> (Mock, Arc<Mounted>) {
        let name = self.name.clone().unwrap_or_else(|| {
            let mut name = format!("{} {}", O::METHOD, O::TEMPLATE);
            for (param, value) in &self.path {
                name.push_str(&format!(" {param}={value}"));
            }
            name
        });
        if self.replies.is_empty() {
            panic!("expectation `{name}` has no reply: add one with a `returns…` method before mounting it");
        }
        let mut matchers: Vec<Arc<dyn Match>> = vec![Arc::new(self.route())];
        matchers.extend(self.matchers);
        let served = Arc::new(AtomicUsize::new(0));
        let priority = self.priority.unwrap_or(DEFAULT_PRIORITY);
        let mounted = Arc::new(Mounted {
            priority,
            matchers: matchers.clone(),
            up_to: self.up_to,
            served: served.clone(),
            live: AtomicBool::new(true),
        });
        let mut builder = Mock::given(Yield { priority, mounted: self.server.mounted.clone() });
        for m in matchers {
            builder = builder.and(Shared(m));
        }
        let mut mock = builder.respond_with(Replies { replies: self.replies, next: served }).named(name);
        if let Some(times) = self.expect {
            mock = mock.expect(times);
        }
        if let Some(n) = self.up_to {
            mock = mock.up_to_n_times(n);
        }
        lock(&self.server.mounted).push(mounted.clone());
        (mock, mounted)
    }
}

impl<O: PagedOperation> Expectation<O> {
    /// Replies with one page holding `items` whatever the request's limit and offset, and
    /// `total` as the number of records over all pages. The envelope echoes the request's
    /// limit and offset where its schema has keys for them.
    ///
    /// # Panics
    /// When such an envelope is not what the API could send (its schema needs more keys than
    /// `x-pagination` describes: reply with `returns` and a whole envelope then).
    #[track_caller]
    pub fn returns_page(self, items: impl IntoIterator<Item = O::Item>, total: u64) -> Self {
        self.page(items, Some(total), false)
    }

    /// Serves `items` as the whole collection: each request gets the slice its limit and offset
    /// ask for (everything from the offset when it sends no limit), with the total, so
    /// `.stream()` and `.pages()` walk through them page by page.
    ///
    /// # Panics
    /// When such an envelope is not what the API could send (see [`Self::returns_page`]).
    #[track_caller]
    pub fn returns_list(self, items: impl IntoIterator<Item = O::Item>) -> Self {
        self.page(items, None, true)
    }

    #[track_caller]
    fn page(self, items: impl IntoIterator<Item = O::Item>, total: Option<u64>, slice: bool) -> Self {
        let items: Result<Vec<Value>, _> = items.into_iter().map(|i| serde_json::to_value(&i)).collect();
        let items = match items {
            Ok(items) => Arc::new(items),
            Err(e) => panic!("{} {}: a page item does not serialize: {e}", O::METHOD, O::TEMPLATE),
        };
        let page = PageReply {
            status: O::PAGE_STATUS,
            items,
            total,
            slice,
            items_key: O::Layout::ITEMS,
            total_key: O::Layout::TOTAL,
            limit_param: O::LIMIT_PARAM,
            offset_param: O::OFFSET_PARAM,
            limit_key: O::LIMIT_KEY,
            offset_key: O::OFFSET_KEY,
        };
        // The first page of a request without limit and offset stands for every page.
        let sample = page.body(None, None).to_string();
        if let Err(e) = O::check_reply(O::PAGE_STATUS, sample.as_bytes()) {
            panic!("{} {}: a page envelope is not what the API sends: {e}", O::METHOD, O::TEMPLATE);
        }
        self.push_reply(ReplyKind::Page(page))
    }
}

impl<O: MockOperation> IntoFuture for Expectation<O> {
    type Output = ();
    type IntoFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

    /// Mounts the expectation (see [`Expectation::mount`]).
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.mount())
    }
}

/// A scoped expectation: unmounted, and its `expect` verified, when dropped.
#[must_use = "the expectation is unmounted as soon as the guard drops: bind it to a variable"]
pub struct MockGuard<O: MockOperation> {
    guard: wiremock::MockGuard,
    mounted: Arc<Mounted>,
    op: PhantomData<fn() -> O>,
}

impl<O: MockOperation> Drop for MockGuard<O> {
    fn drop(&mut self) {
        // Expectations with a higher priority number stop yielding to this one.
        self.mounted.live.store(false, Ordering::Relaxed);
    }
}

impl<O: MockOperation> fmt::Debug for MockGuard<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MockGuard({} {})", O::METHOD, O::TEMPLATE)
    }
}

impl<O: MockOperation> MockGuard<O> {
    /// The requests this expectation answered, with their bodies decoded.
    ///
    /// # Panics
    /// When a request's body does not decode into the operation's body type.
    pub async fn received(&self) -> Vec<ReceivedRequest<O::Body>> {
        self.guard.received_requests().await.into_iter().map(ReceivedRequest::decode::<O>).collect()
    }

    /// Waits until `expect` is met (forever if it never is: wrap it in a timeout).
    pub async fn wait_until_satisfied(&self) {
        self.guard.wait_until_satisfied().await
    }

    /// The wiremock guard.
    pub fn wiremock(&self) -> &wiremock::MockGuard {
        &self.guard
    }
}

/// A request the mock received, with its body decoded into the operation's body type.
#[derive(Debug, Clone)]
pub struct ReceivedRequest<B> {
    /// The decoded body (`()` for operations without one).
    pub body: B,
    /// The request as wiremock recorded it: method, URL, headers, raw body.
    pub request: Request,
    path_params: Vec<(&'static str, String)>,
}

impl<B> ReceivedRequest<B> {
    /// Decodes `request` as a request of `O`.
    fn decode<O: MockOperation<Body = B>>(request: Request) -> Self {
        let body = match O::decode_body(&request.body) {
            Ok(body) => body,
            Err(e) => panic!("{} {} received a body that does not decode: {e}", O::METHOD, O::TEMPLATE),
        };
        let route = Route { method: O::METHOD, prefix: route_prefix(O::SERVER), template: O::TEMPLATE, values: vec![] };
        let path_params = route.capture(&request).unwrap_or_default();
        ReceivedRequest { body, request, path_params }
    }

    /// The value of path parameter `name`, percent-decoded.
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path_params.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// The values of query parameter `name`, in order.
    pub fn query(&self, name: &str) -> Vec<String> {
        self.request.url.query_pairs().filter(|(k, _)| k == name).map(|(_, v)| v.into_owned()).collect()
    }

    /// The first value of header `name`, when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.request.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Decodes a JSON request body (for the generated `decode_body`).
pub fn json_body<T: DeserializeOwned>(raw: &[u8]) -> Result<T, String> {
    decode(&mut serde_json::Deserializer::from_slice(raw), raw.is_empty())
}

/// Decodes a form-encoded request body (for the generated `decode_body`).
pub fn form_body<T: DeserializeOwned>(raw: &[u8]) -> Result<T, String> {
    serde_urlencoded::from_bytes(raw).map_err(|e| format!("not a form of `{}`: {e}", std::any::type_name::<T>()))
}

/// Checks that `body` is JSON that decodes into `T` (for the generated `check_reply`).
pub fn check_json<T: DeserializeOwned>(body: &[u8]) -> Result<(), String> {
    json_body::<T>(body).map(drop)
}

/// Checks that `body` is empty: the spec declares no body for the status.
pub fn check_empty(body: &[u8]) -> Result<(), String> {
    match body.is_empty() {
        true => Ok(()),
        false => Err("the spec declares no body for this status".to_owned()),
    }
}

fn decode<T: DeserializeOwned>(
    de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'_>>,
    empty: bool,
) -> Result<T, String> {
    let ty = std::any::type_name::<T>();
    if empty {
        return Err(format!("no body, but the spec declares `{ty}`"));
    }
    match serde_path_to_error::deserialize::<_, T>(&mut *de) {
        Ok(value) => de.end().map(|()| value).map_err(|e| format!("not JSON of `{ty}`: {e}")),
        Err(e) => Err(format!("not a `{ty}`: at `{}`: {}", e.path(), e.inner())),
    }
}
