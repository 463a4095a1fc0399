//! Swagger 2.0 → OpenAPI 3.0, in memory.
//!
//! Not implemented yet: documents are refused with a located message.

use std::path::Path;

use serde_json::Value;

use super::Converted;
use crate::error::{Error, Location, Result};

/// Upgrades a Swagger 2.0 document, recording every moved node in the returned origin.
pub fn upgrade(file: &Path, raw: Value) -> Result<Converted> {
    let _ = raw;
    Err(Error::Unsupported {
        location: Location { file: file.to_owned(), pointer: "#/swagger".into(), line_col: None },
        message: "Swagger 2.0; convert the document to OpenAPI 3.0 first".into(),
    })
}
