//! Located, typed errors of the generator.
//!
//! Every error names the spec file; structural errors add the JSON pointer of the offending
//! node and, where the parser reports it, `line:column`.

use std::fmt;
use std::path::PathBuf;

/// Where in a spec something went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The spec file.
    pub file: PathBuf,
    /// JSON pointer, e.g. `#/paths/~1customer/get/parameters/2`.
    pub pointer: String,
    /// 1-based line and column, when known.
    pub line_col: Option<(usize, usize)>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((l, c)) = self.line_col {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, " at {}", self.pointer)
    }
}

/// Everything that can stop a generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec file could not be read.
    #[error("{}: cannot read the spec: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not valid YAML/JSON, or not a valid OpenAPI document.
    #[error("{location}: {message}")]
    Parse {
        /// Where.
        location: Location,
        /// What.
        message: String,
    },
    /// The document is well-formed but wrong (dangling `$ref`, duplicate operationId, `$ref` loop...).
    #[error("{location}: {message}")]
    Invalid {
        /// Where.
        location: Location,
        /// What.
        message: String,
    },
    /// The document uses a construct the generator does not support.
    #[error("{location}: unsupported: {message}")]
    Unsupported {
        /// Where.
        location: Location,
        /// Which construct.
        message: String,
    },
    /// Emitted Rust did not parse (a generator bug, reported instead of writing broken code).
    #[error("internal error: generated Rust for {file} does not parse: {message}")]
    Emit {
        /// The output file.
        file: String,
        /// The syn error.
        message: String,
    },
    /// Module mode could not place part of the emitted crate (a generator bug).
    #[error("internal error: module mode: {file}: {message}")]
    Module {
        /// The emitted file.
        file: String,
        /// What could not be placed.
        message: String,
    },
    /// A template failed to render.
    #[error("internal error: template {template}: {message}")]
    Template {
        /// Template name.
        template: String,
        /// The askama error.
        message: String,
    },
    /// An option given to the generator is not valid (a crate name, a module path).
    #[error("invalid {option} `{value}`: {message}")]
    InvalidOption {
        /// Which option, in words (`crate name`).
        option: &'static str,
        /// The value given.
        value: String,
        /// What is wrong with it.
        message: String,
    },
    /// Writing the output failed; the previous output is untouched.
    #[error("{}: cannot write the output: {source}", path.display())]
    Write {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl Error {
    /// The location, for errors that have one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Parse { location, .. } | Error::Invalid { location, .. } | Error::Unsupported { location, .. } => {
                Some(location)
            }
            _ => None,
        }
    }
}

/// Result alias of the generator.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Escapes one JSON-pointer segment (`~` → `~0`, `/` → `~1`).
pub fn pointer_segment(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}
