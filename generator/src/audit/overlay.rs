//! The Overlay the audit writes: the spec edits that make every observed response valid, as an
//! OpenAPI Overlay 1.0 document for a maintainer to review and apply.
//!
//! The edits are first made to a copy of the spec tree (deepest nodes first, so an edit that
//! wraps a schema keeps the edits made inside it); the Overlay's actions are then the
//! difference between the spec and that copy, which keeps them few and consistent: applying the
//! Overlay to the spec gives exactly the copy (checked before the file is written). Overlay 1.0
//! cannot remove one item of an array of strings, so a changed `required` list is removed and
//! written again; `apply` keeps its place in the file.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::findings::{json_type, Finding, Fix};
use super::provenance::{Inference, Verdict};
use super::validate::is_datetime;
use crate::error::pointer_segment;

/// The audit's spec edits.
#[derive(Debug, Clone)]
pub struct Edits {
    /// The spec tree with every edit made.
    pub patched: Value,
    /// The Overlay 1.0 document.
    pub overlay: Value,
}

/// What `x-provenance` says of a node the audit saw in real responses.
pub const OBSERVED: &str = "observed";

/// The edits that accept every finding's responses and mark confirmed inferences as observed;
/// `None` when there is nothing to change.
pub fn edits(
    raw: &Value,
    findings: &[Finding],
    inferences: &[Inference],
    datetime_format: Option<&str>,
    spec_name: &str,
) -> Option<Edits> {
    let mut patched = raw.clone();
    let mut why: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Group what several findings ask of one node: a new property typed from every value seen.
    let mut fixes: Vec<(Fix, Vec<Value>, String)> = Vec::new();
    for f in findings {
        let Some(fix) = &f.fix else { continue };
        let reason = format!("{} {}: {} (at {})", f.operation, f.status, f.message, display_instance(f));
        match fixes.iter_mut().find(|(x, _, _)| x == fix) {
            Some((_, observed, _)) => observed.extend(f.observed.iter().cloned()),
            None => fixes.push((fix.clone(), f.observed.clone(), reason)),
        }
    }
    fixes.sort_by_key(|(fix, _, _)| std::cmp::Reverse(depth(target(fix))));
    for (fix, observed, reason) in &fixes {
        if apply_fix(&mut patched, raw, fix, observed, datetime_format) {
            why.entry(edited(fix)).or_default().push(reason.clone());
        }
    }
    for inference in inferences.iter().filter(|i| i.verdict == Verdict::Confirmed) {
        let Some(Value::Object(node)) = patched.pointer_mut(inference.tree_pointer.trim_start_matches('#')) else {
            continue;
        };
        let was = inference
            .note
            .as_deref()
            .map(|n| format!(" (was inferred: {})", n.trim_end_matches('.')))
            .unwrap_or_default();
        node.insert("x-provenance".into(), Value::from(OBSERVED));
        node.insert(
            "x-provenance-note".into(),
            Value::from(format!("Confirmed by responses of the live API (cirqll-codegen audit){was}.")),
        );
        why.entry(format!("{}/x-provenance", inference.tree_pointer))
            .or_default()
            .push("confirmed by the audit: documented by observation".into());
    }
    if patched == *raw {
        return None;
    }
    let mut actions = Vec::new();
    diff(raw, &patched, "#", "$", &mut actions);
    let actions: Vec<Value> = actions
        .into_iter()
        .map(|a| {
            let touched: Vec<String> = match &a.update {
                Some(Value::Object(keys)) => keys.keys().map(|k| child_pointer(&a.pointer, k)).collect(),
                _ => vec![a.pointer.clone()],
            };
            let mut reasons: Vec<&str> = why
                .iter()
                .filter(|(p, _)| touched.iter().any(|t| related(p, t)))
                .flat_map(|(_, r)| r.iter().map(String::as_str))
                .collect();
            let mut seen = std::collections::BTreeSet::new();
            reasons.retain(|r| seen.insert(*r));
            let mut action = Map::new();
            action.insert("target".into(), Value::from(a.target));
            action.insert("description".into(), Value::from(reasons.join("; ")));
            match a.update {
                Some(update) => action.insert("update".into(), update),
                None => action.insert("remove".into(), Value::Bool(true)),
            };
            Value::Object(action)
        })
        .collect();
    let overlay = json!({
        "overlay": "1.0.0",
        "info": {
            "title": format!("Spec edits from cirqll-codegen audit of {spec_name}"),
            "version": "1.0.0",
        },
        "actions": actions,
    });
    Some(Edits { patched, overlay })
}

fn display_instance(f: &Finding) -> String {
    match &f.header {
        Some(h) => format!("header {h}"),
        None if f.instance.is_empty() => "the response".into(),
        None => f.instance.clone(),
    }
}

/// The node a fix edits.
fn target(fix: &Fix) -> &str {
    match fix {
        Fix::AddProperty { object, .. } => object,
        Fix::Optional { schema, .. } | Fix::DropKeyword { schema, .. } | Fix::AddEnumValue { schema, .. } => schema,
        Fix::Nullable { site } | Fix::Widen { site, .. } => site,
        Fix::AddStatus { responses, .. } => responses,
        Fix::OptionalHeader { header } => header,
    }
}

/// The node a fix changes (below its target), to say why each action is there.
fn edited(fix: &Fix) -> String {
    match fix {
        Fix::AddProperty { object, name } => format!("{object}/properties/{}", pointer_segment(name)),
        Fix::Optional { schema, .. } => format!("{schema}/required"),
        Fix::Nullable { site } | Fix::Widen { site, .. } => site.clone(),
        Fix::DropKeyword { schema, keyword } => format!("{schema}/{keyword}"),
        Fix::AddEnumValue { schema, .. } => format!("{schema}/enum"),
        Fix::AddStatus { responses, status, .. } => format!("{responses}/{}", pointer_segment(status)),
        Fix::OptionalHeader { header } => format!("{header}/required"),
    }
}

fn depth(pointer: &str) -> usize {
    pointer.matches('/').count()
}

/// Whether one pointer lies at or below the other.
fn related(a: &str, b: &str) -> bool {
    let under = |c: &str, p: &str| c == p || (c.starts_with(p) && c.as_bytes().get(p.len()) == Some(&b'/'));
    under(a, b) || under(b, a)
}

/// Makes one edit; false when it changed nothing (already made by an equal fix).
fn apply_fix(patched: &mut Value, raw: &Value, fix: &Fix, observed: &[Value], datetime_format: Option<&str>) -> bool {
    let Some(node) = patched.pointer_mut(target(fix).trim_start_matches('#')) else { return false };
    let before = node.clone();
    match fix {
        Fix::AddProperty { name, .. } => {
            if let Value::Object(obj) = node {
                let props = obj.entry("properties").or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(props) = props {
                    if !props.contains_key(name) {
                        let mut schema = infer(observed, datetime_format);
                        if let Value::Object(s) = &mut schema {
                            s.insert("x-provenance".into(), Value::from(OBSERVED));
                            s.insert(
                                "x-provenance-note".into(),
                                Value::from(
                                    "Not in the docs; seen in responses of the live API (cirqll-codegen audit).",
                                ),
                            );
                        }
                        props.insert(name.clone(), schema);
                    }
                }
            }
        }
        Fix::Optional { name, .. } => {
            if let Value::Object(obj) = node {
                if let Some(Value::Array(required)) = obj.get_mut("required") {
                    required.retain(|r| r.as_str() != Some(name));
                    if required.is_empty() {
                        obj.remove("required");
                    }
                }
            }
        }
        Fix::Nullable { .. } => {
            if let Value::Object(obj) = node {
                if let Some(r) = obj.get("$ref").cloned() {
                    // Siblings of `$ref` are ignored in OpenAPI 3.0: wrap it.
                    *node = json!({"allOf": [{"$ref": r}], "nullable": true});
                } else {
                    obj.insert("nullable".into(), Value::Bool(true));
                }
            }
        }
        Fix::Widen { to, .. } => widen(node, to),
        Fix::DropKeyword { keyword, .. } => {
            if let Value::Object(obj) = node {
                obj.remove(keyword);
                let flag = match keyword.as_str() {
                    "minimum" => Some("exclusiveMinimum"),
                    "maximum" => Some("exclusiveMaximum"),
                    _ => None,
                };
                if let Some(flag) = flag.filter(|f| obj.get(*f).is_some_and(Value::is_boolean)) {
                    obj.remove(flag);
                }
            }
        }
        Fix::AddEnumValue { value, .. } => {
            if let Some(Value::Array(values)) = node.get_mut("enum") {
                if !values.contains(value) {
                    values.push(value.clone());
                }
            }
        }
        Fix::AddStatus { responses, status, like } => {
            if let Value::Object(obj) = node {
                if !obj.contains_key(status) {
                    let response = new_response(raw, responses, like.as_deref(), observed, datetime_format);
                    obj.insert(status.clone(), response);
                }
            }
        }
        Fix::OptionalHeader { .. } => {
            if let Value::Object(obj) = node {
                obj.remove("required");
            }
        }
    }
    *node != before
}

/// The keys that say something about a schema without constraining its values; they stay
/// outside the `anyOf` a widened schema becomes.
const ANNOTATIONS: [&str; 9] =
    ["description", "title", "example", "default", "deprecated", "readOnly", "writeOnly", "nullable", "externalDocs"];

/// Lets a schema also be of JSON type `to`: `{...}` becomes `{anyOf: [{...}, {type: to}]}`,
/// annotations staying outside.
fn widen(node: &mut Value, to: &str) {
    let Value::Object(obj) = node else { return };
    let extra = json!({"type": to});
    let annotation = |k: &str| ANNOTATIONS.contains(&k) || k.starts_with("x-");
    let only_alternatives = obj.contains_key("anyOf") && obj.keys().filter(|k| !annotation(k)).count() == 1;
    if let (Some(Value::Array(alts)), true) = (obj.get_mut("anyOf"), only_alternatives) {
        if !alts.contains(&extra) {
            alts.push(extra);
        }
        return;
    }
    let mut outer = Map::new();
    let mut inner = Map::new();
    for (k, v) in std::mem::take(obj) {
        if annotation(&k) {
            outer.insert(k, v);
        } else {
            inner.insert(k, v);
        }
    }
    outer.insert("anyOf".into(), json!([Value::Object(inner), extra]));
    *obj = outer;
}

/// A response object for a status the spec lacked: the content of the declared response `like`
/// when the body satisfies it, else a schema typed from the body seen.
fn new_response(raw: &Value, responses: &str, like: Option<&str>, observed: &[Value], fmt: Option<&str>) -> Value {
    let mut out = Map::new();
    let declared =
        like.and_then(|l| raw.pointer(&format!("{}/{}", responses.trim_start_matches('#'), pointer_segment(l))));
    if let Some(declared) = declared {
        if declared.get("$ref").is_some() {
            return declared.clone();
        }
        out.insert(
            "description".into(),
            Value::from(format!(
                "{} (seen with this status in responses of the live API by cirqll-codegen audit)",
                declared.get("description").and_then(Value::as_str).unwrap_or("Success").trim_end_matches('.')
            )),
        );
        for key in ["headers", "content"] {
            if let Some(v) = declared.get(key) {
                out.insert(key.into(), v.clone());
            }
        }
    } else {
        out.insert("description".into(), Value::from("Seen in responses of the live API (cirqll-codegen audit)."));
        if !observed.is_empty() {
            out.insert("content".into(), json!({"application/json": {"schema": infer(observed, fmt)}}));
        }
    }
    out.insert("x-provenance".into(), Value::from(OBSERVED));
    Value::Object(out)
}

/// A schema for the values seen: their JSON types (an `anyOf` when they differ), `nullable`
/// when `null` was among them, object properties and array items typed the same way, and
/// `format: date-time` for strings that all read as date-times.
pub fn infer(values: &[Value], datetime_format: Option<&str>) -> Value {
    let nullable = values.iter().any(Value::is_null);
    let mut groups: Vec<(&'static str, Vec<&Value>)> = Vec::new();
    for v in values.iter().filter(|v| !v.is_null()) {
        let ty = match json_type(v) {
            "integer" if values.iter().any(|o| json_type(o) == "number") => "number",
            t => t,
        };
        match groups.iter_mut().find(|(t, _)| *t == ty) {
            Some((_, vs)) => vs.push(v),
            None => groups.push((ty, vec![v])),
        }
    }
    let mut schema = match groups.len() {
        0 => Map::new(),
        1 => one_type(groups[0].0, &groups[0].1, datetime_format),
        _ => {
            let alts: Vec<Value> =
                groups.iter().map(|(t, vs)| Value::Object(one_type(t, vs, datetime_format))).collect();
            let mut m = Map::new();
            m.insert("anyOf".into(), Value::Array(alts));
            m
        }
    };
    if nullable {
        schema.insert("nullable".into(), Value::Bool(true));
    }
    Value::Object(schema)
}

fn one_type(ty: &str, values: &[&Value], datetime_format: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("type".into(), Value::from(ty));
    match ty {
        "string" if values.iter().all(|v| v.as_str().is_some_and(|s| is_datetime(s, datetime_format))) => {
            m.insert("format".into(), Value::from("date-time"));
        }
        "array" => {
            let items: Vec<Value> = values.iter().filter_map(|v| v.as_array()).flatten().cloned().collect();
            m.insert("items".into(), infer(&items, datetime_format));
        }
        "object" => {
            let mut props: Vec<(String, Vec<Value>)> = Vec::new();
            for obj in values.iter().filter_map(|v| v.as_object()) {
                for (k, v) in obj {
                    match props.iter_mut().find(|(n, _)| n == k) {
                        Some((_, vs)) => vs.push(v.clone()),
                        None => props.push((k.clone(), vec![v.clone()])),
                    }
                }
            }
            let props: Map<String, Value> = props.into_iter().map(|(k, vs)| (k, infer(&vs, datetime_format))).collect();
            m.insert("properties".into(), Value::Object(props));
        }
        _ => {}
    }
    m
}

/// One Overlay action before it is written: a JSONPath target and an update or a removal.
struct Action {
    target: String,
    pointer: String,
    update: Option<Value>,
}

/// The actions that turn `old` into `new` (objects at the same place): removals of keys that
/// went, then the changes inside kept objects, then one update with new keys and new values.
fn diff(old: &Value, new: &Value, pointer: &str, path: &str, out: &mut Vec<Action>) {
    let (Value::Object(old), Value::Object(new)) = (old, new) else { return };
    let mut update = Map::new();
    for key in old.keys().filter(|k| !new.contains_key(*k)) {
        out.push(Action { target: child_path(path, key), pointer: child_pointer(pointer, key), update: None });
    }
    for (key, nv) in new {
        let Some(ov) = old.get(key) else {
            update.insert(key.clone(), nv.clone());
            continue;
        };
        if ov == nv {
            continue;
        }
        let (cp, cpath) = (child_pointer(pointer, key), child_path(path, key));
        match (ov, nv) {
            (Value::Object(_), Value::Object(_)) => diff(ov, nv, &cp, &cpath, out),
            (Value::Array(a), Value::Array(b)) if b.len() > a.len() && b.starts_with(a) => {
                for item in &b[a.len()..] {
                    out.push(Action { target: cpath.clone(), pointer: cp.clone(), update: Some(item.clone()) });
                }
            }
            (Value::Array(a), Value::Array(b))
                if a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y || (x.is_object() && y.is_object())) =>
            {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    if x != y {
                        diff(x, y, &format!("{cp}/{i}"), &format!("{cpath}[{i}]"), out);
                    }
                }
            }
            (Value::Array(_) | Value::Object(_), _) | (_, Value::Array(_) | Value::Object(_)) => {
                out.push(Action { target: cpath, pointer: cp, update: None });
                update.insert(key.clone(), nv.clone());
            }
            _ => {
                update.insert(key.clone(), nv.clone());
            }
        }
    }
    if !update.is_empty() {
        out.push(Action { target: path.to_owned(), pointer: pointer.to_owned(), update: Some(Value::Object(update)) });
    }
}

fn child_pointer(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", pointer_segment(key))
}

/// `$.a.b` for plain names, `$['/a']` (RFC 9535 name selector) for the rest.
fn child_path(path: &str, key: &str) -> String {
    let plain = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{path}.{key}")
    } else {
        format!("{path}['{}']", key.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_inferred_from_every_value_seen() {
        let seen = [json!({"a": 1, "b": "2024-05-18 13:38:35"}), json!({"a": 2.5, "c": [true]}), json!(null)];
        assert_eq!(
            infer(&seen, Some("%Y-%m-%d %H:%M:%S")),
            json!({"type": "object", "properties": {
                "a": {"type": "number"},
                "b": {"type": "string", "format": "date-time"},
                "c": {"type": "array", "items": {"type": "boolean"}},
            }, "nullable": true})
        );
        assert_eq!(infer(&[json!(1), json!("x")], None), json!({"anyOf": [{"type": "integer"}, {"type": "string"}]}));
    }

    #[test]
    fn widening_keeps_annotations_outside() {
        let mut s = json!({"description": "d", "type": "number", "minimum": 0, "x-provenance": "inferred"});
        widen(&mut s, "string");
        assert_eq!(
            s,
            json!({"description": "d", "x-provenance": "inferred", "anyOf": [{"type": "number", "minimum": 0}, {"type": "string"}]})
        );
        widen(&mut s, "boolean");
        assert_eq!(s["anyOf"].as_array().map(Vec::len), Some(3));
    }

    #[test]
    fn paths_quote_names_that_are_not_identifiers() {
        assert_eq!(child_path("$", "paths"), "$.paths");
        assert_eq!(child_path("$.paths", "/a/{id}"), "$.paths['/a/{id}']");
        assert_eq!(child_path("$", "x-y"), "$['x-y']");
        assert_eq!(child_path("$", "it's"), "$['it\\'s']");
    }

    #[test]
    fn the_diff_removes_then_rewrites_changed_lists() {
        let old = json!({"a": {"required": ["x", "y"], "p": 1}, "e": ["a"]});
        let new = json!({"a": {"required": ["y"], "p": 2}, "e": ["a", "b"]});
        let mut actions = Vec::new();
        diff(&old, &new, "#", "$", &mut actions);
        let rendered: Vec<(String, Option<Value>)> = actions.into_iter().map(|a| (a.target, a.update)).collect();
        assert_eq!(
            rendered,
            [
                ("$.a.required".to_owned(), None),
                ("$.a".to_owned(), Some(json!({"required": ["y"], "p": 2}))),
                ("$.e".to_owned(), Some(json!("b"))),
            ]
        );
    }
}
