//! Runtime of generated clients: HTTP execution, authentication, retries, rate limits,
//! pagination, typed queries, errors and wire types.
//!
//! This source does not vary with the spec: the generator copies it verbatim into every
//! generated crate (`src/runtime/`), so each client is self-contained. It is compiled and
//! tested as part of the checked-in `cirqll` crate.

pub mod auth;
pub mod client;
pub mod datetime;
pub mod error;
pub mod limiter;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "mock")]
mod mock_wire;
pub mod pagination;
pub mod query;
pub mod response;
pub mod retry;
pub mod serde_helpers;
mod token_endpoint;
pub mod token_store;
