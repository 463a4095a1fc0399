//! A polite HTTP client for the audit: it keeps within the spec's rate limit (`x-rate-limit`:
//! at most `requests` in any `window-seconds`), pauses when the remaining-requests header
//! reaches zero, waits out 429s (`Retry-After`, else one window) and retries, and stops after
//! `--max-requests`. The bearer token is held in a [`Secret`] and marked sensitive on the
//! request; nothing here prints it.

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderValue, AUTHORIZATION, RETRY_AFTER};
use serde_json::Value;
use tokio::time::Instant;

use crate::ir::{Method, RateLimitConfig};

/// A token that never shows itself in `Debug` or `Display`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a token.
    pub fn new(token: String) -> Self {
        Secret(token)
    }

    /// The token, for redacting it from output.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// One HTTP response, read whole.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }
}

/// Why the client stopped instead of answering.
#[derive(Debug)]
pub enum Stop {
    /// `--max-requests` were sent.
    Budget,
    /// The server could not be reached.
    Connection(String),
    /// The server asked to wait longer than the audit waits.
    TooLong(String),
}

/// The client.
pub struct Http {
    client: reqwest::Client,
    token: Option<Secret>,
    limiter: Limiter,
    remaining_header: String,
    budget: usize,
    /// Requests sent so far.
    pub sent: usize,
    /// What the client waited for, for the report (`429 on GET /x: waited 2 s`).
    pub waits: Vec<String>,
}

/// Retries of one request answered 429.
const RETRIES_429: usize = 3;
/// The longest single wait the audit accepts before stopping.
const MAX_WAIT: Duration = Duration::from_secs(300);

impl Http {
    /// A client within `rate` sending at most `budget` requests.
    pub fn new(rate: &RateLimitConfig, token: Option<Secret>, budget: usize) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("cirqll-codegen-audit/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Http {
            client,
            token,
            limiter: Limiter::new(
                rate.requests.max(1) as usize,
                Duration::from_secs(rate.window_seconds.max(1).into()),
            ),
            remaining_header: rate.remaining_header.clone(),
            budget,
            sent: 0,
            waits: Vec::new(),
        })
    }

    /// Sends one request, waiting out 429s: the replies, the last being the answer (earlier
    /// ones are 429s, checked against the spec like any response).
    pub async fn send(
        &mut self,
        method: Method,
        url: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        auth: bool,
    ) -> Result<Vec<Reply>, Stop> {
        let mut replies = Vec::new();
        loop {
            if self.sent >= self.budget {
                return Err(Stop::Budget);
            }
            self.limiter.ready().await;
            self.sent += 1;
            let reply = self.once(method, url, query, body, auth).await?;
            let retry_after = reply.header(RETRY_AFTER.as_str()).and_then(parse_retry_after);
            if reply.header(&self.remaining_header).and_then(|v| v.trim().parse::<u64>().ok()) == Some(0) {
                self.limiter.pause(retry_after.unwrap_or(self.limiter.window));
            }
            if reply.status == 429 && replies.len() < RETRIES_429 {
                let wait = retry_after.unwrap_or(self.limiter.window);
                if wait > MAX_WAIT {
                    return Err(Stop::TooLong(format!(
                        "{} {url} answered 429 and asks to wait {} s; run the audit again later",
                        method.as_str(),
                        wait.as_secs()
                    )));
                }
                self.waits.push(format!("429 on {} {url}: waited {} s", method.as_str(), wait.as_secs_f64().ceil()));
                self.limiter.pause(wait);
                replies.push(reply);
                continue;
            }
            replies.push(reply);
            return Ok(replies);
        }
    }

    async fn once(
        &self,
        method: Method,
        url: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        auth: bool,
    ) -> Result<Reply, Stop> {
        let method = reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut request = self.client.request(method, url).header("accept", "application/json");
        if !query.is_empty() {
            request = request.query(query);
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_string());
        }
        if let (true, Some(token)) = (auth, &self.token) {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", token.0))
                .map_err(|_| Stop::Connection("the token contains characters a header cannot carry".into()))?;
            value.set_sensitive(true);
            request = request.header(AUTHORIZATION, value);
        }
        let response = request.send().await.map_err(|e| Stop::Connection(describe(&e, url)))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let body = response.bytes().await.map_err(|e| Stop::Connection(describe(&e, url)))?.to_vec();
        Ok(Reply { status, headers, body })
    }
}

/// A transport error in words, with its root cause (`Connection refused`), naming the URL
/// (which never carries the token).
fn describe(e: &reqwest::Error, url: &str) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let what = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        format!("cannot connect ({cause})")
    } else {
        cause.to_string()
    };
    format!("{url}: {what}")
}

/// `Retry-After`: seconds, or an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let secs = (at.timestamp() - now).max(0);
    Some(Duration::from_secs(secs as u64))
}

/// At most `requests` requests in any window of `window`, and pauses on the server's word.
struct Limiter {
    requests: usize,
    window: Duration,
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

impl Limiter {
    fn new(requests: usize, window: Duration) -> Self {
        Limiter { requests, window, sent: VecDeque::new(), paused_until: None }
    }

    fn pause(&mut self, wait: Duration) {
        let until = Instant::now() + wait;
        self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
    }

    async fn ready(&mut self) {
        if let Some(until) = self.paused_until.take() {
            tokio::time::sleep_until(until).await;
        }
        if self.sent.len() >= self.requests {
            if let Some(&oldest) = self.sent.front() {
                tokio::time::sleep_until(oldest + self.window).await;
            }
            self.sent.pop_front();
        }
        self.sent.push_back(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after(" 2 "), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn the_secret_does_not_print() {
        let s = Secret::new("sekret".into());
        assert_eq!(format!("{s:?}"), "Secret(***)");
    }

    #[tokio::test]
    async fn the_limiter_keeps_to_n_requests_per_window() {
        let window = Duration::from_millis(300);
        let mut limiter = Limiter::new(2, window);
        let start = Instant::now();
        limiter.ready().await;
        limiter.ready().await;
        assert!(start.elapsed() < window, "the first two go at once");
        limiter.ready().await;
        assert!(start.elapsed() >= window, "the third waits for the window");
        limiter.pause(window);
        let paused = Instant::now();
        limiter.ready().await;
        assert!(paused.elapsed() >= window, "a pause holds the next request");
    }
}
