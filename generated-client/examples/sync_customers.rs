//! Copies every customer, with all its contacts, into a local JSON Lines file, showing a
//! progress line while it pages through the API with `.stream()`.
//!
//! ```text
//! CIRQLL_TOKEN=... cargo run -p cirqll --example sync_customers -- customers.jsonl
//! ```
//!
//! Authentication, first that applies:
//! - `CIRQLL_TOKEN`: a bearer token used as it is;
//! - the token file the `oauth_login` example saved (`CIRQLL_TOKEN_FILE`, else
//!   `$XDG_CONFIG_HOME/cirqll/tokens.json`, else `~/.config/cirqll/tokens.json`), with
//!   `CIRQLL_CLIENT_ID` (and `CIRQLL_CLIENT_SECRET` for a confidential client) so expired
//!   tokens are refreshed, and the refreshed pair saved back to the file before use.
//!
//! `CIRQLL_BASE_URL` replaces the spec's API server. The output (default `customers.jsonl`)
//! gets one line per customer: `{"id", "name", "email", "contacts": [{"id", "first_name",
//! "last_name", "email"}]}`. It is written to a temporary file beside it and renamed at the
//! end, so an interrupted sync leaves the previous output intact.
//!
//! Customers come with their contacts eager-loaded (`with=contacts`); when a customer has
//! more contacts than the embedded page holds, the rest are streamed from `/contact`
//! filtered on `customer_id`. The client-side rate limiter keeps the run under the API's
//! published rate, so a long sync does not meet 429s.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use cirqll::oauth::{self, OAuthSession};
use cirqll::query::{ContactField, CustomerRelation, Filter};
use cirqll::runtime::auth::FileTokenStore;
use cirqll::Client;
use futures_util::TryStreamExt as _;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match sync().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nsync_customers: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn sync() -> Result<(), BoxError> {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "customers.jsonl".into()));
    let client = client().await?;

    // One small request for the total, so the progress line can show how far along it is.
    let total = client.customer().index().limit(1).send().await?.total;
    let mut customers = std::pin::pin!(client.customer().index().with([CustomerRelation::Contacts]).limit(100).stream());

    let temp = out.with_extension("jsonl.partial");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&temp)?);
    let (mut done, mut contacts_seen) = (0u64, 0u64);
    while let Some(customer) = customers.try_next().await? {
        let embedded = customer.contacts.as_ref();
        let complete = embedded.is_some_and(|list| list.total as usize <= list.data.len());
        let contacts: Vec<serde_json::Value> = if complete {
            embedded.map(|list| list.data.iter().map(contact_json).collect()).unwrap_or_default()
        } else {
            let filter = Filter::field(ContactField::CustomerId).eq(customer.id);
            let all: Vec<_> = client.contact().index().filter(filter).stream().try_collect().await?;
            all.iter().map(contact_json).collect()
        };
        contacts_seen += contacts.len() as u64;
        let line = serde_json::json!({
            "id": customer.id,
            "name": customer.name,
            "email": customer.email.flatten(),
            "contacts": contacts,
        });
        serde_json::to_writer(&mut file, &line)?;
        file.write_all(b"\n")?;
        done += 1;
        let of = total.map(|t| format!("/{t}")).unwrap_or_default();
        eprint!("\rsynced {done}{of} customers, {contacts_seen} contacts");
    }
    file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&temp, &out)?;
    eprintln!("\nwrote {}", out.display());
    Ok(())
}

fn contact_json(c: &cirqll::models::ContactResponse) -> serde_json::Value {
    serde_json::json!({"id": c.id, "first_name": c.first_name, "last_name": c.last_name, "email": c.email.clone().flatten()})
}

/// A client with the bearer token from `CIRQLL_TOKEN`, or an OAuth session resumed from the
/// token file.
async fn client() -> Result<Client, BoxError> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut builder = Client::builder().rate_limiter(true);
    if let Some(base) = env("CIRQLL_BASE_URL") {
        builder = builder.base_url(base);
    }
    if let Some(token) = env("CIRQLL_TOKEN") {
        return Ok(builder.bearer_token(token).build()?);
    }
    let file = env("CIRQLL_TOKEN_FILE").map(PathBuf::from).or_else(default_token_file).ok_or("set CIRQLL_TOKEN or CIRQLL_TOKEN_FILE")?;
    let client_id = env("CIRQLL_CLIENT_ID").ok_or("set CIRQLL_CLIENT_ID (to refresh the saved tokens) or CIRQLL_TOKEN")?;
    // The redirect URI plays no part in a refresh.
    let config = oauth::config(client_id, env("CIRQLL_CLIENT_SECRET").map(Into::into), "http://127.0.0.1/callback")?;
    let store = Arc::new(FileTokenStore::new(&file));
    let session = OAuthSession::resume(config, store)
        .await?
        .ok_or_else(|| format!("no tokens in {}: log in first (the oauth_login example)", file.display()))?;
    Ok(builder.oauth(session).build()?)
}

/// `$XDG_CONFIG_HOME/cirqll/tokens.json`, else `~/.config/cirqll/tokens.json`
/// (`%APPDATA%\cirqll\tokens.json` on Windows), as the `oauth_login` example saves it.
fn default_token_file() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let config_dir = if cfg!(windows) {
        var("APPDATA")
    } else {
        var("XDG_CONFIG_HOME").or_else(|| var("HOME").map(|home| home.join(".config")))
    };
    config_dir.map(|dir| dir.join("cirqll").join("tokens.json"))
}
