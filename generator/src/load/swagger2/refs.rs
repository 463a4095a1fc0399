//! References: following them in the original document, and rewriting every local `$ref`
//! of the converted tree to where its target moved.
//!
//! A `$ref` is a URI whose fragment is a JSON pointer, so percent-encoding is decoded before
//! the pointer is read (RFC 6901 §6). References into other documents are left as they are
//! (the resolve stage refuses them with a located message).

use serde_json::Value;

use super::Upgrade;
use crate::error::{pointer_segment, Error, Location, Result};

/// Keywords whose value maps names (chosen by the document's author) to objects.
const NAME_MAPS: &[&str] = &[
    "properties",
    "paths",
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "securitySchemes",
    "content",
    "encoding",
    "definitions",
];

/// How many `$ref`s a chain may pass through before it counts as a loop.
const MAX_HOPS: usize = 32;

/// The JSON pointer a local reference names (`#/definitions/a%20b` → `/definitions/a b`);
/// `None` for a reference into another document.
pub(super) fn fragment(reference: &str) -> Option<String> {
    let encoded = reference.strip_prefix('#')?;
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Whether `reference` names a whole entry of the root section `section`
/// (`#/parameters/limit` for `parameters`).
pub(super) fn names_root_entry(reference: &str, section: &str) -> bool {
    fragment(reference)
        .and_then(|p| p.strip_prefix('/').and_then(|p| p.strip_prefix(section)).map(str::to_owned))
        .and_then(|rest| rest.strip_prefix('/').map(|name| !name.is_empty() && !name.contains('/')))
        .unwrap_or(false)
}

impl<'a> Upgrade<'a> {
    /// Follows `$ref`s from `node` (written at `at`) to the node the chain ends at, in the
    /// original document, with that node's pointer. `None` when the chain leaves the document.
    pub(super) fn follow(&self, node: &'a Value, at: &str) -> Result<Option<(&'a Value, String)>> {
        let (mut node, mut at) = (node, at.to_owned());
        for _ in 0..MAX_HOPS {
            let Some(reference) = node.get("$ref") else { return Ok(Some((node, at))) };
            let Some(reference) = reference.as_str() else { return Ok(Some((node, at))) };
            let Some(target) = fragment(reference) else { return Ok(None) };
            node = self.doc.pointer(&target).ok_or_else(|| Error::Invalid {
                location: self.located(&format!("{at}/$ref")),
                message: format!("dangling reference: `{reference}` does not exist"),
            })?;
            at = format!("#{target}");
        }
        Err(Error::Invalid {
            location: self.located(&at),
            message: format!("a chain of more than {MAX_HOPS} references (a loop of references?)"),
        })
    }

    /// A location in the original document.
    pub(super) fn located(&self, original: &str) -> Location {
        Location { file: self.file.to_owned(), pointer: original.to_owned(), line_col: None }
    }

    /// Rewrites every local `$ref` of the converted `tree` to the converted pointer of its
    /// target; a reference whose target does not exist in the original document is refused
    /// here, named as the user wrote it.
    pub(super) fn rewrite_refs(&mut self, tree: &mut Value) -> Result<()> {
        let mut pointer = String::from("#");
        self.rewrite_below(tree, &mut pointer, false)
    }

    /// `named` tells that the keys of `v` are names (of properties, components, media types...),
    /// not keywords: a property called `example` holds a schema, not example data.
    fn rewrite_below(&self, v: &mut Value, pointer: &mut String, named: bool) -> Result<()> {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get_mut("$ref") {
                    if let Some(target) = fragment(reference) {
                        if self.doc.pointer(&target).is_none() {
                            return Err(Error::Invalid {
                                location: self.located(&self.origin.original(&format!("{pointer}/$ref"))),
                                message: format!("dangling reference: `{reference}` does not exist"),
                            });
                        }
                        *reference = self.converted(&format!("#{target}")).replace('%', "%25");
                    }
                }
                for (key, child) in map.iter_mut() {
                    // Examples are data, and extensions are copied verbatim: a `$ref` key in
                    // them is not a reference.
                    let data = key == "example" || key == "examples" || key.starts_with("x-");
                    if key == "$ref" || data && !named {
                        continue;
                    }
                    let names = !named && NAME_MAPS.contains(&key.as_str());
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&pointer_segment(key));
                    self.rewrite_below(child, pointer, names)?;
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    self.rewrite_below(child, pointer, false)?;
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The converted pointer of the original node at `original`: the longest moved prefix is
    /// rewritten, the rest kept.
    fn converted(&self, original: &str) -> String {
        crate::load::origin::rewrite_prefix(&self.moved, original)
    }
}
