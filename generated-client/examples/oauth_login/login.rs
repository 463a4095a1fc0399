//! The login of the `oauth_login` example: a loopback redirect listener, the authorization
//! request, the code exchange and the token file. `tests/oauth_login.rs` compiles this file
//! too and runs [`run`] against a scripted authorization server.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use cirqll::oauth::{self, AuthorizationRequest, AuthorizeUrlBuilder, OAuthSession, Scope};
use cirqll::runtime::auth::FileTokenStore;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

/// Any error, for the example's `main` to print.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What the login needs to know.
#[derive(Debug, Clone)]
pub struct Options {
    /// The OAuth client's id.
    pub client_id: String,
    /// The OAuth client's secret; `None` for a public client (PKCE protects the exchange).
    pub client_secret: Option<String>,
    /// Port of the loopback listener on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// Where to save the tokens.
    pub token_file: PathBuf,
    /// Scopes to ask for, by name (`customer.read.all`).
    pub scopes: Vec<String>,
    /// Authorization endpoint, when not the spec's.
    pub authorize_url: Option<Url>,
    /// Token endpoint, when not the spec's.
    pub token_url: Option<Url>,
    /// API base URL, when not the spec's.
    pub base_url: Option<String>,
}

/// A completed login.
#[derive(Debug)]
pub struct LoggedIn {
    /// The user's name, from `GET /auth/me`.
    pub user: String,
    /// The user's company.
    pub company: String,
    /// Where the tokens are.
    pub token_file: PathBuf,
}

/// How long the listener waits for the browser to come back.
const WAIT_FOR_BROWSER: Duration = Duration::from_secs(300);

/// Logs in: listens on 127.0.0.1, hands the authorization URL to `show`, waits for the
/// browser's callback, exchanges the code, saves the tokens to `options.token_file` and
/// checks them with `GET /auth/me`.
pub async fn run(options: Options, show: impl FnOnce(&Url)) -> Result<LoggedIn, BoxError> {
    let scopes = options
        .scopes
        .iter()
        .map(|name| Scope::ALL.iter().copied().find(|s| s.as_str() == name).ok_or_else(|| format!("unknown scope `{name}`")))
        .collect::<Result<Vec<_>, _>>()?;
    let listener = Loopback::bind(options.port).await?;
    let mut config =
        oauth::config(options.client_id, options.client_secret.map(Into::into), listener.redirect_uri())?;
    if let Some(url) = options.authorize_url {
        config.authorize_url = url;
    }
    if let Some(url) = options.token_url {
        config.token_url = url;
    }
    let request = AuthorizeUrlBuilder::new(config.clone()).scopes(scopes).pkce(true).build();
    show(&request.url);
    let code = tokio::time::timeout(WAIT_FOR_BROWSER, listener.code(&request))
        .await
        .map_err(|_| format!("the browser did not come back within {} s", WAIT_FOR_BROWSER.as_secs()))??;
    let store = Arc::new(FileTokenStore::new(&options.token_file));
    let session = OAuthSession::exchange_code(config, &code, request.pkce_verifier.as_ref(), store).await?;
    let mut client = cirqll::Client::builder().oauth(session);
    if let Some(base) = options.base_url {
        client = client.base_url(base);
    }
    let me = client.build()?.auth().me().send().await?.into_inner();
    Ok(LoggedIn { user: me.name, company: me.company.name, token_file: options.token_file })
}

/// The redirect listener: HTTP on 127.0.0.1 only, one request per connection.
struct Loopback {
    listener: TcpListener,
    port: u16,
}

impl Loopback {
    async fn bind(port: u16) -> Result<Self, BoxError> {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1:{port} for the redirect: {e}"))?;
        let port = listener.local_addr()?.port();
        Ok(Loopback { listener, port })
    }

    fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/callback", self.port)
    }

    /// Answers requests until one to `/callback` carries `request`'s state, and returns its
    /// code (or the error the authorization server sent). Other paths get 404; a callback
    /// with another state gets 400 and is otherwise ignored, so a stray or forged request
    /// cannot end the login.
    async fn code(&self, request: &AuthorizationRequest) -> Result<String, BoxError> {
        loop {
            let (mut stream, _) = self.listener.accept().await?;
            let Some(target) = read_request_target(&mut stream).await else {
                respond(&mut stream, "400 Bad Request", "Not an HTTP request.").await;
                continue;
            };
            let url = Url::parse(&format!("http://127.0.0.1:{}{target}", self.port))?;
            if url.path() != "/callback" {
                respond(&mut stream, "404 Not Found", "Nothing here.").await;
                continue;
            }
            let state = url.query_pairs().find(|(k, _)| k == "state").map(|(_, v)| v.into_owned());
            if state.as_deref() != Some(request.state.as_str()) {
                respond(&mut stream, "400 Bad Request", "This login link is stale or forged; start again.").await;
                continue;
            }
            return match request.code_from_callback(&url) {
                Ok(code) => {
                    respond(&mut stream, "200 OK", "Logged in. You can close this tab and return to the terminal.").await;
                    Ok(code)
                }
                Err(e) => {
                    respond(&mut stream, "400 Bad Request", "The login did not succeed; see the terminal.").await;
                    Err(e.into())
                }
            };
        }
    }
}

/// The request target of an HTTP/1 request line (`GET <target> HTTP/1.1`), read within 10 s.
async fn read_request_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    let read_head = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
            let n = stream.read(&mut buf).await.ok()?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        Some(())
    };
    tokio::time::timeout(Duration::from_secs(10), read_head).await.ok()??;
    let line = head.split(|&b| b == b'\r').next()?;
    let mut parts = std::str::from_utf8(line).ok()?.split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) if target.starts_with('/') => Some(target.to_owned()),
        _ => None,
    }
}

async fn respond(stream: &mut TcpStream, status: &str, message: &str) {
    let body = format!("<!doctype html><title>cirqll login</title><p>{message}</p>\n");
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // The browser may be gone already; the login's outcome does not depend on this page.
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}
