//! Stage 1 — load: read a YAML or JSON file into a JSON tree in the OpenAPI 3.0 dialect, and
//! check its shape against `openapiv3::OpenAPI`.
//!
//! OpenAPI 3.0.x is read as is; OpenAPI 3.1.x is normalized into the 3.0 dialect
//! ([`openapi31`]) and Swagger 2.0 upgraded to 3.0 ([`swagger2`]), each recording where the
//! nodes it moved came from ([`Origin`]), so errors and support-report lines of every later
//! stage name the node in the file the user wrote. Anything else is refused with a located
//! message. Parse errors carry the JSON pointer of the node being read and, from the YAML/JSON
//! parser, `line:column`. Later stages read the tree; the shape check ([`check_shape`]) is
//! separate so that it can run beside them on another core.

pub mod openapi31;
mod origin;
pub mod swagger2;
pub mod walk;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use origin::Origin;

use crate::error::{pointer_segment, Error, Location, Result};

/// The version of the specification a document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpecVersion {
    /// Swagger 2.0 (`swagger: "2.0"`).
    Swagger2,
    /// OpenAPI 3.0.x.
    OpenApi30,
    /// OpenAPI 3.1.x.
    OpenApi31,
}

impl SpecVersion {
    /// How the version is written in messages (`OpenAPI 3.1`).
    pub fn label(self) -> &'static str {
        match self {
            SpecVersion::Swagger2 => "Swagger 2.0",
            SpecVersion::OpenApi30 => "OpenAPI 3.0",
            SpecVersion::OpenApi31 => "OpenAPI 3.1",
        }
    }
}

/// A spec with what later stages need to read it, locate errors and stamp output.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The file it came from.
    pub file: PathBuf,
    /// The document as a JSON tree in the OpenAPI 3.0 dialect, which every later stage reads.
    pub raw: serde_json::Value,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// The version the document was written in.
    pub version: SpecVersion,
    /// Where nodes of `raw` came from in the document (identity for 3.0 documents).
    pub origin: Origin,
    /// Support-report lines from the conversion (constructs it could only approximate),
    /// already naming pointers of the original document.
    pub fallbacks: Vec<String>,
}

impl LoadedSpec {
    /// The location of the node of [`Self::raw`] at `pointer`, named as in the original file.
    pub fn location(&self, pointer: &str) -> Location {
        Location { file: self.file.clone(), pointer: self.origin.original(pointer), line_col: None }
    }
}

/// A document converted into the OpenAPI 3.0 dialect by [`swagger2`] or [`openapi31`].
#[derive(Debug, Clone)]
pub struct Converted {
    /// The converted tree.
    pub raw: serde_json::Value,
    /// Where its nodes came from.
    pub origin: Origin,
    /// Support-report lines, naming pointers of the original document.
    pub fallbacks: Vec<String>,
}

/// Reads, parses and shape-checks `path`.
pub fn load_file(path: &Path) -> Result<LoadedSpec> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read { path: path.to_owned(), source })?;
    let spec = load_bytes(path, &bytes)?;
    check_shape(&spec, &bytes)?;
    Ok(spec)
}

/// Parses spec text into a tree, checks its version and converts it into the 3.0 dialect;
/// `path` is used only in messages. Call [`check_shape`] on the result before trusting it as
/// OpenAPI.
pub fn load_bytes(path: &Path, bytes: &[u8]) -> Result<LoadedSpec> {
    // The hash (8 ms for GitHub's 13 MB) is computed beside parsing.
    std::thread::scope(|scope| {
        let sha256 = scope.spawn(|| hex(&Sha256::digest(bytes)));
        let parsed = parse(path, bytes);
        let sha256 = sha256.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        parsed.map(|(raw, version)| (raw, version, sha256))
    })
    .and_then(|(raw, version, sha256)| convert(path, raw, version, sha256))
}

/// The document's tree and the version it is written in.
fn parse(path: &Path, bytes: &[u8]) -> Result<(serde_json::Value, SpecVersion)> {
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
    let version = check_version(path, &raw)?;
    Ok((raw, version))
}

/// The tree in the OpenAPI 3.0 dialect, converted from the version it is written in.
fn convert(path: &Path, raw: serde_json::Value, version: SpecVersion, sha256: String) -> Result<LoadedSpec> {
    let converted = match version {
        SpecVersion::OpenApi30 => Converted { raw, origin: Origin::identity(), fallbacks: Vec::new() },
        SpecVersion::OpenApi31 => openapi31::normalize(path, raw)?,
        SpecVersion::Swagger2 => swagger2::upgrade(path, raw)?,
    };
    Ok(LoadedSpec {
        file: path.to_owned(),
        raw: converted.raw,
        sha256,
        version,
        origin: converted.origin,
        fallbacks: converted.fallbacks,
    })
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

/// Whether `bytes` is a JSON text that openapiv3 reads as an OpenAPI 3.0 document, read
/// straight from the text (`None` when it is not UTF-8 JSON). It needs no tree, so it can run
/// while [`load_bytes`] parses one, on a core that is otherwise idle then. `Some(true)` for a
/// document [`load_bytes`] reads as OpenAPI 3.0 means [`check_shape`] passes too: the tree is
/// the text's, except that a key repeated in one object keeps its last value there, which
/// only this reading refuses (a refusal that sends the caller to [`check_shape`]).
///
/// Only a text that says `"openapi": "3.0` in its first 64 KB is read (Swagger 2.0 and
/// OpenAPI 3.1 documents are checked once converted, and reading them here would only take a
/// core from the stages that run meanwhile).
pub fn quick_shape_check(bytes: &[u8]) -> Option<bool> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let says_30 = head.match_indices("\"openapi\"").any(|(i, key)| {
        let rest = head[i + key.len()..].trim_start();
        rest.strip_prefix(':').is_some_and(|value| value.trim_start().starts_with("\"3.0"))
    });
    (is_json(text) && says_30).then(|| serde_json::from_str::<openapiv3::OpenAPI>(text).is_ok())
}

/// [`check_shape`], given what [`quick_shape_check`] said of the same bytes: a 3.0 text it
/// read is not read again, and only the checks openapiv3 does not make (`webhooks`,
/// `components/pathItems`) remain.
pub fn check_shape_after_quick(spec: &LoadedSpec, bytes: &[u8], quick: Option<bool>) -> Result<()> {
    if quick == Some(true) && spec.version == SpecVersion::OpenApi30 {
        return openapi31::check_path_items_shape(spec);
    }
    check_shape(spec, bytes)
}

/// Checks that the document has the shape of an OpenAPI 3.0 document (every object where the
/// specification puts one, with the right field types), by reading it as `openapiv3::OpenAPI`.
/// `bytes` is the text `spec` was parsed from: on failure it is parsed again with path tracking,
/// so the error names the offending node's JSON pointer and `line:column`.
///
/// A converted document (Swagger 2.0, OpenAPI 3.1) is checked in its converted form, which is
/// what later stages read; the error then names the original node through [`Origin`], without
/// `line:column`.
pub fn check_shape(spec: &LoadedSpec, bytes: &[u8]) -> Result<()> {
    // Fast path: read the typed document from the tree already parsed.
    if <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&spec.raw).is_ok() {
        return openapi31::check_path_items_shape(spec);
    }
    let (path, raw) = (spec.file.as_path(), &spec.raw);
    // openapiv3 reads a callback only as a map of path items, so a callback given as a `$ref`
    // (valid OpenAPI) fails its check. Callbacks are not generated (lowering reports them):
    // a document with any is checked without them.
    let without_callbacks = without_callbacks(raw);
    if let Some(tree) = &without_callbacks {
        if <openapiv3::OpenAPI as serde::Deserialize>::deserialize(tree).is_ok() {
            return openapi31::check_path_items_shape(spec);
        }
    }
    if spec.version != SpecVersion::OpenApi30 || without_callbacks.is_some() {
        let tree = without_callbacks.as_ref().unwrap_or(raw);
        return match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(tree) {
            Ok(_) => Ok(()),
            Err(e) => {
                let pointer = to_pointer(e.path());
                let (pointer, message) = refine(tree, pointer, e.into_inner().to_string());
                Err(Error::Parse {
                    location: spec.location(&pointer),
                    message: format!("not a valid {} document: {message}", spec.version.label()),
                })
            }
        };
    }
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
    let (pointer, message) = found.unwrap_or((pointer, message));
    deepen(raw, pointer, message)
}

/// openapiv3 reads a schema through untagged and flattened parts, which lose the path of an
/// error inside it: when the node at `pointer` is a schema it refuses, this names the deepest
/// subschema (property, item, composition member...) it refuses, with that one's message.
fn deepen(raw: &serde_json::Value, pointer: String, message: String) -> (String, String) {
    use openapiv3::{ReferenceOr, Schema};
    fn refused(node: &serde_json::Value) -> Option<String> {
        <ReferenceOr<Schema> as serde::Deserialize>::deserialize(node).err().map(|e| e.to_string())
    }
    fn below(node: &serde_json::Value, pointer: &str, depth: usize) -> Option<(String, String)> {
        let obj = node.as_object().filter(|_| depth < 64)?;
        let mut children: Vec<(String, &serde_json::Value)> = Vec::new();
        if let Some(props) = obj.get("properties").and_then(serde_json::Value::as_object) {
            children.extend(props.iter().map(|(k, v)| (format!("{pointer}/properties/{}", pointer_segment(k)), v)));
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(child) = obj.get(key).filter(|c| c.is_object()) {
                children.push((format!("{pointer}/{key}"), child));
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for (i, child) in obj.get(key).and_then(serde_json::Value::as_array).into_iter().flatten().enumerate() {
                children.push((format!("{pointer}/{key}/{i}"), child));
            }
        }
        children.into_iter().find_map(|(child_pointer, child)| {
            let message = refused(child)?;
            Some(below(child, &child_pointer, depth + 1).unwrap_or((child_pointer, message)))
        })
    }
    match raw.pointer(pointer.trim_start_matches('#')) {
        Some(node) if refused(node).is_some() => below(node, &pointer, 0).unwrap_or((pointer, message)),
        _ => (pointer, message),
    }
}

/// The tree without its callbacks (of operations and `components`), when it has any.
fn without_callbacks(raw: &serde_json::Value) -> Option<serde_json::Value> {
    let in_operations = raw.get("paths").and_then(serde_json::Value::as_object).is_some_and(|paths| {
        paths.values().filter_map(serde_json::Value::as_object).any(|item| {
            crate::ir::Method::ALL.iter().any(|m| item.get(m.key()).is_some_and(|op| op.get("callbacks").is_some()))
        })
    });
    if !in_operations && raw.pointer("/components/callbacks").is_none() {
        return None;
    }
    let mut tree = raw.clone();
    if let Some(paths) = tree.get_mut("paths").and_then(serde_json::Value::as_object_mut) {
        for item in paths.values_mut().filter_map(serde_json::Value::as_object_mut) {
            for method in crate::ir::Method::ALL {
                if let Some(op) = item.get_mut(method.key()).and_then(serde_json::Value::as_object_mut) {
                    op.remove("callbacks");
                }
            }
        }
    }
    if let Some(components) = tree.get_mut("components").and_then(serde_json::Value::as_object_mut) {
        components.remove("callbacks");
    }
    Some(tree)
}

/// The versions this generator reads, for messages and `--version`.
pub const READS: &str = "OpenAPI 3.1.x, OpenAPI 3.0.x and Swagger 2.0";

fn check_version(path: &Path, raw: &serde_json::Value) -> Result<SpecVersion> {
    let field = |key: &str| raw.get(key).map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()));
    let unsupported = |pointer: &str, what: String| Error::Unsupported {
        location: loc(path, pointer, None),
        message: format!("{what}; this generator reads {READS} documents"),
    };
    match (field("openapi"), field("swagger")) {
        (Some(v), _) if v.starts_with("3.0.") || v == "3.0" => Ok(SpecVersion::OpenApi30),
        (Some(v), _) if v.starts_with("3.1.") || v == "3.1" => Ok(SpecVersion::OpenApi31),
        (Some(v), _) => Err(unsupported("#/openapi", format!("OpenAPI version {v}"))),
        (None, Some(v)) if v == "2.0" => Ok(SpecVersion::Swagger2),
        (None, Some(v)) => Err(unsupported("#/swagger", format!("Swagger version {v}"))),
        (None, None) => Err(Error::Parse {
            location: loc(path, "#", None),
            message: "missing the `openapi` (or `swagger`) version field; is this an OpenAPI document?".into(),
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
