//! The HTTP client: configuration, request execution, retries, rate limits and tracing.
//!
//! Retry rules, in order:
//! 1. A connection that could not be made is retried for every method (nothing was sent).
//! 2. 429 is waited out (`Retry-After`, else the rate-limit window) and retried for every
//!    method while the rate-limit budget lasts: the server did not process the request.
//! 3. 401 with an OAuth session triggers one refresh and one replay.
//! 4. Timeouts, other transport errors (a body cut off mid-way too) and 502/503/504 are
//!    retried with jittered exponential backoff only for idempotent methods (GET, HEAD,
//!    OPTIONS, PUT, DELETE, PATCH). A POST that may have reached the server is never re-sent
//!    by the client.
//!
//! The bodies of non-2xx responses have the request's token replaced by `[redacted]`, so an
//! error page that echoes the request's headers cannot leak it into an `Error`.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use tracing::Instrument as _;
use url::Url;

use super::auth::{Auth, Secret};
use super::error::{ApiError, Error, TransportError};
use super::limiter::RateLimiter;
use super::response::RateLimit;
use super::retry::RetryPolicy;

/// What the generator knows about the API, fixed at generation time.
#[derive(Debug, Clone, Copy)]
pub struct ApiConfig {
    /// Server base URLs; index 0 is the default.
    pub servers: &'static [&'static str],
    /// Default `User-Agent`.
    pub user_agent: &'static str,
    /// Header carrying the rate limit.
    pub limit_header: &'static str,
    /// Header carrying the remaining requests.
    pub remaining_header: &'static str,
    /// Requests per window for the optional client-side limiter.
    pub limiter_requests: u32,
    /// Window of the limiter and default 429 wait, in seconds.
    pub limiter_window_seconds: u32,
}

/// A client for the API. Cheap to clone; clones share connections, tokens and the limiter.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    servers: Vec<Url>,
    auth: Auth,
    retry: RetryPolicy,
    limiter: Option<RateLimiter>,
    config: &'static ApiConfig,
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    config: &'static ApiConfig,
    servers: Vec<Option<String>>,
    auth: Auth,
    retry: RetryPolicy,
    limiter: bool,
    user_agent: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// A builder with the API's defaults.
    pub fn new(config: &'static ApiConfig) -> Self {
        ClientBuilder {
            config,
            servers: vec![None; config.servers.len().max(1)],
            auth: Auth::None,
            retry: RetryPolicy::default(),
            limiter: false,
            user_agent: None,
            timeout: Some(Duration::from_secs(30)),
            connect_timeout: Some(Duration::from_secs(10)),
            http: None,
        }
    }

    /// Replaces the default base URL (server 0).
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.server_url(0, url)
    }

    /// Replaces the URL of server `index` (see the crate's `SERVERS`).
    pub fn server_url(mut self, index: usize, url: impl Into<String>) -> Self {
        if index >= self.servers.len() {
            self.servers.resize(index + 1, None);
        }
        self.servers[index] = Some(url.into());
        self
    }

    /// Sends a fixed bearer token.
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.auth = Auth::Bearer(token.into());
        self
    }

    /// Uses an OAuth2 session (tokens refreshed automatically and handed to its store).
    pub fn oauth(mut self, session: super::auth::OAuthSession) -> Self {
        self.auth = Auth::OAuth(Arc::new(session));
        self
    }

    /// Sets the retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Enables the client-side limiter (the API's published rate) so a busy client does not
    /// meet 429 at all.
    pub fn rate_limiter(mut self, enabled: bool) -> Self {
        self.limiter = enabled;
        self
    }

    /// Sets the `User-Agent`.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// Total timeout per attempt (default 30 s); `None` waits forever.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Uses a caller-supplied `reqwest::Client` (its own timeouts, proxies and TLS settings
    /// apply; `user_agent` and `timeout` of this builder are then ignored).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the client. Fails when a server URL is not an absolute URL.
    pub fn build(self) -> Result<Client, Error> {
        let mut servers = Vec::new();
        for (i, over) in self.servers.iter().enumerate() {
            let raw = over.as_deref().or(self.config.servers.get(i).copied()).unwrap_or("/");
            let raw = raw.trim_end_matches('/');
            let url = Url::parse(&format!("{raw}/")).map_err(|e| {
                Error::Config(format!(
                    "server {i} URL `{raw}` is not absolute ({e}); set it with `base_url`/`server_url`"
                ))
            })?;
            servers.push(url);
        }
        let http = match self.http {
            Some(h) => h,
            None => {
                let mut b = reqwest::Client::builder()
                    .user_agent(self.user_agent.unwrap_or_else(|| self.config.user_agent.to_owned()))
                    .redirect(same_origin_redirects());
                if let Some(t) = self.timeout {
                    b = b.timeout(t);
                }
                if let Some(t) = self.connect_timeout {
                    b = b.connect_timeout(t);
                }
                b.build().map_err(|e| Error::Config(format!("HTTP client: {}", e.without_url())))?
            }
        };
        let limiter = self.limiter.then(|| {
            RateLimiter::new(
                self.config.limiter_requests,
                Duration::from_secs(self.config.limiter_window_seconds.into()),
            )
        });
        Ok(Client {
            inner: Arc::new(Inner { http, servers, auth: self.auth, retry: self.retry, limiter, config: self.config }),
        })
    }
}

/// Follows redirects only within the same origin, so `Authorization` never reaches
/// another host.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same = attempt.previous().last().is_some_and(|prev| {
            prev.scheme() == attempt.url().scheme()
                && prev.host_str() == attempt.url().host_str()
                && prev.port_or_known_default() == attempt.url().port_or_known_default()
        });
        if attempt.previous().len() >= 10 || !same {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

/// A request body.
#[derive(Debug, Clone)]
pub enum RequestBody {
    /// No body.
    Empty,
    /// JSON bytes.
    Json(Vec<u8>),
    /// `application/x-www-form-urlencoded` text.
    Form(String),
    /// Multipart parts, rebuilt per attempt.
    Multipart(Vec<(String, MultipartValue)>),
    /// Raw bytes with a content type.
    Bytes(Vec<u8>, &'static str),
}

/// One multipart part.
#[derive(Debug, Clone)]
pub enum MultipartValue {
    /// A text field.
    Text(String),
    /// A file field.
    File(Vec<u8>),
}

/// Everything needed to send one operation; built by generated request builders, which
/// start with [`RequestSpec::new`] and add each parameter with one call.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    /// HTTP method.
    pub method: Method,
    /// Server index.
    pub server: usize,
    /// Path template (for errors and tracing).
    pub template: &'static str,
    /// Path with parameters substituted and percent-encoded.
    pub path: String,
    /// Query pairs.
    pub query: Vec<(&'static str, String)>,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// Body.
    pub body: RequestBody,
    /// Per-request timeout, overriding the client's.
    pub timeout: Option<Duration>,
}

impl RequestSpec {
    /// A request to `template` on server `server`, with an empty path, no query, headers or
    /// body yet.
    pub fn new(method: Method, server: usize, template: &'static str, timeout: Option<Duration>) -> Self {
        RequestSpec {
            method,
            server,
            template,
            path: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: RequestBody::Empty,
            timeout,
        }
    }

    /// Appends literal text of the path template.
    pub fn path(&mut self, literal: &str) {
        self.path.push_str(literal);
    }

    /// Appends a path parameter, as text ([`to_param`]) percent-encoded.
    pub fn path_param<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        self.path.push_str(&encode_path(&to_param(value)));
    }

    /// Appends an array path parameter ([`encode_path_list`]).
    pub fn path_list<T: serde::Serialize>(&mut self, values: &[T], delimiter: &str) {
        self.path.push_str(&encode_path_list(values, delimiter));
    }

    /// Adds a query parameter.
    pub fn query<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.query.push((name, to_param(value)));
    }

    /// Adds a query parameter when it is set.
    pub fn query_opt<T: serde::Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.query(name, value);
        }
    }

    /// Adds an array query parameter: one pair per item when `explode` (`k=a&k=b`), else one
    /// pair of the items joined with `delimiter` ([`join_params`]), left out when the array
    /// is empty.
    pub fn query_list<T: serde::Serialize>(
        &mut self,
        name: &'static str,
        values: &[T],
        explode: bool,
        delimiter: &str,
    ) {
        if explode {
            for value in values {
                self.query(name, value);
            }
        } else if !values.is_empty() {
            self.query.push((name, join_params(values, delimiter)));
        }
    }

    /// [`Self::query_list`] of an array that is set.
    pub fn query_list_opt<T: serde::Serialize>(
        &mut self,
        name: &'static str,
        values: &Option<Vec<T>>,
        explode: bool,
        delimiter: &str,
    ) {
        if let Some(values) = values {
            self.query_list(name, values, explode, delimiter);
        }
    }

    /// Adds a header (`name` in lowercase).
    pub fn header<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.headers.push((name, to_param(value)));
    }

    /// Adds a header when it is set.
    pub fn header_opt<T: serde::Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.header(name, value);
        }
    }

    /// Adds an array header, its items joined with `delimiter`.
    pub fn header_list<T: serde::Serialize>(&mut self, name: &'static str, values: &[T], delimiter: &str) {
        self.headers.push((name, join_params(values, delimiter)));
    }

    /// [`Self::header_list`] of an array that is set.
    pub fn header_list_opt<T: serde::Serialize>(
        &mut self,
        name: &'static str,
        values: &Option<Vec<T>>,
        delimiter: &str,
    ) {
        if let Some(values) = values {
            self.header_list(name, values, delimiter);
        }
    }

    /// Adds a cookie: to the `cookie` header when there is one, else as a new `cookie` header.
    pub fn cookie<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        self.cookie_text(name, &to_param(value));
    }

    /// Adds a cookie when it is set.
    pub fn cookie_opt<T: serde::Serialize>(&mut self, name: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.cookie(name, value);
        }
    }

    /// Adds an array cookie, its items joined with `delimiter`.
    pub fn cookie_list<T: serde::Serialize>(&mut self, name: &str, values: &[T], delimiter: &str) {
        self.cookie_text(name, &join_params(values, delimiter));
    }

    /// [`Self::cookie_list`] of an array that is set.
    pub fn cookie_list_opt<T: serde::Serialize>(&mut self, name: &str, values: &Option<Vec<T>>, delimiter: &str) {
        if let Some(values) = values {
            self.cookie_list(name, values, delimiter);
        }
    }

    fn cookie_text(&mut self, name: &str, text: &str) {
        let pair = format!("{name}={text}");
        match self.headers.iter_mut().rev().find(|(header, _)| *header == "cookie") {
            Some((_, cookies)) => {
                cookies.push_str("; ");
                cookies.push_str(&pair);
            }
            None => self.headers.push(("cookie", pair)),
        }
    }

    /// Sets the body the builder encoded, or fails with the reason it could not be encoded.
    pub fn body_from(&mut self, body: &Result<RequestBody, String>) -> Result<(), Error> {
        match body {
            Ok(body) => {
                self.body = body.clone();
                Ok(())
            }
            Err(e) => Err(Error::Config(format!("cannot encode the request body: {e}"))),
        }
    }
}

/// A response before decoding.
#[derive(Debug)]
pub struct RawResponse {
    /// Status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Rate-limit state.
    pub rate_limit: RateLimit,
    /// Body bytes.
    pub body: Vec<u8>,
}

fn idempotent(m: &Method) -> bool {
    matches!(
        *m,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE | Method::PATCH | Method::TRACE
    )
}

/// `body` with every occurrence of `secret` replaced by `[redacted]`.
fn redact(body: Vec<u8>, secret: &[u8]) -> Vec<u8> {
    if secret.is_empty() || !body.windows(secret.len()).any(|w| w == secret) {
        return body;
    }
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body.as_slice();
    while let Some(at) = rest.windows(secret.len()).position(|w| w == secret) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(b"[redacted]");
        rest = &rest[at + secret.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// Percent-encodes one path segment value.
pub fn encode_path(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>().replace('+', "%20")
}

/// Writes the items of an array path parameter: each item percent-encoded, joined with
/// `delimiter`. A comma stays literal, as RFC 6570 expands lists (`1,2,3`); other delimiters
/// are percent-encoded.
pub fn encode_path_list<T: serde::Serialize>(values: &[T], delimiter: &str) -> String {
    let delimiter = if delimiter == "," { ",".to_owned() } else { encode_path(delimiter) };
    values.iter().map(|v| encode_path(&to_param(v))).collect::<Vec<_>>().join(&delimiter)
}

impl Client {
    /// Starts a builder for `config`.
    pub fn builder_for(config: &'static ApiConfig) -> ClientBuilder {
        ClientBuilder::new(config)
    }

    /// The OAuth session, when the client uses one.
    pub fn oauth_session(&self) -> Option<&super::auth::OAuthSession> {
        match &self.inner.auth {
            Auth::OAuth(s) => Some(s),
            _ => None,
        }
    }

    /// Sends a request with retries, refresh and rate-limit handling; returns any status.
    pub async fn execute(&self, spec: RequestSpec) -> Result<RawResponse, Error> {
        let span = tracing::info_span!(
            "http_request",
            method = %spec.method,
            path = spec.template,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
        );
        self.execute_inner(spec, span.clone()).instrument(span).await
    }

    async fn execute_inner(&self, spec: RequestSpec, span: tracing::Span) -> Result<RawResponse, Error> {
        let inner = &self.inner;
        let policy = inner.retry;
        let mut attempt: u32 = 0;
        let mut transient_retries = 0;
        let mut waited_429 = Duration::ZERO;
        let mut refreshed = false;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            if let Some(l) = &inner.limiter {
                l.acquire().await;
            }
            let (token, generation) = match &inner.auth {
                Auth::None => (None, 0),
                Auth::Bearer(t) => (Some(t.clone()), 0),
                Auth::OAuth(s) => {
                    let (t, g) = s.access_token().await?;
                    (Some(t), g)
                }
            };
            let request = self.build_request(&spec, token.as_ref())?;
            match inner.http.execute(request).await {
                Err(e) => {
                    let err = TransportError::from_reqwest(e).during(spec.method.as_str(), spec.template);
                    let retryable = err.connect || idempotent(&spec.method);
                    if retryable && transient_retries < policy.max_retries {
                        transient_retries += 1;
                        tracing::debug!(error = %err, "transport error; retrying");
                        tokio::time::sleep(policy.backoff(transient_retries)).await;
                        continue;
                    }
                    return Err(Error::Transport(err));
                }
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    span.record("status", status);
                    let headers = resp.headers().clone();
                    let rate_limit =
                        RateLimit::from_headers(&headers, inner.config.limit_header, inner.config.remaining_header);
                    if status == 401 && !refreshed {
                        if let Auth::OAuth(s) = &inner.auth {
                            refreshed = true;
                            s.refresh_from(generation).await?;
                            continue;
                        }
                    }
                    if status == 429 {
                        let wait = rate_limit.retry_after.unwrap_or(policy.rate_limit_window);
                        if waited_429 + wait <= policy.rate_limit_budget {
                            waited_429 += wait;
                            tracing::info!(wait_ms = wait.as_millis() as u64, "rate limited; waiting");
                            tokio::time::sleep(wait).await;
                            continue;
                        }
                    }
                    if matches!(status, 502..=504) && idempotent(&spec.method) && transient_retries < policy.max_retries
                    {
                        transient_retries += 1;
                        tokio::time::sleep(policy.backoff(transient_retries)).await;
                        continue;
                    }
                    let body = match resp.bytes().await {
                        Ok(body) => body.to_vec(),
                        Err(e) => {
                            // The connection broke mid-body: the request was processed, so
                            // only an idempotent one may be sent again.
                            let err = TransportError::from_reqwest(e).during(spec.method.as_str(), spec.template);
                            if idempotent(&spec.method) && transient_retries < policy.max_retries {
                                transient_retries += 1;
                                tracing::debug!(error = %err, "response body cut off; retrying");
                                tokio::time::sleep(policy.backoff(transient_retries)).await;
                                continue;
                            }
                            return Err(Error::Transport(err));
                        }
                    };
                    let body = match &token {
                        // An error page may echo the request's headers (debug pages do): the
                        // token must not reach an error, its Debug output or a log.
                        Some(token) if !(200..300).contains(&status) => redact(body, token.expose().as_bytes()),
                        _ => body,
                    };
                    return Ok(RawResponse { status, headers, rate_limit, body });
                }
            }
        }
    }

    fn build_request(&self, spec: &RequestSpec, token: Option<&Secret>) -> Result<reqwest::Request, Error> {
        let base = self
            .inner
            .servers
            .get(spec.server)
            .or(self.inner.servers.first())
            .ok_or_else(|| Error::Config("no server URL".into()))?;
        let mut url = base
            .join(spec.path.trim_start_matches('/'))
            .map_err(|e| Error::Config(format!("bad path {}: {e}", spec.template)))?;
        if !spec.query.is_empty() {
            let mut q = url.query_pairs_mut();
            for (k, v) in &spec.query {
                q.append_pair(k, v);
            }
        }
        let mut req = reqwest::Request::new(spec.method.clone(), url);
        let h = req.headers_mut();
        h.insert(reqwest::header::ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(t) = token {
            let mut v = HeaderValue::from_str(&format!("Bearer {}", t.expose()))
                .map_err(|_| Error::Config("the access token is not a valid header value".into()))?;
            v.set_sensitive(true);
            h.insert(reqwest::header::AUTHORIZATION, v);
        }
        for (name, value) in &spec.headers {
            let name = HeaderName::from_static(name);
            let value = HeaderValue::from_str(value)
                .map_err(|_| Error::Config(format!("header `{name}` has an invalid value")))?;
            h.append(name, value);
        }
        if let Some(t) = spec.timeout {
            *req.timeout_mut() = Some(t);
        }
        match &spec.body {
            RequestBody::Empty => {}
            RequestBody::Json(bytes) => {
                req.headers_mut().insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
                *req.body_mut() = Some(bytes.clone().into());
            }
            RequestBody::Form(text) => {
                req.headers_mut().insert(
                    reqwest::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                );
                *req.body_mut() = Some(text.clone().into());
            }
            RequestBody::Bytes(bytes, content_type) => {
                if let Ok(v) = HeaderValue::from_str(content_type) {
                    req.headers_mut().insert(reqwest::header::CONTENT_TYPE, v);
                }
                *req.body_mut() = Some(bytes.clone().into());
            }
            RequestBody::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for (name, value) in parts {
                    form = match value {
                        MultipartValue::Text(t) => form.text(name.clone(), t.clone()),
                        MultipartValue::File(b) => {
                            form.part(name.clone(), reqwest::multipart::Part::bytes(b.clone()).file_name(name.clone()))
                        }
                    };
                }
                // reqwest builds multipart bodies on a RequestBuilder; borrow its encoding.
                let built = self
                    .inner
                    .http
                    .request(spec.method.clone(), req.url().clone())
                    .headers(req.headers().clone())
                    .multipart(form)
                    .build()
                    .map_err(|e| Error::Config(format!("multipart body: {}", e.without_url())))?;
                let timeout = req.timeout().copied();
                req = built;
                *req.timeout_mut() = timeout;
            }
        }
        Ok(req)
    }

    /// Turns a raw response into the typed value `decode` produces for a success status, or an
    /// [`ApiError`] for any other status. A decoding error gets the method, the content type
    /// and the whole body.
    pub fn finish<T>(
        &self,
        method: &str,
        template: &'static str,
        raw: RawResponse,
        decode: impl FnOnce(u16, &[u8]) -> Option<Result<T, Error>>,
    ) -> Result<super::response::Response<T>, Error> {
        match decode(raw.status, &raw.body) {
            Some(Ok(value)) => Ok(super::response::Response {
                status: raw.status,
                headers: raw.headers,
                rate_limit: raw.rate_limit,
                value,
            }),
            Some(Err(Error::Decode(mut e))) => {
                e.method = method.to_owned();
                e.content_type =
                    raw.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
                e.body = match String::from_utf8(raw.body) {
                    Ok(text) => text,
                    Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
                };
                Err(Error::Decode(e))
            }
            Some(Err(e)) => Err(e),
            None => {
                let request_id = raw.headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
                let body = String::from_utf8_lossy(&raw.body).into_owned();
                Err(Error::Api(Box::new(ApiError::from_body(
                    method,
                    template,
                    raw.status,
                    raw.rate_limit,
                    request_id,
                    body,
                ))))
            }
        }
    }

    /// Sends `spec` and turns the response into the value `decode` produces for a success
    /// status (`None` for any other), or an [`ApiError`] for any other status.
    pub async fn send_with<T>(
        &self,
        spec: RequestSpec,
        decode: impl FnOnce(u16, &[u8]) -> Option<Result<T, Error>>,
    ) -> Result<super::response::Response<T>, Error> {
        let (method, template) = (spec.method.clone(), spec.template);
        let raw = self.execute(spec).await?;
        self.finish(method.as_str(), template, raw, decode)
    }

    /// Sends `spec`; a status within one of the inclusive `ok` ranges decodes its body as JSON
    /// into `T`, any other is an [`ApiError`]. A 2xx status the operation does not declare
    /// (202 where 201 is declared, say) is a success too, decoded the same way: the server did
    /// the work, and calling it a failure would invite the caller to send it again.
    pub async fn send_json<T: serde::de::DeserializeOwned>(
        &self,
        spec: RequestSpec,
        ok: &[(u16, u16)],
    ) -> Result<super::response::Response<T>, Error> {
        let template = spec.template;
        self.send_with(spec, |status, body| {
            (in_ranges(status, ok) || (200..300).contains(&status))
                .then(|| super::error::decode_json(body, template, status))
        })
        .await
    }

    /// Sends `spec`; a status within one of the inclusive `ok` ranges, or any other 2xx,
    /// succeeds without reading the body; any other is an [`ApiError`].
    pub async fn send_empty(
        &self,
        spec: RequestSpec,
        ok: &[(u16, u16)],
    ) -> Result<super::response::Response<()>, Error> {
        self.send_with(spec, |status, _| (in_ranges(status, ok) || (200..300).contains(&status)).then_some(Ok(())))
            .await
    }
}

/// Whether `status` lies within one of the inclusive `ranges`.
fn in_ranges(status: u16, ranges: &[(u16, u16)]) -> bool {
    ranges.iter().any(|&(low, high)| (low..=high).contains(&status))
}

/// Writes a parameter value as text: strings as they are, other values as their JSON text
/// (numbers, booleans; enums and date-times serialize to strings).
pub fn to_param<T: serde::Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Null) | Err(_) => String::new(),
        Ok(other) => other.to_string(),
    }
}

/// Writes the items of an array parameter as one value, joined with `delimiter` (`,` for
/// OpenAPI's form and simple styles, ` ` for spaceDelimited, `|` for pipeDelimited, a tab
/// for Swagger 2.0's tsv).
pub fn join_params<T: serde::Serialize>(values: &[T], delimiter: &str) -> String {
    values.iter().map(to_param).collect::<Vec<_>>().join(delimiter)
}

/// Encodes a value as an `application/x-www-form-urlencoded` body. `fields` lists the
/// declared fields in order, each with the delimiter that joins its array items into one
/// value (`None`: one `name=item` pair per item). Fields are written in that order, then any
/// others the value has (additional properties); `null` fields are left out, and nested
/// objects are written as JSON text.
pub fn form_body<T: serde::Serialize + ?Sized>(
    body: &T,
    fields: &[(&str, Option<&str>)],
) -> Result<RequestBody, String> {
    let serde_json::Value::Object(values) = serde_json::to_value(body).map_err(|e| e.to_string())? else {
        return Err("a form body must be an object".to_owned());
    };
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    let mut write = |name: &str, value: &serde_json::Value, delimiter: Option<&str>| match (value, delimiter) {
        (serde_json::Value::Null, _) => {}
        (serde_json::Value::Array(items), Some(delimiter)) => {
            form.append_pair(name, &join_params(items, delimiter));
        }
        (serde_json::Value::Array(items), None) => {
            for item in items {
                form.append_pair(name, &to_param(item));
            }
        }
        (value, _) => {
            form.append_pair(name, &to_param(value));
        }
    };
    for (name, delimiter) in fields {
        if let Some(value) = values.get(*name) {
            write(name, value, *delimiter);
        }
    }
    for (name, value) in &values {
        if !fields.iter().any(|(field, _)| field == name) {
            write(name, value, None);
        }
    }
    Ok(RequestBody::Form(form.finish()))
}
