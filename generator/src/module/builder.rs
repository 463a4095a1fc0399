//! [`Builder`]: module mode from a build script, in one chain of calls.

use std::path::{Path, PathBuf};

use super::{GeneratedModule, ModuleOptions};
use crate::error::{Error, Result};
use crate::Options;

/// Generates a client module from a build script (`build.rs`) into `OUT_DIR`.
///
/// ```no_run
/// // build.rs of a crate with `cirqll-codegen = { version = "0.1", default-features = false }`
/// // under [build-dependencies]
/// fn main() {
///     let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
///     cirqll_codegen::Builder::new("petstore.yaml")
///         .module_path("petstore")
///         .write_module(std::path::Path::new(&out_dir))
///         .unwrap_or_else(|e| panic!("{e}"));
/// }
/// ```
///
/// and in the crate's `lib.rs` or `main.rs`, at the module path given:
///
/// ```ignore
/// pub mod petstore {
///     include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    spec: PathBuf,
    options: Options,
    module: ModuleOptions,
    rerun_if_changed: bool,
}

impl Builder {
    /// A builder for the spec at `spec` (relative paths are relative to the package
    /// directory, the working directory of build scripts).
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Builder {
            spec: spec.into(),
            options: Options::default(),
            module: ModuleOptions::default(),
            rerun_if_changed: true,
        }
    }

    /// Where the including crate puts the module ([`ModuleOptions::module_path`]); the
    /// default is the crate name as an identifier.
    pub fn module_path(mut self, path: impl Into<String>) -> Self {
        self.module.module_path = Some(path.into());
        self
    }

    /// Compile in both serde traits on every model ([`ModuleOptions::full_serde`]).
    pub fn full_serde(mut self, on: bool) -> Self {
        self.module.full_serde = on;
        self
    }

    /// The client's name, in its user agent and the default module path ([`Options::crate_name`]).
    pub fn crate_name(mut self, name: impl Into<String>) -> Self {
        self.options.crate_name = Some(name.into());
        self
    }

    /// The client's version, in its user agent ([`Options::crate_version`]).
    pub fn crate_version(mut self, version: impl Into<String>) -> Self {
        self.options.crate_version = version.into();
        self
    }

    /// Whether [`Self::write_module`] prints `cargo:rerun-if-changed=<spec>` (default: yes), so
    /// that Cargo runs the build script again when the spec changes, and only then (or when
    /// the build script itself or its dependencies change).
    pub fn rerun_if_changed(mut self, on: bool) -> Self {
        self.rerun_if_changed = on;
        self
    }

    /// Reads the spec and generates the module, in memory.
    pub fn generate(&self) -> Result<GeneratedModule> {
        let bytes = std::fs::read(&self.spec).map_err(|source| Error::Read { path: self.spec.clone(), source })?;
        crate::generate_module_bytes(&self.spec, &bytes, &self.options, &self.module)
    }

    /// Generates the module and writes it into `out_dir` (normally `OUT_DIR`) as
    /// [`GeneratedModule::file_name`], leaving an unchanged file untouched; returns its path.
    /// Prints `cargo:rerun-if-changed` for the spec first, so a build that fails on the spec
    /// runs again when it is fixed.
    pub fn write_module(&self, out_dir: &Path) -> Result<PathBuf> {
        if self.rerun_if_changed {
            println!("cargo:rerun-if-changed={}", self.spec.display());
        }
        self.generate()?.write(out_dir)
    }
}
