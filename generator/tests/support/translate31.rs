//! A mechanical OpenAPI 3.0 → 3.1 translator, for the equivalence test
//! (`generator/tests/equivalence.rs`) and the bench's 3.1 row (`xtask/src/bench.rs`), which
//! include this file with `#[path]`.
//!
//! It rewrites what 3.1 spells differently, the way a person or a converter would:
//! `nullable: true` becomes a `"null"` type beside the type (and `null` in an `enum`), a
//! `{type: "null"}` member of an `anyOf`/`oneOf` without discriminator, or an
//! `anyOf: [<the schema>, {type: "null"}]` around references and other compositions;
//! boolean `exclusiveMinimum`/`exclusiveMaximum` become the numeric bound; a schema's
//! `example` becomes `examples: [...]`; the version becomes 3.1.0. Everything else is
//! already 3.1.

use cirqll_codegen::load::walk::{self, Visitor};
use serde_json::{json, Map, Value};

/// Keywords that stay on a schema wrapped in `anyOf` (they annotate the whole).
const ANNOTATIONS: &[&str] =
    &["description", "title", "default", "deprecated", "readOnly", "writeOnly", "examples", "externalDocs"];

/// Translates a 3.0 document into 3.1, in place.
pub fn translate(doc: &mut Value) {
    if let Some(version) = doc.get_mut("openapi") {
        *version = json!("3.1.0");
    }
    walk::document(doc, &mut Translator);
}

struct Translator;

impl Visitor for Translator {
    fn schema(&mut self, schema: &mut Value, _: &str) {
        let Some(obj) = schema.as_object_mut() else { return };
        if let Some(example) = obj.shift_remove("example") {
            obj.insert("examples".into(), json!([example]));
        }
        for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            match obj.get(exclusive) {
                Some(Value::Bool(true)) => match obj.shift_remove(bound) {
                    Some(limit) => {
                        obj.insert(exclusive.into(), limit);
                    }
                    None => {
                        obj.shift_remove(exclusive);
                    }
                },
                Some(Value::Bool(false)) => {
                    obj.shift_remove(exclusive);
                }
                _ => {}
            }
        }
        if obj.shift_remove("nullable") == Some(Value::Bool(true)) {
            nullable(obj);
        }
    }
}

fn nullable(obj: &mut Map<String, Value>) {
    if let Some(Value::String(ty)) = obj.get("type").cloned() {
        obj.insert("type".into(), json!([ty, "null"]));
        if let Some(Value::Array(values)) = obj.get_mut("enum") {
            if !values.contains(&Value::Null) {
                values.push(Value::Null);
            }
        }
        return;
    }
    // A union without discriminator (and nothing else to combine with) gains a null member.
    let union = match (obj.contains_key("anyOf"), obj.contains_key("oneOf")) {
        (true, false) => Some("anyOf"),
        (false, true) => Some("oneOf"),
        _ => None,
    };
    let plain = !obj.contains_key("discriminator") && !obj.contains_key("allOf") && !obj.contains_key("$ref");
    if let (true, Some(key)) = (plain, union) {
        if let Some(Value::Array(members)) = obj.get_mut(key) {
            members.push(json!({"type": "null"}));
            return;
        }
    }
    // A reference or another composition: wrap what constrains it.
    let keys: Vec<String> =
        obj.keys().filter(|k| !k.starts_with("x-") && !ANNOTATIONS.contains(&k.as_str())).cloned().collect();
    let mut inner = Map::new();
    for k in keys {
        if let Some(v) = obj.shift_remove(&k) {
            inner.insert(k, v);
        }
    }
    // `allOf: [$ref]` + `nullable` is how 3.0 writes a nullable reference; 3.1 names the
    // reference in the `anyOf` itself.
    let member = match inner.get("allOf") {
        Some(Value::Array(all)) if inner.len() == 1 && all.len() == 1 && all[0].get("$ref").is_some() => all[0].clone(),
        _ => Value::Object(inner),
    };
    obj.insert("anyOf".into(), json!([member, {"type": "null"}]));
}
