//! Stage 1 — load: read a YAML or JSON file into a JSON tree, and check its shape against
//! `openapiv3::OpenAPI`.
//!
//! Refuses anything that is not OpenAPI 3.0.x with a located message. Parse errors carry the
//! JSON pointer of the node being read and, from the YAML/JSON parser, `line:column`.
//! Later stages read the tree; the shape check ([`check_shape`]) is separate so that it can run
//! beside them on another core.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{pointer_segment, Error, Location, Result};

/// A parsed spec with what later stages need to locate errors and stamp output.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The file it came from.
    pub file: PathBuf,
    /// The document as a JSON tree, which every later stage reads.
    pub raw: serde_json::Value,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// Reads, parses and shape-checks `path`.
pub fn load_file(path: &Path) -> Result<LoadedSpec> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read { path: path.to_owned(), source })?;
    let spec = load_bytes(path, &bytes)?;
    check_shape(&spec, &bytes)?;
    Ok(spec)
}

/// Parses spec text into a tree and checks its version; `path` is used only in messages.
/// Call [`check_shape`] on the result before trusting it as OpenAPI.
pub fn load_bytes(path: &Path, bytes: &[u8]) -> Result<LoadedSpec> {
    let sha256 = hex(&Sha256::digest(bytes));
    let text = utf8(path, bytes)?;
    let is_json = is_json(text);
    let raw: serde_json::Value = if is_json {
        serde_json::from_str(text).map_err(|e| Error::Parse {
            location: loc(path, "#", Some((e.line(), e.column()))),
            message: format!("invalid JSON: {e}"),
        })?
    } else {
        serde_yaml::from_str(text).map_err(|e| Error::Parse {
            location: loc(path, "#", e.location().map(|l| (l.line(), l.column()))),
            message: format!("invalid YAML: {e}"),
        })?
    };
    check_version(path, &raw)?;
    Ok(LoadedSpec { file: path.to_owned(), raw, sha256 })
}

fn utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| Error::Parse {
        location: loc(path, "#", None),
        message: format!("the file is not UTF-8 text: {e}"),
    })
}

fn is_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Checks that the document has the shape of an OpenAPI 3.0 document (every object where the
/// specification puts one, with the right field types), by reading it as `openapiv3::OpenAPI`.
/// `bytes` is the text `spec` was parsed from: on failure it is parsed again with path tracking,
/// so the error names the offending node's JSON pointer and `line:column`.
pub fn check_shape(spec: &LoadedSpec, bytes: &[u8]) -> Result<()> {
    // Fast path: read the typed document from the tree already parsed.
    if <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&spec.raw).is_ok() {
        return Ok(());
    }
    let (path, raw) = (spec.file.as_path(), &spec.raw);
    let text = utf8(path, bytes)?;
    let _: openapiv3::OpenAPI = if is_json(text) {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let pointer = to_pointer(e.path());
            let inner = e.into_inner();
            let (pointer, message) = refine(raw, pointer, strip_position(&inner.to_string()));
            Error::Parse {
                location: loc(path, &pointer, Some((inner.line(), inner.column()))),
                message: format!("not a valid OpenAPI 3.0 document: {message}"),
            }
        })?
    } else {
        let de = serde_yaml::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let pointer = to_pointer(e.path());
            let inner = e.into_inner();
            let (pointer, message) = refine(raw, pointer, strip_position(&inner.to_string()));
            Error::Parse {
                location: loc(path, &pointer, inner.location().map(|l| (l.line(), l.column()))),
                message: format!("not a valid OpenAPI 3.0 document: {message}"),
            }
        })?
    };
    Ok(())
}

/// openapiv3 reads some maps through custom deserializers, which hide the path below them.
/// Re-reads the children of such a map one by one to find the failing node's full pointer.
fn refine(raw: &serde_json::Value, pointer: String, message: String) -> (String, String) {
    use openapiv3::{Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema, SecurityScheme};
    fn first_error<T: serde::de::DeserializeOwned>(map: &serde_json::Value, base: &str) -> Option<(String, String)> {
        for (key, child) in map.as_object()? {
            if key.starts_with("x-") {
                continue;
            }
            if let Err(e) = serde_path_to_error::deserialize::<_, T>(child.clone()) {
                let inner = to_pointer(e.path());
                let inner = inner.trim_start_matches('#').trim_start_matches("/.");
                return Some((format!("{base}/{}{inner}", pointer_segment(key)), e.into_inner().to_string()));
            }
        }
        None
    }
    let found = match pointer.as_str() {
        "#/paths" => raw.get("paths").and_then(|paths| {
            let (ptr, msg) = first_error::<ReferenceOr<PathItem>>(paths, "#/paths")?;
            // Path items flatten their operations too: look inside the failing one.
            let key = ptr.strip_prefix("#/paths/")?.replace("~1", "/").replace("~0", "~");
            let item = paths.get(&key)?;
            let ops: serde_json::Map<String, serde_json::Value> = item
                .as_object()?
                .iter()
                .filter(|(k, _)| crate::ir::Method::ALL.iter().any(|m| m.key() == k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Some(first_error::<openapiv3::Operation>(&serde_json::Value::Object(ops), &ptr).unwrap_or((ptr, msg)))
        }),
        "#/components" | "#/components/schemas" => raw
            .pointer("/components/schemas")
            .and_then(|m| first_error::<ReferenceOr<Schema>>(m, "#/components/schemas")),
        "#/components/parameters" => raw
            .pointer("/components/parameters")
            .and_then(|m| first_error::<ReferenceOr<Parameter>>(m, "#/components/parameters")),
        "#/components/responses" => raw
            .pointer("/components/responses")
            .and_then(|m| first_error::<ReferenceOr<Response>>(m, "#/components/responses")),
        "#/components/requestBodies" => raw
            .pointer("/components/requestBodies")
            .and_then(|m| first_error::<ReferenceOr<RequestBody>>(m, "#/components/requestBodies")),
        "#/components/securitySchemes" => raw
            .pointer("/components/securitySchemes")
            .and_then(|m| first_error::<ReferenceOr<SecurityScheme>>(m, "#/components/securitySchemes")),
        _ => None,
    };
    found.unwrap_or((pointer, message))
}

fn check_version(path: &Path, raw: &serde_json::Value) -> Result<()> {
    let version = raw.get("openapi").and_then(|v| v.as_str());
    match version {
        Some(v) if v.starts_with("3.0") => Ok(()),
        Some(v) => Err(Error::Unsupported {
            location: loc(path, "#/openapi", None),
            message: format!("OpenAPI version {v}; this generator reads OpenAPI 3.0.x documents"),
        }),
        None if raw.get("swagger").is_some() => Err(Error::Unsupported {
            location: loc(path, "#/swagger", None),
            message: "Swagger 2.0; convert the document to OpenAPI 3.0 first".into(),
        }),
        None => Err(Error::Parse {
            location: loc(path, "#", None),
            message: "missing the `openapi` version field; is this an OpenAPI document?".into(),
        }),
    }
}

fn loc(path: &Path, pointer: &str, line_col: Option<(usize, usize)>) -> Location {
    Location { file: path.to_owned(), pointer: pointer.to_owned(), line_col }
}

fn to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut s = String::from("#");
    for seg in path.iter() {
        s.push('/');
        match seg {
            Segment::Seq { index } => s.push_str(&index.to_string()),
            Segment::Map { key } => s.push_str(&pointer_segment(key)),
            Segment::Enum { variant } => s.push_str(&pointer_segment(variant)),
            Segment::Unknown => s.push('?'),
        }
    }
    s
}

/// serde_yaml appends " at line X column Y"; the location is printed separately.
fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
