//! Verdicts on the spec's inferences: every node marked `x-provenance: inferred` is
//! `confirmed`, `refuted` or `unobserved` by a run.
//!
//! A node is refuted by the findings whose spec pointer lies at or below it. Otherwise it is
//! confirmed when the run used it, and unobserved when it did not. "Used" means: a response
//! value was checked against the schema or something inside it, a response or header object
//! matched a reply, a parameter was sent in a request that succeeded, an operation answered
//! with a success status (its error responses say nothing about its path), and for an `x-query`
//! vocabulary, every relation it lists came back when eager-loaded.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use super::findings::Finding;
use crate::ir::Method;
use crate::load::LoadedSpec;

/// The verdict on one inferred node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Used by the run, and nothing found against it.
    Confirmed,
    /// A finding lies at or below it.
    Refuted,
    /// Not used by the run.
    Unobserved,
}

impl Verdict {
    /// As the report writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Confirmed => "confirmed",
            Verdict::Refuted => "refuted",
            Verdict::Unobserved => "unobserved",
        }
    }
}

/// One inferred node and its verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Inference {
    /// JSON pointer of the node, as in the file the user wrote.
    pub pointer: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Indexes (in the report's `findings`) of the findings that refute it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refuted_by: Vec<usize>,
    /// The node's pointer in the tree the audit read.
    #[serde(skip)]
    pub tree_pointer: String,
    /// Its `x-provenance-note`.
    #[serde(skip)]
    pub note: Option<String>,
}

/// Every `x-provenance: inferred` node of the spec (outside examples), in document order.
pub fn inferred(raw: &Value) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    walk(raw, &mut String::from("#"), &mut out);
    out
}

fn walk(v: &Value, pointer: &mut String, out: &mut Vec<(String, Option<String>)>) {
    match v {
        Value::Object(map) => {
            if map.get("x-provenance").and_then(Value::as_str) == Some("inferred") {
                out.push((pointer.clone(), map.get("x-provenance-note").and_then(Value::as_str).map(str::to_owned)));
            }
            for (k, child) in map {
                if matches!(k.as_str(), "example" | "examples" | "default" | "enum") {
                    continue;
                }
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&crate::error::pointer_segment(k));
                walk(child, pointer, out);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                walk(child, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// The verdicts, given the findings, the nodes the run used and the operations that answered.
pub fn verdicts(
    spec: &LoadedSpec,
    findings: &[Finding],
    visited: &BTreeSet<String>,
    answered: &BTreeSet<String>,
) -> Vec<Inference> {
    inferred(&spec.raw)
        .into_iter()
        .map(|(pointer, note)| {
            let refuted_by: Vec<usize> =
                findings.iter().enumerate().filter(|(_, f)| under(&f.tree_schema, &pointer)).map(|(i, _)| i).collect();
            let used = if is_operation(&pointer) {
                answered.contains(&pointer)
            } else if pointer.ends_with("/x-query") {
                let relations = spec
                    .raw
                    .pointer(&format!("{}/relations", pointer.trim_start_matches('#')))
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                relations > 0 && (0..relations).all(|i| visited.contains(&format!("{pointer}/relations/{i}")))
            } else {
                visited.range(pointer.clone()..).take_while(|v| v.starts_with(&pointer)).any(|v| under(v, &pointer))
            };
            let verdict = match (refuted_by.is_empty(), used) {
                (false, _) => Verdict::Refuted,
                (true, true) => Verdict::Confirmed,
                (true, false) => Verdict::Unobserved,
            };
            Inference { pointer: spec.origin.original(&pointer), verdict, refuted_by, tree_pointer: pointer, note }
        })
        .collect()
}

/// `#/paths/<path>/<method>`.
fn is_operation(pointer: &str) -> bool {
    let mut parts = pointer.split('/');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("#"), Some("paths"), Some(_), Some(method), None) if Method::ALL.iter().any(|m| m.key() == method)
    )
}

/// Whether `child` is `parent` or lies below it.
fn under(child: &str, parent: &str) -> bool {
    child == parent || (child.starts_with(parent) && child.as_bytes().get(parent.len()) == Some(&b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_nest_by_segment() {
        assert!(under("#/a/b", "#/a"));
        assert!(under("#/a", "#/a"));
        assert!(!under("#/ab", "#/a"));
        assert!(is_operation("#/paths/~1x/get"));
        assert!(!is_operation("#/paths/~1x/get/responses"));
        assert!(!is_operation("#/paths/~1x/parameters"));
    }

    #[test]
    fn inferred_nodes_outside_examples_are_found() {
        let raw = serde_json::json!({
            "a": {"x-provenance": "inferred", "x-provenance-note": "why", "b": {"x-provenance": "inferred"}},
            "example": {"x-provenance": "inferred"},
            "c": [{"x-provenance": "documented"}, {"x-provenance": "inferred"}]
        });
        let found: Vec<String> = inferred(&raw).into_iter().map(|(p, _)| p).collect();
        assert_eq!(found, ["#/a", "#/a/b", "#/c/1"]);
    }
}
