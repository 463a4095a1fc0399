//! A downstream-style test with the `mock` feature: code written against `cirqll` (here
//! `remove_duplicates`, which pages through every customer and deletes repeated names) run
//! against the typed mock server, with expectations in cirqll's own types and call counts
//! checked at the end. CI runs it.
//!
//! ```sh
//! cargo run -p cirqll --example mock_test --features mock
//! ```
//!
//! In a crate of your own the same code is a `#[tokio::test]` and cirqll a dev-dependency with
//! `features = ["mock"]` (see the README's "Testing code that uses this crate").

/// The code under test: what a crate using cirqll would write.
mod app {
    use std::collections::BTreeSet;

    use cirqll::{Client, Error};
    use futures_util::TryStreamExt as _;

    /// Deletes every customer whose name an earlier customer already has; returns their ids.
    pub async fn remove_duplicates(client: &Client) -> Result<Vec<u32>, Error> {
        let mut seen = BTreeSet::new();
        let mut duplicates = Vec::new();
        let mut all = std::pin::pin!(client.customer().index().limit(2).stream());
        while let Some(customer) = all.try_next().await? {
            if !seen.insert(customer.name.clone()) {
                duplicates.push(customer.id);
            }
        }
        for id in &duplicates {
            client.customer().delete(*id).send().await?;
        }
        Ok(duplicates)
    }
}

#[cfg(feature = "mock")]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use std::time::Duration;

    use cirqll::mock::MockServer;
    use cirqll::models::{CustomerResponse, Exception};

    let customer = |id: u32, name: &str| -> Result<CustomerResponse, serde_json::Error> {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": name,
            "created_at": "2024-05-18 13:38:35", "updated_at": "2024-05-18 13:38:35",
        }))
    };
    let server = MockServer::start().await;

    // Five customers, served two per page: the code must follow three pages.
    let all = vec![
        customer(1, "Acme")?,
        customer(2, "Globex")?,
        customer(3, "Acme")?,
        customer(4, "Initech")?,
        customer(5, "Globex")?,
    ];
    server.customer().index().with_limit(2).returns_list(all).expect(3).await;
    // Deleting 3 meets the rate limit once; the client waits and sends it again.
    let slow_down = Exception { message: "Too Many Attempts.".into(), errors: None };
    server
        .customer()
        .delete()
        .with_id(3)
        .returns_status(429, slow_down)
        .retry_after(Duration::ZERO)
        .returns()
        .expect(2)
        .await;
    server.customer().delete().with_id(5).returns().expect(1).await;

    let removed = app::remove_duplicates(&server.client()).await?;

    assert_eq!(removed, [3, 5], "the later customer of each repeated name");
    println!("ok: removed duplicates {removed:?}");
    let offsets: Vec<Vec<String>> =
        server.customer().index().received().await.iter().map(|r| r.query("offset")).collect();
    assert_eq!(offsets, [["0"], ["2"], ["4"]]);
    println!("ok: read the list in three pages (offsets {offsets:?})");
    let deletes = server.customer().delete().received().await;
    let ids: Vec<Option<&str>> = deletes.iter().map(|r| r.path_param("id")).collect();
    assert_eq!(ids, [Some("3"), Some("3"), Some("5")]);
    println!("ok: deleted {ids:?} (3 twice: once rate-limited)");
    // Every `expect` is met; a missed one would panic here (and when the server drops).
    server.verify().await;
    println!("ok: every expectation was met");
    Ok(())
}

#[cfg(not(feature = "mock"))]
fn main() {
    // Compiled by `cargo build --examples` without features; it needs the mock to run.
    let _ = app::remove_duplicates;
    eprintln!("this example needs the mock feature: cargo run -p cirqll --example mock_test --features mock");
    std::process::exit(2);
}
