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
    /// common `{"message": ..., "errors": {field: [..]}}` shape when present.
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
        write!(f, "{} {} failed with status {}", self.method, self.path, self.status)?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        for (field, msgs) in &self.field_errors {
            write!(f, "; {field}: {}", msgs.join(", "))?;
        }
        Ok(())
    }
}

/// A response body that did not match the expected type.
#[derive(Debug, Clone)]
pub struct DecodeError {
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
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode the {} response of {} at `{}`: {} (near: {})",
            self.status, self.path, self.json_path, self.message, self.excerpt
        )
    }
}

/// A failure below HTTP.
#[derive(Debug)]
pub struct TransportError {
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
        TransportError { message: e.to_string(), timeout: e.is_timeout(), connect: e.is_connect(), source: Some(e) }
    }

    /// A failure that did not come from reqwest (an HTTP message that could not be built).
    pub(crate) fn other(message: String) -> Self {
        TransportError { message, timeout: false, connect: false, source: None }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
pub fn decode_json<T: serde::de::DeserializeOwned>(bytes: &[u8], path: &'static str, status: u16) -> Result<T, Error> {
    if let Ok(v) = serde_json::from_slice(bytes) {
        return Ok(v);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let json_path = e.path().to_string();
            let inner = e.into_inner();
            let excerpt = excerpt(bytes, inner.line(), inner.column());
            Err(Error::Decode(Box::new(DecodeError { path, status, json_path, message: inner.to_string(), excerpt })))
        }
    }
}

fn excerpt(bytes: &[u8], line: usize, column: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let l = text.lines().nth(line.saturating_sub(1)).unwrap_or_default();
    let chars: Vec<char> = l.chars().collect();
    let end = column.min(chars.len());
    let start = end.saturating_sub(60);
    let stop = (end + 20).min(chars.len());
    chars[start..stop].iter().collect()
}
