//! The mock pages through a list with the spec's own pagination names (`size`, `skip`,
//! `items`, `count`) and matches the typed query vocabulary in the spec's own syntax: joined
//! lists, a prefix sort syntax and a filter syntax with its own escape (hand-written; the
//! generator keeps `tests/`).

#![cfg(feature = "mock")]

use futures_util::TryStreamExt as _;
use golden_extensions::mock::MockServer;
use golden_extensions::models::Book;
use golden_extensions::query::{BookField, BookRelation, Filter};

fn book(id: i64) -> Book {
    let json = serde_json::json!({"id": id, "title": format!("Book {id}"), "published": "2024-01-02T03:04:05Z"});
    serde_json::from_value(json).unwrap()
}

#[tokio::test]
async fn stream_walks_a_list_served_by_size_and_skip() {
    let server = MockServer::start().await;
    let books: Vec<Book> = (1..=7).map(book).collect();
    let filter = || Filter::field(BookField::Title).is("a [b]");
    server
        .library()
        .books_index()
        .with_include([BookRelation::Author])
        .with_sort([BookField::Id.desc(), BookField::Title.into()])
        .with_where(filter())
        .returns_list(books.clone())
        .expect(3)
        .await;

    let got: Vec<Book> = server
        .client()
        .library()
        .books_index()
        .include([BookRelation::Author])
        .sort(BookField::Id.desc())
        .sort(BookField::Title)
        .where_(filter())
        .size(3)
        .stream()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(got, books);
    let received = server.library().books_index().received().await;
    let skips: Vec<Vec<String>> = received.iter().map(|r| r.query("skip")).collect();
    assert_eq!(skips, [["0"], ["3"], ["6"]]);
    assert_eq!(received[0].query("where"), ["title is a~ ~[b~]"], "escaped in the spec's syntax");
    assert_eq!(received[0].query("sort"), ["-id", "title"]);
}

#[tokio::test]
async fn a_page_envelope_uses_the_layouts_keys() {
    let server = MockServer::start().await;
    server.library().books_index().with_fields([BookField::Id]).returns_page(vec![book(1)], 9).await;

    let page = server.client().library().books_index().fields([BookField::Id]).send().await.unwrap();

    assert_eq!(page.total, Some(9));
    assert_eq!(page.items[0].id, Some(1), "the trimmed view decodes the full record");
}
