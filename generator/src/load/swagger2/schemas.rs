//! Schemas, and the schema-like parts of Swagger 2.0 parameters and headers.
//!
//! A 2.0 schema is a 3.0 schema but for three spellings: `x-nullable` (3.0: `nullable`),
//! `discriminator` as a bare property name (3.0: `{propertyName}`) and `type: file` (3.0: a
//! binary string). Non-body parameters and response headers carry their type, format, items
//! and bounds directly; 3.0 puts those in a `schema`, and spells `collectionFormat` as
//! `style`/`explode` where it can, and as `x-collectionFormat` (the extension swagger2openapi
//! also writes, read by lowering) where it cannot.

use serde_json::{Map, Value};

use super::Upgrade;
use crate::error::{pointer_segment, Result};

/// Keywords of a 2.0 parameter, items or header object that belong to its schema in 3.0.
const SCHEMA_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

/// The `collectionFormat` values of Swagger 2.0.
pub(super) const COLLECTION_FORMATS: &[&str] = &["csv", "ssv", "tsv", "pipes", "multi"];

impl Upgrade<'_> {
    /// A schema with the 2.0 spellings rewritten, recursively. `$ref`s are rewritten later,
    /// over the whole tree.
    pub(super) fn schema(&mut self, schema: &Value, original: &str, converted: &str) -> Value {
        let Some(map) = schema.as_object() else { return schema.clone() };
        let file = map.get("type").and_then(Value::as_str) == Some("file");
        let mut out = Map::new();
        for (key, value) in map {
            let orig = format!("{original}/{}", pointer_segment(key));
            let conv = format!("{converted}/{}", pointer_segment(key));
            match (key.as_str(), value) {
                ("type", _) if file => {
                    out.insert("type".into(), Value::from("string"));
                    out.insert("format".into(), Value::from("binary"));
                }
                ("format", _) if file => {}
                ("x-nullable", Value::Bool(_)) => {
                    if !map.contains_key("nullable") {
                        out.insert("nullable".into(), value.clone());
                        self.record(&format!("{converted}/nullable"), &orig);
                    }
                }
                ("discriminator", Value::String(property)) => {
                    out.insert("discriminator".into(), serde_json::json!({ "propertyName": property }));
                    self.record(&format!("{converted}/discriminator/propertyName"), &orig);
                }
                ("properties", Value::Object(props)) => {
                    let props = props
                        .iter()
                        .map(|(name, p)| {
                            let seg = pointer_segment(name);
                            (name.clone(), self.schema(p, &format!("{orig}/{seg}"), &format!("{conv}/{seg}")))
                        })
                        .collect();
                    out.insert(key.clone(), Value::Object(props));
                }
                ("items" | "additionalProperties" | "not", Value::Object(_)) => {
                    out.insert(key.clone(), self.schema(value, &orig, &conv));
                }
                ("items" | "allOf" | "anyOf" | "oneOf", Value::Array(members)) => {
                    let members = members
                        .iter()
                        .enumerate()
                        .map(|(i, m)| self.schema(m, &format!("{orig}/{i}"), &format!("{conv}/{i}")))
                        .collect();
                    out.insert(key.clone(), Value::Array(members));
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Value::Object(out)
    }

    /// The 3.0 `schema` of a 2.0 parameter, items or header object: its schema keywords, with
    /// `items` converted the same way. The node sits at `original`; its schema goes to
    /// `converted`.
    pub(super) fn parameter_schema(&mut self, node: &Value, original: &str, converted: &str) -> Value {
        self.record(converted, original);
        let Some(map) = node.as_object() else { return Value::Object(Map::new()) };
        let mut schema = Map::new();
        for (key, value) in map.iter().filter(|(k, _)| SCHEMA_KEYWORDS.contains(&k.as_str())) {
            let value = match key.as_str() {
                "items" if value.is_object() => {
                    let orig = format!("{original}/items");
                    if value.get("type").and_then(Value::as_str) == Some("array") {
                        let inner = value.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv");
                        self.fallback(
                            &orig,
                            format!("an array nested in an array parameter is sent as JSON text (its collectionFormat `{inner}` is not applied)"),
                        );
                    }
                    self.parameter_schema(value, &orig, &format!("{converted}/items"))
                }
                _ => value.clone(),
            };
            schema.insert(key.clone(), value);
        }
        // The same spellings as in schemas (`x-nullable`, `type: file`).
        let schema = Value::Object(schema);
        self.schema(&schema, original, converted)
    }

    /// A non-body parameter: name, location, description and flags stay, the schema keywords
    /// move into `schema`, and `collectionFormat` becomes a style.
    pub(super) fn parameter(&mut self, p: &Value, original: &str, converted: &str) -> Result<Value> {
        let Some(map) = p.as_object() else { return Ok(p.clone()) };
        if map.contains_key("$ref") {
            // A reference to a root parameter: kept, and rewritten with the other references.
            self.record(converted, original);
            return Ok(p.clone());
        }
        self.record(converted, original);
        let location = map.get("in").and_then(Value::as_str).unwrap_or_default();
        let mut out = Map::new();
        for (key, value) in map {
            if !SCHEMA_KEYWORDS.contains(&key.as_str()) && key != "collectionFormat" {
                out.insert(key.clone(), value.clone());
            }
        }
        out.insert("schema".into(), self.parameter_schema(p, original, &format!("{converted}/schema")));
        if map.get("type").and_then(Value::as_str) == Some("array") {
            let format = self.collection_format(map.get("collectionFormat"), original)?;
            let (style, explode, extension) = match (location, format) {
                ("query", "csv") => ("form", false, None),
                ("query", "multi") => ("form", true, None),
                ("query", "ssv") => ("spaceDelimited", false, None),
                ("query", "pipes") => ("pipeDelimited", false, None),
                ("query", other) => ("form", false, Some(other)),
                ("path" | "header", "csv") => ("simple", false, None),
                ("path" | "header", "multi") => {
                    self.fallback(
                        &format!("{original}/collectionFormat"),
                        "collectionFormat `multi` applies to query and formData parameters only; sent comma-separated",
                    );
                    ("simple", false, None)
                }
                ("path" | "header", other) => ("simple", false, Some(other)),
                // Other locations are refused by the shape check; keep the 2.0 spelling visible.
                (_, other) => ("form", false, Some(other)),
            };
            out.insert("style".into(), Value::from(style));
            out.insert("explode".into(), Value::from(explode));
            if let Some(format) = extension {
                out.insert("x-collectionFormat".into(), Value::from(format));
                self.record(&format!("{converted}/x-collectionFormat"), &format!("{original}/collectionFormat"));
            }
            self.record(&format!("{converted}/style"), &format!("{original}/collectionFormat"));
        }
        Ok(Value::Object(out))
    }

    /// A response header: its schema keywords move into `schema`; a `collectionFormat` other
    /// than csv (the only one 3.0 headers have) is kept as `x-collectionFormat`.
    pub(super) fn header(&mut self, h: &Value, original: &str, converted: &str) -> Result<Value> {
        let Some(map) = h.as_object() else { return Ok(h.clone()) };
        self.record(converted, original);
        let mut out = Map::new();
        for (key, value) in map {
            if !SCHEMA_KEYWORDS.contains(&key.as_str()) && key != "collectionFormat" {
                out.insert(key.clone(), value.clone());
            }
        }
        out.insert("schema".into(), self.parameter_schema(h, original, &format!("{converted}/schema")));
        if map.get("type").and_then(Value::as_str) == Some("array") {
            let format = self.collection_format(map.get("collectionFormat"), original)?;
            if format != "csv" {
                out.insert("x-collectionFormat".into(), Value::from(format));
            }
        }
        Ok(Value::Object(out))
    }

    /// The `collectionFormat` of the node at `original` (csv when absent).
    pub(super) fn collection_format(&self, v: Option<&Value>, original: &str) -> Result<&'static str> {
        let Some(v) = v else { return Ok("csv") };
        let found = v.as_str().and_then(|s| COLLECTION_FORMATS.iter().find(|f| **f == s));
        found.copied().ok_or_else(|| {
            self.invalid(
                &format!("{original}/collectionFormat"),
                format!("collectionFormat {v} is not one of {}", COLLECTION_FORMATS.join(", ")),
            )
        })
    }
}
