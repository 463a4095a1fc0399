//! The audit's view of a spec: each operation of the IR joined with where its parts sit in the
//! spec tree (responses, their JSON schemas and headers, parameters), and the URL to call it at.

use serde_json::Value;

use super::AuditError;
use crate::error::pointer_segment;
use crate::ir::{self, Method};
use crate::load::LoadedSpec;

/// One operation, ready to be called and checked.
#[derive(Debug)]
pub struct Endpoint<'a> {
    /// The operation as the generator sees it (parameters with roles, pagination, vocabulary).
    pub op: &'a ir::Operation,
    /// Pointer (with `#`) of the operation object.
    pub pointer: String,
    /// The operation object.
    pub raw: &'a Value,
    /// Base URL to call it at (the spec's server, or its replacement).
    pub base: String,
    /// Declared responses.
    pub responses: Vec<Response>,
    /// Parameters (operation ones override the path item's), after `$ref`.
    pub params: Vec<Param<'a>>,
    /// Whether the operation wants a token (its `security`, else the document's).
    pub secured: bool,
}

/// A declared response.
#[derive(Debug, Clone)]
pub struct Response {
    /// The key under `responses`: `200`, `2XX` or `default`.
    pub key: String,
    /// Pointer of the response object, after `$ref`.
    pub pointer: String,
    /// Pointer of the schema of its JSON content, if it has one.
    pub schema: Option<String>,
    /// Declared headers.
    pub headers: Vec<Header>,
}

/// A declared response header.
#[derive(Debug, Clone)]
pub struct Header {
    /// Its name as declared.
    pub name: String,
    /// Pointer of the header object, after `$ref`.
    pub pointer: String,
    /// `required: true`.
    pub required: bool,
}

/// A parameter object.
#[derive(Debug, Clone)]
pub struct Param<'a> {
    /// Name.
    pub name: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    /// Pointer, after `$ref`.
    pub pointer: String,
    /// The parameter object.
    pub node: &'a Value,
}

impl Endpoint<'_> {
    /// `operationId`, or `method path` without one.
    pub fn name(&self) -> &str {
        &self.op.name.wire
    }

    /// The declared response for `status`: the exact code, else its range (`2XX`), else
    /// `default`.
    pub fn response(&self, status: u16) -> Option<&Response> {
        let code = status.to_string();
        let range = format!("{}XX", status / 100);
        self.responses
            .iter()
            .find(|r| r.key == code)
            .or_else(|| self.responses.iter().find(|r| r.key.eq_ignore_ascii_case(&range)))
            .or_else(|| self.responses.iter().find(|r| r.key == "default"))
    }

    /// The JSON success responses (2xx, or `default` when no 2xx/3xx is declared).
    pub fn json_success(&self) -> Option<&Response> {
        let success = |r: &&Response| r.key.starts_with('2');
        self.responses.iter().filter(success).find(|r| r.schema.is_some()).or_else(|| {
            let none = !self.responses.iter().any(|r| r.key.starts_with('2') || r.key.starts_with('3'));
            self.responses.iter().find(|r| none && r.key == "default" && r.schema.is_some())
        })
    }

    /// The parameter named `name` in `location`.
    pub fn param(&self, name: &str, location: &str) -> Option<&Param<'_>> {
        self.params.iter().find(|p| p.name == name && p.location == location)
    }
}

/// Every operation of the spec, in spec order, with servers replaced as asked:
/// `base_url` replaces the document's first server, `servers` maps any server URL of the spec
/// (path- and operation-level ones too) to another.
pub fn endpoints<'a>(
    spec: &'a LoadedSpec,
    api: &'a ir::Api,
    base_url: Option<&str>,
    servers: &[(String, String)],
) -> Result<Vec<Endpoint<'a>>, AuditError> {
    let norm = |s: &str| s.trim_end_matches('/').to_owned();
    for (from, _) in servers {
        if !api.servers.iter().any(|s| norm(s) == norm(from)) {
            return Err(AuditError::Input(format!(
                "--server {from}=...: the spec has no server `{from}`; its servers are {}",
                api.servers.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let resolved: Vec<String> = api
        .servers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let replaced = servers.iter().find(|(from, _)| norm(from) == norm(s)).map(|(_, to)| to.clone());
            match (replaced, i, base_url) {
                (Some(to), _, _) => norm(&to),
                (None, 0, Some(base)) => norm(base),
                (None, _, _) => norm(s),
            }
        })
        .collect();
    let root_security = spec.raw.get("security");
    let mut out = Vec::new();
    for op in api.tags.iter().flat_map(|t| &t.operations) {
        let item_ptr = format!("#/paths/{}", pointer_segment(&op.path));
        let (item, item_ptr) = deref(&spec.raw, &item_ptr);
        let key = op.method.key();
        let Some(raw) = item.and_then(|i| i.get(key)) else { continue };
        let pointer = format!("{item_ptr}/{key}");
        let base = resolved.get(op.server).cloned().unwrap_or_default();
        let security = raw.get("security").or(root_security);
        let secured = security.and_then(Value::as_array).is_some_and(|reqs| {
            reqs.iter().any(|r| r.as_object().is_some_and(|m| !m.is_empty()))
                && !reqs.iter().any(|r| r.as_object().is_some_and(|m| m.is_empty()))
        });
        out.push(Endpoint {
            op,
            responses: responses(&spec.raw, raw, &pointer),
            params: params(&spec.raw, item.unwrap_or(&Value::Null), raw, &item_ptr, &pointer),
            pointer,
            raw,
            base,
            secured,
        });
    }
    // Operations are grouped by tag in the IR; the audit works in spec order.
    let order: Vec<String> = spec
        .raw
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(path, _)| Method::ALL.map(|m| format!("#/paths/{}/{}", pointer_segment(path), m.key())))
        .collect();
    out.sort_by_key(|e| order.iter().position(|p| *p == e.pointer).unwrap_or(usize::MAX));
    Ok(out)
}

/// The node at `ptr` after following `$ref`s, and its pointer.
pub fn deref<'v>(root: &'v Value, ptr: &str) -> (Option<&'v Value>, String) {
    let mut ptr = ptr.to_owned();
    for _ in 0..64 {
        let Some(node) = root.pointer(ptr.trim_start_matches('#')) else { return (None, ptr) };
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => match crate::reference::pointer(r) {
                Ok(target) => ptr = target,
                Err(_) => return (None, ptr),
            },
            _ => return (Some(node), ptr),
        }
    }
    (None, ptr)
}

/// Whether a media type carries JSON.
pub fn is_json(media_type: &str) -> bool {
    let m = media_type.to_ascii_lowercase();
    m.starts_with("application/json") || m.contains("+json")
}

fn responses(root: &Value, op: &Value, op_ptr: &str) -> Vec<Response> {
    let mut out = Vec::new();
    for (key, _) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
        let (resp, pointer) = deref(root, &format!("{op_ptr}/responses/{}", pointer_segment(key)));
        let Some(resp) = resp else { continue };
        let content = resp.get("content").and_then(Value::as_object);
        let schema = content.and_then(|c| {
            c.iter()
                .find(|(mt, m)| is_json(mt) && m.get("schema").is_some())
                .map(|(mt, _)| format!("{pointer}/content/{}/schema", pointer_segment(mt)))
        });
        let mut headers = Vec::new();
        for (name, _) in resp.get("headers").and_then(Value::as_object).into_iter().flatten() {
            if name.eq_ignore_ascii_case("content-type") {
                continue; // OpenAPI: a Content-Type header definition is ignored.
            }
            let (header, hptr) = deref(root, &format!("{pointer}/headers/{}", pointer_segment(name)));
            let required = header.and_then(|h| h.get("required")).and_then(Value::as_bool) == Some(true);
            headers.push(Header { name: name.clone(), pointer: hptr, required });
        }
        out.push(Response { key: key.clone(), pointer, schema, headers });
    }
    out
}

fn params<'a>(root: &'a Value, item: &'a Value, op: &'a Value, item_ptr: &str, op_ptr: &str) -> Vec<Param<'a>> {
    let mut out: Vec<Param<'a>> = Vec::new();
    for (list, base) in [(op.get("parameters"), op_ptr), (item.get("parameters"), item_ptr)] {
        for (i, _) in list.and_then(Value::as_array).into_iter().flatten().enumerate() {
            let (node, pointer) = deref(root, &format!("{base}/parameters/{i}"));
            let Some(node) = node else { continue };
            let name = node.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            let location = node.get("in").and_then(Value::as_str).unwrap_or_default().to_owned();
            if out.iter().any(|p| p.name == name && p.location == location) {
                continue;
            }
            out.push(Param { name, location, pointer, node });
        }
    }
    out
}
