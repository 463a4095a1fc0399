//! Path items and operations: parameters, request bodies, responses, per-operation servers.
//!
//! The body parameter becomes the `requestBody`, with one media type per `consumes` entry;
//! formData parameters become one object-schema request body (`multipart/form-data` when a
//! field is a file or `consumes` says so, else `application/x-www-form-urlencoded`), their
//! `collectionFormat` kept in the media type's `encoding`. Body and formData parameters of
//! the path item are pushed down into each operation, since 3.0 path items have no body.
//! Responses get one media type per `produces` entry. A `$ref` to a root parameter or response
//! stays a reference (to its component) unless the operation's own `consumes`/`produces` differ
//! from the root's, in which case a copy with the operation's media types is inlined.

use serde_json::{Map, Value};

use super::refs::names_root_entry;
use super::{Upgrade, JSON};
use crate::error::{pointer_segment, Result};
use crate::ir::Method;

const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// One entry of a parameter list, with the parameter it stands for.
struct Entry<'a> {
    /// The list element as written: a parameter, or a `$ref` to one.
    node: &'a Value,
    /// Original pointer of the list element.
    at: String,
    /// The parameter at the end of the `$ref` chain and its pointer; `None` when the chain
    /// leaves the document.
    target: Option<(&'a Value, String)>,
}

impl<'a> Entry<'a> {
    /// The parameter itself (the list element when it could not be followed).
    fn param(&self) -> &'a Value {
        self.target.as_ref().map(|(t, _)| *t).unwrap_or(self.node)
    }

    /// Original pointer of the parameter itself.
    fn param_at(&self) -> &str {
        self.target.as_ref().map(|(_, at)| at.as_str()).unwrap_or(&self.at)
    }

    fn location(&self) -> &'a str {
        self.param().get("in").and_then(Value::as_str).unwrap_or_default()
    }

    fn name(&self) -> &'a str {
        self.param().get("name").and_then(Value::as_str).unwrap_or_default()
    }

    /// Body and formData parameters, which become the request body.
    fn is_payload(&self) -> bool {
        matches!(self.location(), "body" | "formData")
    }

    /// The `$ref` written in the list, when it names a whole root parameter.
    fn root_ref(&self) -> Option<&'a str> {
        let r = self.node.get("$ref")?.as_str()?;
        names_root_entry(r, "parameters").then_some(r)
    }
}

/// The media type without parameters, lower-cased (`Multipart/Form-Data; x=y` → `multipart/form-data`).
fn essence(media_type: &str) -> String {
    media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

impl<'a> Upgrade<'a> {
    /// The `paths` object.
    pub(super) fn paths(&mut self, paths: &'a Value) -> Result<Value> {
        let Some(map) = paths.as_object() else { return Ok(paths.clone()) };
        let mut out = Map::new();
        for (path, item) in map {
            let at = format!("#/paths/{}", pointer_segment(path));
            let converted = if path.starts_with("x-") { item.clone() } else { self.path_item(item, &at, &at)? };
            out.insert(path.clone(), converted);
        }
        Ok(Value::Object(out))
    }

    /// A path item. A `$ref` to another path is kept; a `$ref` elsewhere in the document
    /// (say, under an extension) is replaced by the upgraded item it names.
    fn path_item(&mut self, item: &'a Value, original: &str, converted: &str) -> Result<Value> {
        let Some(map) = item.as_object() else { return Ok(item.clone()) };
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            if map.len() > 1 {
                self.fallback(original, "fields beside `$ref` in a path item are ignored");
            }
            let local = super::refs::fragment(reference);
            if local.as_ref().is_some_and(|p| !p.starts_with("/paths/")) {
                if let Some((target, at)) = self.follow(item, original)? {
                    self.record(converted, &at);
                    return self.path_item_fields(target, &at, converted);
                }
            }
            self.record(converted, original);
            return Ok(item.clone());
        }
        self.path_item_fields(item, original, converted)
    }

    fn path_item_fields(&mut self, item: &'a Value, original: &str, converted: &str) -> Result<Value> {
        let Some(map) = item.as_object() else { return Ok(item.clone()) };
        let entries = self.entries(map.get("parameters"), &format!("{original}/parameters"))?;
        let (inherited, kept): (Vec<Entry<'a>>, Vec<Entry<'a>>) = entries.into_iter().partition(Entry::is_payload);
        let mut out = Map::new();
        for (key, value) in map {
            let orig = format!("{original}/{key}");
            let conv = format!("{converted}/{key}");
            if key == "parameters" {
                if !kept.is_empty() {
                    let kept: Vec<&Entry<'a>> = kept.iter().collect();
                    out.insert(key.clone(), self.parameter_list(&kept, &conv)?);
                }
            } else if Method::ALL.iter().any(|m| m.key() == key) {
                out.insert(key.clone(), self.operation(value, &orig, &conv, &inherited)?);
            } else {
                out.insert(key.clone(), value.clone());
            }
        }
        Ok(Value::Object(out))
    }

    /// The entries of a parameter list at `at`, each followed to its parameter.
    fn entries(&self, list: Option<&'a Value>, at: &str) -> Result<Vec<Entry<'a>>> {
        let Some(list) = list else { return Ok(Vec::new()) };
        let items = list.as_array().ok_or_else(|| self.invalid(at, "expected a list of parameters"))?;
        let mut out = Vec::with_capacity(items.len());
        for (i, node) in items.iter().enumerate() {
            let at = format!("{at}/{i}");
            let target = self.follow(node, &at)?;
            out.push(Entry { node, at, target });
        }
        Ok(out)
    }

    /// Non-body parameters, upgraded; references to root parameters stay references.
    fn parameter_list(&mut self, entries: &[&Entry<'a>], converted: &str) -> Result<Value> {
        let mut out = Vec::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            let conv = format!("{converted}/{i}");
            if e.root_ref().is_some() || e.target.is_none() {
                self.record(&conv, &e.at);
                out.push(e.node.clone());
            } else {
                out.push(self.parameter(e.param(), e.param_at(), &conv)?);
            }
        }
        Ok(Value::Array(out))
    }

    /// An operation; `inherited` are the body and formData parameters of its path item.
    fn operation(&mut self, op: &'a Value, original: &str, converted: &str, inherited: &[Entry<'a>]) -> Result<Value> {
        let Some(map) = op.as_object() else { return Ok(op.clone()) };
        let own_consumes = self.media_types(map.get("consumes"), &format!("{original}/consumes"))?;
        let own_produces = self.media_types(map.get("produces"), &format!("{original}/produces"))?;
        let consumes = own_consumes.unwrap_or_else(|| self.consumes.clone());
        let produces = own_produces.unwrap_or_else(|| self.produces.clone());
        let own = self.entries(map.get("parameters"), &format!("{original}/parameters"))?;
        // The operation's parameters override the path item's with the same name and location;
        // an operation has one body at most.
        let mut payload: Vec<&Entry<'a>> = own.iter().filter(|e| e.is_payload()).collect();
        let own_body = payload.iter().any(|e| e.location() == "body");
        for e in inherited {
            let overridden = own.iter().any(|o| o.name() == e.name() && o.location() == e.location());
            let second_body = own_body && e.location() == "body";
            if !overridden && !second_body {
                payload.push(e);
            }
        }
        let kept: Vec<&Entry<'a>> = own.iter().filter(|e| !e.is_payload()).collect();
        let mut out = Map::new();
        for (key, value) in map {
            match key.as_str() {
                "consumes" | "produces" | "schemes" => {}
                "parameters" => {
                    if !kept.is_empty() {
                        let conv = format!("{converted}/parameters");
                        out.insert(key.clone(), self.parameter_list(&kept, &conv)?);
                    }
                }
                "responses" => {
                    let (orig, conv) = (format!("{original}/responses"), format!("{converted}/responses"));
                    out.insert(key.clone(), self.responses(value, &orig, &conv, &produces)?);
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        let conv = format!("{converted}/requestBody");
        let bodies: Vec<&&Entry<'a>> = payload.iter().filter(|e| e.location() == "body").collect();
        let forms: Vec<&Entry<'a>> = payload.iter().copied().filter(|e| e.location() == "formData").collect();
        if let Some(body) = bodies.first() {
            for extra in &bodies[1..] {
                self.fallback(&extra.at, "a second body parameter is ignored (an operation has one body)");
            }
            if let Some(form) = forms.first() {
                self.fallback(&form.at, "formData parameters beside a body parameter are ignored");
            }
            let request_body = match body.root_ref() {
                Some(reference) if consumes == self.consumes => {
                    self.record(&conv, &body.at);
                    serde_json::json!({ "$ref": reference })
                }
                _ => self.request_body(body.param(), body.param_at(), &conv, &consumes)?,
            };
            out.insert("requestBody".into(), request_body);
        } else if !forms.is_empty() {
            out.insert("requestBody".into(), self.form_body(&forms, original, &conv, &consumes)?);
        }
        if let Some(schemes) = self.strings(map.get("schemes"), &format!("{original}/schemes"))? {
            if schemes != self.schemes {
                if let Some(servers) = self.servers(&schemes, &format!("{original}/schemes"))? {
                    self.record(&format!("{converted}/servers"), &format!("{original}/schemes"));
                    out.insert("servers".into(), servers);
                }
            }
        }
        Ok(Value::Object(out))
    }

    /// A body parameter as a request body with one media type per `consumes` entry.
    pub(super) fn request_body(
        &mut self,
        p: &Value,
        original: &str,
        converted: &str,
        consumes: &[String],
    ) -> Result<Value> {
        self.record(converted, original);
        let schema = p.get("schema").ok_or_else(|| self.invalid(original, "a body parameter needs a `schema`"))?;
        let media: Vec<String> = if consumes.is_empty() { vec![JSON.to_owned()] } else { consumes.to_vec() };
        let mut content = Map::new();
        for mt in &media {
            let conv = format!("{converted}/content/{}/schema", pointer_segment(mt));
            let orig = format!("{original}/schema");
            self.record(&conv, &orig);
            content.insert(mt.clone(), serde_json::json!({ "schema": self.schema(schema, &orig, &conv) }));
        }
        let mut out = Map::new();
        for (key, value) in p.as_object().into_iter().flatten() {
            if key == "description" || key == "required" || key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        out.insert("content".into(), Value::Object(content));
        Ok(Value::Object(out))
    }

    /// formData parameters as one request body whose schema is an object with a property per
    /// field. Array fields keep their `collectionFormat` in the media type's `encoding`.
    fn form_body(&mut self, fields: &[&Entry<'a>], op: &str, converted: &str, consumes: &[String]) -> Result<Value> {
        let is_file = |e: &Entry<'a>| e.param().get("type").and_then(Value::as_str) == Some("file");
        let declared: Vec<&String> =
            consumes.iter().filter(|mt| [FORM, MULTIPART].contains(&essence(mt).as_str())).collect();
        let media: Vec<String> = match fields.iter().find(|e| is_file(e)) {
            Some(file) => {
                let multipart = declared.iter().find(|mt| essence(mt) == MULTIPART);
                if multipart.is_none() {
                    self.fallback(&file.at, "a file field needs multipart/form-data; the body is sent as multipart");
                }
                vec![multipart.map(|mt| (*mt).clone()).unwrap_or_else(|| MULTIPART.to_owned())]
            }
            None if declared.is_empty() => {
                if !consumes.is_empty() {
                    self.fallback(
                        op,
                        "formData parameters, but `consumes` names no form media type; sent as application/x-www-form-urlencoded",
                    );
                }
                vec![FORM.to_owned()]
            }
            None => declared.into_iter().cloned().collect(),
        };
        self.record(converted, &fields[0].at);
        let first_schema = format!("{converted}/content/{}/schema", pointer_segment(&media[0]));
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut arrays = Vec::new();
        for e in fields {
            let (p, at) = (e.param(), e.param_at());
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| self.invalid(at, "a formData parameter needs a `name`"))?;
            let seg = pointer_segment(name);
            let mut schema = self.parameter_schema(p, at, &format!("{first_schema}/properties/{seg}"));
            for mt in &media[1..] {
                let conv = format!("{converted}/content/{}/schema/properties/{seg}", pointer_segment(mt));
                self.record(&conv, at);
            }
            if let Some(obj) = schema.as_object_mut() {
                for (key, value) in p.as_object().into_iter().flatten() {
                    if key == "description" || key.starts_with("x-") {
                        obj.insert(key.clone(), value.clone());
                    }
                }
            }
            if p.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(Value::from(name));
            }
            if p.get("type").and_then(Value::as_str) == Some("array") {
                arrays.push((name, self.collection_format(p.get("collectionFormat"), at)?));
            }
            properties.insert(name.to_owned(), schema);
        }
        let mut schema = Map::new();
        schema.insert("type".into(), Value::from("object"));
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required.clone()));
        }
        let mut content = Map::new();
        for mt in &media {
            let mut media_type = Map::new();
            media_type.insert("schema".into(), Value::Object(schema.clone()));
            let encoding = form_encoding(&essence(mt), &arrays);
            if !encoding.is_empty() {
                media_type.insert("encoding".into(), Value::Object(encoding));
            }
            content.insert(mt.clone(), Value::Object(media_type));
        }
        let mut out = Map::new();
        if !required.is_empty() {
            out.insert("required".into(), Value::Bool(true));
        }
        out.insert("content".into(), Value::Object(content));
        Ok(Value::Object(out))
    }

    /// An operation's `responses`.
    fn responses(
        &mut self,
        responses: &'a Value,
        original: &str,
        converted: &str,
        produces: &[String],
    ) -> Result<Value> {
        let Some(map) = responses.as_object() else { return Ok(responses.clone()) };
        let mut out = Map::new();
        for (status, r) in map {
            let seg = pointer_segment(status);
            let (orig, conv) = (format!("{original}/{seg}"), format!("{converted}/{seg}"));
            let converted_response = match r.get("$ref").and_then(Value::as_str) {
                _ if status.starts_with("x-") => r.clone(),
                Some(reference) if names_root_entry(reference, "responses") && produces == self.produces => {
                    self.record(&conv, &orig);
                    r.clone()
                }
                Some(_) => match self.follow(r, &orig)? {
                    Some((target, at)) => self.response(target, &at, &conv, produces)?,
                    None => {
                        self.record(&conv, &orig);
                        r.clone()
                    }
                },
                None => self.response(r, &orig, &conv, produces)?,
            };
            out.insert(status.clone(), converted_response);
        }
        Ok(Value::Object(out))
    }

    /// One response: `schema` and `examples` go into `content`, one media type per `produces`
    /// entry (JSON when none is declared); `headers` get schemas.
    pub(super) fn response(
        &mut self,
        r: &Value,
        original: &str,
        converted: &str,
        produces: &[String],
    ) -> Result<Value> {
        self.record(converted, original);
        let Some(map) = r.as_object() else { return Ok(r.clone()) };
        let mut out = Map::new();
        for (key, value) in map {
            match key.as_str() {
                "schema" | "examples" => {}
                "headers" => {
                    let Some(headers) = value.as_object() else {
                        out.insert(key.clone(), value.clone());
                        continue;
                    };
                    let mut converted_headers = Map::new();
                    for (name, h) in headers {
                        let seg = pointer_segment(name);
                        let (orig, conv) = (format!("{original}/headers/{seg}"), format!("{converted}/headers/{seg}"));
                        converted_headers.insert(name.clone(), self.header(h, &orig, &conv)?);
                    }
                    out.insert(key.clone(), Value::Object(converted_headers));
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        let media: Vec<String> = if produces.is_empty() { vec![JSON.to_owned()] } else { produces.to_vec() };
        let mut content = Map::new();
        let schema = map.get("schema");
        if let Some(schema) = schema {
            for mt in &media {
                let conv = format!("{converted}/content/{}/schema", pointer_segment(mt));
                let orig = format!("{original}/schema");
                self.record(&conv, &orig);
                content.insert(mt.clone(), serde_json::json!({ "schema": self.schema(schema, &orig, &conv) }));
            }
        }
        if let Some(examples) = map.get("examples").and_then(Value::as_object) {
            for (mt, example) in examples {
                let seg = pointer_segment(mt);
                if !content.contains_key(mt) {
                    let mut media_type = Map::new();
                    if let Some(schema) = schema {
                        let conv = format!("{converted}/content/{seg}/schema");
                        let orig = format!("{original}/schema");
                        self.record(&conv, &orig);
                        media_type.insert("schema".into(), self.schema(schema, &orig, &conv));
                    }
                    content.insert(mt.clone(), Value::Object(media_type));
                }
                if let Some(Value::Object(media_type)) = content.get_mut(mt) {
                    media_type.insert("example".into(), example.clone());
                }
                self.record(&format!("{converted}/content/{seg}/example"), &format!("{original}/examples/{seg}"));
            }
        }
        if !content.is_empty() {
            out.insert("content".into(), Value::Object(content));
        }
        Ok(Value::Object(out))
    }
}

/// The `encoding` of a form media type (`essence`) for its array fields and their
/// `collectionFormat`s. urlencoded bodies spell them as 3.0 styles (`tsv` has none and stays an
/// extension); multipart bodies ignore 3.0 styles, so any format but `multi` (one part per
/// item, the 3.0 behaviour) is written as `x-collectionFormat`.
fn form_encoding(essence: &str, arrays: &[(&str, &'static str)]) -> Map<String, Value> {
    let mut encoding = Map::new();
    for (name, format) in arrays {
        let entry = match (essence, *format) {
            (MULTIPART, "multi") => continue,
            (MULTIPART, other) => serde_json::json!({ "x-collectionFormat": other }),
            (_, "multi") => serde_json::json!({ "style": "form", "explode": true }),
            (_, "ssv") => serde_json::json!({ "style": "spaceDelimited", "explode": false }),
            (_, "pipes") => serde_json::json!({ "style": "pipeDelimited", "explode": false }),
            (_, "tsv") => serde_json::json!({ "style": "form", "explode": false, "x-collectionFormat": "tsv" }),
            (_, _) => serde_json::json!({ "style": "form", "explode": false }),
        };
        encoding.insert((*name).to_owned(), entry);
    }
    encoding
}
