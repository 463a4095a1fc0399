//! `cirqll-codegen audit`: the spec meets the live API.
//!
//! A spec written from documentation carries inferences (required fields, types, formats,
//! statuses) that only real responses can confirm. The audit calls the API's read operations
//! (and, with `--allow-writes`, create → read back → update → delete cycles on records it
//! creates itself), checks every response against the spec, and reports:
//!
//! - findings ([`findings`]): each disagreement with the operation, the status, a JSON pointer
//!   into the response body and one into the spec;
//! - a verdict on every `x-provenance: inferred` node ([`provenance`]);
//! - with `--overlay`, an OpenAPI Overlay 1.0 document of the spec edits that make every
//!   observed response valid ([`overlay`]), which `--apply-overlay` applies to the spec file in
//!   place, keeping its comments ([`apply`], [`yaml`]).
//!
//! The stages: [`api`] joins the generator's IR with where things sit in the spec tree,
//! [`plan`] decides the requests, [`run`](mod@run) sends them through the polite client ([`http`]) and
//! checks each response ([`validate`]), [`report`] renders the result.

pub mod api;
pub mod apply;
pub mod findings;
pub mod http;
pub mod overlay;
pub mod plan;
pub mod provenance;
pub mod report;
pub mod run;
pub mod validate;
pub mod yaml;

use std::fmt;
use std::path::{Path, PathBuf};

pub use findings::{Finding, Kind};
pub use provenance::{Inference, Verdict};
pub use report::{OperationReport, Outcome};

use crate::load::{LoadedSpec, SpecVersion};

/// What to audit and how.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// The spec file.
    pub spec: PathBuf,
    /// Replaces the spec's first (document-level) server URL.
    pub base_url: Option<String>,
    /// Replaces server URLs of the spec, document-, path- or operation-level: `(spec URL, URL)`.
    pub servers: Vec<(String, String)>,
    /// Environment variable holding the bearer token (none: requests go without one).
    pub token_env: Option<String>,
    /// Where to write the JSON report.
    pub report: Option<PathBuf>,
    /// Where to write the Overlay of spec edits.
    pub overlay: Option<PathBuf>,
    /// Also run create → read back → update → delete cycles.
    pub allow_writes: bool,
    /// Requests sent at most.
    pub max_requests: usize,
    /// Page size of list requests.
    pub page_size: u64,
}

impl AuditOptions {
    /// Options for auditing `spec` with the defaults: read-only, 500 requests at most, pages of 5.
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        AuditOptions {
            spec: spec.into(),
            base_url: None,
            servers: Vec::new(),
            token_env: None,
            report: None,
            overlay: None,
            allow_writes: false,
            max_requests: 500,
            page_size: 5,
        }
    }
}

/// Why an audit could not run or finish. Every one exits with status 2.
#[derive(Debug)]
pub enum AuditError {
    /// The spec cannot be read as an API description.
    Spec(String),
    /// A bad argument or input file.
    Input(String),
    /// A file could not be read or written.
    Io(String),
    /// The API refused the token.
    Refused {
        /// The operation that was refused.
        operation: String,
        /// Its method and path.
        request: String,
        /// 401 or 403.
        status: u16,
        /// OAuth scopes the operation declares.
        scopes: Vec<String>,
        /// The variable the token came from.
        token_env: Option<String>,
        /// Records the audit created and could not delete.
        left_behind: Vec<String>,
    },
    /// The API could not be reached, or asked for a wait longer than the audit accepts.
    Connection {
        /// What happened.
        message: String,
        /// Records the audit created and could not delete.
        left_behind: Vec<String>,
    },
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let left = |f: &mut fmt::Formatter<'_>, left: &[String]| -> fmt::Result {
            for r in left {
                write!(f, "\nwarning: the audit created {r} and could not delete it; delete it by hand")?;
            }
            Ok(())
        };
        match self {
            AuditError::Spec(m) | AuditError::Input(m) | AuditError::Io(m) => f.write_str(m),
            AuditError::Refused { operation, request, status, scopes, token_env, left_behind } => {
                let reason = if *status == 401 { "401 Unauthorized" } else { "403 Forbidden" };
                write!(f, "the API refused the token: {reason} on {operation} ({request}); the audit stopped")?;
                match scopes.as_slice() {
                    [] => write!(f, ". The operation declares no OAuth scope; check that the token is valid")?,
                    [one] => write!(f, ". The operation needs the scope `{one}`")?,
                    many => write!(
                        f,
                        ". The operation needs the scopes {}",
                        many.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                    )?,
                }
                match token_env {
                    Some(var) => write!(f, "; the token comes from ${var} (not shown)")?,
                    None => write!(f, "; no token was sent (pass --token-env VAR)")?,
                }
                left(f, left_behind)
            }
            AuditError::Connection { message, left_behind } => {
                write!(f, "cannot audit: {message}")?;
                left(f, left_behind)
            }
        }
    }
}

impl std::error::Error for AuditError {}

impl From<crate::Error> for AuditError {
    fn from(e: crate::Error) -> Self {
        match e {
            crate::Error::Read { .. } | crate::Error::Write { .. } => AuditError::Io(e.to_string()),
            _ => AuditError::Spec(e.to_string()),
        }
    }
}

/// A finished audit: its outcome, and the spec it was checked against.
pub struct Audit {
    /// What the run found.
    pub outcome: Outcome,
    spec: LoadedSpec,
    datetime_format: Option<String>,
}

impl Audit {
    /// The spec edits that make every observed response valid and mark confirmed inferences as
    /// observed; `None` when there is nothing to change. Refused for documents converted from
    /// Swagger 2.0 or OpenAPI 3.1, whose edits would have to be written in their own dialect.
    pub fn edits(&self) -> Result<Option<overlay::Edits>, AuditError> {
        if self.spec.version != SpecVersion::OpenApi30 {
            return Err(AuditError::Input(format!(
                "--overlay writes edits to OpenAPI 3.0 documents; {} is a {} document",
                self.spec.file.display(),
                self.spec.version.label()
            )));
        }
        let name = self.spec.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let edits = overlay::edits(
            &self.spec.raw,
            &self.outcome.findings,
            &self.outcome.provenance,
            self.datetime_format.as_deref(),
            &name,
        );
        if let Some(e) = &edits {
            // The Overlay must say exactly what was meant: apply it and compare.
            let mut check = self.spec.raw.clone();
            let same = apply::apply_tree(&mut check, &e.overlay).is_ok() && check == e.patched;
            if !same {
                return Err(AuditError::Io("internal error: the overlay does not reproduce the intended edits".into()));
            }
        }
        Ok(edits)
    }
}

/// Runs an audit.
pub fn run(opts: &AuditOptions) -> Result<Audit, AuditError> {
    let bytes = std::fs::read(&opts.spec).map_err(|e| AuditError::Io(format!("{}: {e}", opts.spec.display())))?;
    let spec = crate::load::load_bytes(&opts.spec, &bytes)?;
    crate::load::check_shape(&spec, &bytes)?;
    crate::resolve::validate(&spec)?;
    let api = crate::lower::lower(&spec)?;
    let token = match &opts.token_env {
        None => None,
        Some(var) => match std::env::var(var) {
            Ok(t) if !t.trim().is_empty() => Some(http::Secret::new(t.trim().to_owned())),
            _ => {
                return Err(AuditError::Input(format!(
                    "the token variable {var} is not set; export {var}=<access token> (the token is never printed)"
                )))
            }
        },
    };
    let endpoints = api::endpoints(&spec, &api, opts.base_url.as_deref(), &opts.servers)?;
    let plan = plan::plan(&endpoints, &api.query_vocabularies, &spec.raw, opts.page_size, opts.allow_writes)?;
    let called: Vec<usize> = plan
        .reads
        .iter()
        .map(|r| r.endpoint)
        .chain(plan.cycles.iter().flat_map(|c| {
            [Some(c.create), c.read, c.update.as_ref().map(|u| u.0), Some(c.delete)].into_iter().flatten()
        }))
        .collect();
    for &i in &called {
        let base = &endpoints[i].base;
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(AuditError::Input(format!(
                "{} is served from `{base}`, which is not an absolute http(s) URL: pass --base-url URL (or --server {base}=URL)",
                endpoints[i].name()
            )));
        }
    }
    let http = http::Http::new(&api.rate_limit, token, opts.max_requests).map_err(AuditError::Io)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AuditError::Io(format!("cannot start the async runtime: {e}")))?;
    let runner = run::Runner::new(&spec, &endpoints, http, api.datetime_format.clone());
    let (obs, halt) = runtime.block_on(runner.run(&plan));
    if let Some(halt) = halt {
        let left_behind = obs.left_behind;
        return Err(match halt {
            run::Halt::Refused { endpoint, status } => {
                let e = &endpoints[endpoint];
                AuditError::Refused {
                    operation: e.name().to_owned(),
                    request: format!("{} {}", e.op.method.as_str(), e.op.path),
                    status,
                    scopes: e.op.scopes.clone(),
                    token_env: opts.token_env.clone(),
                    left_behind,
                }
            }
            run::Halt::Stopped(http::Stop::Connection(message) | http::Stop::TooLong(message)) => {
                AuditError::Connection { message, left_behind }
            }
            run::Halt::Stopped(http::Stop::Budget) => {
                AuditError::Connection { message: "the request budget was used up".into(), left_behind }
            }
        });
    }
    let mut notes = obs.notes;
    for r in &obs.left_behind {
        notes.push(format!("the audit created {r} and could not delete it; delete it by hand"));
    }
    let findings = obs.findings.into_vec();
    let provenance = provenance::verdicts(&spec, &findings, &obs.visited, &obs.answered);
    let operations = endpoints
        .iter()
        .zip(&obs.coverage)
        .map(|(e, c)| OperationReport {
            operation: e.name().to_owned(),
            method: e.op.method.as_str().to_owned(),
            path: e.op.path.clone(),
            requests: c.requests,
            statuses: c.statuses.iter().copied().collect(),
            skipped: if c.requests == 0 { c.skipped.clone() } else { None },
        })
        .collect();
    Ok(Audit {
        outcome: Outcome { findings, provenance, requests: obs.requests, operations, notes },
        datetime_format: api.datetime_format.clone(),
        spec,
    })
}

/// Tokens shorter than this are not searched for in output: a real token is long, and a
/// two-letter test token would blank out every word containing it.
const REDACT_MIN: usize = 8;

/// Replaces every occurrence of the secret in `text`.
fn redact(text: &str, secret: Option<&str>) -> String {
    match secret {
        Some(s) if s.len() >= REDACT_MIN => text.replace(s, "[redacted]"),
        _ => text.to_owned(),
    }
}

/// The `audit` command: runs the audit, prints the summary, writes the report and overlay.
/// Returns the exit status: 0 no findings, 1 findings, 2 bad input, refused token or
/// unreachable API. Nothing it prints or writes contains the token.
pub fn run_cli(opts: &AuditOptions) -> u8 {
    let secret = opts.token_env.as_ref().and_then(|v| std::env::var(v).ok()).map(|t| t.trim().to_owned());
    let secret = secret.as_deref();
    let audit = match run(opts) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {}", redact(&e.to_string(), secret));
            return 2;
        }
    };
    let title = format!("cirqll-codegen audit of {}", opts.spec.display());
    print!("{}", redact(&audit.outcome.summary(&title), secret));
    if let Some(path) = &opts.report {
        if let Err(e) = apply::write_atomically(path, redact(&audit.outcome.to_json(), secret).as_bytes()) {
            eprintln!("error: {e}");
            return 2;
        }
        eprintln!("report written to {}", path.display());
    }
    if let Some(path) = &opts.overlay {
        match audit.edits() {
            Ok(Some(edits)) => {
                let text = format!(
                    "# Spec edits proposed by cirqll-codegen audit. Review them, then apply with\n#   cirqll-codegen audit --spec {} --apply-overlay {}\n{}",
                    opts.spec.display(),
                    path.display(),
                    serde_yaml::to_string(&edits.overlay).unwrap_or_default()
                );
                if let Err(e) = apply::write_atomically(path, redact(&text, secret).as_bytes()) {
                    eprintln!("error: {e}");
                    return 2;
                }
                eprintln!("overlay written to {}", path.display());
            }
            Ok(None) => eprintln!("no spec edits to propose; {} not written", path.display()),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    }
    u8::from(!audit.outcome.findings.is_empty())
}

/// The `audit --apply-overlay` command: applies `overlay` to `spec`, writing `out` (the spec
/// itself by default). Returns the exit status: 0 applied, 2 bad input.
pub fn apply_cli(spec: &Path, overlay: &Path, out: Option<&Path>) -> u8 {
    let out = out.unwrap_or(spec);
    match apply::apply_file(spec, overlay, out) {
        Ok(applied) => {
            for u in &applied.unmatched {
                eprintln!("warning: action {u} selects nothing in {}", spec.display());
            }
            if let Some(why) = &applied.rewritten {
                eprintln!(
                    "warning: {} could not be edited in place ({why}); it was written whole, without its comments",
                    out.display()
                );
            }
            eprintln!("applied {} action(s) of {} to {}", applied.actions, overlay.display(), out.display());
            eprintln!("next: cargo xtask codegen, then cargo xtask diff to see what the edits do to the client");
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}
