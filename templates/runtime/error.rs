//! The one error type of the client. No variant ever contains a token or secret.

use std::collections::BTreeMap;
use std::fmt;

use super::response::RateLimit;

/// Everything a request can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status the operation does not treat as success.
    Api(Box<ApiError>),
    /// The body of a response could not be decoded into the expected type.
    Decode(Box<DecodeError>),
    /// The request could not be sent or the response not received (connection, timeout).
    Transport(TransportError),
    /// Authentication failed: no usable token, a refresh was refused, or the token store failed.
    Auth(AuthError),
    /// The client or request is misconfigured (for example an invalid base URL).
    Config(String),
}

impl Error {
    /// HTTP status, for API and decode errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// The response body, for API and decode errors (lossily UTF-8; a token the client sent
    /// is replaced by `[redacted]` in the bodies of error statuses).
    pub fn body(&self) -> Option<&str> {
        match self {
            Error::Api(e) => Some(&e.body),
            Error::Decode(e) => Some(&e.body),
            _ => None,
        }
    }

    /// The API error, if this is one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Auth(e) => e.fmt(f),
            Error::Config(m) => write!(f, "client configuration: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => e.source.as_ref().map(|s| s as &(dyn std::error::Error + 'static)),
            _ => None,
        }
    }
}

/// A non-success response.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP method of the request.
    pub method: String,
    /// Path template of the operation, e.g. `/customer/{id}`.
    pub path: &'static str,
    /// HTTP status code.
    pub status: u16,
    /// `message` from the error body, when it has one.
    pub message: Option<String>,
    /// Per-field validation errors (`errors` in the body), by field name.
    pub field_errors: BTreeMap<String, Vec<String>>,
    /// Rate-limit state reported with the response.
    pub rate_limit: RateLimit,
    /// Request id header (`x-request-id`), when sent.
    pub request_id: Option<String>,
    /// The raw body.
    pub body: String,
}

impl ApiError {
    /// Builds an error from a response body; the message and field errors are read from the
    /// common `{"message": ..., "errors": {field: [..]}}` shape when present (and RFC 9457's
    /// `detail`/`title`). A body that is not JSON gives its HTML `<title>` (or first `<h1>`),
    /// else its first line of text, as the message: proxies and frameworks answer errors
    /// with pages, not JSON.
    pub fn from_body(
        method: &str,
        path: &'static str,
        status: u16,
        rate_limit: RateLimit,
        request_id: Option<String>,
        body: String,
    ) -> Self {
        let parsed: Option<serde_json::Value> = serde_json::from_str(&body).ok();
        let message = parsed.as_ref().and_then(|v| {
            ["message", "error_description", "error", "detail", "title"]
                .iter()
                .find_map(|k| v.get(*k)?.as_str().map(str::to_owned))
        });
        let message = match &parsed {
            Some(_) => message,
            None => text_message(&body),
        };
        let mut field_errors = BTreeMap::new();
        if let Some(errors) = parsed.as_ref().and_then(|v| v.get("errors")).and_then(|v| v.as_object()) {
            for (field, msgs) in errors {
                let list = match msgs {
                    serde_json::Value::Array(a) => {
                        a.iter().map(|m| m.as_str().map(str::to_owned).unwrap_or_else(|| m.to_string())).collect()
                    }
                    serde_json::Value::String(s) => vec![s.clone()],
                    other => vec![other.to_string()],
                };
                field_errors.insert(field.clone(), list);
            }
        }
        ApiError { method: method.to_owned(), path, status, message, field_errors, rate_limit, request_id, body }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            // Only an operation with a response enum gets here with a 2xx the API description
            // does not declare: the request may well have worked, so do not call it failed.
            200..=299 => write!(
                f,
                "{} {} answered with status {}, which its API description does not declare",
                self.method, self.path, self.status
            )?,
            300..=399 => write!(
                f,
                "{} {} answered with status {}, a redirect the client did not follow \
                 (it follows them within the same origin only)",
                self.method, self.path, self.status
            )?,
            _ => write!(f, "{} {} failed with status {}", self.method, self.path, self.status)?,
        }
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        for (field, msgs) in &self.field_errors {
            write!(f, "; {field}: {}", msgs.join(", "))?;
        }
        Ok(())
    }
}

/// The message of an error body that is not JSON: the HTML page's `<title>` or first `<h1>`,
/// else the first non-empty line of text; at most 200 characters, whitespace collapsed.
fn text_message(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let element = |tag: &str| {
        let open = lower.find(&format!("<{tag}"))?;
        let start = open + lower[open..].find('>')? + 1;
        let end = start + lower[start..].find(&format!("</{tag}"))?;
        Some(&body[start..end])
    };
    let text = if lower.contains("<html") || lower.contains("<!doctype") {
        element("title").filter(|t| !t.trim().is_empty()).or_else(|| element("h1"))?
    } else {
        body.lines().find(|l| !l.trim().is_empty())?
    };
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text: String = text.chars().take(200).collect();
    (!text.is_empty()).then_some(text)
}

/// A response body that did not match the expected type.
#[derive(Debug, Clone)]
pub struct DecodeError {
    /// HTTP method of the request (empty when the error did not come through a client call).
    pub method: String,
    /// Path template of the operation.
    pub path: &'static str,
    /// HTTP status of the response.
    pub status: u16,
    /// JSON path of the failing value, e.g. `data[3].created_at`.
    pub json_path: String,
    /// What serde reported.
    pub message: String,
    /// A short excerpt of the body around the failure.
    pub excerpt: String,
    /// The response's `Content-Type`, when it sent one.
    pub content_type: Option<String>,
    /// The whole body (lossily UTF-8).
    pub body: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot decode the {} response of ", self.status)?;
        if !self.method.is_empty() {
            write!(f, "{} ", self.method)?;
        }
        f.write_str(self.path)?;
        if !self.json_path.is_empty() && self.json_path != "." {
            write!(f, " at `{}`", self.json_path)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(ct) = self.content_type.as_deref().filter(|ct| !ct.to_ascii_lowercase().contains("json")) {
            write!(f, " (the response is `{ct}`, not JSON)")?;
        }
        if !self.excerpt.trim().is_empty() {
            write!(f, " (near: {})", self.excerpt)?;
        }
        Ok(())
    }
}

/// A failure below HTTP.
#[derive(Debug)]
pub struct TransportError {
    /// The operation, as method and path template (`GET /customer/{id}`), when the failure
    /// happened during one.
    pub operation: Option<String>,
    /// What happened, without URLs (they could carry query secrets).
    pub message: String,
    /// Whether it was a timeout.
    pub timeout: bool,
    /// Whether the connection could not be made (the request was certainly not sent).
    pub connect: bool,
    pub(crate) source: Option<reqwest::Error>,
}

impl TransportError {
    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        let e = e.without_url();
        // reqwest's own text is often only "error decoding response body": name the causes.
        let mut message = e.to_string();
        let mut cause = std::error::Error::source(&e);
        while let Some(c) = cause {
            let text = c.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            cause = c.source();
        }
        TransportError { operation: None, message, timeout: e.is_timeout(), connect: e.is_connect(), source: Some(e) }
    }

    /// A failure that did not come from reqwest (an HTTP message that could not be built).
    pub(crate) fn other(message: String) -> Self {
        TransportError { operation: None, message, timeout: false, connect: false, source: None }
    }

    /// Names the operation the failure happened in.
    pub(crate) fn during(mut self, method: &str, template: &str) -> Self {
        self.operation = Some(format!("{method} {template}"));
        self
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(op) = &self.operation {
            write!(f, "{op}: ")?;
        }
        write!(f, "transport error: {}", self.message)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// Authentication failures.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AuthError {
    /// The token endpoint refused the refresh or code exchange.
    TokenEndpoint {
        /// HTTP status.
        status: u16,
        /// Error message from the body (never the request's secrets).
        message: String,
    },
    /// No refresh token is available to renew an expired access token.
    NoRefreshToken,
    /// The caller's token store failed to save a new token pair. The session keeps the pair
    /// in memory, unused, and hands it to the store again before the next request (or when
    /// `OAuthSession::save_pending` is called); it never spends the refresh token twice.
    Store(String),
    /// The caller's token store could not read the saved tokens back (a corrupt file, say).
    Load(String),
    /// The `state` of an authorization callback did not match.
    StateMismatch,
    /// The authorization callback carried an error or no code.
    Callback(String),
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::TokenEndpoint { status, message } => write!(f, "token endpoint answered {status}: {message}"),
            AuthError::NoRefreshToken => write!(f, "the access token expired and there is no refresh token"),
            AuthError::Store(m) => write!(f, "the token store failed to save the new tokens: {m}"),
            AuthError::Load(m) => write!(f, "the token store could not load the saved tokens: {m}"),
            AuthError::StateMismatch => write!(f, "the authorization callback's state does not match the request"),
            AuthError::Callback(m) => write!(f, "the authorization callback failed: {m}"),
        }
    }
}

/// Decodes JSON, naming the path of the failing value and quoting the body near it.
///
/// Decodes once at full speed; only a body that fails is decoded again with path tracking,
/// so successful responses pay nothing for the error detail.
///
/// A UTF-8 byte order mark before the JSON is skipped. The error's `method`, `content_type`
/// and `body` are filled in by the client when the body came from one of its calls.
pub fn decode_json<T: serde::de::DeserializeOwned>(bytes: &[u8], path: &'static str, status: u16) -> Result<T, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    if let Ok(v) = serde_json::from_slice(bytes) {
        return Ok(v);
    }
    let decode_error = |json_path: String, message: String, excerpt: String| {
        Error::Decode(Box::new(DecodeError {
            method: String::new(),
            path,
            status,
            json_path,
            message,
            excerpt,
            content_type: None,
            body: String::new(),
        }))
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(decode_error(String::new(), "the body is empty; a JSON value was expected".into(), String::new()));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let json_path = e.path().to_string();
            let inner = e.into_inner();
            let excerpt = excerpt(bytes, inner.line(), inner.column());
            Err(decode_error(json_path, inner.to_string(), excerpt))
        }
    }
}

fn excerpt(bytes: &[u8], line: usize, column: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let l = text.lines().nth(line.saturating_sub(1)).unwrap_or_default();
    // Without collecting the line: a body can be one line of many megabytes.
    let start = column.saturating_sub(60);
    l.chars().skip(start).take(column + 20 - start).collect()
}
