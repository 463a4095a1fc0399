//! The typed mock's expectations as wiremock sees them (feature `mock`): the route and
//! parameter matchers, priorities, and replies (sequences, page envelopes built per request).
//! The public API is in [`super::mock`].

use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use wiremock::{Match, Request, Respond, ResponseTemplate};

use super::mock::MockOperation;

/// wiremock's default priority, which every mock the typed layer mounts keeps.
pub(super) const DEFAULT_PRIORITY: u8 = 5;

/// An expectation as mounted: what [`Yield`] needs to know whether it would take a request.
pub(super) struct Mounted {
    pub(super) priority: u8,
    pub(super) matchers: Vec<Arc<dyn Match>>,
    pub(super) up_to: Option<u64>,
    /// Requests answered so far (the replies' cursor).
    pub(super) served: Arc<AtomicUsize>,
    /// False once its scoped guard dropped.
    pub(super) live: AtomicBool,
}

impl Mounted {
    fn takes(&self, request: &Request) -> bool {
        self.live.load(Ordering::Relaxed)
            && self.up_to.is_none_or(|n| (self.served.load(Ordering::Relaxed) as u64) < n)
            && self.matchers.iter().all(|m| m.matches(request))
    }
}

/// The server's list of mounted expectations. It stays consistent even if a holder panicked:
/// every change is one push or one clear.
pub(super) fn lock(mounted: &Mutex<Vec<Arc<Mounted>>>) -> std::sync::MutexGuard<'_, Vec<Arc<Mounted>>> {
    mounted.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Declines requests that a live expectation with a lower priority number takes.
pub(super) struct Yield {
    pub(super) priority: u8,
    pub(super) mounted: Arc<Mutex<Vec<Arc<Mounted>>>>,
}

impl Match for Yield {
    fn matches(&self, request: &Request) -> bool {
        !lock(&self.mounted).iter().any(|m| m.priority < self.priority && m.takes(request))
    }
}

/// The path prefix of server `index` on the mock.
pub(super) fn route_prefix(index: usize) -> String {
    match index {
        0 => String::new(),
        i => format!("/__server{i}"),
    }
}

/// The names of a path template's parameters.
pub(super) fn template_params(template: &str) -> impl Iterator<Item = &str> {
    template.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(name, _)| name))
}

/// One piece of a path template.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part<'t> {
    Literal(&'t str),
    Param(&'t str),
}

fn template_parts(template: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        if start > 0 {
            parts.push(Part::Literal(&rest[..start]));
        }
        parts.push(Part::Param(&rest[start + 1..start + len]));
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Literal(rest));
    }
    parts
}

/// Matches `path` against `parts`; a parameter takes a non-empty run of characters within one
/// segment. Pushes the captured values (still percent-encoded) onto `out`.
fn match_parts<'t>(parts: &[Part<'t>], path: &str, out: &mut Vec<(&'t str, String)>) -> bool {
    match parts.split_first() {
        None => path.is_empty(),
        Some((Part::Literal(lit), rest)) => path.strip_prefix(lit).is_some_and(|p| match_parts(rest, p, out)),
        Some((Part::Param(name), rest)) => {
            let segment = path.find('/').unwrap_or(path.len());
            for end in (1..=segment).filter(|&e| path.is_char_boundary(e)) {
                out.push((name, path[..end].to_owned()));
                if match_parts(rest, &path[end..], out) {
                    return true;
                }
                out.pop();
            }
            false
        }
    }
}

/// Percent-decodes `s`, except the escapes of `keep` (which stay escaped).
fn percent_decode(s: &str, keep: &[u8]) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some(&[b'%', hi, lo]) => hex(hi).zip(hex(lo)).map(|(hi, lo)| (hi * 16 + lo) as u8),
            _ => None,
        };
        match escaped {
            Some(b) if !keep.contains(&b) => {
                out.push(b);
                i += 3;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The operation's method and path template, with required path parameter values.
#[derive(Debug, Clone)]
pub(super) struct Route {
    pub(super) method: &'static str,
    pub(super) prefix: String,
    pub(super) template: &'static str,
    pub(super) values: Vec<(&'static str, String)>,
}

impl Route {
    /// The path parameters of `request` (decoded), when it is a request of this route.
    pub(super) fn capture(&self, request: &Request) -> Option<Vec<(&'static str, String)>> {
        if request.method.as_str() != self.method {
            return None;
        }
        // Escaped slashes and percent signs stay escaped until a parameter's value is decoded,
        // so a value cannot span segments or be decoded twice.
        let path = percent_decode(request.url.path(), b"/%");
        let path = path.strip_prefix(&self.prefix)?;
        let mut captured = Vec::new();
        if !match_parts(&template_parts(self.template), path, &mut captured) {
            return None;
        }
        for (_, value) in &mut captured {
            *value = percent_decode(value, &[]);
        }
        let wanted = self.values.iter().all(|(n, v)| captured.iter().any(|(c, cv)| c == n && cv == v));
        wanted.then_some(captured)
    }
}

impl Match for Route {
    fn matches(&self, request: &Request) -> bool {
        self.capture(request).is_some()
    }
}

pub(super) struct Shared(pub(super) Arc<dyn Match>);

impl Match for Shared {
    fn matches(&self, request: &Request) -> bool {
        self.0.matches(request)
    }
}

pub(super) struct QueryParam {
    pub(super) name: String,
    pub(super) values: Vec<String>,
}

impl Match for QueryParam {
    fn matches(&self, request: &Request) -> bool {
        let mut got = request.url.query_pairs().filter(|(k, _)| *k == self.name).map(|(_, v)| v);
        self.values.iter().all(|want| got.next().is_some_and(|v| v == *want)) && got.next().is_none()
    }
}

pub(super) struct QueryContains {
    pub(super) name: String,
    pub(super) needle: String,
}

impl Match for QueryContains {
    fn matches(&self, request: &Request) -> bool {
        request.url.query_pairs().any(|(k, v)| k == self.name && v.contains(&self.needle))
    }
}

pub(super) struct HeaderIs {
    pub(super) name: String,
    pub(super) value: String,
}

impl Match for HeaderIs {
    fn matches(&self, request: &Request) -> bool {
        request.headers.get_all(self.name.as_str()).iter().any(|v| v.to_str().is_ok_and(|v| v == self.value))
    }
}

pub(super) struct CookieIs {
    pub(super) name: String,
    pub(super) value: String,
}

impl Match for CookieIs {
    fn matches(&self, request: &Request) -> bool {
        request
            .headers
            .get_all("cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(k, v)| k == self.name && v == self.value)
    }
}

pub(super) type Predicate<B> = Box<dyn Fn(&B) -> bool + Send + Sync>;

pub(super) struct BodyMatch<O: MockOperation> {
    pub(super) predicate: Predicate<O::Body>,
    pub(super) op: PhantomData<fn() -> O>,
}

impl<O: MockOperation> Match for BodyMatch<O> {
    fn matches(&self, request: &Request) -> bool {
        O::decode_body(&request.body).is_ok_and(|body| (self.predicate)(&body))
    }
}

/// One reply of an expectation.
#[derive(Debug, Clone)]
pub(super) struct Reply {
    pub(super) kind: ReplyKind,
    pub(super) headers: Vec<(String, String)>,
    pub(super) delay: Option<Duration>,
}

#[derive(Debug, Clone)]
pub(super) enum ReplyKind {
    /// A status and body (empty: no body).
    Body { status: u16, body: Vec<u8>, content_type: Option<&'static str> },
    /// A wiremock response, as given.
    Raw(ResponseTemplate),
    /// A page envelope, built per request.
    Page(PageReply),
}

#[derive(Debug, Clone)]
pub(super) struct PageReply {
    pub(super) status: u16,
    pub(super) items: Arc<Vec<Value>>,
    /// The total to report; `None`: the number of items.
    pub(super) total: Option<u64>,
    /// Whether to serve the slice the request asks for, rather than every item.
    pub(super) slice: bool,
    pub(super) items_key: &'static str,
    pub(super) total_key: Option<&'static str>,
    pub(super) limit_param: &'static str,
    pub(super) offset_param: &'static str,
    pub(super) limit_key: Option<&'static str>,
    pub(super) offset_key: Option<&'static str>,
}

impl PageReply {
    /// The envelope for a request with this limit and offset.
    pub(super) fn body(&self, limit: Option<u64>, offset: Option<u64>) -> Value {
        let offset = offset.unwrap_or(0);
        let all = self.items.len();
        let (items, applied) = if self.slice {
            let start = (offset as usize).min(all);
            let end = limit.map_or(all, |l| start.saturating_add(l as usize).min(all));
            (&self.items[start..end], limit.unwrap_or((end - start) as u64))
        } else {
            (&self.items[..], limit.unwrap_or(all as u64))
        };
        let mut envelope = serde_json::Map::new();
        envelope.insert(self.items_key.to_owned(), Value::Array(items.to_vec()));
        if let Some(key) = self.total_key {
            envelope.insert(key.to_owned(), self.total.unwrap_or(all as u64).into());
        }
        if let Some(key) = self.limit_key {
            envelope.insert(key.to_owned(), applied.into());
        }
        if let Some(key) = self.offset_key {
            envelope.insert(key.to_owned(), offset.into());
        }
        Value::Object(envelope)
    }
}

impl Reply {
    fn template(&self, request: &Request) -> ResponseTemplate {
        let mut template = match &self.kind {
            ReplyKind::Raw(template) => template.clone(),
            ReplyKind::Body { status, body, content_type } => match content_type {
                Some(mime) => ResponseTemplate::new(*status).set_body_raw(body.clone(), mime),
                None => ResponseTemplate::new(*status),
            },
            ReplyKind::Page(page) => {
                let number = |name: &str| {
                    request.url.query_pairs().find(|(k, _)| k == name).and_then(|(_, v)| v.trim().parse::<u64>().ok())
                };
                let body = page.body(number(page.limit_param), number(page.offset_param)).to_string();
                ResponseTemplate::new(page.status).set_body_raw(body, "application/json")
            }
        };
        for (name, value) in &self.headers {
            template = template.append_header(name.as_str(), value.as_str());
        }
        if let Some(delay) = self.delay {
            template = template.set_delay(delay);
        }
        template
    }
}

/// Serves an expectation's replies in order; the last one repeats.
pub(super) struct Replies {
    pub(super) replies: Vec<Reply>,
    /// Requests answered so far; shared with the expectation's [`Mounted`] entry.
    pub(super) next: Arc<AtomicUsize>,
}

impl Respond for Replies {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let index = self.next.fetch_add(1, Ordering::Relaxed).min(self.replies.len().saturating_sub(1));
        match self.replies.get(index) {
            Some(reply) => reply.template(request),
            None => ResponseTemplate::new(500),
        }
    }
}
