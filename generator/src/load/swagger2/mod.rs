//! Swagger 2.0 → OpenAPI 3.0, in memory: the JSON tree is rewritten into the dialect the later
//! stages read, and every node that moves is recorded in an [`Origin`], so errors and
//! support-report lines name the node in the file the user wrote.
//!
//! | Swagger 2.0 | OpenAPI 3.0 |
//! |---|---|
//! | `host`, `basePath`, `schemes` (root, and per operation) | `servers` (root, and per operation) |
//! | `definitions` | `components/schemas` |
//! | `parameters` at the root | `components/parameters`; body parameters `components/requestBodies` |
//! | `responses` at the root | `components/responses` |
//! | `securityDefinitions` | `components/securitySchemes` (`security.rs`) |
//! | body parameter | `requestBody`, one media type per `consumes` entry (`operations.rs`) |
//! | formData parameters | `requestBody` with an object schema, urlencoded or multipart |
//! | parameter `type`, `format`, `items`, `enum`, bounds, `default` | parameter `schema` (`schemas.rs`) |
//! | `collectionFormat` | `style`/`explode`; `x-collectionFormat` where 3.0 has no style |
//! | response `schema`, `examples` | `content`, one media type per `produces` entry |
//! | response `headers` | headers with a `schema` |
//! | `x-nullable`, `discriminator: name`, `type: file` | `nullable`, `discriminator.propertyName`, binary string |
//!
//! Everything else (info, tags, security requirements, vendor extensions at every level) stays
//! where it was. Every local `$ref` is rewritten to where its target moved (`refs.rs`). Nodes
//! the upgrade has to understand and cannot are refused with a located message; the rest is
//! copied as it is and left to the shape check, whose errors are located through the origin.

mod operations;
mod refs;
mod schemas;
mod security;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::{Converted, Origin};
use crate::error::{pointer_segment, Error, Location, Result};

/// The OpenAPI version written into upgraded documents.
const UPGRADED_TO: &str = "3.0.3";

/// The media type assumed where a document declares no `consumes` or `produces`.
const JSON: &str = "application/json";

/// Upgrades a Swagger 2.0 document, recording every moved node in the returned origin.
pub fn upgrade(file: &Path, raw: Value) -> Result<Converted> {
    let mut up = Upgrade::new(file, &raw)?;
    let mut tree = up.document()?;
    up.rewrite_refs(&mut tree)?;
    Ok(Converted { raw: tree, origin: up.origin, fallbacks: up.fallbacks })
}

/// State of one upgrade: the original document and what has been recorded so far.
struct Upgrade<'a> {
    file: &'a Path,
    /// The document as the user wrote it.
    doc: &'a Value,
    /// Converted pointer prefix → original pointer prefix.
    origin: Origin,
    /// Original pointer prefix → converted pointer prefix (the first copy), for `$ref`s.
    moved: BTreeMap<String, String>,
    fallbacks: Vec<String>,
    /// Root `consumes`, `produces` and `schemes`.
    consumes: Vec<String>,
    produces: Vec<String>,
    schemes: Vec<String>,
    /// `host` and `basePath`, from which server URLs are made.
    host: Option<String>,
    base_path: Option<String>,
}

impl<'a> Upgrade<'a> {
    fn new(file: &'a Path, doc: &'a Value) -> Result<Self> {
        let mut up = Upgrade {
            file,
            doc,
            origin: Origin::identity(),
            moved: BTreeMap::new(),
            fallbacks: Vec::new(),
            consumes: Vec::new(),
            produces: Vec::new(),
            schemes: Vec::new(),
            host: None,
            base_path: None,
        };
        up.consumes = up.media_types(doc.get("consumes"), "#/consumes")?.unwrap_or_default();
        up.produces = up.media_types(doc.get("produces"), "#/produces")?.unwrap_or_default();
        up.schemes = up.strings(doc.get("schemes"), "#/schemes")?.unwrap_or_default();
        up.host = up.string(doc.get("host"), "#/host")?;
        up.base_path = up.string(doc.get("basePath"), "#/basePath")?;
        Ok(up)
    }

    /// Records that the converted node at `converted` came from `original`.
    fn record(&mut self, converted: &str, original: &str) {
        self.origin.record(converted, original);
        self.moved.entry(original.to_owned()).or_insert_with(|| converted.to_owned());
    }

    /// A support-report line about the node at `original`.
    fn fallback(&mut self, original: &str, what: impl AsRef<str>) {
        self.fallbacks.push(format!("{original}: {}", what.as_ref()));
    }

    /// A located error: the document is not valid Swagger 2.0 at `original`.
    fn invalid(&self, original: &str, message: impl AsRef<str>) -> Error {
        Error::Parse {
            location: Location { file: self.file.to_owned(), pointer: original.to_owned(), line_col: None },
            message: format!("not a valid Swagger 2.0 document: {}", message.as_ref()),
        }
    }

    /// An optional string field.
    fn string(&self, v: Option<&Value>, ptr: &str) -> Result<Option<String>> {
        match v {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.invalid(ptr, "expected a string")),
        }
    }

    /// An optional list of strings.
    fn strings(&self, v: Option<&Value>, ptr: &str) -> Result<Option<Vec<String>>> {
        let Some(v) = v else { return Ok(None) };
        let items = v.as_array().ok_or_else(|| self.invalid(ptr, "expected a list of strings"))?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(s) => out.push(s.to_owned()),
                None => return Err(self.invalid(&format!("{ptr}/{i}"), "expected a string")),
            }
        }
        Ok(Some(out))
    }

    /// A `consumes` or `produces` list (media types, `type/subtype` with optional parameters).
    fn media_types(&self, v: Option<&Value>, ptr: &str) -> Result<Option<Vec<String>>> {
        let Some(list) = self.strings(v, ptr)? else { return Ok(None) };
        for (i, mt) in list.iter().enumerate() {
            if !mt.contains('/') {
                return Err(self.invalid(&format!("{ptr}/{i}"), format!("`{mt}` is not a media type")));
            }
        }
        Ok(Some(list))
    }

    /// The whole document.
    fn document(&mut self) -> Result<Value> {
        let doc = self.doc;
        let root = doc.as_object().ok_or_else(|| self.invalid("#", "the document is not an object"))?;
        let mut out = Map::new();
        out.insert("openapi".into(), Value::from(UPGRADED_TO));
        self.record("#/openapi", "#/swagger");
        for (key, value) in root {
            let converted_elsewhere = matches!(
                key.as_str(),
                "swagger"
                    | "host"
                    | "basePath"
                    | "schemes"
                    | "consumes"
                    | "produces"
                    | "paths"
                    | "definitions"
                    | "parameters"
                    | "responses"
                    | "securityDefinitions"
            );
            if !converted_elsewhere {
                out.insert(key.clone(), value.clone());
            }
        }
        let schemes = self.schemes.clone();
        if let Some(servers) = self.servers(&schemes, "#/schemes")? {
            out.insert("servers".into(), servers);
            let from = if self.host.is_some() { "#/host" } else { "#/basePath" };
            self.record("#/servers", from);
        }
        // Components first: operations refer to the root parameters and responses they hold.
        let components = self.components()?;
        if let Some(paths) = doc.get("paths") {
            out.insert("paths".into(), self.paths(paths)?);
        }
        if !components.is_empty() {
            out.insert("components".into(), Value::Object(components));
        }
        Ok(Value::Object(out))
    }

    /// `servers` for `schemes` (the root's or an operation's, written at `schemes_ptr`): one
    /// URL per HTTP scheme, https first, made of `host` and `basePath`. `None` when the
    /// document names neither.
    fn servers(&mut self, schemes: &[String], schemes_ptr: &str) -> Result<Option<Value>> {
        let base = self.base_path.clone().unwrap_or_default();
        let base = if base.is_empty() || base.starts_with('/') { base } else { format!("/{base}") };
        let Some(host) = self.host.clone() else {
            // No host: URLs relative to where the document is served, as in OpenAPI 3.0.
            return Ok((!base.is_empty()).then(|| serde_json::json!([{ "url": base }])));
        };
        if host.is_empty() || host.contains('/') {
            return Err(self.invalid("#/host", format!("`{host}` is not a host name (with an optional port)")));
        }
        let mut http: Vec<&str> = Vec::new();
        for (i, scheme) in schemes.iter().enumerate() {
            match scheme.as_str() {
                "https" | "http" => http.push(scheme),
                other => {
                    let at = format!("{schemes_ptr}/{i}");
                    self.fallback(&at, format!("scheme `{other}` is not HTTP; left out of the server URLs"));
                }
            }
        }
        if http.is_empty() {
            let at = if schemes.is_empty() { "#/host" } else { schemes_ptr };
            self.fallback(at, "no HTTP scheme declared; the server URL assumes https");
            http.push("https");
        }
        http.sort_by_key(|s| *s != "https");
        http.dedup();
        let servers =
            http.iter().map(|scheme| serde_json::json!({ "url": format!("{scheme}://{host}{base}") })).collect();
        Ok(Some(Value::Array(servers)))
    }

    /// `components` from `definitions`, the root `parameters` and `responses`, and
    /// `securityDefinitions`.
    fn components(&mut self) -> Result<Map<String, Value>> {
        let doc = self.doc;
        let mut components = Map::new();
        if let Some(definitions) = doc.get("definitions") {
            self.record("#/components/schemas", "#/definitions");
            let schemas = match definitions.as_object() {
                Some(map) => Value::Object(
                    map.iter()
                        .map(|(name, schema)| {
                            let seg = pointer_segment(name);
                            let converted = self.schema(
                                schema,
                                &format!("#/definitions/{seg}"),
                                &format!("#/components/schemas/{seg}"),
                            );
                            (name.clone(), converted)
                        })
                        .collect(),
                ),
                None => definitions.clone(),
            };
            components.insert("schemas".into(), schemas);
        }
        if let Some(parameters) = doc.get("parameters") {
            let map = parameters.as_object().ok_or_else(|| self.invalid("#/parameters", "expected an object"))?;
            let (mut params, mut bodies) = (Map::new(), Map::new());
            let consumes = self.consumes.clone();
            for (name, p) in map {
                let seg = pointer_segment(name);
                let original = format!("#/parameters/{seg}");
                match p.get("in").and_then(Value::as_str) {
                    Some("body") => {
                        let converted = format!("#/components/requestBodies/{seg}");
                        bodies.insert(name.clone(), self.request_body(p, &original, &converted, &consumes)?);
                    }
                    // Form fields have no place in 3.0 components: operations inline them.
                    Some("formData") => {}
                    _ => {
                        let converted = format!("#/components/parameters/{seg}");
                        params.insert(name.clone(), self.parameter(p, &original, &converted)?);
                    }
                }
            }
            if !params.is_empty() {
                components.insert("parameters".into(), Value::Object(params));
            }
            if !bodies.is_empty() {
                components.insert("requestBodies".into(), Value::Object(bodies));
            }
        }
        if let Some(responses) = doc.get("responses") {
            let map = responses.as_object().ok_or_else(|| self.invalid("#/responses", "expected an object"))?;
            let produces = self.produces.clone();
            let mut out = Map::new();
            for (name, r) in map {
                let seg = pointer_segment(name);
                let converted = self.response(
                    r,
                    &format!("#/responses/{seg}"),
                    &format!("#/components/responses/{seg}"),
                    &produces,
                )?;
                out.insert(name.clone(), converted);
            }
            components.insert("responses".into(), Value::Object(out));
        }
        if let Some(definitions) = doc.get("securityDefinitions") {
            self.record("#/components/securitySchemes", "#/securityDefinitions");
            components.insert("securitySchemes".into(), self.security_schemes(definitions)?);
        }
        Ok(components)
    }
}

#[cfg(test)]
mod tests;
