//! Stage 3 — lower: turn a validated document into the [`crate::ir`] model.
//!
//! The document has already been checked by [`crate::resolve`] (references, operationIds);
//! the shape check against `openapiv3` runs beside lowering, so lowering reads the JSON tree
//! tolerantly (a node of the wrong type is skipped or typed loosely, never a panic), and every
//! node it looks at has a JSON pointer for messages. All spec quirks end here: inline schemas
//! get stable names, `allOf` is merged, read/write-only is settled per direction, recursion is
//! settled (containment cycles boxed, types without a finite value reported), and the `x-`
//! extensions become IR.

mod dedupe;
mod extensions;
mod operations;
mod schemas;
mod settle;
mod webhooks;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{Error, Location, Result};
use crate::ir::*;
use crate::load::LoadedSpec;

/// Lowers a loaded, validated spec.
pub fn lower(spec: &LoadedSpec) -> Result<Api> {
    let mut cx = Lowerer::new(spec);
    cx.register_components();
    cx.lower_components()?;
    let mut tags = cx.lower_operations()?;
    let webhooks = cx.lower_webhooks()?;
    settle::untag_unions(&mut cx.types);
    cx.settle_directions(&mut tags, &webhooks);
    cx.settle_recursion();
    let mut api = Api {
        // One line: the title is put in doc comments and in the README's first sentence.
        title: str_at(&spec.raw, "/info/title").unwrap_or("API").split_whitespace().collect::<Vec<_>>().join(" "),
        version: str_at(&spec.raw, "/info/version").unwrap_or("0.0.0").to_owned(),
        // 3.1's one-line `info.summary` stands in for a missing description.
        description: str_at(&spec.raw, "/info/description").or(str_at(&spec.raw, "/info/summary")).map(str::to_owned),
        servers: cx.servers.clone(),
        types: std::mem::take(&mut cx.types),
        tags,
        webhooks,
        oauth2: cx.oauth2(),
        datetime_format: str_at(&spec.raw, "/x-datetime-format").map(str::to_owned),
        rate_limit: cx.rate_limit(),
        filter_syntax: cx.filter_syntax.take(),
        sort_syntax: cx.sort_syntax.take(),
        query_vocabularies: std::mem::take(&mut cx.vocabularies),
        page_layouts: std::mem::take(&mut cx.page_layouts),
        crate_meta: cx.crate_meta()?,
        fallbacks: std::mem::take(&mut cx.fallbacks),
    };
    let components: Vec<TypeId> = cx.components.values().copied().collect();
    dedupe::merge_identical(&mut api, &components);
    settle::box_cycles(&mut api.types);
    settle::mark_uses(&mut api);
    Ok(api)
}

/// Working state of the lowering stage.
pub(crate) struct Lowerer<'a> {
    pub(crate) spec: &'a LoadedSpec,
    pub(crate) types: Vec<TypeDef>,
    /// Component schema name → type id.
    pub(crate) components: BTreeMap<String, TypeId>,
    pub(crate) servers: Vec<String>,
    pub(crate) filter_syntax: Option<FilterSyntax>,
    pub(crate) sort_syntax: Option<SortSyntax>,
    pub(crate) vocabularies: Vec<QueryVocabulary>,
    pub(crate) page_layouts: Vec<PageLayout>,
    /// Full struct → its partial twin, shared by all vocabularies.
    pub(crate) partials: BTreeMap<TypeId, TypeId>,
    /// Schemas outside `#/components/schemas` that a `$ref` names (`$defs`, a schema inside a
    /// path...), by pointer: each becomes one type however many references lead to it, and a
    /// schema that contains itself refers to its own type instead of being lowered forever.
    pub(crate) ref_types: BTreeMap<String, TypeRef>,
    /// Referenced schemas being lowered that got no named type (arrays, maps, aliases): one
    /// reached again through its own references cannot be typed as a Rust alias.
    pub(crate) ref_stack: BTreeSet<String>,
    /// Where each type was defined, for support-report lines about it (components and inline
    /// schemas; derived types such as partial views have none).
    pub(crate) type_pointers: BTreeMap<TypeId, String>,
    pub(crate) fallbacks: Vec<String>,
}

impl<'a> Lowerer<'a> {
    fn new(spec: &'a LoadedSpec) -> Self {
        Lowerer {
            spec,
            types: Vec::new(),
            components: BTreeMap::new(),
            servers: Vec::new(),
            filter_syntax: None,
            sort_syntax: None,
            vocabularies: Vec::new(),
            page_layouts: Vec::new(),
            partials: BTreeMap::new(),
            ref_types: BTreeMap::new(),
            ref_stack: BTreeSet::new(),
            type_pointers: BTreeMap::new(),
            fallbacks: spec.fallbacks.clone(),
        }
    }

    /// A location in the spec.
    pub(crate) fn at(&self, pointer: &str) -> Location {
        self.spec.location(pointer)
    }

    /// An `Unsupported` error at `pointer`.
    pub(crate) fn unsupported(&self, pointer: &str, message: impl Into<String>) -> Error {
        Error::Unsupported { location: self.at(pointer), message: message.into() }
    }

    /// Records that something was approximated; printed in the support report.
    pub(crate) fn fallback(&mut self, pointer: &str, what: impl AsRef<str>) {
        self.fallbacks.push(format!("{}: {}", self.spec.origin.original(pointer), what.as_ref()));
    }

    /// The node at a JSON pointer (`#/...`, as [`crate::reference::pointer`] makes them),
    /// following nothing.
    pub(crate) fn node(&self, pointer: &str) -> Option<&'a Value> {
        crate::reference::lookup(&self.spec.raw, pointer)
    }

    /// The node a `$ref` string leads to (one step, local only), with its pointer.
    pub(crate) fn follow(&self, reference: &str) -> Option<(&'a Value, String)> {
        let pointer = crate::reference::pointer(reference).ok()?;
        Some((self.node(&pointer)?, pointer))
    }

    /// Follows `$ref` chains (local only; validated earlier) to the final node and its pointer.
    pub(crate) fn deref(&self, value: &'a Value, pointer: &str) -> (&'a Value, String) {
        let mut cur = value;
        let mut ptr = pointer.to_owned();
        for _ in 0..32 {
            let Some((next, next_ptr)) = get(cur, "$ref").and_then(Value::as_str).and_then(|r| self.follow(r)) else {
                break;
            };
            cur = next;
            ptr = next_ptr;
        }
        (cur, ptr)
    }

    fn oauth2(&self) -> Option<OAuth2> {
        let schemes = self.node("#/components/securitySchemes").and_then(Value::as_object)?;
        for (name, scheme) in schemes {
            let ptr = format!("#/components/securitySchemes/{}", crate::error::pointer_segment(name));
            let (scheme, _) = self.deref(scheme, &ptr);
            if get(scheme, "type").and_then(Value::as_str) != Some("oauth2") {
                continue;
            }
            let Some(flow) = scheme.pointer("/flows/authorizationCode") else {
                continue;
            };
            let token_url = get(flow, "tokenUrl").and_then(Value::as_str).unwrap_or_default().to_owned();
            let mut scopes = indexmap::IndexMap::new();
            if let Some(map) = get(flow, "scopes").and_then(Value::as_object) {
                for (scope, desc) in map {
                    scopes.insert(
                        scope.clone(),
                        (Name::wire(scope.clone()), desc.as_str().unwrap_or_default().to_owned()),
                    );
                }
            }
            return Some(OAuth2 {
                authorization_url: get(flow, "authorizationUrl").and_then(Value::as_str).unwrap_or_default().to_owned(),
                refresh_url: flow
                    .get("refreshUrl")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .unwrap_or_else(|| token_url.clone()),
                token_url,
                scopes,
            });
        }
        None
    }
}

/// `v[key]` when `v` is an object that has the key: a scan of the keys for the small objects a
/// spec is made of (a lookup in serde_json's map hashes the key with SipHash, which costs more
/// than comparing a few short keys; lowering does it several times for every schema), a
/// lookup in larger ones. The same answer as [`Value::get`] with a `&str`.
pub(crate) fn get<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let map = v.as_object()?;
    if map.len() <= 8 {
        map.iter().find(|(k, _)| *k == key).map(|(_, value)| value)
    } else {
        map.get(key)
    }
}

/// The string at `pointer` (no leading `#`).
pub(crate) fn str_at<'v>(v: &'v Value, pointer: &str) -> Option<&'v str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// Docs of a node reached through a `$ref` (`reference`, which may be `target` itself): a
/// `summary` or `description` beside the reference (OpenAPI 3.1) overrides the target's.
pub(crate) fn docs_through_ref(reference: &Value, target: &Value) -> Docs {
    let mut docs = docs_of(target);
    if get(reference, "$ref").is_some() {
        if let Some(summary) = get(reference, "summary").and_then(Value::as_str) {
            docs.summary = Some(summary.to_owned());
        }
        if let Some(description) = get(reference, "description").and_then(Value::as_str) {
            docs.description = Some(description.to_owned());
        }
    }
    docs
}

/// Docs of a schema-like node: title/summary, description, constraints, provenance.
///
/// One pass over the node's keys (this runs for every schema and property of the spec, and
/// each lookup by key hashes it), then the constraints in a fixed order.
pub(crate) fn docs_of(v: &Value) -> Docs {
    let Some(node) = v.as_object() else { return Docs::default() };
    let (mut title, mut summary, mut description) = (None, None, None);
    let (mut provenance, mut note) = (None, None);
    // minLength, maxLength, minimum, maximum, pattern, format, default, readOnly, writeOnly,
    // exclusiveMinimum, exclusiveMaximum.
    let mut constraint: [Option<&Value>; 11] = [None; 11];
    let mut deprecated = false;
    for (key, value) in node {
        match key.as_str() {
            "title" => title = Some(value),
            "summary" => summary = Some(value),
            "description" => description = value.as_str(),
            "deprecated" => deprecated = value.as_bool().unwrap_or(false),
            "x-provenance" => provenance = value.as_str(),
            "x-provenance-note" => note = value.as_str(),
            "minLength" => constraint[0] = Some(value),
            "maxLength" => constraint[1] = Some(value),
            "minimum" => constraint[2] = Some(value),
            "maximum" => constraint[3] = Some(value),
            "pattern" => constraint[4] = Some(value),
            "format" => constraint[5] = Some(value),
            "default" => constraint[6] = Some(value),
            "readOnly" => constraint[7] = Some(value),
            "writeOnly" => constraint[8] = Some(value),
            "exclusiveMinimum" => constraint[9] = Some(value),
            "exclusiveMaximum" => constraint[10] = Some(value),
            _ => {}
        }
    }
    let mut docs = Docs {
        // `title` wins over `summary` when present, even when it is not a string.
        summary: title.or(summary).and_then(Value::as_str).map(str::to_owned),
        description: description.map(str::to_owned),
        constraints: Vec::new(),
        provenance: None,
        deprecated,
    };
    match provenance {
        Some("inferred") => {
            docs.provenance = Some(format!("Inferred: {}", note.unwrap_or("not confirmed by the API docs")))
        }
        // Not in the docs, but confirmed by the API's responses (`cirqll-codegen audit`).
        Some("observed") => {
            docs.provenance = Some(format!("Observed: {}", note.unwrap_or("seen in the API's responses")))
        }
        _ => {}
    }
    let num = |x: &Value| x.as_f64().map(|f| if f.fract() == 0.0 { format!("{}", f as i64) } else { f.to_string() });
    let [min_len, max_len, minimum, maximum, pattern, format, default, read_only, write_only, exclusive_min, exclusive_max] =
        constraint;
    let flag = |x: Option<&Value>| x.and_then(Value::as_bool) == Some(true);
    if let Some(m) = min_len.and_then(Value::as_u64) {
        docs.constraints.push(format!("at least {m} characters"));
    }
    if let Some(m) = max_len.and_then(Value::as_u64) {
        docs.constraints.push(format!("at most {m} characters"));
    }
    if let Some(m) = minimum.and_then(num) {
        docs.constraints.push(if flag(exclusive_min) { format!("greater than {m}") } else { format!("minimum {m}") });
    }
    if let Some(m) = maximum.and_then(num) {
        docs.constraints.push(if flag(exclusive_max) { format!("less than {m}") } else { format!("maximum {m}") });
    }
    if let Some(p) = pattern.and_then(Value::as_str) {
        docs.constraints.push(format!("pattern `{p}`"));
    }
    if let Some(f) = format.and_then(Value::as_str) {
        docs.constraints.push(format!("format `{f}`"));
    }
    if let Some(d) = default {
        docs.constraints.push(format!("default `{d}`"));
    }
    if flag(read_only) {
        docs.constraints.push("read-only".into());
    }
    if flag(write_only) {
        docs.constraints.push("write-only".into());
    }
    docs
}
