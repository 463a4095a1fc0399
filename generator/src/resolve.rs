//! Stage 2 — resolve: validate references and follow them.
//!
//! [`validate`] walks the whole document once and rejects dangling or external `$ref`s,
//! duplicate operationIds and reference cycles that no value could ever satisfy (through
//! required, non-nullable properties or plain aliases). After it succeeds, every local
//! reference the lowering stage follows exists.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::error::{pointer_segment, Error, Result};
use crate::ir::Method;
use crate::load::LoadedSpec;

/// Checks every reference, operationId and cycle in the document.
pub fn validate(spec: &LoadedSpec) -> Result<()> {
    let mut refs = Vec::new();
    collect_refs(&spec.raw, &mut String::from("#"), &mut refs);
    for (pointer, target) in &refs {
        let location = spec.location(pointer);
        let Some(local) = target.strip_prefix('#') else {
            return Err(Error::Unsupported {
                location,
                message: format!(
                    "external reference `{target}`; bundle the spec into one file first (e.g. `redocly bundle`)"
                ),
            });
        };
        if spec.raw.pointer(&unescape_uri(local)).is_none() {
            return Err(Error::Invalid { location, message: format!("dangling reference: `{target}` does not exist") });
        }
    }
    check_operation_ids(spec)?;
    check_cycles(spec)
}

/// Collects `(pointer of the $ref, target)` for every reference below `v`. `pointer` is one
/// buffer, extended and truncated on the way down (no string per node of a large spec).
fn collect_refs(v: &serde_json::Value, pointer: &mut String, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                out.push((format!("{pointer}/$ref"), r.clone()));
            }
            for (k, child) in map {
                // Examples are free-form data: a `$ref` key inside one is not a reference.
                if k == "example" || k == "examples" && !pointer.ends_with("/components") || k.starts_with("x-") {
                    continue;
                }
                if child.is_object() || child.is_array() {
                    let len = pointer.len();
                    pointer.push('/');
                    // Escaping allocates, so only keys that need it go through `pointer_segment`.
                    if k.contains(['~', '/']) {
                        pointer.push_str(&pointer_segment(k));
                    } else {
                        pointer.push_str(k);
                    }
                    collect_refs(child, pointer, out);
                    pointer.truncate(len);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                if child.is_object() || child.is_array() {
                    let len = pointer.len();
                    let _ = write!(pointer, "/{i}");
                    collect_refs(child, pointer, out);
                    pointer.truncate(len);
                }
            }
        }
        _ => {}
    }
}

/// `#/components/schemas/a%20b` → `/components/schemas/a b`.
pub(crate) fn unescape_uri(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn check_operation_ids(spec: &LoadedSpec) -> Result<()> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let Some(paths) = spec.raw.get("paths").and_then(|p| p.as_object()) else { return Ok(()) };
    for (path, item) in paths {
        if item.get("$ref").is_some() {
            continue;
        }
        for method in Method::ALL.map(Method::key) {
            let Some(id) = item.get(method).and_then(|op| op.get("operationId")).and_then(|id| id.as_str()) else {
                continue;
            };
            let pointer = format!("#/paths/{}/{method}/operationId", pointer_segment(path));
            if let Some(first) = seen.insert(id.to_owned(), pointer.clone()) {
                return Err(Error::Invalid {
                    location: spec.location(&pointer),
                    message: format!("duplicate operationId `{id}` (first used at {first})"),
                });
            }
        }
    }
    Ok(())
}

/// Edges between component schemas that force a value of one to contain a value of the other.
fn check_cycles(spec: &LoadedSpec) -> Result<()> {
    let Some(schemas) = spec.raw.pointer("/components/schemas").and_then(|v| v.as_object()) else {
        return Ok(());
    };
    let mut edges: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (name, schema) in schemas {
        let base = format!("#/components/schemas/{}", pointer_segment(name));
        let mut out = Vec::new();
        forced_refs(schema, &base, &mut out);
        edges.insert(name.clone(), out);
    }
    // Depth-first search for a cycle, in name order so the reported cycle is deterministic.
    let mut done = BTreeSet::new();
    for start in edges.keys() {
        let mut stack = Vec::new();
        if let Some(cycle) = dfs(start, &edges, &mut stack, &mut done) {
            let names: Vec<&str> = cycle.iter().map(|(n, _)| n.as_str()).collect();
            return Err(Error::Invalid {
                location: spec.location(&cycle[0].1),
                message: format!(
                    "reference cycle through required, non-nullable properties: {} → {}; no finite value has this type (make one link optional or nullable)",
                    names.join(" → "),
                    names[0]
                ),
            });
        }
    }
    Ok(())
}

fn dfs(
    node: &str,
    edges: &BTreeMap<String, Vec<(String, String)>>,
    stack: &mut Vec<(String, String)>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<(String, String)>> {
    if done.contains(node) {
        return None;
    }
    for (target, pointer) in edges.get(node).into_iter().flatten() {
        if let Some(pos) = stack.iter().position(|(n, _)| n == target) {
            let mut cycle = stack[pos..].to_vec();
            cycle.push((node.to_owned(), pointer.clone()));
            return Some(cycle);
        }
        if target == node {
            return Some(vec![(node.to_owned(), pointer.clone())]);
        }
        stack.push((node.to_owned(), pointer.clone()));
        let found = dfs(target, edges, stack, done);
        stack.pop();
        if found.is_some() {
            return found;
        }
    }
    done.insert(node.to_owned());
    None
}

fn forced_refs(schema: &serde_json::Value, pointer: &str, out: &mut Vec<(String, String)>) {
    let Some(obj) = schema.as_object() else {
        return;
    };
    if let Some(target) = component_ref(schema) {
        out.push((target, format!("{pointer}/$ref")));
        return;
    }
    if obj.get("nullable").and_then(|v| v.as_bool()) == Some(true) {
        return;
    }
    if let Some(all) = obj.get("allOf").and_then(|v| v.as_array()) {
        for (i, s) in all.iter().enumerate() {
            forced_refs(s, &format!("{pointer}/allOf/{i}"), out);
        }
    }
    let required: BTreeSet<&str> = obj
        .get("required")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    if let Some(props) = obj.get("properties").and_then(|v| v.as_object()) {
        for (name, prop) in props {
            if !required.contains(name.as_str()) {
                continue;
            }
            let p = format!("{pointer}/properties/{}", pointer_segment(name));
            if prop.get("nullable").and_then(|v| v.as_bool()) == Some(true) {
                continue;
            }
            if let Some(target) = component_ref(prop) {
                out.push((target, format!("{p}/$ref")));
            } else if let Some(all) = prop.get("allOf").and_then(|v| v.as_array()) {
                if all.len() == 1 {
                    if let Some(target) = component_ref(&all[0]) {
                        out.push((target, format!("{p}/allOf/0/$ref")));
                    }
                }
            }
        }
    }
}

fn component_ref(v: &serde_json::Value) -> Option<String> {
    ref_name(v.get("$ref")?.as_str()?, "schemas")
}

/// Name of the component a `#/components/<kind>/<name>` reference points to.
pub fn ref_name(reference: &str, kind: &str) -> Option<String> {
    let prefix = format!("#/components/{kind}/");
    reference.strip_prefix(prefix.as_str()).map(|s| unescape_uri(s).replace("~1", "/").replace("~0", "~"))
}
