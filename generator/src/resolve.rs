//! Stage 2 — resolve: validate references.
//!
//! [`validate`] walks the whole document once and rejects `$ref`s that cannot be followed
//! (external, not a JSON pointer, badly encoded, dangling, or a chain of references that loops
//! without reaching a definition) and duplicate operationIds. After it succeeds, every local
//! reference the lowering stage follows (through [`crate::reference`], like this stage) leads
//! to a node that is not itself a reference. Recursive *schemas* are fine here: lowering boxes
//! them, and reports the ones no finite value satisfies.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write;

use crate::error::{pointer_segment, Error, Result};
use crate::ir::Method;
use crate::load::LoadedSpec;
use crate::reference::{self, RefError};

/// Checks every reference and operationId in the document.
pub fn validate(spec: &LoadedSpec) -> Result<()> {
    let mut refs = Vec::new();
    collect_refs(&spec.raw, &mut String::from("#"), &mut refs);
    // Pointers known to lead, through references, to a node that is not one.
    let mut ends: BTreeSet<String> = BTreeSet::new();
    // Targets already followed to a node that is not a reference: most references of a large
    // spec name one of a few hundred components, and each lookup walks the tree.
    let mut plain: HashSet<&str> = HashSet::new();
    for (at, target) in &refs {
        if plain.contains(target.as_str()) {
            continue;
        }
        let pointer = target_of(spec, at, target)?;
        if is_reference(spec, &pointer) {
            let from = at.strip_suffix("/$ref").unwrap_or(at).to_owned();
            follow_chain(spec, from, pointer, &mut ends)?;
        } else {
            plain.insert(target);
        }
    }
    check_operation_ids(spec)
}

/// The pointer the reference `target` (written at `at`) leads to, or why it cannot be followed.
fn target_of(spec: &LoadedSpec, at: &str, target: &str) -> Result<String> {
    let pointer = reference::pointer(target).map_err(|e| {
        let location = spec.location(at);
        match e {
            RefError::External => Error::Unsupported {
                location,
                message: format!(
                    "external reference `{target}`; bundle the spec into one file first (e.g. `redocly bundle`)"
                ),
            },
            RefError::PlainName => Error::Unsupported { location, message: format!("reference `{target}`: {e}") },
            RefError::Encoding(_) => Error::Invalid { location, message: format!("reference `{target}`: {e}") },
        }
    })?;
    if reference::lookup(&spec.raw, &pointer).is_none() {
        return Err(Error::Invalid {
            location: spec.location(at),
            message: format!("dangling reference: `{target}` does not exist"),
        });
    }
    Ok(pointer)
}

/// Whether the node at `pointer` is itself a reference.
fn is_reference(spec: &LoadedSpec, pointer: &str) -> bool {
    reference::lookup(&spec.raw, pointer).and_then(|n| n.get("$ref")).is_some_and(serde_json::Value::is_string)
}

/// Follows a chain of references from the reference at `from`, whose target `next` is a
/// reference too, refusing one that comes back to where it was without reaching a definition
/// (`A: {$ref: B}`, `B: {$ref: A}`): such a reference designates nothing.
fn follow_chain(spec: &LoadedSpec, from: String, mut next: String, ends: &mut BTreeSet<String>) -> Result<()> {
    let mut chain: Vec<String> = vec![from];
    loop {
        if ends.contains(&next) {
            break;
        }
        if let Some(first) = chain.iter().position(|p| *p == next) {
            let cycle: Vec<String> = chain[first..].iter().chain([&next]).map(|p| format!("`{p}`")).collect();
            return Err(Error::Invalid {
                location: spec.location(&format!("{}/$ref", chain[first])),
                message: format!("reference loop: {} never reaches a definition", cycle.join(" → ")),
            });
        }
        let at = format!("{next}/$ref");
        let target = reference::lookup(&spec.raw, &next).and_then(|n| n.get("$ref")).and_then(|r| r.as_str());
        chain.push(next);
        match target {
            Some(target) => next = target_of(spec, &at, target)?,
            None => break,
        }
    }
    ends.extend(chain);
    Ok(())
}

/// Collects `(pointer of the $ref, target)` for every reference below `v`. `pointer` is one
/// buffer, extended and truncated on the way down (no string per node of a large spec).
fn collect_refs(v: &serde_json::Value, pointer: &mut String, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(map) => {
            // A scan, not `get`: objects are small, and a lookup hashes the key (SipHash).
            if let Some((_, serde_json::Value::String(r))) = map.iter().find(|(k, _)| *k == "$ref") {
                out.push((format!("{pointer}/$ref"), r.clone()));
            }
            // Below `properties` the keys are the API's field names, so a field may be called
            // `example` or `x-id` and still hold a schema whose references must be checked.
            let names = pointer.ends_with("/properties") || pointer.ends_with("/patternProperties");
            for (k, child) in map {
                // Examples are free-form data: a `$ref` key inside one is not a reference.
                let example = k == "example" || k == "examples" && !pointer.ends_with("/components");
                if !names && (example || k.starts_with("x-")) {
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
