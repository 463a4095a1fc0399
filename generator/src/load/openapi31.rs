//! OpenAPI 3.1 → the OpenAPI 3.0 dialect the later stages read.
//!
//! Where a 3.1 construct means what a 3.0 construct means, the tree is rewritten into the 3.0
//! form, in place, in one walk over its schemas ([`super::walk`]): the rest of the generator
//! then has one code path, and a 3.0 document and its 3.1 translation generate the same
//! client (`tests/equivalence.rs`). Every node moved is recorded in the [`Origin`], so
//! messages name the node in the file the user wrote.
//!
//! | 3.1 | 3.0 dialect |
//! |---|---|
//! | `type: [T, "null"]` | `type: T`, `nullable: true` |
//! | `type: [A, B]` | `anyOf: [{type: A}, {type: B}]`, each with the keywords that apply to it |
//! | `anyOf`/`oneOf` with `{type: "null"}` | the other members with `nullable: true`; a single `$ref` member becomes `allOf: [$ref]` (as a 3.0 author writes it), a single inline member is merged into the schema |
//! | `$ref` beside constraints | `allOf: [{$ref}]` beside them (annotations such as `description` stay beside the `$ref`) |
//! | `const: v` | `enum: [v]` |
//! | `examples: [v, ...]` | `example: v` |
//! | `exclusiveMinimum: n` | `minimum: n`, `exclusiveMinimum: true` (likewise the maximum) |
//! | `contentEncoding: base64` / a binary `contentMediaType` | `format: byte` / `format: binary` |
//! | `items: false` / an array of `items` | `maxItems` / `prefixItems` |
//! | boolean schemas | `{}` and `{not: {}}`; a property whose schema is `false` is dropped |
//! | `$anchor` references (`#name`) | JSON-pointer references |
//! | missing `paths`, operation without `responses` | empty ones |
//!
//! Read as they are: `$defs` (reachable by `$ref`), `components/pathItems`, `webhooks`,
//! `prefixItems` (tuples, in lowering), `info.summary`, `license.identifier`. Approximated,
//! each with a support-report line: `patternProperties` and `unevaluatedProperties` (read as
//! `additionalProperties`), `unevaluatedItems`, `if`/`then`/`else`, `dependentSchemas`,
//! `$dynamicRef`, other content encodings, a non-default `jsonSchemaDialect` or `$schema`, and
//! `mutualTLS` security schemes.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Map, Value};

use super::walk::{self, Visitor};
use super::{Converted, LoadedSpec, Origin};
use crate::error::{pointer_segment, Error, Result};
use crate::ir::Method;

/// Dialects whose schemas mean what this module reads (2020-12 and the OpenAPI 3.1 dialect).
const DEFAULT_DIALECTS: &[&str] = &[
    "https://spec.openapis.org/oas/3.1/dialect/base",
    "https://spec.openapis.org/oas/3.1/dialect/2024-10-25",
    "https://spec.openapis.org/oas/3.1/dialect/2024-11-10",
    "https://json-schema.org/draft/2020-12/schema",
];

/// Keywords that annotate a schema without constraining it: they stay beside a `$ref`.
const ANNOTATIONS: &[&str] = &[
    "description",
    "summary",
    "title",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "example",
    "examples",
    "nullable",
    "$comment",
    "externalDocs",
    "$anchor",
    "$id",
    "$schema",
];

/// Normalizes a 3.1 document in memory, recording every moved node in the returned origin.
/// Never fails today: what cannot be typed exactly becomes a support-report line, and what is
/// malformed is left for the shape check to locate. `file` is kept for the converters' common
/// signature.
pub fn normalize(file: &Path, mut raw: Value) -> Result<Converted> {
    let _ = file;
    let mut n = Normalizer::default();
    n.root(&mut raw);
    walk::document(&mut raw, &mut n);
    n.fix_refs(&mut raw);
    Ok(Converted { raw, origin: n.origin, fallbacks: n.fallbacks })
}

/// Checks the shape of what `openapiv3` does not read: the path items of `webhooks` and
/// `components/pathItems` (3.1), as path items with their operations. Errors name the
/// original node. Runs after the document's own shape check has passed.
pub fn check_path_items_shape(spec: &LoadedSpec) -> Result<()> {
    use openapiv3::{Operation, PathItem, ReferenceOr};
    for (base, items) in [
        ("#/webhooks", spec.raw.get("webhooks")),
        ("#/components/pathItems", spec.raw.pointer("/components/pathItems")),
    ] {
        let Some(items) = items else { continue };
        let Some(map) = items.as_object() else {
            return Err(shape_error(spec, base, "expected a map of path items".into()));
        };
        for (name, item) in map {
            let Err(e) = serde_path_to_error::deserialize::<_, ReferenceOr<PathItem>>(item) else { continue };
            let item_ptr = format!("{base}/{}", pointer_segment(name));
            // Path items flatten their operations, which hides the path below: look inside.
            let inside = Method::ALL.iter().find_map(|m| {
                let op = item.get(m.key())?;
                let e = serde_path_to_error::deserialize::<_, Operation>(op).err()?;
                Some((
                    format!("{item_ptr}/{}{}", m.key(), super::to_pointer(e.path()).trim_start_matches('#')),
                    e.into_inner().to_string(),
                ))
            });
            let (pointer, message) = inside.unwrap_or((item_ptr, e.into_inner().to_string()));
            return Err(shape_error(spec, &pointer, message));
        }
    }
    Ok(())
}

fn shape_error(spec: &LoadedSpec, pointer: &str, message: String) -> Error {
    Error::Parse {
        location: spec.location(pointer),
        message: format!("not a valid {} document: {message}", spec.version.label()),
    }
}

#[derive(Default)]
struct Normalizer {
    origin: Origin,
    fallbacks: Vec<String>,
    /// `$anchor` name → pointer of its schema in the normalized tree.
    anchors: BTreeMap<String, String>,
    /// (pointer of a schema, its `$ref`) for references into the inside of a component,
    /// which a move may have broken.
    refs: Vec<(String, String)>,
    /// (original pointer, normalized pointer) of every node moved.
    moves: Vec<(String, String)>,
}

impl Normalizer {
    fn fallback(&mut self, pointer: &str, what: impl AsRef<str>) {
        self.fallbacks.push(format!("{}: {}", self.origin.original(pointer), what.as_ref()));
    }

    /// Records that the node now at `to` was at `from` (both pointers of the tree as it is
    /// being normalized; `from` is mapped to the original document first).
    fn moved(&mut self, to: String, from: &str) {
        let original = self.origin.original(from);
        self.moves.push((original.clone(), to.clone()));
        self.origin.record(to, original);
    }

    /// Document-level differences: optional `paths`, `jsonSchemaDialect`, `mutualTLS`.
    fn root(&mut self, raw: &mut Value) {
        let Some(root) = raw.as_object_mut() else { return };
        root.entry("paths").or_insert_with(|| json!({}));
        if let Some(dialect) = root.get("jsonSchemaDialect").and_then(Value::as_str) {
            if !DEFAULT_DIALECTS.contains(&dialect.trim_end_matches('#')) {
                let what = format!("JSON Schema dialect `{dialect}`: schemas are read as the OpenAPI 3.1 dialect");
                self.fallback("#/jsonSchemaDialect", what);
            }
        }
        let Some(schemes) = root.get_mut("components").and_then(|c| c.get_mut("securitySchemes")) else { return };
        let Some(schemes) = schemes.as_object_mut() else { return };
        let mutual: Vec<String> = schemes
            .iter()
            .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS"))
            .map(|(name, _)| name.clone())
            .collect();
        for name in mutual {
            schemes.shift_remove(&name);
            let pointer = format!("#/components/securitySchemes/{}", pointer_segment(&name));
            self.fallback(&pointer, "mutualTLS security scheme: configure the client certificate on the HTTP client");
        }
    }

    /// Rewrites `$anchor` references into JSON pointers, and references into nodes that moved.
    fn fix_refs(&mut self, raw: &mut Value) {
        if self.anchors.is_empty() && self.moves.is_empty() {
            return;
        }
        // A node split in several (a type array) moved to several places: try each.
        let mut inverse: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (original, now) in &self.moves {
            inverse.entry(original.as_str()).or_default().push(now.as_str());
        }
        for (node, target) in &self.refs {
            let fixed = match target.strip_prefix('#') {
                Some(name) if !name.is_empty() && !name.starts_with('/') => self.anchors.get(name).cloned(),
                Some(pointer) if raw.pointer(pointer).is_none() && !target.contains('%') => {
                    moved_to(&inverse, target).into_iter().find(|new| raw.pointer(&new[1..]).is_some())
                }
                _ => None,
            };
            if let Some(fixed) = fixed {
                if let Some(obj) = raw.pointer_mut(&node[1..]).and_then(Value::as_object_mut) {
                    obj.insert("$ref".into(), Value::String(fixed));
                }
            }
        }
    }

    /// Unwraps `anyOf`/`oneOf` members that only admit `null` into `nullable: true`. Returns
    /// whether the schema changed (a merged member may bring another such union).
    fn null_union(&mut self, obj: &mut Map<String, Value>, ptr: &str) -> bool {
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Array(members)) = obj.get(key) else { continue };
            if !members.iter().any(is_null_member) {
                continue;
            }
            let Some(Value::Array(members)) = obj.shift_remove(key) else { continue };
            let rest: Vec<(usize, Value)> =
                members.into_iter().enumerate().filter(|(_, m)| !is_null_member(m)).collect();
            obj.insert("nullable".into(), Value::Bool(true));
            match rest.len() {
                0 => {
                    obj.entry("type").or_insert_with(|| json!("null"));
                }
                1 if obj.get("discriminator").is_none() => {
                    if let Some((i, member)) = rest.into_iter().next() {
                        self.absorb(obj, ptr, &format!("{ptr}/{key}/{i}"), member);
                    }
                }
                _ => {
                    for (j, (i, _)) in rest.iter().enumerate() {
                        if i != &j {
                            self.moved(format!("{ptr}/{key}/{j}"), &format!("{ptr}/{key}/{i}"));
                        }
                    }
                    obj.insert(key.into(), Value::Array(rest.into_iter().map(|(_, m)| m).collect()));
                }
            }
            return true;
        }
        false
    }

    /// Puts the one non-null member of a nullable union back into its schema: merged when it
    /// is inline and agrees with the schema's own keywords, else as an `allOf` member (a bare
    /// `$ref` always, which is how a 3.0 author writes a nullable reference).
    fn absorb(&mut self, obj: &mut Map<String, Value>, ptr: &str, from: &str, member: Value) {
        let mergeable = member
            .as_object()
            .is_some_and(|m| !m.contains_key("$ref") && m.iter().all(|(k, v)| obj.get(k).is_none_or(|mine| mine == v)));
        match member {
            Value::Object(m) if mergeable => {
                for (k, v) in m {
                    if !obj.contains_key(&k) {
                        self.moved(
                            format!("{ptr}/{}", pointer_segment(&k)),
                            &format!("{from}/{}", pointer_segment(&k)),
                        );
                        obj.insert(k, v);
                    }
                }
            }
            member => {
                let all = obj.entry("allOf").or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(all) = all {
                    self.moved(format!("{ptr}/allOf/{}", all.len()), from);
                    all.push(member);
                }
            }
        }
    }

    /// `type: [...]`: `"null"` becomes `nullable`, one other type stays, several become an
    /// `anyOf` with one member per type.
    fn type_array(&mut self, obj: &mut Map<String, Value>, ptr: &str) {
        let Some(Value::Array(types)) = obj.get("type") else { return };
        if !types.iter().all(Value::is_string) {
            return; // malformed: left for the shape check to locate
        }
        let mut names: Vec<String> = Vec::new();
        let mut null = false;
        for t in types.iter().filter_map(Value::as_str) {
            if t == "null" {
                null = true;
            } else if !names.iter().any(|n| n == t) {
                names.push(t.to_owned());
            }
        }
        if null {
            obj.insert("nullable".into(), Value::Bool(true));
        }
        // Every integer is a number.
        if names.len() == 2 && names.contains(&"integer".to_owned()) && names.contains(&"number".to_owned()) {
            names = vec!["number".to_owned()];
        }
        match names.len() {
            0 if null => {
                obj.insert("type".into(), json!("null"));
            }
            0 => {
                obj.shift_remove("type");
            }
            1 => {
                obj.insert("type".into(), Value::String(names.remove(0)));
            }
            _ => self.split_types(obj, ptr, &names),
        }
    }

    fn split_types(&mut self, obj: &mut Map<String, Value>, ptr: &str, names: &[String]) {
        obj.shift_remove("type");
        if let Some(other) = ["enum", "anyOf", "oneOf", "allOf", "$ref"].into_iter().find(|k| obj.contains_key(*k)) {
            self.fallback(
                ptr,
                format!("`type: [{}]` beside `{other}`: the type is left to `{other}`", names.join(", ")),
            );
            return;
        }
        let mut members: Vec<Map<String, Value>> =
            names.iter().map(|t| Map::from_iter([("type".to_owned(), Value::String(t.clone()))])).collect();
        let keys: Vec<String> = obj.keys().cloned().collect();
        for key in keys {
            let applies: &[&str] = match key.as_str() {
                "minLength" | "maxLength" | "pattern" | "contentEncoding" | "contentMediaType" => &["string"],
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => {
                    &["integer", "number"]
                }
                "format" => match obj.get("format").and_then(Value::as_str) {
                    Some(f) if NUMERIC_FORMATS.contains(&f) => &["integer", "number"],
                    _ => &["string"],
                },
                "properties"
                | "required"
                | "additionalProperties"
                | "patternProperties"
                | "minProperties"
                | "maxProperties"
                | "propertyNames"
                | "unevaluatedProperties"
                | "dependentRequired"
                | "dependentSchemas" => &["object"],
                "items" | "prefixItems" | "minItems" | "maxItems" | "uniqueItems" | "contains" | "minContains"
                | "maxContains" | "unevaluatedItems" => &["array"],
                _ => continue,
            };
            let Some(value) = obj.shift_remove(&key) else { continue };
            for (member, name) in members.iter_mut().zip(names) {
                if applies.contains(&name.as_str()) {
                    member.insert(key.clone(), value.clone());
                }
            }
        }
        for i in 0..members.len() {
            self.moved(format!("{ptr}/anyOf/{i}"), ptr);
        }
        obj.insert("anyOf".into(), Value::Array(members.into_iter().map(Value::Object).collect()));
    }

    /// Numeric `exclusiveMinimum`/`exclusiveMaximum` → the bound and the 3.0 boolean.
    fn exclusive_bounds(&mut self, obj: &mut Map<String, Value>, ptr: &str) {
        for (exclusive, bound, lower) in [("exclusiveMinimum", "minimum", true), ("exclusiveMaximum", "maximum", false)]
        {
            let Some(Value::Number(n)) = obj.get(exclusive).cloned() else { continue };
            let limit = n.as_f64().unwrap_or_default();
            // When both are given, the stricter one holds.
            let bound_is_stricter =
                obj.get(bound).and_then(Value::as_f64).is_some_and(|b| if lower { b > limit } else { b < limit });
            if bound_is_stricter {
                obj.shift_remove(exclusive);
            } else {
                obj.insert(bound.into(), Value::Number(n));
                obj.insert(exclusive.into(), Value::Bool(true));
                self.moved(format!("{ptr}/{bound}"), &format!("{ptr}/{exclusive}"));
            }
        }
    }

    /// `contentEncoding: base64` → `format: byte`; a binary `contentMediaType` → `format: binary`.
    fn content(&mut self, obj: &mut Map<String, Value>, ptr: &str) {
        let encoding = obj.get("contentEncoding").and_then(Value::as_str).map(str::to_ascii_lowercase);
        let binary_media = obj.get("contentMediaType").and_then(Value::as_str).is_some_and(is_binary_media_type);
        let format = match encoding.as_deref() {
            Some("base64" | "base64url") => "byte",
            Some(other) => {
                let what = format!("contentEncoding `{other}`: the encoded text is kept as a string");
                self.fallback(&format!("{ptr}/contentEncoding"), what);
                return;
            }
            None if binary_media => "binary",
            None => return,
        };
        let typed = obj.get("type").and_then(Value::as_str);
        if !matches!(typed, None | Some("string")) || obj.contains_key("format") {
            return;
        }
        obj.insert("type".into(), json!("string"));
        obj.insert("format".into(), json!(format));
    }

    /// `items: false` closes a tuple (`maxItems`); an array of `items` is a pre-2020-12 tuple.
    fn items(&mut self, obj: &mut Map<String, Value>, ptr: &str) {
        if obj.get("items").is_some_and(Value::is_array) {
            if let Some(items) = obj.shift_remove("items") {
                if !obj.contains_key("prefixItems") {
                    obj.insert("prefixItems".into(), items);
                    self.moved(format!("{ptr}/prefixItems"), &format!("{ptr}/items"));
                }
            }
            if let Some(rest) = obj.shift_remove("additionalItems") {
                obj.insert("items".into(), rest);
                self.moved(format!("{ptr}/items"), &format!("{ptr}/additionalItems"));
            }
        }
        if let Some(Value::Bool(open)) = obj.get("items").cloned() {
            obj.shift_remove("items");
            if !open && !obj.contains_key("maxItems") {
                let n = obj.get("prefixItems").and_then(Value::as_array).map_or(0, Vec::len);
                obj.insert("maxItems".into(), json!(n));
            }
        }
    }

    /// Keywords of JSON Schema that the 3.0 dialect has no typed equivalent for.
    fn json_schema_keywords(&mut self, obj: &mut Map<String, Value>, ptr: &str) {
        if let Some(Value::Object(patterns)) = obj.get("patternProperties") {
            let names: Vec<String> = patterns.keys().map(|p| format!("`{p}`")).collect();
            let free = matches!(obj.get("additionalProperties"), None | Some(Value::Bool(false)));
            if free {
                let value = match obj.shift_remove("patternProperties") {
                    Some(Value::Object(patterns)) if patterns.len() == 1 => {
                        let (pattern, schema) = patterns.into_iter().next().unwrap_or_default();
                        let from = format!("{ptr}/patternProperties/{}", pointer_segment(&pattern));
                        self.moved(format!("{ptr}/additionalProperties"), &from);
                        schema
                    }
                    _ => json!({}),
                };
                obj.insert("additionalProperties".into(), value);
            }
            let what = format!(
                "patternProperties {}: matching properties are read as additionalProperties (the key pattern is not checked)",
                names.join(", ")
            );
            self.fallback(&format!("{ptr}/patternProperties"), what);
        }
        for (key, slot) in [("unevaluatedProperties", "additionalProperties"), ("unevaluatedItems", "items")] {
            match obj.get(key) {
                None => {}
                // `true` allows what is allowed anyway; `false` forbids what the types never carry.
                Some(Value::Bool(_)) => {
                    obj.shift_remove(key);
                }
                Some(_) => {
                    let value = obj.shift_remove(key).unwrap_or_default();
                    if obj.contains_key(slot) {
                        self.fallback(&format!("{ptr}/{key}"), format!("{key} beside {slot} is not typed"));
                    } else {
                        self.moved(format!("{ptr}/{slot}"), &format!("{ptr}/{key}"));
                        obj.insert(slot.into(), value);
                        self.fallback(&format!("{ptr}/{key}"), format!("{key} read as {slot}"));
                    }
                }
            }
        }
        if obj.contains_key("if") {
            self.fallback(ptr, "if/then/else: the conditional constraints are not typed");
        }
        if obj.contains_key("dependentSchemas") {
            self.fallback(
                &format!("{ptr}/dependentSchemas"),
                "dependentSchemas: the dependent constraints are not typed",
            );
        }
        for key in ["$dynamicRef", "$recursiveRef"] {
            if let Some(target) = obj.shift_remove(key) {
                self.fallback(ptr, format!("{key} {target}: typed as serde_json::Value"));
            }
        }
        if let Some(dialect) = obj.get("$schema").and_then(Value::as_str) {
            if !DEFAULT_DIALECTS.contains(&dialect.trim_end_matches('#')) {
                let what = format!("JSON Schema dialect `{dialect}`: the schema is read as the OpenAPI 3.1 dialect");
                self.fallback(&format!("{ptr}/$schema"), what);
            }
        }
    }
}

impl Visitor for Normalizer {
    fn schema(&mut self, schema: &mut Value, ptr: &str) {
        if let Value::Bool(any) = schema {
            *schema = if *any { json!({}) } else { json!({"not": {}}) };
            return;
        }
        let Some(obj) = schema.as_object_mut() else { return };
        let mut keys = Keys::scan(obj);
        if keys == Keys::default() {
            return;
        }
        if keys.union || keys.type_array {
            // A merged member can bring its own null union or type array: repeat, boundedly.
            for _ in 0..8 {
                self.type_array(obj, ptr);
                let changed = self.null_union(obj, ptr);
                if !changed {
                    break;
                }
            }
            keys = Keys::scan(obj);
        }
        if keys.reference {
            self.reference(obj, ptr);
        }
        if keys.anchor {
            if let Some(anchor) = obj.get("$anchor").and_then(Value::as_str) {
                self.anchors.insert(anchor.to_owned(), ptr.to_owned());
            }
        }
        if keys.constant {
            if let Some(value) = obj.shift_remove("const") {
                obj.insert("enum".into(), Value::Array(vec![value]));
                self.moved(format!("{ptr}/enum/0"), &format!("{ptr}/const"));
            }
        }
        if keys.examples && !obj.contains_key("example") {
            if let Some(Value::Array(mut examples)) = obj.shift_remove("examples") {
                if !examples.is_empty() {
                    obj.insert("example".into(), examples.swap_remove(0));
                    self.moved(format!("{ptr}/example"), &format!("{ptr}/examples/0"));
                }
            }
        }
        if keys.exclusive {
            self.exclusive_bounds(obj, ptr);
        }
        if keys.content {
            self.content(obj, ptr);
        }
        if keys.items {
            self.items(obj, ptr);
        }
        if keys.json_schema {
            self.json_schema_keywords(obj, ptr);
        }
        if keys.properties {
            if let Some(Value::Object(props)) = obj.get_mut("properties") {
                // A property whose schema is `false` must be absent: the types never carry it.
                props.retain(|_, p| p != &Value::Bool(false));
            }
        }
    }

    fn operation(&mut self, op: &mut Map<String, Value>, _: &str) {
        op.entry("responses").or_insert_with(|| json!({}));
    }
}

impl Normalizer {
    /// `$ref` beside constraints means both hold: the reference moves into `allOf`. References
    /// into the inside of a component are kept for [`Self::fix_refs`].
    fn reference(&mut self, obj: &mut Map<String, Value>, ptr: &str) {
        let constrained = obj.keys().any(|k| k != "$ref" && !k.starts_with("x-") && !ANNOTATIONS.contains(&k.as_str()));
        if constrained && obj.get("allOf").is_none_or(Value::is_array) {
            if let Some(target) = obj.shift_remove("$ref") {
                let all = obj.entry("allOf").or_insert_with(|| json!([]));
                if let Value::Array(all) = all {
                    self.moved(format!("{ptr}/allOf/{}", all.len()), ptr);
                    all.push(json!({"$ref": target}));
                }
            }
            return;
        }
        if let Some(target) = obj.get("$ref").and_then(Value::as_str) {
            let top_level = target
                .strip_prefix("#/components/")
                .is_some_and(|rest| rest.split('/').count() == 2 && !rest.contains('%'));
            if !top_level {
                self.refs.push((ptr.to_owned(), target.to_owned()));
            }
        }
    }
}

/// Which keywords of interest a schema has, from one pass over its keys (most schemas have
/// none, and then nothing else is looked up).
#[derive(Default, PartialEq, Eq)]
struct Keys {
    type_array: bool,
    union: bool,
    constant: bool,
    examples: bool,
    exclusive: bool,
    content: bool,
    items: bool,
    json_schema: bool,
    reference: bool,
    anchor: bool,
    properties: bool,
}

impl Keys {
    fn scan(obj: &Map<String, Value>) -> Keys {
        let mut k = Keys::default();
        for (key, value) in obj {
            match key.as_str() {
                "type" => k.type_array = value.is_array(),
                "anyOf" | "oneOf" => k.union = true,
                "const" => k.constant = true,
                "examples" => k.examples = value.is_array(),
                "exclusiveMinimum" | "exclusiveMaximum" => k.exclusive |= value.is_number(),
                "contentEncoding" | "contentMediaType" => k.content = true,
                "items" => k.items = value.is_boolean() || value.is_array(),
                "patternProperties"
                | "unevaluatedProperties"
                | "unevaluatedItems"
                | "if"
                | "dependentSchemas"
                | "$dynamicRef"
                | "$recursiveRef"
                | "$schema" => k.json_schema = true,
                "$ref" => k.reference = true,
                "$anchor" => k.anchor = true,
                "properties" => k.properties = value.as_object().is_some_and(|p| p.values().any(Value::is_boolean)),
                _ => {}
            }
        }
        k
    }
}

/// `format`s of numbers, as opposed to those of strings.
const NUMERIC_FORMATS: &[&str] =
    &["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float", "double"];

/// A union member that only admits `null`: `{type: "null"}`, `{type: ["null"]}`,
/// `{const: null}` or `{enum: [null]}`.
fn is_null_member(v: &Value) -> bool {
    let Some(m) = v.as_object() else { return false };
    let only_null_type = match m.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.len() == 1 && ts[0] == "null",
        _ => false,
    };
    let only_null_value = m.get("const").is_some_and(Value::is_null)
        || m.get("enum").and_then(Value::as_array).is_some_and(|e| e.len() == 1 && e[0].is_null());
    (only_null_type || only_null_value) && !m.contains_key("$ref")
}

/// Whether a `contentMediaType` is binary data rather than text.
fn is_binary_media_type(media: &str) -> bool {
    let m = media.to_ascii_lowercase();
    !(m.starts_with("text/")
        || m.contains("json")
        || m.contains("xml")
        || m.contains("yaml")
        || m.contains("javascript")
        || m.starts_with("application/x-www-form-urlencoded"))
}

/// Where a reference into a moved node may point now: the places the longest moved prefix of
/// `target` went to.
fn moved_to(inverse: &BTreeMap<&str, Vec<&str>>, target: &str) -> Vec<String> {
    let mut end = target.len();
    loop {
        let prefix = &target[..end];
        if let Some(places) = inverse.get(prefix) {
            return places.iter().map(|now| format!("{now}{}", &target[end..])).collect();
        }
        match prefix.rfind('/') {
            Some(slash) => end = slash,
            None => return Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;
