//! cirqll-codegen: generates idiomatic, self-contained Rust clients from OpenAPI 3.1 and 3.0
//! documents.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`load`] → [`resolve`] → [`lower`] (into [`ir`]) → [`naming`] → [`emit`] → [`write`](mod@write).
//! See `ARCHITECTURE.md` at the repository root for the codemap and invariants.

#![deny(missing_docs)]

pub mod diff;
pub mod emit;
pub mod error;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod resolve;
pub mod write;

use std::path::Path;

pub use emit::Files;
pub use error::{Error, Location, Result};
pub use write::{check_crate, write_crate, CheckReport};

/// Options of a generation that are not in the spec.
#[derive(Debug, Clone)]
pub struct Options {
    /// Package name of the generated crate.
    pub crate_name: String,
    /// Package version of the generated crate, unless the spec sets `x-rust-crate.version`.
    pub crate_version: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { crate_name: "api-client".into(), crate_version: "0.1.0".into() }
    }
}

/// The result of a generation, in memory.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The files of the crate, by relative path.
    pub files: Files,
    /// Constructs the generator could only approximate (e.g. typed as `serde_json::Value`).
    pub fallbacks: Vec<String>,
    /// Number of operations and named types generated.
    pub counts: (usize, usize),
}

impl Generated {
    /// The support report printed after generation: one line per approximation.
    pub fn support_report(&self) -> String {
        let mut s = format!("generated {} operations and {} types", self.counts.0, self.counts.1);
        if self.fallbacks.is_empty() {
            s.push_str("; every construct was typed exactly\n");
        } else {
            s.push_str(&format!("; {} approximation(s):\n", self.fallbacks.len()));
            for f in &self.fallbacks {
                s.push_str(&format!("  fallback: {f}\n"));
            }
        }
        s
    }
}

/// Loads, validates, lowers and names a spec: the IR the emitters (and [`diff`]) read.
pub fn analyze_bytes(path: &Path, bytes: &[u8]) -> Result<ir::Api> {
    analyze(path, bytes).map(|(api, _)| api)
}

/// [`analyze_bytes`], also returning the spec's SHA-256 (the parsed tree is freed on return,
/// before emission, which then reuses its memory). The shape check against openapiv3 runs
/// on a second thread beside resolving, lowering and naming, which read only the JSON tree (and
/// lowering only after `resolve` has refused reference cycles it could not survive); the shape
/// check's error, being the most basic, wins over theirs.
fn analyze(path: &Path, bytes: &[u8]) -> Result<(ir::Api, String)> {
    let spec = load::load_bytes(path, bytes)?;
    let (shape, api) = std::thread::scope(|scope| {
        let shape = scope.spawn(|| load::check_shape(&spec, bytes));
        let api = resolve::validate(&spec).and_then(|()| lower::lower(&spec)).map(|mut api| {
            naming::assign(&mut api);
            api
        });
        (shape.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), api)
    });
    shape?;
    Ok((api?, spec.sha256))
}

/// Generates a crate from the spec at `spec`.
pub fn generate_file(spec: &Path, opts: &Options) -> Result<Generated> {
    let bytes = std::fs::read(spec).map_err(|source| Error::Read { path: spec.to_owned(), source })?;
    generate_bytes(spec, &bytes, opts)
}

/// Generates a crate from spec text; `path` names the spec in messages and headers.
pub fn generate_bytes(path: &Path, bytes: &[u8], opts: &Options) -> Result<Generated> {
    let (api, spec_sha256) = analyze(path, bytes)?;
    let emit_opts = emit::EmitOptions {
        crate_name: opts.crate_name.clone(),
        crate_version: api.crate_meta.version.clone().unwrap_or_else(|| opts.crate_version.clone()),
        spec_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        spec_sha256,
    };
    let files = emit::emit(&api, &emit_opts)?;
    let ops = api.tags.iter().map(|t| t.operations.len()).sum();
    Ok(Generated { files, fallbacks: api.fallbacks, counts: (ops, api.types.len()) })
}
