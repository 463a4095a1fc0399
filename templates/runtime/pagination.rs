//! Offset pagination: one page type for every list operation and streams over pages and items.
//!
//! [`Page`] decodes only the items and the total of a page body (other keys are skipped
//! without being kept), so a page costs no more than its items. The streams fetch one page
//! at a time: at most the page being read and the one being fetched are in memory.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;

use futures_util::stream::{self, Stream};
use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::error::Error;
use super::response::Response;

/// Where the items and the total sit in a page body (`x-pagination`).
pub trait PageLayout {
    /// Top-level key of the items array.
    const ITEMS: &'static str;
    /// Top-level key of the total count, if the API sends one.
    const TOTAL: Option<&'static str>;
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T, L> {
    /// The records on this page.
    pub items: Vec<T>,
    /// Number of records over all pages, when the API reports it.
    pub total: Option<u64>,
    _layout: PhantomData<L>,
}

impl<T, L> Page<T, L> {
    /// A page from its parts.
    pub fn new(items: Vec<T>, total: Option<u64>) -> Self {
        Page { items, total, _layout: PhantomData }
    }
}

impl<'de, T: Deserialize<'de>, L: PageLayout> Deserialize<'de> for Page<T, L> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct PageVisitor<T, L>(PhantomData<(T, L)>);
        impl<'de, T: Deserialize<'de>, L: PageLayout> Visitor<'de> for PageVisitor<T, L> {
            type Value = Page<T, L>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a page object with `{}`", L::ITEMS)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut items = None;
                let mut total = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == L::ITEMS {
                        items = Some(map.next_value::<Vec<T>>()?);
                    } else if Some(key.as_ref()) == L::TOTAL {
                        total = map.next_value::<Option<u64>>()?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                let items = items.ok_or_else(|| serde::de::Error::missing_field(L::ITEMS))?;
                Ok(Page::new(items, total))
            }
        }
        de.deserialize_map(PageVisitor(PhantomData))
    }
}

/// Streams pages, starting at `offset`, `limit` records each, until a page is empty, the
/// offset reaches the reported total, or, when the API reports none, a page is shorter than
/// `limit`. `fetch(offset, limit)` loads one
/// page. The offset advances by the number of records received, so a stable collection
/// never yields a record twice, and the stream ends even when the total changes meanwhile.
pub fn pages<T, L, F, Fut>(offset: u64, limit: u64, fetch: F) -> impl Stream<Item = Result<Response<Page<T, L>>, Error>>
where
    F: FnMut(u64, u64) -> Fut,
    Fut: Future<Output = Result<Response<Page<T, L>>, Error>>,
{
    let limit = limit.max(1);
    stream::unfold((Some(offset), fetch), move |(next, mut fetch)| async move {
        let offset = next?;
        match fetch(offset, limit).await {
            Ok(page) => {
                let got = page.items.len() as u64;
                let reached = offset + got;
                // With a total, page until it is reached: a server may cap pages below
                // `limit`, and a short page then is not the last. Without one, only a short
                // (or empty) page shows the end.
                let more = got > 0 && page.total.map_or(got >= limit, |t| reached < t);
                Some((Ok(page), (more.then_some(reached), fetch)))
            }
            Err(e) => Some((Err(e), (None, fetch))),
        }
    })
}

/// Streams the records of all pages (see [`pages`]).
pub fn items<T, L, F, Fut>(offset: u64, limit: u64, fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(u64, u64) -> Fut,
    Fut: Future<Output = Result<Response<Page<T, L>>, Error>>,
    T: DeserializeOwned,
{
    let pages = Box::pin(pages(offset, limit, fetch));
    stream::unfold((pages, VecDeque::new()), |(mut pages, mut buffer)| async move {
        use futures_util::StreamExt;
        loop {
            if let Some(item) = buffer.pop_front() {
                return Some((Ok(item), (pages, buffer)));
            }
            match pages.next().await? {
                Ok(page) => buffer = page.value.items.into(),
                Err(e) => return Some((Err(e), (pages, buffer))),
            }
        }
    })
}
