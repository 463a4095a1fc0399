//! Schemas → named types and type references.
//!
//! Component schemas become named types first (so references and recursion resolve), then
//! inline schemas that need a name (objects, enums, unions) get one derived from where they
//! sit: `Parent.property`, `operationId.body`, ... The naming stage turns those wire hints
//! into Rust names.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{docs_of, get, Lowerer};
use crate::error::{pointer_segment, Error, Result};
use crate::ir::*;

impl<'a> Lowerer<'a> {
    /// Gives every component schema a type id before any is lowered.
    pub(crate) fn register_components(&mut self) {
        let Some(schemas) = self.node("#/components/schemas").and_then(Value::as_object) else {
            return;
        };
        for name in schemas.keys() {
            let id = self.push_type(name.clone(), Docs::default(), TypeKind::Alias(TypeRef::Json));
            self.components.insert(name.clone(), id);
            self.type_pointers.insert(id, format!("#/components/schemas/{}", pointer_segment(name)));
        }
    }

    /// Lowers the body of every component schema into its registered type.
    pub(crate) fn lower_components(&mut self) -> Result<()> {
        let Some(schemas) = self.node("#/components/schemas").and_then(Value::as_object) else {
            return Ok(());
        };
        for (name, schema) in schemas {
            let ptr = format!("#/components/schemas/{}", pointer_segment(name));
            let id = self.components[name];
            let docs = docs_of(schema);
            let kind = match self.named_kind(schema, &ptr, name)? {
                Some(kind) => kind,
                None => TypeKind::Alias(self.type_ref(schema, &ptr, name)?),
            };
            let t = &mut self.types[id];
            t.docs = docs;
            t.kind = kind;
            t.example = get(schema, "example").cloned();
        }
        Ok(())
    }

    pub(crate) fn push_type(&mut self, wire: String, docs: Docs, kind: TypeKind) -> TypeId {
        self.types.push(TypeDef {
            name: Name::wire(wire),
            module: String::new(),
            docs,
            kind,
            example: None,
            wire_use: WireUse::default(),
            home: Home::default(),
        });
        self.types.len() - 1
    }

    /// The kind of a schema that needs a named type (object, enum, union), or `None` for
    /// schemas that are plain type references (primitives, arrays, maps, `$ref`s).
    fn named_kind(&mut self, schema: &'a Value, ptr: &str, hint: &str) -> Result<Option<TypeKind>> {
        let is_union = ["oneOf", "anyOf"].iter().any(|k| schema.get(*k).is_some());
        if get(schema, "discriminator").is_some()
            && !is_union
            && get(schema, "$ref").is_none()
            && get(schema, "enum").is_none()
        {
            // Swagger 2.0 inheritance (and its 3.0 spelling): subtypes `allOf` the base.
            self.fallback(
                &format!("{ptr}/discriminator"),
                "discriminator without oneOf/anyOf: the schemas extending this one are separate types, and this one decodes its own fields only",
            );
        }
        match shape(schema) {
            None => Ok(None),
            Some(Shape::Enum(values)) => Ok(Some(self.enum_kind(values, schema, ptr))),
            Some(Shape::Union(key)) => self.union_kind(schema, key, ptr, hint).map(Some),
            Some(Shape::Struct) => self.struct_kind(schema, ptr, hint).map(Some),
        }
    }

    /// The type of a schema a `$ref` written at `ptr` leads to: a component's registered type,
    /// or, for a schema anywhere else in the document, one type per target (see
    /// [`Lowerer::ref_types`]).
    fn referenced_type(&mut self, reference: &str, ptr: &str, hint: &str) -> Result<TypeRef> {
        let Some((target, tptr)) = self.follow(reference) else {
            // `resolve` refuses these first; lowering must not loop on them either.
            return Err(Error::Invalid {
                location: self.at(&format!("{ptr}/$ref")),
                message: format!("reference `{reference}` cannot be followed (dangling, or a loop of references)"),
            });
        };
        if let Some(&id) = crate::reference::component(&tptr, "schemas").and_then(|n| self.components.get(&n)) {
            return Ok(TypeRef::Named(id));
        }
        if let Some(known) = self.ref_types.get(&tptr) {
            return Ok(known.clone());
        }
        if !self.ref_stack.insert(tptr.clone()) {
            self.fallback(
                ptr,
                format!("`{tptr}` contains itself only through arrays, maps or references, which a Rust type alias cannot express; this occurrence is typed as serde_json::Value"),
            );
            return Ok(TypeRef::Json);
        }
        // A definition (`$defs/Category`) is named by its key; any other node by the first
        // place that refers to it.
        let hint = match tptr.rsplit_once('/') {
            Some((parent, key)) if parent.ends_with("/$defs") || parent.ends_with("/definitions") => {
                key.replace("~1", "/").replace("~0", "~")
            }
            _ => hint.to_owned(),
        };
        let hint = hint.as_str();
        let ty = if shape(target).is_some() {
            // Registered before its kind is lowered, so the schema's references to itself find it.
            let id = self.push_type(hint.to_owned(), docs_of(target), TypeKind::Alias(TypeRef::Json));
            self.type_pointers.insert(id, tptr.clone());
            self.ref_types.insert(tptr.clone(), TypeRef::Named(id));
            if let Some(kind) = self.named_kind(target, &tptr, hint)? {
                self.types[id].kind = kind;
            }
            self.types[id].example = get(target, "example").cloned();
            TypeRef::Named(id)
        } else {
            self.type_ref(target, &tptr, hint)?
        };
        self.ref_stack.remove(&tptr);
        self.ref_types.insert(tptr, ty.clone());
        Ok(ty)
    }

    /// The type reference for a schema, creating named inline types as needed.
    pub(crate) fn type_ref(&mut self, schema: &'a Value, ptr: &str, hint: &str) -> Result<TypeRef> {
        if let Some(r) = get(schema, "$ref").and_then(Value::as_str) {
            return self.referenced_type(r, ptr, hint);
        }
        if let Some((i, member)) = sole_constraint(schema) {
            return self.type_ref(member, &format!("{ptr}/allOf/{i}"), hint);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(variants) = schema.get(key).and_then(Value::as_array) {
                let non_null: Vec<_> = variants.iter().enumerate().filter(|(_, v)| !is_null_schema(v)).collect();
                if non_null.len() == 1 && get(schema, "properties").is_none() {
                    let (i, v) = non_null[0];
                    return self.type_ref(v, &format!("{ptr}/{key}/{i}"), hint);
                }
            }
        }
        if shape(schema).is_some() {
            // One type per schema node: a node reached again while its type is being lowered
            // (an `allOf` member that includes an ancestor whose properties hold this very
            // node) refers to that type instead of expanding forever.
            if let Some(known) = self.ref_types.get(ptr) {
                return Ok(known.clone());
            }
            let id = self.push_type(hint.to_owned(), docs_of(schema), TypeKind::Alias(TypeRef::Json));
            self.type_pointers.insert(id, ptr.to_owned());
            self.ref_types.insert(ptr.to_owned(), TypeRef::Named(id));
            if let Some(kind) = self.named_kind(schema, ptr, hint)? {
                self.types[id].kind = kind;
            }
            self.types[id].example = get(schema, "example").cloned();
            return Ok(TypeRef::Named(id));
        }
        if get(schema, "not").is_some() {
            self.fallback(ptr, "`not` schema typed as serde_json::Value");
            return Ok(TypeRef::Json);
        }
        let format = get(schema, "format").and_then(Value::as_str).unwrap_or("");
        let ty = get(schema, "type").and_then(Value::as_str);
        if let Some(prefix) = get(schema, "prefixItems").and_then(Value::as_array) {
            if matches!(ty, Some("array") | None) {
                return self.tuple(schema, prefix, ptr, hint);
            }
        }
        Ok(match ty {
            Some("string") => match format {
                "date-time" => TypeRef::DateTime,
                "date" => TypeRef::Date,
                "uuid" => TypeRef::Uuid,
                "binary" => TypeRef::Binary,
                "byte" => TypeRef::Base64,
                _ => TypeRef::String,
            },
            Some("integer") => TypeRef::Int(match format {
                "int32" => IntWidth::I32,
                "uint32" => IntWidth::U32,
                "uint64" => IntWidth::U64,
                _ => IntWidth::I64,
            }),
            Some("number") => match format {
                "float" => TypeRef::F32,
                "int32" => TypeRef::Int(IntWidth::I32),
                "int64" => TypeRef::Int(IntWidth::I64),
                _ => TypeRef::F64,
            },
            Some("boolean") => TypeRef::Bool,
            Some("array") => match get(schema, "items") {
                Some(items) => {
                    TypeRef::Vec(Box::new(self.type_ref(items, &format!("{ptr}/items"), &format!("{hint}.item"))?))
                }
                None => TypeRef::Vec(Box::new(TypeRef::Json)),
            },
            Some("object") | None => match get(schema, "additionalProperties") {
                Some(Value::Bool(false)) | Some(Value::Bool(true)) | None => {
                    if ty.is_none() && get(schema, "items").is_some() {
                        let items = &schema["items"];
                        TypeRef::Vec(Box::new(self.type_ref(
                            items,
                            &format!("{ptr}/items"),
                            &format!("{hint}.item"),
                        )?))
                    } else if ty == Some("object") {
                        TypeRef::Map(Box::new(TypeRef::Json))
                    } else {
                        TypeRef::Json
                    }
                }
                Some(extra) => TypeRef::Map(Box::new(self.type_ref(
                    extra,
                    &format!("{ptr}/additionalProperties"),
                    &format!("{hint}.value"),
                )?)),
            },
            Some("null") => {
                self.fallback(ptr, "`type: null` (always null) typed as serde_json::Value");
                TypeRef::Json
            }
            Some(other) => {
                self.fallback(ptr, format!("unknown type `{other}` typed as serde_json::Value"));
                TypeRef::Json
            }
        })
    }

    /// An array with `prefixItems` (OpenAPI 3.1): a tuple when no further items are allowed
    /// (`items: false`, which the load stage turns into `maxItems`), else a `Vec`.
    fn tuple(&mut self, schema: &'a Value, prefix: &'a [Value], ptr: &str, hint: &str) -> Result<TypeRef> {
        let n = prefix.len();
        let closed = get(schema, "maxItems").and_then(Value::as_u64) == Some(n as u64);
        // Rust's tuples implement the std and serde traits up to 12 elements.
        if closed && (1..=12).contains(&n) {
            let mut elements = Vec::with_capacity(n);
            for (i, element) in prefix.iter().enumerate() {
                elements.push(self.type_ref(element, &format!("{ptr}/prefixItems/{i}"), &format!("{hint}.item{i}"))?);
            }
            if get(schema, "minItems").and_then(Value::as_u64) != Some(n as u64) {
                let what =
                    format!("prefixItems without `minItems: {n}`: a tuple of {n}, so a shorter array fails to decode");
                self.fallback(ptr, what);
            }
            return Ok(TypeRef::Tuple(elements));
        }
        // Not a tuple: a `Vec`, exact when every element has the schema of the further items.
        let items = get(schema, "items").unwrap_or(&Value::Null);
        if prefix.iter().all(|p| p == items || (items.is_null() && p.as_object().is_some_and(|o| o.is_empty()))) {
            return match get(schema, "items") {
                Some(items) => Ok(TypeRef::Vec(Box::new(self.type_ref(
                    items,
                    &format!("{ptr}/items"),
                    &format!("{hint}.item"),
                )?))),
                None => Ok(TypeRef::Vec(Box::new(TypeRef::Json))),
            };
        }
        let why =
            if closed { format!("a tuple of {n} elements") } else { "an open tuple (no `items: false`)".to_owned() };
        self.fallback(ptr, format!("prefixItems: {why} typed as Vec<serde_json::Value>"));
        Ok(TypeRef::Vec(Box::new(TypeRef::Json)))
    }

    fn enum_kind(&mut self, values: &[Value], schema: &Value, ptr: &str) -> TypeKind {
        let integer = get(schema, "type").and_then(Value::as_str) == Some("integer")
            || values.iter().all(|v| v.is_i64() || v.is_u64() || v.is_null());
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        for v in values {
            let wire = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) if integer => n.to_string(),
                Value::Null => continue,
                other => {
                    self.fallback(ptr, format!("enum value {other} of a mixed-type enum kept as its JSON text"));
                    other.to_string()
                }
            };
            if seen.insert(wire.clone()) {
                variants.push(Name::wire(wire));
            }
        }
        if !integer && values.iter().any(|v| !v.is_string() && !v.is_null()) {
            // Mixed enums (numbers and strings) cannot be a string enum; keep them open.
            return TypeKind::Alias(TypeRef::Json);
        }
        TypeKind::Enum(Enum { integer, variants })
    }

    fn union_kind(&mut self, schema: &'a Value, key: &str, ptr: &str, hint: &str) -> Result<TypeKind> {
        let variants_json = schema[key].as_array().map(Vec::as_slice).unwrap_or_default();
        let discriminator = schema.pointer("/discriminator/propertyName").and_then(Value::as_str).map(str::to_owned);
        // Mapping values are references or bare component names; both are keyed by pointer.
        let mapping: BTreeMap<String, String> = schema
            .pointer("/discriminator/mapping")
            .and_then(Value::as_object)
            .map(|m| m.iter().filter_map(|(k, v)| Some((mapping_pointer(v.as_str()?)?, k.clone()))).collect())
            .unwrap_or_default();
        let mut variants = Vec::new();
        for (i, v) in variants_json.iter().enumerate() {
            if is_null_schema(v) {
                continue;
            }
            let vptr = format!("{ptr}/{key}/{i}");
            let ty = self.type_ref(v, &vptr, &format!("{hint}.variant{i}"))?;
            // The tag: the mapping's, else the value the variant fixes for the property (3.1's
            // `const`), else the schema name (OpenAPI's implicit mapping).
            let reference = get(v, "$ref").and_then(Value::as_str);
            let target = reference.and_then(|r| crate::reference::pointer(r).ok());
            let mapped = target.as_ref().and_then(|p| mapping.get(p).cloned());
            let fixed = || discriminator.as_deref().and_then(|p| self.fixed_tag(v, p, 0));
            let wire = match mapped {
                Some(tag) => tag,
                None => fixed().unwrap_or_else(|| match &target {
                    Some(p) => crate::reference::component(p, "schemas").unwrap_or_else(|| format!("variant{i}")),
                    None if reference.is_some() => format!("variant{i}"),
                    None => variant_hint(&ty, i),
                }),
            };
            variants.push(UnionVariant { name: Name::wire(wire), ty, boxed: false });
        }
        // Whether every variant is an object that can carry the tag is known once every
        // component is lowered: `settle::untag_unions` decides.
        Ok(TypeKind::Union(Union { variants, discriminator }))
    }

    /// The value a union variant fixes for the discriminator `property` (a `const`, which the
    /// load stage made a one-value `enum`), looking through `$ref`s and `allOf` members.
    fn fixed_tag(&self, variant: &'a Value, property: &str, depth: usize) -> Option<String> {
        if depth > 8 {
            return None;
        }
        let (variant, _) = self.deref(variant, "#");
        if let Some(prop) = get(variant, "properties").and_then(|p| p.get(property)) {
            let (prop, _) = self.deref(prop, "#");
            if let Some([Value::String(tag)]) = get(prop, "enum").and_then(Value::as_array).map(Vec::as_slice) {
                return Some(tag.clone());
            }
        }
        get(variant, "allOf")?.as_array()?.iter().find_map(|member| self.fixed_tag(member, property, depth + 1))
    }

    /// An object schema, with `allOf` members merged into one field list.
    fn struct_kind(&mut self, schema: &'a Value, ptr: &str, hint: &str) -> Result<TypeKind> {
        let mut acc = Members { fields: Vec::new(), additional: None, visiting: BTreeSet::new() };
        self.collect_fields(schema, ptr, hint, &mut acc, 0)?;
        Ok(TypeKind::Struct(Struct { fields: acc.fields, additional: acc.additional }))
    }

    fn collect_fields(
        &mut self,
        schema: &'a Value,
        ptr: &str,
        hint: &str,
        acc: &mut Members,
        depth: usize,
    ) -> Result<()> {
        if depth > 32 {
            return Err(self.unsupported(ptr, "allOf nested more than 32 levels deep"));
        }
        // `visiting` holds the references on the current path only, so a schema reached
        // twice through different members (a diamond) is fine and only a true loop is refused.
        let entered = get(schema, "$ref").and_then(Value::as_str);
        let (schema, ptr, entered) = match entered {
            Some(r) => {
                let (target, tptr) = self.deref(schema, ptr);
                if !acc.visiting.insert(tptr.clone()) {
                    return Err(self.unsupported(ptr, format!("allOf includes itself through `{r}`")));
                }
                (target, tptr.clone(), Some(tptr))
            }
            None => (schema, ptr.to_owned(), None),
        };
        let result = self.collect_members(schema, &ptr, hint, acc, depth);
        if let Some(r) = entered {
            acc.visiting.remove(&r);
        }
        result
    }

    fn collect_members(
        &mut self,
        schema: &'a Value,
        ptr: &str,
        hint: &str,
        acc: &mut Members,
        depth: usize,
    ) -> Result<()> {
        if let Some(all) = get(schema, "allOf").and_then(Value::as_array) {
            for (i, member) in all.iter().enumerate() {
                self.collect_fields(member, &format!("{ptr}/allOf/{i}"), hint, acc, depth + 1)?;
            }
        }
        for key in ["oneOf", "anyOf"] {
            if schema.get(key).is_some() && get(schema, "properties").is_none() && depth > 0 {
                self.fallback(ptr, format!("{key} inside allOf: its fields are kept in a flattened JSON map"));
                acc.additional = Some(TypeRef::Json);
            }
        }
        let required: BTreeSet<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(props) = get(schema, "properties").and_then(Value::as_object) {
            for (name, prop) in props {
                let pptr = format!("{ptr}/properties/{}", pointer_segment(name));
                let ty = self.type_ref(prop, &pptr, &format!("{hint}.{name}"))?;
                let (target, _) = self.deref(prop, &pptr);
                let nullable = is_nullable(prop) || is_nullable(target);
                let mut docs = docs_of(prop);
                if docs.description.is_none() {
                    docs.description = allof_description(prop);
                }
                let read_only = get(prop, "readOnly").and_then(Value::as_bool).unwrap_or(false);
                let write_only = get(prop, "writeOnly").and_then(Value::as_bool).unwrap_or(false);
                let field = Field {
                    name: Name::wire(name.clone()),
                    ty,
                    required: required.contains(name.as_str()),
                    nullable,
                    docs,
                    boxed: false,
                    default: get(prop, "default").cloned(),
                    read_only,
                    write_only,
                };
                // Later allOf members refine earlier ones: replace, keeping the first position.
                if let Some(existing) = acc.fields.iter_mut().find(|f| f.name.wire == *name) {
                    let was_required = existing.required;
                    *existing = field;
                    existing.required |= was_required;
                } else {
                    acc.fields.push(field);
                }
            }
        }
        // `required` may name properties declared by another allOf member.
        for f in acc.fields.iter_mut() {
            if required.contains(f.name.wire.as_str()) {
                f.required = true;
            }
        }
        match get(schema, "additionalProperties") {
            Some(Value::Bool(_)) | None => {}
            Some(extra) => {
                acc.additional =
                    Some(self.type_ref(extra, &format!("{ptr}/additionalProperties"), &format!("{hint}.value"))?);
            }
        }
        Ok(())
    }
}

/// What merging an object's `allOf` members accumulates.
struct Members {
    fields: Vec<Field>,
    additional: Option<TypeRef>,
    /// References on the current `allOf` path, to refuse true loops.
    visiting: BTreeSet<String>,
}

/// What named type a schema needs, decided from its keywords alone.
enum Shape<'v> {
    /// `enum`, with its values.
    Enum(&'v [Value]),
    /// `oneOf` / `anyOf` (the key) with more than one non-null alternative, or with properties.
    Union(&'static str),
    /// An object with properties, or an `allOf` of several members or with properties.
    Struct,
}

/// The named type `schema` needs, or `None` for a plain type reference (primitives, arrays,
/// maps, `$ref`s, single-member `allOf`/`oneOf`/`anyOf`).
fn shape(schema: &Value) -> Option<Shape<'_>> {
    if get(schema, "$ref").is_some() {
        return None;
    }
    if let Some(values) = get(schema, "enum").and_then(Value::as_array) {
        return Some(Shape::Enum(values));
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(variants) = schema.get(key).and_then(Value::as_array) {
            let non_null = variants.iter().filter(|v| !is_null_schema(v)).count();
            if non_null == 1 && get(schema, "properties").is_none() {
                return None;
            }
            return Some(Shape::Union(key));
        }
    }
    if get(schema, "allOf").is_some() {
        if sole_constraint(schema).is_some() {
            return None;
        }
        return Some(Shape::Struct);
    }
    let is_object = get(schema, "type").and_then(Value::as_str) == Some("object") || get(schema, "type").is_none();
    (is_object && get(schema, "properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty()))
        .then_some(Shape::Struct)
}

/// The pointer a discriminator mapping value designates: a reference, or a component name.
fn mapping_pointer(value: &str) -> Option<String> {
    if value.starts_with('#') || value.contains(['/', '#']) {
        crate::reference::pointer(value).ok()
    } else {
        Some(format!("#/components/schemas/{}", pointer_segment(value)))
    }
}

fn variant_hint(ty: &TypeRef, i: usize) -> String {
    match ty {
        TypeRef::String => "string".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::Int(_) => "integer".into(),
        TypeRef::F32 | TypeRef::F64 => "number".into(),
        TypeRef::Vec(_) => "array".into(),
        TypeRef::Map(_) => "map".into(),
        _ => format!("variant{i}"),
    }
}

/// Keywords that describe a schema without constraining its values.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "summary",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "nullable",
    "externalDocs",
    "xml",
    "$comment",
];

/// An `allOf` member that only annotates (`{description: ...}`, `{nullable: true}`, extensions).
fn annotation_only(member: &Value) -> bool {
    member.as_object().is_some_and(|m| m.keys().all(|k| ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-")))
}

/// The member of an `allOf` that decides the type when every other member only annotates it
/// (`allOf: [{$ref: X}, {description: ...}]`, a common way to document a reference), with its
/// index; `None` when the schema declares properties of its own, or several members constrain.
fn sole_constraint(schema: &Value) -> Option<(usize, &Value)> {
    if get(schema, "properties").is_some() {
        return None;
    }
    let all = get(schema, "allOf")?.as_array()?;
    if let [only] = all.as_slice() {
        return Some((0, only));
    }
    let mut constraining = all.iter().enumerate().filter(|(_, m)| !annotation_only(m));
    let first = constraining.next()?;
    constraining.next().is_none().then_some(first)
}

/// The description an annotation-only `allOf` member gives a schema that has none itself.
pub(crate) fn allof_description(v: &Value) -> Option<String> {
    get(v, "allOf")?
        .as_array()?
        .iter()
        .filter(|m| annotation_only(m))
        .find_map(|m| get(m, "description").and_then(Value::as_str).map(str::to_owned))
}

/// `nullable: true` on the node, or on an `allOf` member that only annotates it.
pub(crate) fn is_nullable(v: &Value) -> bool {
    let says = |v: &Value| get(v, "nullable").and_then(Value::as_bool).unwrap_or(false);
    says(v)
        || get(v, "allOf")
            .and_then(Value::as_array)
            .is_some_and(|all| all.iter().any(|m| annotation_only(m) && says(m)))
}

/// A schema that only admits `null` (`{type: "null"}` or `{nullable: true, enum: [null]}`).
fn is_null_schema(v: &Value) -> bool {
    get(v, "type").and_then(Value::as_str) == Some("null")
        || get(v, "enum").and_then(Value::as_array).is_some_and(|e| e.len() == 1 && e[0].is_null())
}
