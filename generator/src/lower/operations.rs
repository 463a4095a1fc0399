//! Paths → tags and operations: parameters, bodies, responses, servers.

use serde_json::Value;

use super::{docs_of, docs_through_ref, get, Lowerer};
use crate::error::{pointer_segment, Result};
use crate::ir::*;

impl<'a> Lowerer<'a> {
    /// Lowers every operation, grouped by its first tag (untagged ones go to `default`).
    pub(crate) fn lower_operations(&mut self) -> Result<Vec<Tag>> {
        let root_servers = self.node("#/servers").cloned().unwrap_or(Value::Null);
        self.servers.push(server_url(&root_servers).unwrap_or_else(|| "/".to_owned()));
        let mut tags: Vec<Tag> = Vec::new();
        if let Some(declared) = self.node("#/tags").and_then(Value::as_array) {
            for t in declared {
                if let Some(name) = get(t, "name").and_then(Value::as_str) {
                    if !tags.iter().any(|x| x.name.wire == name) {
                        let mut tag_name = Name::wire(name);
                        if let Some(rust) = get(t, "x-rust-name").and_then(Value::as_str) {
                            tag_name.rust = rust.to_owned();
                        }
                        tags.push(Tag {
                            name: tag_name,
                            api_type: String::new(),
                            docs: docs_of(t),
                            operations: Vec::new(),
                            mock_accessor: String::new(),
                            mock_type: String::new(),
                        });
                    }
                }
            }
        }
        let Some(paths) = self.node("#/paths").and_then(Value::as_object) else {
            return Ok(tags);
        };
        for (path, item) in paths {
            let item_ptr = format!("#/paths/{}", pointer_segment(path));
            let (item, item_ptr) = self.deref(item, &item_ptr);
            let path_server = self.server_index(get(item, "servers"));
            for method in Method::ALL {
                let key = method.key();
                let Some(op) = item.get(key) else { continue };
                let op_ptr = format!("{item_ptr}/{key}");
                let server = self.server_index(get(op, "servers")).or(path_server).unwrap_or(0);
                let operation = self.operation(path, method, item, op, &item_ptr, &op_ptr, server)?;
                let tag_name = op
                    .get("tags")
                    .and_then(Value::as_array)
                    .and_then(|t| t.first())
                    .and_then(Value::as_str)
                    .unwrap_or("default");
                match tags.iter_mut().find(|t| t.name.wire == tag_name) {
                    Some(t) => t.operations.push(operation),
                    None => tags.push(Tag {
                        name: Name::wire(tag_name),
                        api_type: String::new(),
                        docs: Docs::default(),
                        operations: vec![operation],
                        mock_accessor: String::new(),
                        mock_type: String::new(),
                    }),
                }
            }
        }
        tags.retain(|t| !t.operations.is_empty());
        Ok(tags)
    }

    fn server_index(&mut self, servers: Option<&Value>) -> Option<usize> {
        let url = server_url(servers?)?;
        Some(match self.servers.iter().position(|s| *s == url) {
            Some(i) => i,
            None => {
                self.servers.push(url);
                self.servers.len() - 1
            }
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        path: &str,
        method: Method,
        item: &'a Value,
        op: &'a Value,
        item_ptr: &str,
        op_ptr: &str,
        server: usize,
    ) -> Result<Operation> {
        let op_name = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{} {}", method.as_str().to_lowercase(), path));
        let mut params = Vec::new();
        let mut seen = Vec::new();
        // Operation parameters override path-item parameters with the same name and location.
        for (list, ptr) in [
            (get(op, "parameters"), format!("{op_ptr}/parameters")),
            (get(item, "parameters"), format!("{item_ptr}/parameters")),
        ] {
            let Some(list) = list.and_then(Value::as_array) else {
                continue;
            };
            for (i, reference) in list.iter().enumerate() {
                let pptr = format!("{ptr}/{i}");
                let (p, pptr) = self.deref(reference, &pptr);
                let name = get(p, "name").and_then(Value::as_str).unwrap_or_default().to_owned();
                let loc = get(p, "in").and_then(Value::as_str).unwrap_or_default().to_owned();
                if seen.contains(&(name.clone(), loc.clone())) {
                    continue;
                }
                seen.push((name.clone(), loc.clone()));
                if let Some(mut param) = self.param(p, &pptr, &op_name, &name, &loc)? {
                    param.docs = docs_through_ref(reference, p);
                    params.push(param);
                }
            }
        }
        let template: Vec<&str> =
            path.split('{').skip(1).map(|segment| segment.split('}').next().unwrap_or_default()).collect();
        // A declared path parameter the template spells in another case (`userid` for
        // `{userId}`) is the template's; one the template does not name at all would be an
        // argument the request never uses, so it is left out.
        for name in &template {
            let declared = |p: &Param| p.location == ParamLocation::Path && p.name.wire == *name;
            if params.iter().any(declared) {
                continue;
            }
            let alike = params.iter_mut().find(|p| {
                p.location == ParamLocation::Path
                    && p.name.wire.eq_ignore_ascii_case(name)
                    && !template.contains(&p.name.wire.as_str())
            });
            if let Some(p) = alike {
                let what = format!("path parameter `{}` is `{{{name}}}` of the path, in another case", p.name.wire);
                p.name.wire = (*name).to_owned();
                self.fallback(op_ptr, what);
            }
        }
        params.retain(|p| {
            let used = p.location != ParamLocation::Path || template.contains(&p.name.wire.as_str());
            if !used {
                self.fallback(op_ptr, format!("path parameter `{}` is not in the path; left out", p.name.wire));
            }
            used
        });
        // Every `{name}` of the template must have a path parameter.
        for name in template {
            if !params.iter().any(|p| p.location == ParamLocation::Path && p.name.wire == name) {
                params.push(Param {
                    name: Name::wire(name),
                    location: ParamLocation::Path,
                    ty: TypeRef::String,
                    required: true,
                    explode: false,
                    delimiter: Delimiter::Comma,
                    docs: Docs {
                        description: Some("Path parameter not declared in the spec.".into()),
                        ..Docs::default()
                    },
                    role: None,
                    raw_setter: String::new(),
                    mock_matcher: String::new(),
                    mock_contains: String::new(),
                });
                self.fallback(op_ptr, format!("path parameter `{name}` is not declared; typed as a string"));
            }
        }
        let order = |l: ParamLocation| match l {
            ParamLocation::Path => 0,
            ParamLocation::Query => 1,
            ParamLocation::Header => 2,
            ParamLocation::Cookie => 3,
        };
        params.sort_by_key(|p| order(p.location));
        let body = match get(op, "requestBody") {
            Some(b) => self.body(b, &format!("{op_ptr}/requestBody"), &op_name)?,
            None => None,
        };
        let (success, errors) = self.responses(op, op_ptr, &op_name)?;
        if let Some(callbacks) = op.get("callbacks").and_then(Value::as_object).filter(|c| !c.is_empty()) {
            let names: Vec<&str> = callbacks.keys().map(String::as_str).collect();
            self.fallback(
                &format!("{op_ptr}/callbacks"),
                format!(
                    "callbacks are not generated: the requests this API sends to your server (`{}`) have no types",
                    names.join("`, `")
                ),
            );
        }
        let mut name = Name::wire(op_name);
        if let Some(rust) = get(op, "x-rust-name").and_then(Value::as_str) {
            name.rust = rust.to_owned();
        }
        let mut operation = Operation {
            name,
            builder: Name::wire(String::new()),
            response_enum: Name::wire(String::new()),
            method,
            path: path.to_owned(),
            server,
            docs: docs_of(op),
            params,
            body,
            success,
            errors,
            pagination: None,
            query_vocabulary: None,
            scopes: scopes_of(op),
            mock_marker: String::new(),
        };
        self.attach_extensions(&mut operation, op, op_ptr)?;
        Ok(operation)
    }

    fn param(&mut self, p: &'a Value, ptr: &str, op: &str, name: &str, loc: &str) -> Result<Option<Param>> {
        let location = match loc {
            "path" => ParamLocation::Path,
            "query" => ParamLocation::Query,
            "header" => ParamLocation::Header,
            "cookie" => ParamLocation::Cookie,
            other => return Err(self.unsupported(&format!("{ptr}/in"), format!("parameter location `{other}`"))),
        };
        if location == ParamLocation::Header
            && ["accept", "content-type", "authorization"].contains(&name.to_ascii_lowercase().as_str())
        {
            // Set by the client itself (OpenAPI says these are ignored when declared).
            return Ok(None);
        }
        // A shared parameter (`#/components/parameters/X`) names its inline types after X, so
        // every operation using it shares one type.
        let hint = match crate::reference::component(ptr, "parameters") {
            Some(component) => component,
            None => format!("{op}.{name}"),
        };
        let ty = match (get(p, "schema"), get(p, "content").and_then(Value::as_object)) {
            (Some(schema), _) => self.type_ref(schema, &format!("{ptr}/schema"), &hint)?,
            (None, Some(content)) => match content.iter().next() {
                Some((mt, media)) => match get(media, "schema") {
                    Some(schema) => {
                        self.fallback(ptr, format!("parameter `{name}` with content `{mt}` is sent as JSON text"));
                        let _ =
                            self.type_ref(schema, &format!("{ptr}/content/{}/schema", pointer_segment(mt)), &hint)?;
                        TypeRef::Json
                    }
                    None => TypeRef::String,
                },
                None => TypeRef::String,
            },
            (None, None) => TypeRef::String,
        };
        let style = get(p, "style").and_then(Value::as_str).unwrap_or(
            if location == ParamLocation::Query || location == ParamLocation::Cookie { "form" } else { "simple" },
        );
        // Swagger 2.0's `collectionFormat` where 3.0 has no style for it (tsv; ssv and pipes in
        // paths and headers) arrives as `x-collectionFormat`, and wins over the style.
        let (explode, delimiter) = match get(p, "x-collectionFormat") {
            Some(format) => self.collection_format(format, &format!("{ptr}/x-collectionFormat")),
            None => {
                if !matches!(style, "form" | "simple" | "spaceDelimited" | "pipeDelimited") {
                    self.fallback(ptr, format!("parameter style `{style}` is sent as style form"));
                }
                (get(p, "explode").and_then(Value::as_bool).unwrap_or(style == "form"), style_delimiter(style))
            }
        };
        let role = match get(p, "x-query-role").and_then(Value::as_str) {
            None => None,
            Some("with") => Some(QueryRole::With),
            Some("show") => Some(QueryRole::Show),
            Some("count") => Some(QueryRole::Count),
            Some("order-by") => Some(QueryRole::OrderBy),
            Some("filter") => Some(QueryRole::Filter),
            Some("limit") => Some(QueryRole::Limit),
            Some("offset") => Some(QueryRole::Offset),
            Some(other) => {
                return Err(self.unsupported(
                    &format!("{ptr}/x-query-role"),
                    format!("x-query-role `{other}` (expected with, show, count, order-by, filter, limit or offset)"),
                ))
            }
        };
        if let Some(filter) = get(p, "x-filter") {
            self.read_filter_syntax(filter, &format!("{ptr}/x-filter"))?;
        }
        if let Some(sort) = get(p, "x-sort") {
            self.read_sort_syntax(sort, &format!("{ptr}/x-sort"))?;
        }
        Ok(Some(Param {
            name: Name::wire(name),
            location,
            ty,
            required: location == ParamLocation::Path || get(p, "required").and_then(Value::as_bool).unwrap_or(false),
            explode,
            delimiter,
            docs: docs_of(p),
            role,
            raw_setter: String::new(),
            mock_matcher: String::new(),
            mock_contains: String::new(),
        }))
    }

    /// The request body of an operation (or webhook) named `op`, which names inline types.
    pub(crate) fn body(&mut self, reference: &'a Value, ptr: &str, op: &str) -> Result<Option<Body>> {
        let (b, ptr) = self.deref(reference, ptr);
        let Some(content) = get(b, "content").and_then(Value::as_object) else {
            return Ok(None);
        };
        let pick = |pred: &dyn Fn(&str) -> bool| content.iter().find(|(mt, _)| pred(&mt.to_ascii_lowercase()));
        let chosen = pick(&|m| m == "application/json" || m.starts_with("application/json;"))
            .map(|c| (c, BodyEncoding::Json))
            .or_else(|| pick(&|m| m.ends_with("+json") || m.contains("json")).map(|c| (c, BodyEncoding::Json)))
            .or_else(|| pick(&|m| m.starts_with("application/x-www-form-urlencoded")).map(|c| (c, BodyEncoding::Form)))
            .or_else(|| pick(&|m| m.starts_with("multipart/")).map(|c| (c, BodyEncoding::Multipart)))
            .or_else(|| content.iter().next().map(|c| (c, BodyEncoding::Bytes)));
        let Some(((media_type, media), encoding)) = chosen else {
            return Ok(None);
        };
        let hint = format!("{op}.body");
        let sptr = format!("{ptr}/content/{}/schema", pointer_segment(media_type));
        let ty = match (encoding, get(media, "schema")) {
            (BodyEncoding::Bytes, _) => TypeRef::Binary,
            (_, Some(schema)) => self.type_ref(schema, &sptr, &hint)?,
            (_, None) => TypeRef::Json,
        };
        let ty = match (encoding, ty) {
            (BodyEncoding::Multipart | BodyEncoding::Form, TypeRef::Named(id))
                if !matches!(self.types[id].kind, TypeKind::Struct(_) | TypeKind::Union(_)) =>
            {
                self.fallback(&sptr, "form body that is not an object is sent as raw bytes");
                return Ok(Some(raw_body(media_type, b)));
            }
            (BodyEncoding::Multipart | BodyEncoding::Form, ty @ TypeRef::Named(_)) => ty,
            (BodyEncoding::Multipart, _) => {
                self.fallback(&sptr, "multipart body without an object schema is sent as raw bytes");
                return Ok(Some(raw_body(media_type, b)));
            }
            (BodyEncoding::Form, TypeRef::Map(v)) => TypeRef::Map(v),
            (BodyEncoding::Form, _) => TypeRef::Map(Box::new(TypeRef::String)),
            (_, ty) => ty,
        };
        let joined = match encoding {
            BodyEncoding::Form | BodyEncoding::Multipart => self.joined_fields(media, &sptr, encoding),
            BodyEncoding::Json | BodyEncoding::Bytes => Vec::new(),
        };
        Ok(Some(Body {
            media_type: media_type.clone(),
            encoding,
            ty,
            joined,
            required: get(b, "required").and_then(Value::as_bool).unwrap_or(false),
            docs: docs_through_ref(reference, b),
        }))
    }

    /// The fields of a form or multipart body whose arrays are joined into one value, from the
    /// media type's `encoding`: `style`/`explode` (urlencoded only, as OpenAPI says) or
    /// `x-collectionFormat` (either).
    fn joined_fields(&mut self, media: &Value, schema_ptr: &str, encoding: BodyEncoding) -> Vec<(String, Delimiter)> {
        let mut joined = Vec::new();
        let Some(fields) = get(media, "encoding").and_then(Value::as_object) else { return joined };
        let base = schema_ptr.trim_end_matches("/schema");
        for (field, enc) in fields {
            let (explode, delimiter) = match (get(enc, "x-collectionFormat"), encoding) {
                (Some(format), _) => self.collection_format(
                    format,
                    &format!("{base}/encoding/{}/x-collectionFormat", pointer_segment(field)),
                ),
                (None, BodyEncoding::Form) => {
                    let style = get(enc, "style").and_then(Value::as_str).unwrap_or("form");
                    if !matches!(style, "form" | "spaceDelimited" | "pipeDelimited") {
                        let at = format!("{base}/encoding/{}", pointer_segment(field));
                        self.fallback(&at, format!("form field style `{style}` is sent as style form"));
                    }
                    (get(enc, "explode").and_then(Value::as_bool).unwrap_or(style == "form"), style_delimiter(style))
                }
                (None, _) => continue,
            };
            if !explode {
                joined.push((field.clone(), delimiter));
            }
        }
        joined
    }

    /// `(explode, delimiter)` of a Swagger 2.0 `collectionFormat` carried as `x-collectionFormat`.
    fn collection_format(&mut self, format: &Value, ptr: &str) -> (bool, Delimiter) {
        match format.as_str() {
            Some("csv") => (false, Delimiter::Comma),
            Some("ssv") => (false, Delimiter::Space),
            Some("tsv") => (false, Delimiter::Tab),
            Some("pipes") => (false, Delimiter::Pipe),
            Some("multi") => (true, Delimiter::Comma),
            _ => {
                self.fallback(
                    ptr,
                    format!("x-collectionFormat {format} is not csv, ssv, tsv, pipes or multi; sent as csv"),
                );
                (false, Delimiter::Comma)
            }
        }
    }

    /// Success responses (sorted by status) and error responses (in spec order). `default`
    /// is the success when no 2xx/3xx is declared, else an error.
    fn responses(
        &mut self,
        op: &'a Value,
        op_ptr: &str,
        op_name: &str,
    ) -> Result<(Vec<SuccessResponse>, Vec<ErrorResponse>)> {
        let mut success = Vec::new();
        let mut errors = Vec::new();
        let mut default = None;
        let Some(responses) = get(op, "responses").and_then(Value::as_object) else {
            return Ok((success, errors));
        };
        for (status, resp) in responses {
            let rptr = format!("{op_ptr}/responses/{}", pointer_segment(status));
            if status == "default" {
                default = Some((resp, rptr));
                continue;
            }
            let first = status.chars().next().unwrap_or('5');
            let ty = self.response_type(resp, &rptr, &format!("{op_name}.response{status}"))?;
            if first == '2' || first == '3' {
                let (target, _) = self.deref(resp, &rptr);
                success.push(SuccessResponse {
                    status: status.clone(),
                    ty,
                    description: docs_through_ref(resp, target).description,
                    variant: String::new(),
                });
            } else {
                errors.push(ErrorResponse { status: status.clone(), ty });
            }
        }
        if let Some((resp, rptr)) = default {
            if success.is_empty() {
                let ty = self.response_type(resp, &rptr, &format!("{op_name}.response"))?;
                success.push(SuccessResponse {
                    status: "default".into(),
                    ty,
                    description: None,
                    variant: String::new(),
                });
            } else {
                let ty = self.response_type(resp, &rptr, &format!("{op_name}.error"))?;
                errors.push(ErrorResponse { status: "default".into(), ty });
            }
        }
        success.sort_by(|a, b| a.status.cmp(&b.status));
        Ok((success, errors))
    }

    fn response_type(&mut self, resp: &'a Value, ptr: &str, hint: &str) -> Result<Option<TypeRef>> {
        let (resp, ptr) = self.deref(resp, ptr);
        let Some(content) = get(resp, "content").and_then(Value::as_object) else {
            return Ok(None);
        };
        let json = content.iter().find(|(mt, _)| {
            let m = mt.to_ascii_lowercase();
            m.starts_with("application/json") || m.contains("+json") || m == "*/*"
        });
        match json {
            Some((mt, media)) => match get(media, "schema") {
                Some(schema) => {
                    Ok(Some(self.type_ref(schema, &format!("{ptr}/content/{}/schema", pointer_segment(mt)), hint)?))
                }
                None => Ok(Some(TypeRef::Json)),
            },
            None if content.is_empty() => Ok(None),
            None => Ok(Some(TypeRef::Binary)),
        }
    }
}

/// The delimiter of a non-exploded array in `style`.
fn style_delimiter(style: &str) -> Delimiter {
    match style {
        "spaceDelimited" => Delimiter::Space,
        "pipeDelimited" => Delimiter::Pipe,
        _ => Delimiter::Comma,
    }
}

/// A body sent as opaque bytes (the fallback for shapes a form encoding cannot carry).
fn raw_body(media_type: &str, b: &Value) -> Body {
    Body {
        media_type: media_type.to_owned(),
        encoding: BodyEncoding::Bytes,
        ty: TypeRef::Binary,
        joined: Vec::new(),
        required: true,
        docs: docs_of(b),
    }
}

/// First server URL with variables replaced by their defaults.
fn server_url(servers: &Value) -> Option<String> {
    let first = servers.as_array()?.first()?;
    let mut url = get(first, "url")?.as_str()?.to_owned();
    if let Some(vars) = get(first, "variables").and_then(Value::as_object) {
        for (k, v) in vars {
            let default = get(v, "default").and_then(Value::as_str).unwrap_or_default();
            url = url.replace(&format!("{{{k}}}"), default);
        }
    }
    Some(url.trim_end_matches('/').to_owned())
}

fn scopes_of(op: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for req in get(op, "security").and_then(Value::as_array).into_iter().flatten() {
        for scopes in req.as_object().into_iter().flat_map(|m| m.values()) {
            for s in scopes.as_array().into_iter().flatten().filter_map(Value::as_str) {
                if !out.iter().any(|x| x == s) {
                    out.push(s.to_owned());
                }
            }
        }
    }
    out
}
