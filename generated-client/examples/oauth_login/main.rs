//! Logs a command-line tool in to Cirqll with OAuth2 and saves the tokens for later runs.
//!
//! ```text
//! CIRQLL_CLIENT_ID=7 cargo run -p cirqll --example oauth_login -- --scope customer.read.all
//! ```
//!
//! It listens on `http://127.0.0.1:<port>/callback` (register that redirect URI with your
//! OAuth client), prints the authorization URL for you to open, checks the `state` the
//! browser brings back, exchanges the code (with PKCE) and saves the tokens with
//! `FileTokenStore`. Later runs of your tool resume from that file (see the
//! `sync_customers` example), refreshing and re-saving the tokens as they expire.
//!
//! Settings (arguments win over the environment):
//!
//! | Argument | Environment | Default |
//! |---|---|---|
//! | `--client-id ID` | `CIRQLL_CLIENT_ID` | required |
//! | (none: keep it out of shell history) | `CIRQLL_CLIENT_SECRET` | none (a public client) |
//! | `--port N` | `CIRQLL_REDIRECT_PORT` | 8765 (0: any free port) |
//! | `--token-file PATH` | `CIRQLL_TOKEN_FILE` | `$XDG_CONFIG_HOME/cirqll/tokens.json`, else `~/.config/cirqll/tokens.json` (`%APPDATA%\cirqll\tokens.json` on Windows) |
//! | `--scope S` (repeatable) | | `customer.read.all contact.read.all` |
//! | `--authorize-url`, `--token-url`, `--base-url` | `CIRQLL_AUTHORIZE_URL`, `CIRQLL_TOKEN_URL`, `CIRQLL_BASE_URL` | the spec's servers |
//!
//! The login itself is in `login.rs`, which `tests/oauth_login.rs` runs against a scripted
//! authorization server while playing the browser.

mod login;

use std::path::PathBuf;
use std::process::ExitCode;

use login::Options;

#[tokio::main]
async fn main() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("oauth_login: {message}");
            return ExitCode::from(2);
        }
    };
    let show = |url: &url::Url| println!("Open this URL in your browser to log in:\n\n  {url}\n\nWaiting for the browser...");
    match login::run(options, show).await {
        Ok(done) => {
            println!("Logged in as {} ({}); tokens saved to {}", done.user, done.company, done.token_file.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("oauth_login: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Reads the settings from the arguments and the environment.
fn options() -> Result<Options, String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut client_id = env("CIRQLL_CLIENT_ID");
    let mut port = env("CIRQLL_REDIRECT_PORT");
    let mut token_file = env("CIRQLL_TOKEN_FILE").map(PathBuf::from);
    let mut authorize_url = env("CIRQLL_AUTHORIZE_URL");
    let mut token_url = env("CIRQLL_TOKEN_URL");
    let mut base_url = env("CIRQLL_BASE_URL");
    let mut scopes = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--client-id" => client_id = Some(value()?),
            "--port" => port = Some(value()?),
            "--token-file" => token_file = Some(PathBuf::from(value()?)),
            "--scope" => scopes.push(value()?),
            "--authorize-url" => authorize_url = Some(value()?),
            "--token-url" => token_url = Some(value()?),
            "--base-url" => base_url = Some(value()?),
            other => return Err(format!("unknown argument `{other}` (see the top of examples/oauth_login/main.rs)")),
        }
    }
    if scopes.is_empty() {
        scopes = vec!["customer.read.all".into(), "contact.read.all".into()];
    }
    let url = |name: &str, v: Option<String>| v.map(|v| v.parse().map_err(|e| format!("{name} `{v}`: {e}"))).transpose();
    Ok(Options {
        client_id: client_id.ok_or("set CIRQLL_CLIENT_ID or pass --client-id")?,
        client_secret: env("CIRQLL_CLIENT_SECRET"),
        port: port.map(|p| p.parse().map_err(|e| format!("port `{p}`: {e}"))).transpose()?.unwrap_or(8765),
        token_file: token_file.or_else(default_token_file).ok_or("set CIRQLL_TOKEN_FILE or pass --token-file")?,
        scopes,
        authorize_url: url("authorize URL", authorize_url)?,
        token_url: url("token URL", token_url)?,
        base_url,
    })
}

/// `$XDG_CONFIG_HOME/cirqll/tokens.json`, else `~/.config/cirqll/tokens.json`
/// (`%APPDATA%\cirqll\tokens.json` on Windows).
pub fn default_token_file() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let config_dir = if cfg!(windows) {
        var("APPDATA")
    } else {
        var("XDG_CONFIG_HOME").or_else(|| var("HOME").map(|home| home.join(".config")))
    };
    config_dir.map(|dir| dir.join("cirqll").join("tokens.json"))
}
