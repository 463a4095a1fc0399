//! Token stores that outlive the process: a JSON file ([`FileTokenStore`]) and, with the
//! `keyring` feature, the operating system's keyring (`KeyringTokenStore`).
//!
//! Both keep a [`TokenSet`] in one versioned JSON document (version 1):
//!
//! ```json
//! {
//!   "version": 1,
//!   "access_token": "…",
//!   "refresh_token": "…",
//!   "expires_at": "2025-06-01T12:00:00Z"
//! }
//! ```
//!
//! `refresh_token` and `expires_at` (RFC 3339, UTC) may be `null`. Readers ignore fields they
//! do not know; a document with another `version` is refused, never guessed at. A document
//! that cannot be read is an error naming where it is: tokens are never silently dropped.
//! Errors and `Debug` output never contain the tokens.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use super::auth::{LoadFuture, Secret, StoreFuture, TokenSet, TokenStore};

/// The version of the JSON document this runtime writes and reads.
const FORMAT_VERSION: u64 = 1;

/// Tokens that could not be saved or loaded, and where they are kept.
#[derive(Debug)]
pub struct TokenStoreError {
    /// The store: `token file /home/me/.config/app/tokens.json`, or the keyring entry.
    pub location: String,
    /// What went wrong.
    pub kind: TokenStoreErrorKind,
}

/// What went wrong with a token store.
#[derive(Debug)]
#[non_exhaustive]
pub enum TokenStoreErrorKind {
    /// Reading or writing failed.
    Io(io::Error),
    /// The saved document is empty, partial, or not a token document.
    Corrupt(String),
    /// The document was written in a format `version` this client does not read.
    UnsupportedVersion(u64),
    /// The keyring refused (no keyring service, no permission, an entry too long).
    Backend(String),
}

impl fmt::Display for TokenStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.location)?;
        match &self.kind {
            TokenStoreErrorKind::Io(e) => write!(f, "{e}"),
            TokenStoreErrorKind::Corrupt(m) => write!(f, "not a readable token document: {m}"),
            TokenStoreErrorKind::UnsupportedVersion(v) => write!(
                f,
                "token document version {v} is not supported (this client reads version {FORMAT_VERSION}); \
                 log in again or update the client"
            ),
            TokenStoreErrorKind::Backend(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for TokenStoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            TokenStoreErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// The JSON document of a token set, borrowed for writing.
#[derive(serde::Serialize)]
struct Document<'a> {
    version: u64,
    access_token: &'a str,
    refresh_token: Option<&'a str>,
    expires_at: Option<String>,
}

/// Version 1 of the JSON document, for reading.
#[derive(serde::Deserialize)]
struct DocumentV1 {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_at: Option<String>,
}

/// `tokens` as the current version of the JSON document.
fn encode(tokens: &TokenSet) -> Result<Vec<u8>, TokenStoreErrorKind> {
    let expires_at = tokens
        .expires_at
        .map(|t| chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
    let document = Document {
        version: FORMAT_VERSION,
        access_token: tokens.access_token.expose(),
        refresh_token: tokens.refresh_token.as_ref().map(Secret::expose),
        expires_at,
    };
    let mut bytes = serde_json::to_vec_pretty(&document).map_err(|e| TokenStoreErrorKind::Corrupt(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Reads a JSON document of any supported version. Messages name JSON positions and
/// fields, never values.
fn decode(bytes: &[u8]) -> Result<TokenSet, TokenStoreErrorKind> {
    let corrupt = |m: String| TokenStoreErrorKind::Corrupt(m);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(corrupt("the document is empty (was a write interrupted?)".into()));
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        let at = format!("line {}, column {}", e.line(), e.column());
        corrupt(match e.classify() {
            serde_json::error::Category::Eof => format!("the JSON ends early at {at} (was a write interrupted?)"),
            _ => format!("not valid JSON at {at}"),
        })
    })?;
    let object = value.as_object().ok_or_else(|| corrupt("the document is not a JSON object".into()))?;
    match object.get("version") {
        None => return Err(corrupt("no `version` field: not a token document written by this client".into())),
        Some(v) => match v.as_u64() {
            Some(FORMAT_VERSION) => {}
            Some(other) => return Err(TokenStoreErrorKind::UnsupportedVersion(other)),
            None => return Err(corrupt("`version` is not a whole number".into())),
        },
    }
    let doc: DocumentV1 = serde_path_to_error::deserialize(value).map_err(|e| {
        let message = e.inner().to_string();
        corrupt(if message.starts_with("missing field") {
            message
        } else {
            format!("`{}` has the wrong type", e.path())
        })
    })?;
    let expires_at = match doc.expires_at {
        None => None,
        Some(text) => Some(SystemTime::from(
            chrono::DateTime::parse_from_rfc3339(&text)
                .map_err(|_| corrupt("`expires_at` is not an RFC 3339 date-time".into()))?,
        )),
    };
    Ok(TokenSet {
        access_token: Secret::new(doc.access_token),
        refresh_token: doc.refresh_token.map(Secret::new),
        expires_at,
    })
}

/// Keeps tokens in a JSON file (format above), replaced atomically on every save.
///
/// A save writes a new file next to the target (created with mode 0600 on Unix, so no
/// other user can read it at any moment), flushes it to disk, renames it over the target
/// and flushes the directory. A reader, in this process or another, therefore sees the
/// previous document or the new one, never a mix; a crash during a save leaves the previous
/// document in place (and possibly a stray `.<name>.<pid>.<n>.tmp` file beside it). Missing
/// parent directories are created (mode 0700 on Unix). Concurrent saves from several
/// processes do not lock each other out: the last rename wins, whole. A symbolic link at
/// the path is replaced by the file, not followed.
///
/// Read it back with [`FileTokenStore::read`], or build the session straight from it with
/// `OAuthSession::resume` (the crate's README shows both, with a login).
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    /// A store in the file at `path` (which need not exist yet).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileTokenStore { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved tokens, read now; `Ok(None)` when the file does not exist. An empty,
    /// partial or foreign file, or one of an unsupported version, is an error naming the
    /// path. (The [`TokenStore::load`] implementation runs this on tokio's blocking threads.)
    pub fn read(&self) -> Result<Option<TokenSet>, TokenStoreError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.error(TokenStoreErrorKind::Io(e))),
        };
        decode(&bytes).map(Some).map_err(|kind| self.error(kind))
    }

    /// Saves `tokens` now, blocking until they are on disk (see the type's documentation).
    /// The [`TokenStore`] implementation runs this on tokio's blocking threads.
    pub fn write(&self, tokens: &TokenSet) -> Result<(), TokenStoreError> {
        let bytes = encode(tokens).map_err(|kind| self.error(kind))?;
        self.replace(&bytes).map_err(|e| self.error(TokenStoreErrorKind::Io(e)))
    }

    /// Deletes the file (logging out); a missing file is not an error.
    pub fn delete(&self) -> Result<(), TokenStoreError> {
        match fs::remove_file(&self.path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(self.error(TokenStoreErrorKind::Io(e))),
            _ => Ok(()),
        }
    }

    fn error(&self, kind: TokenStoreErrorKind) -> TokenStoreError {
        TokenStoreError { location: format!("token file {}", self.path.display()), kind }
    }

    /// Writes `bytes` to a new file beside the target and renames it over the target.
    fn replace(&self, bytes: &[u8]) -> io::Result<()> {
        let name = self
            .path
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file"))?;
        let dir = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        create_private_dir(dir)?;
        let (temp, mut file) = create_temp(dir, &name.to_string_lossy())?;
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        drop(file);
        if let Err(e) = written.and_then(|()| fs::rename(&temp, &self.path)) {
            let _ = fs::remove_file(&temp);
            return Err(e);
        }
        sync_dir(dir)
    }
}

impl TokenStore for FileTokenStore {
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a> {
        let (store, tokens) = (self.clone(), tokens.clone());
        Box::pin(async move {
            match tokio::task::spawn_blocking(move || store.write(&tokens)).await {
                Ok(result) => result.map_err(|e| e.to_string()),
                Err(e) => Err(format!("token file {}: the writing task failed: {e}", self.path.display())),
            }
        })
    }

    fn load(&self) -> LoadFuture<'_> {
        let store = self.clone();
        Box::pin(async move {
            match tokio::task::spawn_blocking(move || store.read()).await {
                Ok(result) => result.map_err(|e| e.to_string()),
                Err(e) => Err(format!("token file {}: the reading task failed: {e}", self.path.display())),
            }
        })
    }
}

/// Distinguishes temporary files of one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A new, empty file `.<name>.<pid>.<n>.tmp` in `dir`, readable by its owner only.
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    let mut tries = 0;
    loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&temp) {
            Ok(file) => return Ok((temp, file)),
            // Left by a crashed process whose id this one now has.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 100 => tries += 1,
            Err(e) => return Err(e),
        }
    }
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Makes a rename in `dir` durable (Unix; elsewhere the rename is all there is).
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Keeps tokens in the operating system's keyring (feature `keyring`), as one entry holding
/// the JSON document above.
///
/// Backends: the kernel keyring on Linux (keyutils: no daemon, no C library; entries live
/// until reboot, or until the persistent keyring expires, so plan for logging in again
/// after a reboot), the Keychain on macOS, the Credential Manager on Windows (entries up to
/// 2,560 bytes). On other platforms every operation fails with
/// [`TokenStoreErrorKind::Backend`] instead of pretending to keep tokens.
#[cfg(feature = "keyring")]
#[derive(Debug, Clone)]
pub struct KeyringTokenStore {
    service: String,
    user: String,
}

#[cfg(feature = "keyring")]
impl KeyringTokenStore {
    /// The entry for `user` of `service` (for example your tool's name and the account).
    pub fn new(service: impl Into<String>, user: impl Into<String>) -> Self {
        KeyringTokenStore { service: service.into(), user: user.into() }
    }

    /// The saved tokens, read now; `Ok(None)` when the entry does not exist.
    pub fn read(&self) -> Result<Option<TokenSet>, TokenStoreError> {
        match self.entry()?.get_password() {
            Ok(text) => decode(text.as_bytes()).map(Some).map_err(|kind| self.error(kind)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.keyring_error(e)),
        }
    }

    /// Saves `tokens` now, blocking until the keyring has them. The [`TokenStore`]
    /// implementation runs this on tokio's blocking threads.
    pub fn write(&self, tokens: &TokenSet) -> Result<(), TokenStoreError> {
        let bytes = encode(tokens).map_err(|kind| self.error(kind))?;
        let text =
            String::from_utf8(bytes).map_err(|_| self.error(TokenStoreErrorKind::Corrupt("not UTF-8".into())))?;
        let entry = self.entry()?;
        entry.set_password(&text).map_err(|e| {
            // keyutils adds the key before linking it to the persistent keyring; when the link
            // fails, try not to leave the tokens behind in a store that reported failure.
            let _ = entry.delete_credential();
            match e {
                keyring::Error::NoEntry => self.error(TokenStoreErrorKind::Backend(
                    "the keyring would not keep the entry (it answered \"no matching entry\": \
                     no session keyring, or no access to the persistent one)"
                        .into(),
                )),
                other => self.keyring_error(other),
            }
        })
    }

    /// Deletes the entry (logging out); a missing entry is not an error.
    pub fn delete(&self) -> Result<(), TokenStoreError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(self.keyring_error(e)),
        }
    }

    fn entry(&self) -> Result<keyring::Entry, TokenStoreError> {
        use keyring::credential::CredentialPersistence;
        // keyring falls back to an in-memory mock on platforms without a backend here.
        let persistence = keyring::default::default_credential_builder().persistence();
        if matches!(persistence, CredentialPersistence::EntryOnly | CredentialPersistence::ProcessOnly) {
            return Err(self.error(TokenStoreErrorKind::Backend(
                "this platform has no operating-system keyring this client can use".into(),
            )));
        }
        keyring::Entry::new(&self.service, &self.user).map_err(|e| self.keyring_error(e))
    }

    fn error(&self, kind: TokenStoreErrorKind) -> TokenStoreError {
        TokenStoreError { location: format!("keyring entry {:?} of service {:?}", self.user, self.service), kind }
    }

    /// The error for what the keyring said; undecodable bytes are not quoted.
    fn keyring_error(&self, e: keyring::Error) -> TokenStoreError {
        self.error(match e {
            keyring::Error::BadEncoding(_) => TokenStoreErrorKind::Corrupt("the entry is not UTF-8 text".into()),
            other => TokenStoreErrorKind::Backend(other.to_string()),
        })
    }
}

#[cfg(feature = "keyring")]
impl TokenStore for KeyringTokenStore {
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a> {
        let (store, tokens) = (self.clone(), tokens.clone());
        Box::pin(async move {
            match tokio::task::spawn_blocking(move || store.write(&tokens)).await {
                Ok(result) => result.map_err(|e| e.to_string()),
                Err(e) => Err(format!("keyring entry {:?}: the writing task failed: {e}", self.user)),
            }
        })
    }

    fn load(&self) -> LoadFuture<'_> {
        let store = self.clone();
        Box::pin(async move {
            match tokio::task::spawn_blocking(move || store.read()).await {
                Ok(result) => result.map_err(|e| e.to_string()),
                Err(e) => Err(format!("keyring entry {:?}: the reading task failed: {e}", self.user)),
            }
        })
    }
}
