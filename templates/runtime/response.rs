//! A decoded response together with its status, headers and rate-limit state.

use std::ops::Deref;
use std::time::Duration;

/// A typed response value with the raw HTTP facts around it. Derefs to the value.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: reqwest::header::HeaderMap,
    /// Rate-limit state read from the headers.
    pub rate_limit: RateLimit,
    /// The decoded body.
    pub value: T,
}

impl<T> Response<T> {
    /// The decoded body, dropping status and headers.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Replaces the value, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, rate_limit: self.rate_limit, value: f(self.value) }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Rate-limit headers of one response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub limit: Option<u32>,
    /// Requests left in the current window.
    pub remaining: Option<u32>,
    /// How long the server asked to wait (`Retry-After`, seconds form).
    pub retry_after: Option<Duration>,
}

impl RateLimit {
    /// Reads the rate-limit headers named in the API configuration.
    pub fn from_headers(headers: &reqwest::header::HeaderMap, limit_header: &str, remaining_header: &str) -> Self {
        let num =
            |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u32>().ok());
        RateLimit {
            limit: num(limit_header),
            remaining: num(remaining_header),
            retry_after: headers
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs),
        }
    }
}
