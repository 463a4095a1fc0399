//! Checks a response value against a schema of the spec, with OpenAPI 3.0 semantics.
//!
//! The structure is walked here: `$ref`, `nullable`, `allOf` (an object's properties are the
//! union of its members'), `oneOf`/`anyOf` (the `discriminator` picks the alternative; without
//! one, the first alternative that fits, else the closest), `readOnly`/`writeOnly` (a response
//! may omit a required write-only property and must not carry one), properties, `required`,
//! `additionalProperties`, `items` and JSON types. Keys no schema of the object declares are
//! reported, unless the object declares `additionalProperties`: the specs this audits rarely
//! say `additionalProperties: false`, and a key the spec does not know is what drift looks like.
//!
//! The value keywords (`format`, `enum`, `pattern`, bounds, lengths, `multipleOf`, item counts)
//! are checked by the `jsonschema` crate, one small schema per spec node holding just those
//! keywords, so every violation is known by the spec node and keyword it came from; date-times
//! are RFC 3339 or the spec's `x-datetime-format`, the two forms the generated client reads.
//! Why the walk is our own: OpenAPI 3.0's `nullable`, discriminator and read/write-only rules
//! are not JSON Schema, and a translated schema's error paths would have to be mapped back.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde_json::{Map, Value};

use super::findings::{excerpt, json_type, Fix, Kind};
use crate::error::pointer_segment;

/// One disagreement found by [`Validator::check`].
#[derive(Debug, Clone)]
pub struct Violation {
    /// The kind.
    pub kind: Kind,
    /// JSON pointer into the checked value.
    pub instance: String,
    /// JSON pointer (with `#`) of the violated keyword or schema, in the tree checked against.
    pub schema: String,
    /// What is wrong.
    pub message: String,
    /// The spec edit that would accept the value.
    pub fix: Option<Fix>,
    /// The value concerned, when a fix is typed from it (an undeclared key's value).
    pub observed: Option<Value>,
}

/// The result of one check: violations, and the schema nodes the value was checked against
/// (for the provenance verdicts).
#[derive(Debug, Default)]
pub struct Outcome {
    /// What disagrees.
    pub violations: Vec<Violation>,
    /// Pointers (with `#`) of the schema nodes used, in the tree checked against.
    pub visited: Vec<String>,
}

/// Checks values against the schemas of one spec tree.
pub struct Validator<'s> {
    spec: &'s Value,
    datetime_format: Option<String>,
    /// Value-keyword validators by schema pointer (`None`: the node has no value keywords).
    leaves: RefCell<HashMap<String, Option<Rc<jsonschema::Validator>>>>,
    /// Problems of the spec itself met on the way (an invalid `pattern`), reported once each.
    notes: RefCell<Vec<String>>,
    /// Schemas entered and not yet left, with the value position: a schema met again at the
    /// same position refers to itself without going deeper into the value
    /// (`A: {oneOf: [{$ref: A}, ...]}`), and the walk does not follow it round.
    active: RefCell<HashSet<(String, String)>>,
}

/// The keywords checked by `jsonschema` rather than by the walk.
const VALUE_KEYWORDS: [&str; 15] = [
    "format",
    "enum",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// How a node relates to the declaration site being checked: decides which object schema a
/// new property should be added to (the site's own schema, else an inline `allOf` member).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    /// A member of `allOf` that is a `$ref` to a shared schema.
    SharedMember,
    /// A member of `allOf` written inline.
    InlineMember,
    /// The site's schema (after `$ref`s), or the alternative chosen from `oneOf`/`anyOf`.
    Main,
}

/// What the schemas of one object value declare, merged over `allOf` and the chosen
/// alternatives.
#[derive(Debug, Default)]
struct Keys {
    /// Whether any schema of the object lists `properties` (else it is a free-form map).
    has_properties: bool,
    names: HashSet<String>,
    write_only: HashSet<String>,
    /// `(property, pointer of its entry in required, pointer of the schema)`.
    required: Vec<(String, String, String)>,
    additional: Option<Additional>,
    /// The object schema new properties belong to, with its role.
    home: Option<(Role, String)>,
}

#[derive(Debug, Clone)]
enum Additional {
    /// `additionalProperties: true` or `{}`.
    Open,
    /// `additionalProperties: <schema>` at this pointer.
    Schema(String),
    /// `additionalProperties: false` at this pointer.
    Closed(String),
}

impl Keys {
    fn merge(&mut self, other: Keys) {
        self.has_properties |= other.has_properties;
        self.names.extend(other.names);
        self.write_only.extend(other.write_only);
        self.required.extend(other.required);
        if other.additional.is_some() && !matches!(self.additional, Some(Additional::Open)) {
            self.additional = other.additional;
        }
        if let Some((role, ptr)) = other.home {
            self.offer_home(role, ptr);
        }
    }

    fn offer_home(&mut self, role: Role, ptr: String) {
        if self.home.as_ref().is_none_or(|(r, _)| role > *r) {
            self.home = Some((role, ptr));
        }
    }
}

impl<'s> Validator<'s> {
    /// A validator for the schemas of `spec`; `datetime_format` is the spec's
    /// `x-datetime-format` (a chrono format), accepted for `format: date-time` besides RFC 3339.
    pub fn new(spec: &'s Value, datetime_format: Option<String>) -> Self {
        Validator {
            spec,
            datetime_format,
            leaves: RefCell::default(),
            notes: RefCell::default(),
            active: RefCell::default(),
        }
    }

    /// Checks `value`, found at `instance` in a response, against the schema declared at
    /// `schema` (a pointer with `#`, e.g. a media type's `schema`).
    pub fn check(&self, schema: &str, value: &Value, instance: &str) -> Outcome {
        let mut out = Outcome::default();
        self.site(schema, value, instance, &mut out);
        out
    }

    /// Checks a response header's text against the header object at `header` (after `$ref`).
    pub fn check_header(&self, header: &str, text: &str) -> Outcome {
        let schema = format!("{header}/schema");
        let mut scratch = Outcome::default();
        let ty = self.deref(&schema, &mut scratch).and_then(|(s, _)| s.get("type").and_then(Value::as_str));
        let text = text.trim();
        let value = match ty {
            Some("integer") => text.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(text)),
            Some("number") => text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .unwrap_or(text.into()),
            Some("boolean") => match text {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::from(text),
            },
            _ => Value::from(text),
        };
        let mut out = Outcome::default();
        if self.node(&schema).is_some() {
            self.site(&schema, &value, "", &mut out);
        }
        out.visited.push(header.to_owned());
        out
    }

    /// Problems of the spec met while checking (each once).
    pub fn notes(&self) -> Vec<String> {
        self.notes.borrow().clone()
    }

    fn node(&self, ptr: &str) -> Option<&'s Value> {
        self.spec.pointer(ptr.strip_prefix('#').unwrap_or(ptr))
    }

    /// Follows `$ref`s from `ptr` (siblings of a `$ref` are ignored, as OpenAPI 3.0 says),
    /// recording each node passed.
    fn deref(&self, ptr: &str, out: &mut Outcome) -> Option<(&'s Value, String)> {
        let mut ptr = ptr.to_owned();
        for _ in 0..64 {
            let node = self.node(&ptr)?;
            out.visited.push(ptr.clone());
            match node.get("$ref").and_then(Value::as_str) {
                Some(r) => match crate::reference::pointer(r) {
                    Ok(target) => ptr = target,
                    Err(_) => return None,
                },
                _ => return Some((node, ptr)),
            }
        }
        None
    }

    /// A value at a declaration site: a media type's schema, a property, `items`,
    /// `additionalProperties`. Checks the value and then the keys of an object value against
    /// everything its schemas declare.
    fn site(&self, site: &str, value: &Value, instance: &str, out: &mut Outcome) {
        let Some((schema, ptr)) = self.deref(site, out) else { return };
        if value.is_null() {
            self.null(site, instance, out);
            return;
        }
        let mut keys = Keys::default();
        let clean = self.schema(schema, &ptr, site, Role::Main, value, instance, out, &mut keys);
        if let (Value::Object(map), true) = (value, clean) {
            self.close(map, instance, &keys, out);
        }
    }

    /// `null` is accepted where the schema, a schema it refers to or wraps in a one-member
    /// `allOf`, says `nullable`, lists `null` in its `enum` or as an alternative, or constrains
    /// nothing.
    fn null(&self, site: &str, instance: &str, out: &mut Outcome) {
        let mut ptr = site.to_owned();
        let mut typed: Option<String> = None;
        for _ in 0..64 {
            let Some(node) = self.node(&ptr) else { return };
            if node.get("nullable").and_then(Value::as_bool) == Some(true)
                || node.get("enum").and_then(Value::as_array).is_some_and(|e| e.contains(&Value::Null))
                || node.get("type").and_then(Value::as_str) == Some("null")
                || ["oneOf", "anyOf"].iter().any(|k| {
                    node.get(*k).and_then(Value::as_array).is_some_and(|alts| {
                        alts.iter().any(|a| {
                            a.get("type").and_then(Value::as_str) == Some("null")
                                || a.get("enum").and_then(Value::as_array).is_some_and(|e| e == &[Value::Null])
                        })
                    })
                })
            {
                return;
            }
            if typed.is_none() && node.get("type").is_some() {
                typed = Some(format!("{ptr}/type"));
            }
            if let Some(r) = node.get("$ref").and_then(Value::as_str) {
                let Ok(target) = crate::reference::pointer(r) else { return };
                ptr = target;
                continue;
            }
            match node.get("allOf").and_then(Value::as_array) {
                Some(all) if all.len() == 1 && node.get("properties").is_none() => {
                    ptr = format!("{ptr}/allOf/0");
                    continue;
                }
                _ => {}
            }
            let constrains = node.get("type").is_some()
                || ["properties", "items", "allOf", "oneOf", "anyOf", "enum", "additionalProperties"]
                    .iter()
                    .any(|k| node.get(*k).is_some());
            if !constrains {
                return;
            }
            break;
        }
        out.violations.push(Violation {
            kind: Kind::TypeMismatch,
            instance: instance.to_owned(),
            schema: typed.unwrap_or_else(|| site.to_owned()),
            message: "null where the schema is not nullable".into(),
            fix: Some(Fix::Nullable { site: site.to_owned() }),
            observed: None,
        });
    }

    /// Checks `value` against the schema node `schema` at `ptr` (already dereferenced),
    /// collecting what it declares for an object value into `keys`. Returns whether the value
    /// has the node's JSON type (so its keys are worth comparing).
    #[allow(clippy::too_many_arguments)]
    fn schema(
        &self,
        schema: &'s Value,
        ptr: &str,
        site: &str,
        role: Role,
        value: &Value,
        instance: &str,
        out: &mut Outcome,
        keys: &mut Keys,
    ) -> bool {
        let key = (ptr.to_owned(), instance.to_owned());
        if !self.active.borrow_mut().insert(key.clone()) {
            let note = format!("{ptr}: the schema refers to itself without going deeper into the value; not followed");
            if !self.notes.borrow().contains(&note) {
                self.notes.borrow_mut().push(note);
            }
            return true;
        }
        let clean = self.schema_inner(schema, ptr, site, role, value, instance, out, keys);
        self.active.borrow_mut().remove(&key);
        clean
    }

    #[allow(clippy::too_many_arguments)]
    fn schema_inner(
        &self,
        schema: &'s Value,
        ptr: &str,
        site: &str,
        role: Role,
        value: &Value,
        instance: &str,
        out: &mut Outcome,
        keys: &mut Keys,
    ) -> bool {
        let Some(obj) = schema.as_object() else { return true };
        if let Some((ty, tptr)) = declared_type(obj, ptr) {
            if !has_type(ty, value) {
                let implied = if tptr == ptr { " (implied by its keywords)" } else { "" };
                out.violations.push(Violation {
                    kind: Kind::TypeMismatch,
                    instance: instance.to_owned(),
                    schema: tptr,
                    message: format!("expected {ty}{implied}, got {} {}", json_type(value), excerpt(value)),
                    fix: Some(Fix::Widen { site: site.to_owned(), to: json_type(value) }),
                    observed: None,
                });
                return false;
            }
        }
        let mut clean = true;
        if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
            for (i, member) in all.iter().enumerate() {
                let mptr = format!("{ptr}/allOf/{i}");
                let member_role = if member.get("$ref").is_some() { Role::SharedMember } else { Role::InlineMember };
                if let Some((m, mp)) = self.deref(&mptr, out) {
                    clean &= self.schema(m, &mp, site, member_role.min(role), value, instance, out, keys);
                }
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alts) = obj.get(key).and_then(Value::as_array) {
                clean &= self.alternatives(obj, ptr, key, alts.len(), site, value, instance, out, keys);
            }
        }
        self.integer_format(obj, ptr, value, instance, out);
        self.value_keywords(obj, ptr, value, instance, out);
        match value {
            Value::Object(map) => self.object(obj, ptr, role, map, instance, out, keys),
            Value::Array(items) if obj.contains_key("items") => {
                let iptr = format!("{ptr}/items");
                for (i, item) in items.iter().enumerate() {
                    self.site(&iptr, item, &format!("{instance}/{i}"), out);
                }
            }
            _ => {}
        }
        clean
    }

    #[allow(clippy::too_many_arguments)]
    fn object(
        &self,
        obj: &'s Map<String, Value>,
        ptr: &str,
        role: Role,
        map: &Map<String, Value>,
        instance: &str,
        out: &mut Outcome,
        keys: &mut Keys,
    ) {
        let props = obj.get("properties").and_then(Value::as_object);
        if props.is_some() || obj.get("type").and_then(Value::as_str) == Some("object") {
            keys.offer_home(role, ptr.to_owned());
        }
        if let Some(props) = props {
            keys.has_properties = true;
            for name in props.keys() {
                let pptr = format!("{ptr}/properties/{}", pointer_segment(name));
                let mut scratch = Outcome::default();
                let write_only = self
                    .deref(&pptr, &mut scratch)
                    .is_some_and(|(p, _)| p.get("writeOnly").and_then(Value::as_bool) == Some(true))
                    || self.node(&pptr).and_then(|p| p.get("writeOnly")).and_then(Value::as_bool) == Some(true);
                if write_only {
                    keys.write_only.insert(name.clone());
                    continue;
                }
                keys.names.insert(name.clone());
                if let Some(v) = map.get(name) {
                    self.site(&pptr, v, &format!("{instance}/{}", pointer_segment(name)), out);
                }
            }
        }
        if let Some(required) = obj.get("required").and_then(Value::as_array) {
            for (i, name) in required.iter().enumerate() {
                if let Some(name) = name.as_str() {
                    keys.required.push((name.to_owned(), format!("{ptr}/required/{i}"), ptr.to_owned()));
                }
            }
        }
        match obj.get("additionalProperties") {
            None => {}
            Some(Value::Bool(true)) => keys.additional = Some(Additional::Open),
            Some(Value::Bool(false)) if !matches!(keys.additional, Some(Additional::Open)) => {
                keys.additional = Some(Additional::Closed(format!("{ptr}/additionalProperties")))
            }
            Some(Value::Bool(false)) => {}
            Some(Value::Object(s)) if s.is_empty() => keys.additional = Some(Additional::Open),
            Some(_) => keys.additional = Some(Additional::Schema(format!("{ptr}/additionalProperties"))),
        }
    }

    /// Required keys and keys no schema declares, once everything the object's schemas say is
    /// known.
    fn close(&self, map: &Map<String, Value>, instance: &str, keys: &Keys, out: &mut Outcome) {
        let mut reported = HashSet::new();
        for (name, entry, schema) in &keys.required {
            if map.contains_key(name) || keys.write_only.contains(name) || !reported.insert(name) {
                continue;
            }
            out.violations.push(Violation {
                kind: Kind::MissingRequired,
                instance: format!("{instance}/{}", pointer_segment(name)),
                schema: entry.clone(),
                message: format!("required key `{name}` is absent"),
                fix: Some(Fix::Optional { schema: schema.clone(), name: name.clone() }),
                observed: None,
            });
        }
        let checks_keys =
            keys.has_properties || matches!(keys.additional, Some(Additional::Schema(_) | Additional::Closed(_)));
        if !checks_keys {
            return;
        }
        for (name, v) in map {
            if keys.names.contains(name) {
                continue;
            }
            let at = format!("{instance}/{}", pointer_segment(name));
            let home = keys.home.as_ref().map(|(_, p)| p.clone());
            let (schema, why) = match &keys.additional {
                Some(Additional::Open) => continue,
                Some(Additional::Schema(p)) if !keys.write_only.contains(name) => {
                    self.site(p, v, &at, out);
                    continue;
                }
                Some(Additional::Closed(p)) => (p.clone(), "additionalProperties is false"),
                _ => match &home {
                    Some(h) => (format!("{h}/properties"), "not declared"),
                    None => continue,
                },
            };
            let message = if keys.write_only.contains(name) {
                format!("key `{name}` is write-only but the response carries it")
            } else {
                format!("key `{name}` ({}) is {why}", json_type(v))
            };
            out.violations.push(Violation {
                kind: Kind::UndocumentedField,
                instance: at,
                schema,
                message,
                fix: home
                    .filter(|_| !keys.write_only.contains(name))
                    .map(|object| Fix::AddProperty { object, name: name.clone() }),
                observed: Some(v.clone()),
            });
        }
    }

    /// `oneOf`/`anyOf`: the alternative the discriminator names, else the first that fits,
    /// else the closest (whose violations are reported). Returns whether the value fits.
    #[allow(clippy::too_many_arguments)]
    fn alternatives(
        &self,
        obj: &'s Map<String, Value>,
        ptr: &str,
        key: &str,
        count: usize,
        site: &str,
        value: &Value,
        instance: &str,
        out: &mut Outcome,
        keys: &mut Keys,
    ) -> bool {
        let alt_ptrs: Vec<String> = (0..count)
            .map(|i| format!("{ptr}/{key}/{i}"))
            .filter(|p| {
                let n = self.node(p);
                n.and_then(|n| n.get("type")).and_then(Value::as_str) != Some("null")
            })
            .collect();
        if let (Some(prop), Value::Object(map)) =
            (obj.get("discriminator").and_then(|d| d.get("propertyName")).and_then(Value::as_str), value)
        {
            let at = format!("{instance}/{}", pointer_segment(prop));
            let tag = match map.get(prop) {
                Some(Value::String(tag)) => tag,
                Some(other) => {
                    out.violations.push(Violation {
                        kind: Kind::TypeMismatch,
                        instance: at,
                        schema: format!("{ptr}/discriminator/propertyName"),
                        message: format!("discriminator `{prop}` must be a string, got {}", excerpt(other)),
                        fix: None,
                        observed: None,
                    });
                    return false;
                }
                None => {
                    out.violations.push(Violation {
                        kind: Kind::MissingRequired,
                        instance: at,
                        schema: format!("{ptr}/discriminator/propertyName"),
                        message: format!("discriminator key `{prop}` is absent"),
                        fix: None,
                        observed: None,
                    });
                    return false;
                }
            };
            let mapped = obj
                .get("discriminator")
                .and_then(|d| d.get("mapping"))
                .and_then(|m| m.get(tag))
                .and_then(Value::as_str)
                .map(|r| crate::reference::pointer(r).unwrap_or_else(|_| format!("#/components/schemas/{r}")));
            let target = mapped.or_else(|| {
                alt_ptrs.iter().find_map(|p| {
                    let r = self.node(p)?.get("$ref")?.as_str()?;
                    let target = crate::reference::pointer(r).ok()?;
                    (crate::reference::component(&target, "schemas").as_deref() == Some(tag.as_str())).then_some(target)
                })
            });
            let Some(target) = target else {
                out.violations.push(Violation {
                    kind: Kind::UnknownEnumValue,
                    instance: at,
                    schema: format!("{ptr}/discriminator"),
                    message: format!(
                        "discriminator value {} names no alternative",
                        excerpt(&Value::from(tag.as_str()))
                    ),
                    fix: None,
                    observed: None,
                });
                return false;
            };
            let Some((s, sp)) = self.deref(&target, out) else { return true };
            return self.schema(s, &sp, site, Role::Main, value, instance, out, keys);
        }
        let mut best: Option<(usize, Outcome, Keys, bool, String)> = None;
        for aptr in &alt_ptrs {
            let mut trial = Outcome::default();
            let mut trial_keys = Keys::default();
            let Some((s, sp)) = self.deref(aptr, &mut trial) else { continue };
            let fits = self.schema(s, &sp, site, Role::Main, value, instance, &mut trial, &mut trial_keys);
            let missing = match value {
                Value::Object(map) => trial_keys.required.iter().filter(|(n, _, _)| !map.contains_key(n)).count(),
                _ => 0,
            };
            let score = trial.violations.len() + missing + usize::from(!fits);
            let better = best.as_ref().is_none_or(|(b, ..)| score < *b);
            if better {
                best = Some((score, trial, trial_keys, fits, aptr.clone()));
            }
            if score == 0 {
                break;
            }
        }
        let Some((score, mut trial, trial_keys, fits, chosen)) = best else { return true };
        if score > 0 {
            for v in &mut trial.violations {
                v.message = format!("{} (no `{key}` alternative fits; closest is {chosen})", v.message);
            }
        }
        out.violations.append(&mut trial.violations);
        out.visited.append(&mut trial.visited);
        keys.merge(trial_keys);
        fits
    }

    /// `int32`, `uint32`, `int64`, `uint64`: the client reads them into Rust integers of that
    /// width, so a value outside the range does not decode.
    fn integer_format(&self, obj: &Map<String, Value>, ptr: &str, value: &Value, instance: &str, out: &mut Outcome) {
        let (Some(format), Value::Number(n)) = (obj.get("format").and_then(Value::as_str), value) else { return };
        let fits = match format {
            "int32" => n.as_i64().is_some_and(|x| i32::try_from(x).is_ok()),
            "uint32" => n.as_u64().is_some_and(|x| u32::try_from(x).is_ok()),
            "int64" => n.as_i64().is_some(),
            "uint64" => n.as_u64().is_some(),
            _ => return,
        };
        if !fits && (n.is_i64() || n.is_u64()) {
            out.violations.push(Violation {
                kind: Kind::FormatMismatch,
                instance: instance.to_owned(),
                schema: format!("{ptr}/format"),
                message: format!("{n} does not fit format `{format}`"),
                fix: Some(Fix::DropKeyword { schema: ptr.to_owned(), keyword: "format".into() }),
                observed: None,
            });
        }
    }

    /// The value keywords of one node, checked by `jsonschema`.
    fn value_keywords(&self, obj: &Map<String, Value>, ptr: &str, value: &Value, instance: &str, out: &mut Outcome) {
        let Some(validator) = self.leaf(obj, ptr) else { return };
        for error in validator.iter_errors(value) {
            use jsonschema::error::ValidationErrorKind as K;
            let (kind, keyword) = match error.kind() {
                K::Format { .. } => (Kind::FormatMismatch, "format"),
                K::Enum { .. } => (Kind::UnknownEnumValue, "enum"),
                K::Minimum { .. } | K::ExclusiveMinimum { .. } => (Kind::ConstraintViolation, "minimum"),
                K::Maximum { .. } | K::ExclusiveMaximum { .. } => (Kind::ConstraintViolation, "maximum"),
                K::MinLength { .. } => (Kind::ConstraintViolation, "minLength"),
                K::MaxLength { .. } => (Kind::ConstraintViolation, "maxLength"),
                K::Pattern { .. } => (Kind::ConstraintViolation, "pattern"),
                K::MultipleOf { .. } => (Kind::ConstraintViolation, "multipleOf"),
                K::MinItems { .. } => (Kind::ConstraintViolation, "minItems"),
                K::MaxItems { .. } => (Kind::ConstraintViolation, "maxItems"),
                K::UniqueItems => (Kind::ConstraintViolation, "uniqueItems"),
                K::MinProperties { .. } => (Kind::ConstraintViolation, "minProperties"),
                K::MaxProperties { .. } => (Kind::ConstraintViolation, "maxProperties"),
                _ => (Kind::ConstraintViolation, ""),
            };
            // A 3.0 `exclusiveMinimum: true` modifies `minimum`; a numeric one is its own keyword.
            let keyword = match (keyword, error.kind()) {
                ("minimum", K::ExclusiveMinimum { .. }) if !obj.contains_key("minimum") => "exclusiveMinimum",
                ("maximum", K::ExclusiveMaximum { .. }) if !obj.contains_key("maximum") => "exclusiveMaximum",
                (k, _) => k,
            };
            let message = match (kind, keyword) {
                (Kind::FormatMismatch, _) => {
                    let format = obj.get("format").and_then(Value::as_str).unwrap_or_default();
                    match (format, &self.datetime_format) {
                        ("date-time", Some(wire)) => format!(
                            "{} is neither an RFC 3339 date-time nor in the spec's x-datetime-format `{wire}`",
                            excerpt(value)
                        ),
                        _ => format!("{} is not a valid `{format}`", excerpt(value)),
                    }
                }
                (Kind::UnknownEnumValue, _) => format!("{} is not one of the enum values", excerpt(value)),
                _ => format!("{} violates `{keyword}`: {error}", excerpt(value)),
            };
            let fix = match kind {
                Kind::UnknownEnumValue => Some(Fix::AddEnumValue { schema: ptr.to_owned(), value: value.clone() }),
                _ if keyword.is_empty() => None,
                _ => Some(Fix::DropKeyword { schema: ptr.to_owned(), keyword: keyword.to_owned() }),
            };
            let schema = if keyword.is_empty() { ptr.to_owned() } else { format!("{ptr}/{keyword}") };
            out.violations.push(Violation {
                kind,
                instance: instance.to_owned(),
                schema,
                message: message.replace('\n', " "),
                fix,
                observed: None,
            });
        }
    }

    /// The `jsonschema` validator of a node's value keywords, built once per node.
    fn leaf(&self, obj: &Map<String, Value>, ptr: &str) -> Option<Rc<jsonschema::Validator>> {
        if let Some(cached) = self.leaves.borrow().get(ptr) {
            return cached.clone();
        }
        let mut mini = Map::new();
        for keyword in VALUE_KEYWORDS {
            let Some(v) = obj.get(keyword) else { continue };
            match (keyword, v) {
                // OpenAPI 3.0 (like JSON Schema draft 4) writes exclusivity as a flag.
                ("exclusiveMinimum" | "exclusiveMaximum", Value::Bool(flag)) => {
                    let bound = if keyword == "exclusiveMinimum" { "minimum" } else { "maximum" };
                    if let (true, Some(limit)) = (*flag, obj.get(bound)) {
                        mini.insert(keyword.to_owned(), limit.clone());
                        mini.remove(bound);
                    }
                }
                ("minimum", _) if obj.get("exclusiveMinimum") == Some(&Value::Bool(true)) => {}
                ("maximum", _) if obj.get("exclusiveMaximum") == Some(&Value::Bool(true)) => {}
                _ => {
                    mini.insert(keyword.to_owned(), v.clone());
                }
            }
        }
        let built = if mini.is_empty() {
            None
        } else {
            match self.build(&mini) {
                Ok(v) => Some(Rc::new(v)),
                Err(e) => {
                    self.notes.borrow_mut().push(format!("{ptr}: value keywords not checked: {e}"));
                    mini.remove("pattern");
                    self.build(&mini).ok().map(Rc::new)
                }
            }
        };
        self.leaves.borrow_mut().insert(ptr.to_owned(), built.clone());
        built
    }

    fn build(&self, mini: &Map<String, Value>) -> Result<jsonschema::Validator, String> {
        let wire = self.datetime_format.clone();
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .with_format("date-time", move |s: &str| is_datetime(s, wire.as_deref()))
            .build(&Value::Object(mini.clone()))
            .map_err(|e| e.to_string())
    }
}

/// RFC 3339, or the API's own wire format (a chrono format string).
pub fn is_datetime(s: &str, wire: Option<&str>) -> bool {
    chrono::DateTime::parse_from_rfc3339(s).is_ok()
        || wire.is_some_and(|w| chrono::NaiveDateTime::parse_from_str(s.trim(), w).is_ok())
}

/// The node's JSON type and the pointer to say it with: its `type` keyword, or (without one)
/// the node itself when its keywords imply a type (`properties` → object, `items` → array).
fn declared_type<'v>(obj: &'v Map<String, Value>, ptr: &str) -> Option<(&'v str, String)> {
    if let Some(ty) = obj.get("type").and_then(Value::as_str) {
        return Some((ty, format!("{ptr}/type")));
    }
    if ["properties", "additionalProperties", "required"].iter().any(|k| obj.contains_key(*k)) {
        return Some(("object", ptr.to_owned()));
    }
    if obj.contains_key("items") {
        return Some(("array", ptr.to_owned()));
    }
    None
}

/// Whether `value` has JSON type `ty`. `integer` means a whole number written without a
/// fraction: the client reads it into a Rust integer, which `5.0` does not decode into.
fn has_type(ty: &str, value: &Value) -> bool {
    match ty {
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    }
}
