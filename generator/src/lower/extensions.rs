//! The `x-` extensions the generator honours, for any API (documented in spec/README.md):
//! `x-pagination` (operation), `x-query` (schema), `x-query-role`, `x-filter`, `x-sort`
//! (parameter), `x-rate-limit` and `x-datetime-format` (root), `x-provenance` (anywhere).

use std::collections::BTreeMap;

use serde_json::Value;

use super::{get, Lowerer};
use crate::error::{Error, Result};
use crate::ir::*;

impl<'a> Lowerer<'a> {
    /// Reads `x-pagination` and the typed-query vocabulary of an operation.
    pub(crate) fn attach_extensions(&mut self, op: &mut Operation, raw: &Value, ptr: &str) -> Result<()> {
        let success_ty = op.success.iter().find_map(|s| s.ty.clone());
        let mut item = success_ty.clone();
        if let Some(p) = get(raw, "x-pagination") {
            let pptr = format!("{ptr}/x-pagination");
            let style = get(p, "style").and_then(Value::as_str).unwrap_or("offset");
            if style != "offset" {
                return Err(self.unsupported(
                    &format!("{pptr}/style"),
                    format!("pagination style `{style}` (only `offset` is supported)"),
                ));
            }
            let items = get(p, "items").and_then(Value::as_str).unwrap_or("/data");
            let total = get(p, "total").and_then(Value::as_str);
            let single = |s: &str| s.strip_prefix('/').filter(|k| !k.is_empty() && !k.contains('/')).map(str::to_owned);
            let limit_param = get(p, "limit-param").and_then(Value::as_str).unwrap_or("limit").to_owned();
            let offset_param = get(p, "offset-param").and_then(Value::as_str).unwrap_or("offset").to_owned();
            let has = |name: &str| op.params.iter().any(|x| x.location == ParamLocation::Query && x.name.wire == name);
            let total_key = match total {
                None => Some(None),
                Some(t) => single(t).map(Some),
            };
            match (single(items), total_key) {
                (Some(items_key), Some(total_key)) if has(&limit_param) && has(&offset_param) => {
                    match self.page_item(success_ty.as_ref(), &items_key) {
                        Some(item_ty) => {
                            let layout = self.layout(items_key, total_key);
                            item = Some(item_ty.clone());
                            op.pagination = Some(Pagination { layout, item: item_ty, limit_param, offset_param });
                        }
                        None => self.fallback(&pptr, format!("the success response has no array `{items}`; pagination disabled")),
                    }
                }
                _ => self.fallback(&pptr, "items and total must be top-level keys and the limit/offset parameters must exist; pagination disabled"),
            }
        }
        if op.params.iter().any(|p| {
            p.role.is_some_and(|r| {
                matches!(
                    r,
                    QueryRole::With | QueryRole::Show | QueryRole::Count | QueryRole::OrderBy | QueryRole::Filter
                )
            })
        }) {
            if let Some(TypeRef::Named(id)) = item {
                op.query_vocabulary = self.vocabulary(id)?;
            }
        }
        Ok(())
    }

    fn page_item(&self, ty: Option<&TypeRef>, key: &str) -> Option<TypeRef> {
        let TypeRef::Named(id) = ty? else { return None };
        let TypeKind::Struct(s) = &self.types[*id].kind else {
            return None;
        };
        let field = s.fields.iter().find(|f| f.name.wire == key)?;
        match &field.ty {
            TypeRef::Vec(inner) => Some((**inner).clone()),
            _ => None,
        }
    }

    fn layout(&mut self, items_key: String, total_key: Option<String>) -> usize {
        let layout = PageLayout {
            name: Name::wire(format!("page.{items_key}.{}", total_key.as_deref().unwrap_or("none"))),
            items_key,
            total_key,
        };
        match self.page_layouts.iter().position(|l| *l == layout) {
            Some(i) => i,
            None => {
                self.page_layouts.push(layout);
                self.page_layouts.len() - 1
            }
        }
    }

    /// The vocabulary declared by `x-query` on the component schema of type `id`.
    fn vocabulary(&mut self, id: TypeId) -> Result<Option<usize>> {
        if let Some(i) = self.vocabularies.iter().position(|v| v.full_type == id) {
            return Ok(Some(i));
        }
        let Some(name) = self.components.iter().find(|(_, &v)| v == id).map(|(k, _)| k.clone()) else {
            return Ok(None);
        };
        let ptr = format!("#/components/schemas/{}", crate::error::pointer_segment(&name));
        let Some(q) = self.node(&ptr).and_then(|s| get(s, "x-query")) else {
            return Ok(None);
        };
        let list = |k: &str| -> Vec<Name> {
            q.get(k).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(Name::wire).collect()
        };
        let resource = get(q, "resource").and_then(Value::as_str).map(str::to_owned).unwrap_or(name);
        let mut memo = std::mem::take(&mut self.partials);
        let partial_type = self.partial(id, &mut memo);
        self.partials = memo;
        self.vocabularies.push(QueryVocabulary {
            resource: Name::wire(resource),
            full_type: id,
            partial_type,
            fields: list("fields"),
            relations: list("relations"),
            countable: list("countable"),
            enum_names: Default::default(),
        });
        Ok(Some(self.vocabularies.len() - 1))
    }

    /// The partial view of a struct: every field optional, nested structs partial too, so a
    /// response trimmed by `show` always decodes.
    fn partial(&mut self, id: TypeId, memo: &mut BTreeMap<TypeId, TypeId>) -> TypeId {
        if let Some(&p) = memo.get(&id) {
            return p;
        }
        let TypeKind::Struct(s) = self.types[id].kind.clone() else {
            return id;
        };
        let wire = format!("{}.partial", self.types[id].name.wire);
        let mut docs = self.types[id].docs.clone();
        docs.summary = Some(format!(
            "Partial `{}`: every field optional, as returned when a request limits the fields.",
            self.types[id].name.wire
        ));
        let pid = self.push_type(wire, docs, TypeKind::Alias(TypeRef::Json));
        memo.insert(id, pid);
        let mut fields = Vec::new();
        for f in s.fields {
            let ty = self.partial_ref(&f.ty, memo);
            // Absent and null both decode to `None`: a partial record only reads.
            fields.push(Field { ty, required: false, nullable: false, ..f });
        }
        self.types[pid].kind = TypeKind::Struct(Struct { fields, additional: s.additional });
        pid
    }

    fn partial_ref(&mut self, ty: &TypeRef, memo: &mut BTreeMap<TypeId, TypeId>) -> TypeRef {
        match ty {
            TypeRef::Named(id) => match &self.types[*id].kind {
                TypeKind::Struct(_) => TypeRef::Named(self.partial(*id, memo)),
                _ => ty.clone(),
            },
            TypeRef::Vec(inner) => TypeRef::Vec(Box::new(self.partial_ref(inner, memo))),
            TypeRef::Map(inner) => TypeRef::Map(Box::new(self.partial_ref(inner, memo))),
            TypeRef::Tuple(elements) => TypeRef::Tuple(elements.iter().map(|e| self.partial_ref(e, memo)).collect()),
            other => other.clone(),
        }
    }

    pub(crate) fn read_filter_syntax(&mut self, v: &Value, ptr: &str) -> Result<()> {
        let s = |k: &str, d: &str| v.get(k).and_then(Value::as_str).unwrap_or(d).to_owned();
        let syntax = FilterSyntax {
            condition: s("condition", "{field}:{operator}:{value}"),
            and: s("and", ","),
            or: s("or", "|"),
            group_open: s("group-open", "("),
            group_close: s("group-close", ")"),
            list_separator: s("list-separator", ","),
            escape: s("escape", "\\"),
            operators: v
                .get("operators")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(Name::wire)
                .collect(),
            list_operators: v
                .get("list-operators")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        };
        for placeholder in ["{field}", "{operator}", "{value}"] {
            if !syntax.condition.contains(placeholder) {
                return Err(
                    self.unsupported(&format!("{ptr}/condition"), format!("x-filter condition lacks `{placeholder}`"))
                );
            }
        }
        match &self.filter_syntax {
            Some(existing) if *existing != syntax => {
                Err(self.unsupported(ptr, "two different x-filter syntaxes in one API"))
            }
            _ => {
                self.filter_syntax = Some(syntax);
                Ok(())
            }
        }
    }

    pub(crate) fn read_sort_syntax(&mut self, v: &Value, ptr: &str) -> Result<()> {
        let s = |k: &str, d: &str| v.get(k).and_then(Value::as_str).unwrap_or(d).to_owned();
        let syntax =
            SortSyntax { format: s("format", "{field}:{direction}"), asc: s("asc", "asc"), desc: s("desc", "desc") };
        match &self.sort_syntax {
            Some(existing) if *existing != syntax => {
                Err(self.unsupported(ptr, "two different x-sort syntaxes in one API"))
            }
            _ => {
                self.sort_syntax = Some(syntax);
                Ok(())
            }
        }
    }

    /// `x-rate-limit` at the root, with the common `X-RateLimit-*` defaults.
    pub(crate) fn rate_limit(&self) -> RateLimitConfig {
        let v = self.node("#/x-rate-limit");
        let s = |k: &str, d: &str| v.and_then(|v| v.get(k)).and_then(Value::as_str).unwrap_or(d).to_owned();
        let n = |k: &str, d: u32| v.and_then(|v| v.get(k)).and_then(Value::as_u64).map(|x| x as u32).unwrap_or(d);
        RateLimitConfig {
            limit_header: s("limit-header", "x-ratelimit-limit").to_ascii_lowercase(),
            remaining_header: s("remaining-header", "x-ratelimit-remaining").to_ascii_lowercase(),
            requests: n("requests", 60),
            window_seconds: n("window-seconds", 60),
        }
    }

    /// `x-rust-crate` at the root: package metadata of the generated crate. Refuses a `name`
    /// that is not a string or not a valid package name.
    pub(crate) fn crate_meta(&self) -> Result<CrateMeta> {
        let v = self.node("#/x-rust-crate");
        let name = match v.and_then(|v| get(v, "name")) {
            None => None,
            Some(Value::String(name)) => {
                crate::naming::check_crate_name(name).map_err(|why| Error::Invalid {
                    location: self.at("#/x-rust-crate/name"),
                    message: format!("`{name}` is not a valid crate name: {why}"),
                })?;
                Some(name.clone())
            }
            Some(other) => {
                return Err(Error::Invalid {
                    location: self.at("#/x-rust-crate/name"),
                    message: format!("the crate name must be a string, found `{other}`"),
                })
            }
        };
        let s = |k: &str| v.and_then(|v| v.get(k)).and_then(Value::as_str).map(str::to_owned);
        let list = |k: &str| -> Vec<String> {
            v.and_then(|v| v.get(k))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        };
        Ok(CrateMeta {
            name,
            version: s("version"),
            license: s("license"),
            repository: s("repository"),
            homepage: s("homepage"),
            keywords: list("keywords"),
            categories: list("categories"),
        })
    }
}
