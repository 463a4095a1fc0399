//! cirqll-codegen: generates idiomatic, self-contained Rust clients from OpenAPI documents
//! (3.1, 3.0 and Swagger 2.0), as a crate or as a module that a build script includes.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`load`] → [`resolve`] → [`lower`] (into [`ir`]) → [`naming`] → [`emit`] → [`write`](mod@write)
//! (or [`module`], which turns the emitted crate into one file for `include!`).
//! See `ARCHITECTURE.md` at the repository root for the codemap and invariants.
//!
//! # Generate a crate
//!
//! [`generate_file`] reads a spec and returns the crate's files in memory; [`write_crate`]
//! writes them, replacing the files the generator owns (everything but `tests/`, `examples/`,
//! `benches/`, `CHANGELOG.md` and dot-files). With no [`Options::crate_name`], the package is
//! named after the spec: `x-rust-crate.name`, else the title (here `petstore`).
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = std::env::temp_dir().join(format!("cirqll-codegen-doc-generate-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! let spec = dir.join("petstore.yaml");
//! std::fs::write(
//!     &spec,
//!     r##"
//! openapi: 3.0.3
//! info: {title: Petstore, version: 1.0.0}
//! servers: [{url: "https://petstore.example.com/v1"}]
//! paths:
//!   /pets/{petId}:
//!     get:
//!       operationId: showPetById
//!       tags: [pets]
//!       parameters: [{name: petId, in: path, required: true, schema: {type: integer, format: int64}}]
//!       responses:
//!         "200":
//!           description: The pet
//!           content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
//! components:
//!   schemas:
//!     Pet:
//!       type: object
//!       required: [id, name]
//!       properties: {id: {type: integer, format: int64}, name: {type: string}}
//! "##,
//! )?;
//!
//! let generated = cirqll_codegen::generate_file(&spec, &cirqll_codegen::Options::default())?;
//! assert_eq!(generated.crate_name, "petstore");
//! assert!(generated.files.contains_key("src/apis/pets.rs"));
//! print!("{}", generated.support_report()); // generated 1 operations and 1 types; ...
//!
//! cirqll_codegen::write_crate(&dir.join("petstore-client"), &generated.files)?;
//! assert!(dir.join("petstore-client/Cargo.toml").exists());
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! ```
//!
//! # Check that a crate is fresh
//!
//! [`check_crate`] compares the files with a directory without writing: stale, missing and
//! orphaned files, with a unified diff ([`CheckReport::render`]). `cirqll-codegen check` exits
//! 1 when the report is not fresh.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = std::env::temp_dir().join(format!("cirqll-codegen-doc-check-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! # let spec = dir.join("petstore.yaml");
//! # std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: Petstore, version: 1.0.0}\npaths: {}\n")?;
//! use cirqll_codegen::{check_crate, generate_file, write_crate, Options};
//!
//! let out = dir.join("petstore-client");
//! let generated = generate_file(&spec, &Options::default())?;
//! write_crate(&out, &generated.files)?;
//! assert!(check_crate(&out, &generated.files)?.is_fresh());
//!
//! std::fs::write(out.join("src/lib.rs"), "// edited by hand\n")?;
//! let report = check_crate(&out, &generated.files)?;
//! assert_eq!(report.stale.len(), 1);
//! assert!(report.render().contains("-// edited by hand"));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! ```
//!
//! # Tell what a spec change does to the client's API
//!
//! [`analyze_bytes`] gives the named IR of a spec; [`diff::diff`] compares two of them as
//! changes to the generated Rust API, each breaking or not, and [`diff::bump`] gives the
//! semver bump that follows.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use cirqll_codegen::diff::{self, Bump, ChangeKind};
//! use std::path::Path;
//!
//! let old = r#"
//! openapi: 3.0.3
//! info: {title: Petstore, version: 1.0.0}
//! paths: {}
//! components:
//!   schemas:
//!     Pet: {type: object, required: [id], properties: {id: {type: integer}, tag: {type: string}}}
//! "#;
//! let new = old.replace(", tag: {type: string}", "");
//!
//! let spec = Path::new("petstore.yaml");
//! let before = cirqll_codegen::analyze_bytes(spec, old.as_bytes())?;
//! let after = cirqll_codegen::analyze_bytes(spec, new.as_bytes())?;
//! let changes = diff::diff(&before, &after);
//! assert_eq!(changes.len(), 1);
//! assert_eq!(changes[0].kind, ChangeKind::FieldRemoved);
//! assert_eq!(changes[0].item, "models::Pet::tag");
//! assert_eq!(diff::bump(&changes), Bump::Major);
//! # Ok(())
//! # }
//! ```
//!
//! # Generate a module from a build script
//!
//! [`Builder`] writes the client as one file into `OUT_DIR` for `include!` (see [`module`]
//! for the layout, and the repository's `examples/build-script` for a whole crate):
//!
//! ```no_run
//! // build.rs
//! fn main() {
//!     let out_dir = std::env::var_os("OUT_DIR").expect("set by cargo");
//!     cirqll_codegen::Builder::new("petstore.yaml")
//!         .module_path("petstore")
//!         .write_module(std::path::Path::new(&out_dir))
//!         .unwrap_or_else(|e| panic!("{e}"));
//! }
//! ```

#![deny(missing_docs)]
// The build-script examples show a whole `build.rs`, `fn main` included.
#![allow(clippy::needless_doctest_main)]

#[cfg(feature = "audit")]
pub mod audit;
pub mod diff;
pub mod emit;
pub mod error;
pub mod ir;
pub mod load;
pub mod lower;
pub mod module;
pub mod naming;
pub mod reference;
pub mod resolve;
pub mod timings;
pub mod write;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

pub use emit::Files;
pub use error::{Error, Location, Result};
pub use module::{Builder, GeneratedModule, ModuleOptions};
pub use timings::Timings;
pub use write::{check_crate, write_crate, CheckReport};

/// Options of a generation that are not in the spec.
#[derive(Debug, Clone)]
pub struct Options {
    /// Package name of the generated crate. `None`: `x-rust-crate.name` from the spec, else
    /// the spec's title as a package name ([`naming::crate_name`]). A name given here is
    /// checked ([`naming::check_crate_name`]).
    pub crate_name: Option<String>,
    /// Package version of the generated crate, unless the spec sets `x-rust-crate.version`.
    pub crate_version: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { crate_name: None, crate_version: "0.1.0".into() }
    }
}

/// The result of a generation, in memory.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The package name of the crate (given, or from the spec).
    pub crate_name: String,
    /// The files of the crate, by relative path.
    pub files: Files,
    /// Constructs the generator could only approximate (e.g. typed as `serde_json::Value`).
    pub fallbacks: Vec<String>,
    /// Number of operations and named types generated.
    pub counts: (usize, usize),
    /// Time spent in each stage.
    pub timings: Timings,
}

impl Generated {
    /// The support report printed after generation: one line per approximation.
    pub fn support_report(&self) -> String {
        support_report(self.counts, &self.fallbacks)
    }
}

fn support_report(counts: (usize, usize), fallbacks: &[String]) -> String {
    let mut s = format!("generated {} operations and {} types", counts.0, counts.1);
    if fallbacks.is_empty() {
        s.push_str("; every construct was typed exactly\n");
    } else {
        s.push_str(&format!("; {} approximation(s):\n", fallbacks.len()));
        for f in fallbacks {
            s.push_str(&format!("  fallback: {f}\n"));
        }
    }
    s
}

/// Loads, validates, lowers and names a spec: the IR the emitters (and [`diff`]) read.
pub fn analyze_bytes(path: &Path, bytes: &[u8]) -> Result<ir::Api> {
    analyze(path, bytes, &mut Timings::default(), |api, _, _| Ok(api))
}

/// Loads, validates, lowers and names a spec, then hands the IR and the spec's SHA-256 to
/// `finish` (emission), while the document's checks finish beside it.
///
/// Helper threads check the document: one validates references ([`resolve`]), another its
/// shape against openapiv3, the slowest check. For a JSON text the shape check starts at once
/// and reads the text ([`load::quick_shape_check`]) while this thread parses the tree, on a
/// core otherwise idle then; for YAML, a converted document (Swagger 2.0, OpenAPI 3.1) or a
/// text the quick reading refuses, it checks the tree ([`load::check_shape`], which also
/// locates the error). This thread lowers and names meanwhile (lowering reads the JSON tree
/// tolerantly and refuses references it cannot follow, so it needs neither check first), waits
/// for `resolve`, and runs `finish` while the shape check may still be going. The errors keep
/// their order: the shape check's, being the most basic, wins over `resolve`'s, which wins
/// over lowering's, which wins over `finish`'s. The tree is freed by whichever thread lets go
/// of it last, usually the shape check's, while emission runs.
fn analyze<T>(
    path: &Path,
    bytes: &[u8],
    timings: &mut Timings,
    finish: impl FnOnce(ir::Api, String, &mut Timings) -> Result<T>,
) -> Result<T> {
    fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
        handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
    std::thread::scope(|scope| {
        let quick = scope.spawn(|| {
            let start = Instant::now();
            (load::quick_shape_check(bytes), start.elapsed())
        });
        let spec = Arc::new(timings::timed(&mut timings.load, || load::load_bytes(path, bytes))?);
        let shape = {
            let spec = Arc::clone(&spec);
            scope.spawn(move || {
                let (quick, mut elapsed) = join(quick);
                let start = Instant::now();
                let shape = load::check_shape_after_quick(&spec, bytes, quick);
                elapsed += start.elapsed();
                drop(spec);
                (shape, elapsed)
            })
        };
        let resolved = {
            let spec = Arc::clone(&spec);
            scope.spawn(move || {
                let start = Instant::now();
                (resolve::validate(&spec), start.elapsed())
            })
        };
        let lowered = timings::timed(&mut timings.lower, || lower::lower(&spec)).map(|mut api| {
            timings::timed(&mut timings.naming, || naming::assign(&mut api));
            api
        });
        let sha256 = spec.sha256.clone();
        drop(spec);
        let (resolved, resolve_time) = join(resolved);
        timings.resolve = resolve_time;
        let result = resolved.and(lowered).and_then(|api| finish(api, sha256, timings));
        let (shape, shape_time) = join(shape);
        timings.shape_check = shape_time;
        shape?;
        result
    })
}

/// Generates a crate from the spec at `spec`.
pub fn generate_file(spec: &Path, opts: &Options) -> Result<Generated> {
    let bytes = std::fs::read(spec).map_err(|source| Error::Read { path: spec.to_owned(), source })?;
    generate_bytes(spec, &bytes, opts)
}

/// Generates a crate from spec text; `path` names the spec in messages and headers.
pub fn generate_bytes(path: &Path, bytes: &[u8], opts: &Options) -> Result<Generated> {
    let start = Instant::now();
    let mut timings = Timings::default();
    check_options(opts)?;
    let mut generated = analyze(path, bytes, &mut timings, |api, spec_sha256, timings| {
        let emit_opts = emit_options(path, &api, opts, spec_sha256);
        let files = emit::emit_timed(&api, &emit_opts, timings)?;
        let ops = api.tags.iter().map(|t| t.operations.len()).sum();
        Ok(Generated {
            crate_name: emit_opts.crate_name,
            files,
            fallbacks: api.fallbacks,
            counts: (ops, api.types.len()),
            timings: Timings::default(),
        })
    })?;
    timings.total = start.elapsed();
    generated.timings = timings;
    Ok(generated)
}

/// Generates a client as one module file for `include!` (see [`module`]; from a build script,
/// [`Builder`] is shorter); `path` names the spec in messages and the header.
pub fn generate_module_bytes(
    path: &Path,
    bytes: &[u8],
    opts: &Options,
    module_opts: &ModuleOptions,
) -> Result<GeneratedModule> {
    let module_path = module_opts.module_path.as_deref().map(module::parse_module_path).transpose()?;
    check_options(opts)?;
    analyze(path, bytes, &mut Timings::default(), |api, spec_sha256, _| {
        let emit_opts = emit_options(path, &api, opts, spec_sha256);
        let files = emit::emit(&api, &emit_opts)?;
        let module_path = module_path.unwrap_or_else(|| vec![naming::crate_ident(&emit_opts.crate_name)]);
        let features: BTreeSet<String> =
            module_opts.full_serde.then(|| emit::FULL_SERDE_FEATURE.to_owned()).into_iter().collect();
        let source = module::assemble(&files, &emit::header(&emit_opts), &module_path, features)?;
        let ops = api.tags.iter().map(|t| t.operations.len()).sum();
        Ok(GeneratedModule { module_path, source, fallbacks: api.fallbacks, counts: (ops, api.types.len()) })
    })
}

/// Refuses options that cannot work before reading the spec: a crate name given must be a
/// valid package name.
fn check_options(opts: &Options) -> Result<()> {
    if let Some(name) = &opts.crate_name {
        naming::check_crate_name(name).map_err(|message| Error::InvalidOption {
            option: "crate name",
            value: name.clone(),
            message,
        })?;
    }
    Ok(())
}

/// What emission needs that is not in the IR: the package name (given, or from the spec) and
/// version, and the spec's name and hash for file headers.
fn emit_options(path: &Path, api: &ir::Api, opts: &Options, spec_sha256: String) -> emit::EmitOptions {
    emit::EmitOptions {
        crate_name: opts.crate_name.clone().unwrap_or_else(|| naming::crate_name(api)),
        crate_version: api.crate_meta.version.clone().unwrap_or_else(|| opts.crate_version.clone()),
        spec_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        spec_sha256,
    }
}
