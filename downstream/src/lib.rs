//! A small CRM service on top of `cirqll`, standing for the code a downstream crate writes: it
//! is what `tests/` exercises against `cirqll`'s typed mock server (feature `mock`).
//!
//! Not published; it exists to show (and to check in CI) that a user of the generated crate
//! can test their own code with the mock, through `cirqll`'s public API only.

#![deny(missing_docs)]

use std::collections::BTreeMap;

use cirqll::models::{CustomerRequestStore, CustomerRequestUpdate, CustomerResponse};
use cirqll::query::{CustomerField, Filter};
use cirqll::{Client, Error};
use futures_util::TryStreamExt as _;

/// Customers through the Cirqll API.
#[derive(Debug, Clone)]
pub struct Customers {
    client: Client,
    page_size: i32,
}

/// Why a customer could not be registered.
#[derive(Debug)]
pub enum RegisterError {
    /// The API refused the data: messages per field.
    Invalid(BTreeMap<String, Vec<String>>),
    /// Anything else.
    Api(Error),
}

impl Customers {
    /// Customers through `client`, listing `page_size` records per request.
    pub fn new(client: Client, page_size: i32) -> Self {
        Customers { client, page_size }
    }

    /// The names of every customer whose name matches `pattern` (SQL `like`), over all pages.
    pub async fn names_like(&self, pattern: &str) -> Result<Vec<String>, Error> {
        let records = self
            .client
            .customer()
            .index()
            .filter(Filter::field(CustomerField::Name).like(pattern))
            .limit(self.page_size)
            .stream();
        records.map_ok(|c| c.name).try_collect().await
    }

    /// The customer `id`, or `None` when there is none.
    pub async fn find(&self, id: u32) -> Result<Option<CustomerResponse>, Error> {
        match self.client.customer().show(id).send().await {
            Ok(response) => Ok(Some(response.into_inner())),
            Err(Error::Api(e)) if e.status == 404 => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Registers a customer owned by user `owner`.
    pub async fn register(&self, name: &str, owner: u32) -> Result<CustomerResponse, RegisterError> {
        let body = CustomerRequestStore { name: name.to_owned(), user_id: owner, ..Default::default() };
        match self.client.customer().create(&body).send().await {
            Ok(response) => Ok(response.into_inner()),
            Err(Error::Api(e)) if e.status == 422 => Err(RegisterError::Invalid(e.field_errors)),
            Err(e) => Err(RegisterError::Api(e)),
        }
    }

    /// Renames customer `id` and clears its website; other fields keep their values.
    pub async fn rename(&self, id: u32, name: &str) -> Result<CustomerResponse, Error> {
        let body = CustomerRequestUpdate { name: Some(name.to_owned()), website: Some(None), ..Default::default() };
        self.client.customer().update(id, &body).send().await.map(|r| r.into_inner())
    }

    /// Deletes customer `id`.
    pub async fn remove(&self, id: u32) -> Result<(), Error> {
        self.client.customer().delete(id).send().await.map(|r| r.into_inner())
    }
}
