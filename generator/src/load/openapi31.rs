//! OpenAPI 3.1 → the OpenAPI 3.0 dialect the later stages read.
//!
//! Not implemented yet: documents are refused with a located message.

use std::path::Path;

use serde_json::Value;

use super::Converted;
use crate::error::{Error, Location, Result};

/// Normalizes a 3.1 document in memory, recording every moved node in the returned origin.
pub fn normalize(file: &Path, raw: Value) -> Result<Converted> {
    let version = raw.get("openapi").and_then(Value::as_str).unwrap_or_default().to_owned();
    Err(Error::Unsupported {
        location: Location { file: file.to_owned(), pointer: "#/openapi".into(), line_col: None },
        message: format!("OpenAPI version {version}; this generator reads OpenAPI 3.0.x documents"),
    })
}
