//! Which requests the audit makes, decided from the spec alone (ids come later, from the
//! responses): every list operation, the single-record reads with their relations
//! eager-loaded and their counts, and with `--allow-writes` create → read back → update →
//! delete cycles on records the audit creates itself. Everything else is listed as skipped,
//! with the reason.
//!
//! The eager-loading limit comes from `x-eager-loading` on the parameter whose
//! `x-query-role` is `with` (see spec/README.md): relations are loaded in batches whose
//! summed weight stays within `max-weight`.

use serde_json::Value;

use super::api::{deref, is_json, Endpoint};
use super::AuditError;
use crate::ir::{Method, ParamLocation, QueryRole};

/// Everything the audit will try, in order.
#[derive(Debug, Default)]
pub struct Plan {
    /// Reads, lists first (operations with fewer path parameters first).
    pub reads: Vec<Read>,
    /// Write cycles (only with `--allow-writes`).
    pub cycles: Vec<Cycle>,
    /// Operations that will not be called, with the reason.
    pub skipped: Vec<(usize, String)>,
}

/// A GET to make.
#[derive(Debug)]
pub struct Read {
    /// The endpoint.
    pub endpoint: usize,
    /// Where its path parameters come from.
    pub path: Vec<PathSource>,
    /// What the operation returns.
    pub shape: Shape,
}

/// What a read returns, which decides the requests made.
#[derive(Debug)]
pub enum Shape {
    /// Records: a paged list (first page, then one more) or a plain array.
    List {
        /// Limit and offset, for a paginated list.
        paging: Option<Paging>,
        /// Top-level key of the records (`None`: the body is the array).
        items: Option<String>,
    },
    /// One record or document: one request per batch of relations.
    Record {
        /// Query of each request (at least one, maybe empty).
        batches: Vec<Batch>,
    },
}

/// Offset pagination.
#[derive(Debug, Clone)]
pub struct Paging {
    /// Name of the limit parameter.
    pub limit: String,
    /// Name of the offset parameter.
    pub offset: String,
    /// Page size used.
    pub size: u64,
    /// Top-level key of the total, if the pages carry one.
    pub total: Option<String>,
}

/// One request's eager loading and counts.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// Query pairs.
    pub query: Vec<(String, String)>,
    /// Relations loaded: name, and pointer of the entry in `x-query.relations`.
    pub relations: Vec<(String, String)>,
    /// Counts asked for: name, and pointer of the entry in `x-query.countable`.
    pub counts: Vec<(String, String)>,
    /// Pointers of the parameters sent.
    pub params: Vec<String>,
    /// The eager-loading weight the batch is estimated at, when the spec declares a limit.
    pub weight: Option<Weight>,
}

/// An eager-loading estimate, to compare with what the server reports.
#[derive(Debug, Clone)]
pub struct Weight {
    /// Summed `x-eager-loading` weights of the batch's relations.
    pub estimate: f64,
    /// The response header reporting the computed weight (`weight-header`).
    pub header: Option<String>,
    /// Pointer of the `x-eager-loading` object.
    pub pointer: String,
}

/// A path parameter, filled with a record id seen in a list.
#[derive(Debug, Clone)]
pub struct PathSource {
    /// The parameter.
    pub param: String,
    /// The list endpoint whose records give its value.
    pub list: usize,
}

/// A create → read back → update → delete cycle.
#[derive(Debug)]
pub struct Cycle {
    /// The create endpoint.
    pub create: usize,
    /// Its body (the spec's example).
    pub body: Value,
    /// Path parameters of the create endpoint.
    pub path: Vec<PathSource>,
    /// The item path's parameter the created id goes into.
    pub id_param: String,
    /// Read back.
    pub read: Option<usize>,
    /// Update, with its body.
    pub update: Option<(usize, Value)>,
    /// Delete.
    pub delete: usize,
}

/// Eager-loading limit of a `with` parameter (`x-eager-loading`).
#[derive(Debug, Clone)]
struct EagerLoading {
    max_weight: f64,
    default_weight: f64,
    weights: Vec<(String, f64)>,
    header: Option<String>,
    pointer: String,
}

/// Plans the audit of `endpoints`.
pub fn plan(
    endpoints: &[Endpoint<'_>],
    vocabularies: &[crate::ir::QueryVocabulary],
    spec: &Value,
    page_size: u64,
    allow_writes: bool,
) -> Result<Plan, AuditError> {
    let mut plan = Plan::default();
    let lists: Vec<usize> = (0..endpoints.len()).filter(|&i| list_items(&endpoints[i], spec).is_some()).collect();
    for (i, e) in endpoints.iter().enumerate() {
        if e.op.method != Method::Get {
            continue;
        }
        if e.json_success().is_none() {
            let statuses: Vec<&str> = e.responses.iter().map(|r| r.key.as_str()).collect();
            plan.skipped.push((i, format!("no JSON success response (declares {})", statuses.join(", "))));
            continue;
        }
        if let Some(reason) = unfillable(e) {
            plan.skipped.push((i, reason));
            continue;
        }
        let path = match sources(endpoints, i, &lists) {
            Ok(p) => p,
            Err(reason) => {
                plan.skipped.push((i, reason));
                continue;
            }
        };
        let shape = match list_items(e, spec) {
            Some(items) => {
                let paging = e.op.pagination.as_ref().map(|p| Paging {
                    limit: p.limit_param.clone(),
                    offset: p.offset_param.clone(),
                    size: clamp_size(e, &p.limit_param, page_size),
                    total: None,
                });
                let paging = paging.map(|mut p| {
                    p.total = e.raw.pointer("/x-pagination/total").and_then(Value::as_str).and_then(top_key);
                    p
                });
                Shape::List { paging, items }
            }
            None => Shape::Record { batches: batches(e, vocabularies, spec)? },
        };
        plan.reads.push(Read { endpoint: i, path, shape });
    }
    plan.reads.sort_by_key(|r| (r.path.len(), !matches!(r.shape, Shape::List { .. })));
    let mut in_cycle = vec![false; endpoints.len()];
    if allow_writes {
        for (i, e) in endpoints.iter().enumerate() {
            if e.op.method != Method::Post {
                continue;
            }
            match cycle(endpoints, i, &lists, spec) {
                Ok(c) => {
                    in_cycle[c.create] = true;
                    for j in [c.read, c.update.as_ref().map(|u| u.0), Some(c.delete)].into_iter().flatten() {
                        in_cycle[j] = true;
                    }
                    plan.cycles.push(c);
                }
                Err(reason) => plan.skipped.push((i, reason)),
            }
        }
    }
    for (i, e) in endpoints.iter().enumerate() {
        if e.op.method == Method::Get || in_cycle[i] || plan.skipped.iter().any(|(j, _)| *j == i) {
            continue;
        }
        let reason = if !allow_writes {
            "writes only with --allow-writes".to_owned()
        } else if e.op.method == Method::Post {
            "not the create of a record the audit can read back and delete".to_owned()
        } else {
            "would change a record the audit did not create".to_owned()
        };
        plan.skipped.push((i, reason));
    }
    plan.skipped.sort_by_key(|(i, _)| *i);
    Ok(plan)
}

/// Why a required non-path parameter cannot be filled, if one cannot.
fn unfillable(e: &Endpoint<'_>) -> Option<String> {
    let p = e.op.params.iter().find(|p| {
        p.required && p.location != ParamLocation::Path && !matches!(p.role, Some(QueryRole::Limit | QueryRole::Offset))
    })?;
    Some(format!("required {} parameter `{}` has no value the audit can choose", location(p.location), p.name.wire))
}

fn location(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// For each `{param}` of the path, the list operation at the path before it.
fn sources(endpoints: &[Endpoint<'_>], i: usize, lists: &[usize]) -> Result<Vec<PathSource>, String> {
    let path = &endpoints[i].op.path;
    let mut out = Vec::new();
    let mut rest = path.as_str();
    let mut consumed = 0;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|c| open + c).ok_or_else(|| format!("malformed path `{path}`"))?;
        let param = rest[open + 1..close].to_owned();
        let prefix = path[..consumed + open].trim_end_matches('/');
        let list = lists
            .iter()
            .copied()
            .find(|&l| {
                l != i && endpoints[l].op.path.trim_end_matches('/') == prefix && endpoints[l].op.method == Method::Get
            })
            .ok_or_else(|| {
                format!("path parameter `{param}`: no list operation at `{prefix}` to take a record id from")
            })?;
        out.push(PathSource { param, list });
        consumed += close + 1;
        rest = &path[consumed..];
    }
    Ok(out)
}

/// Where the records of a list operation are: the pagination's items key, or the whole body
/// when the success schema is an array. `None` for operations that are not lists.
fn list_items(e: &Endpoint<'_>, spec: &Value) -> Option<Option<String>> {
    if e.op.method != Method::Get {
        return None;
    }
    if e.op.pagination.is_some() {
        let items = e.raw.pointer("/x-pagination/items").and_then(Value::as_str).unwrap_or("/data");
        return Some(top_key(items));
    }
    let schema = e.json_success()?.schema.as_deref()?;
    let (node, _) = deref(spec, schema);
    let node = node?;
    let is_array = node.get("type").and_then(Value::as_str) == Some("array") || node.get("items").is_some();
    is_array.then_some(None)
}

fn top_key(pointer: &str) -> Option<String> {
    pointer
        .strip_prefix('/')
        .filter(|k| !k.is_empty() && !k.contains('/'))
        .map(|k| k.replace("~1", "/").replace("~0", "~"))
}

/// The page size, within the limit parameter's `minimum`/`maximum`.
fn clamp_size(e: &Endpoint<'_>, limit: &str, wanted: u64) -> u64 {
    let schema = e.param(limit, "query").and_then(|p| p.node.get("schema"));
    let bound = |k: &str| schema.and_then(|s| s.get(k)).and_then(Value::as_u64);
    let mut size = wanted.max(1);
    if let Some(min) = bound("minimum") {
        size = size.max(min);
    }
    if let Some(max) = bound("maximum") {
        size = size.min(max);
    }
    size
}

/// The requests of a single-record read: every relation of its vocabulary eager-loaded, in
/// batches within the eager-loading limit, the first batch also asking for every count.
fn batches(
    e: &Endpoint<'_>,
    vocabularies: &[crate::ir::QueryVocabulary],
    spec: &Value,
) -> Result<Vec<Batch>, AuditError> {
    let vocabulary = e.op.query_vocabulary.and_then(|v| vocabularies.get(v));
    let with = e.op.params.iter().find(|p| p.role == Some(QueryRole::With));
    let count = e.op.params.iter().find(|p| p.role == Some(QueryRole::Count));
    let (Some(vocabulary), true) = (vocabulary, with.is_some() || count.is_some()) else {
        return Ok(vec![Batch::default()]);
    };
    let x_query = x_query_pointer(spec, &vocabulary.resource.wire);
    let entry = |list: &str, i: usize| x_query.as_ref().map(|q| format!("{q}/{list}/{i}")).unwrap_or_default();
    let mut out: Vec<Batch> = Vec::new();
    if let Some(with) = with {
        let raw = e.param(&with.name.wire, "query");
        let limit = match raw.and_then(|p| p.node.get("x-eager-loading")) {
            Some(x) => Some(eager_loading(x, raw.map(|p| p.pointer.as_str()).unwrap_or_default())?),
            None => None,
        };
        let mut current: (Vec<(String, String)>, f64) = (Vec::new(), 0.0);
        for (i, relation) in vocabulary.relations.iter().enumerate() {
            let name = relation.wire.clone();
            let weight = limit.as_ref().map(|l| l.weight(&name)).unwrap_or(0.0);
            let max = limit.as_ref().map(|l| l.max_weight).unwrap_or(f64::INFINITY);
            if weight > max {
                continue; // Could never be loaded; its entry stays unobserved.
            }
            if current.1 + weight > max && !current.0.is_empty() {
                let (relations, estimate) = (std::mem::take(&mut current.0), current.1);
                out.push(batch_with(e, with, relations, limit.as_ref(), estimate));
                current.1 = 0.0;
            }
            current.0.push((name, entry("relations", i)));
            current.1 += weight;
        }
        if !current.0.is_empty() {
            out.push(batch_with(e, with, current.0, limit.as_ref(), current.1));
        }
    }
    if out.is_empty() {
        out.push(Batch::default());
    }
    if let Some(count) = count {
        let counts: Vec<(String, String)> =
            vocabulary.countable.iter().enumerate().map(|(i, c)| (c.wire.clone(), entry("countable", i))).collect();
        if !counts.is_empty() {
            let first = &mut out[0];
            first.query.extend(encode(&count.name.wire, count.explode, counts.iter().map(|c| c.0.as_str())));
            if let Some(p) = e.param(&count.name.wire, "query") {
                first.params.push(p.pointer.clone());
            }
            first.counts = counts;
        }
    }
    Ok(out)
}

fn batch_with(
    e: &Endpoint<'_>,
    with: &crate::ir::Param,
    relations: Vec<(String, String)>,
    limit: Option<&EagerLoading>,
    estimate: f64,
) -> Batch {
    Batch {
        query: encode(&with.name.wire, with.explode, relations.iter().map(|r| r.0.as_str())),
        params: e.param(&with.name.wire, "query").map(|p| vec![p.pointer.clone()]).unwrap_or_default(),
        relations,
        counts: Vec::new(),
        weight: limit.map(|l| Weight { estimate, header: l.header.clone(), pointer: l.pointer.clone() }),
    }
}

/// `k=a&k=b` (explode) or `k=a,b`.
fn encode<'v>(name: &str, explode: bool, values: impl Iterator<Item = &'v str>) -> Vec<(String, String)> {
    let values: Vec<&str> = values.collect();
    if explode {
        values.iter().map(|v| (name.to_owned(), (*v).to_owned())).collect()
    } else {
        vec![(name.to_owned(), values.join(","))]
    }
}

/// Pointer of the `x-query` extension of the vocabulary's component schema.
fn x_query_pointer(spec: &Value, resource: &str) -> Option<String> {
    let schemas = spec.pointer("/components/schemas")?.as_object()?;
    schemas.iter().find_map(|(name, s)| {
        let q = s.get("x-query")?;
        let r = q.get("resource").and_then(Value::as_str).unwrap_or(name);
        (r == resource).then(|| format!("#/components/schemas/{}/x-query", crate::error::pointer_segment(name)))
    })
}

impl EagerLoading {
    fn weight(&self, relation: &str) -> f64 {
        self.weights.iter().find(|(r, _)| r == relation).map(|(_, w)| *w).unwrap_or(self.default_weight)
    }
}

fn eager_loading(x: &Value, param: &str) -> Result<EagerLoading, AuditError> {
    let bad = |key: &str, what: &str| AuditError::Spec(format!("{param}/x-eager-loading/{key}: {what}"));
    let number = |key: &str, default: Option<f64>| -> Result<f64, AuditError> {
        match x.get(key) {
            None => default.ok_or_else(|| bad(key, "required")),
            Some(v) => v.as_f64().filter(|n| *n >= 0.0).ok_or_else(|| bad(key, "must be a non-negative number")),
        }
    };
    let mut weights = Vec::new();
    if let Some(w) = x.get("weights") {
        let map = w.as_object().ok_or_else(|| bad("weights", "must map relation names to weights"))?;
        for (k, v) in map {
            let n = v
                .as_f64()
                .filter(|n| *n >= 0.0)
                .ok_or_else(|| bad("weights", "weights must be non-negative numbers"))?;
            weights.push((k.clone(), n));
        }
    }
    let header = match x.get("weight-header") {
        None => None,
        Some(Value::String(h)) => Some(h.clone()),
        Some(_) => return Err(bad("weight-header", "must be a header name")),
    };
    Ok(EagerLoading {
        max_weight: number("max-weight", None)?,
        default_weight: number("default-weight", Some(1.0))?,
        weights,
        header,
        pointer: format!("{param}/x-eager-loading"),
    })
}

/// A create → read back → update → delete cycle starting at the POST endpoint `i`.
fn cycle(endpoints: &[Endpoint<'_>], i: usize, lists: &[usize], spec: &Value) -> Result<Cycle, String> {
    let create = &endpoints[i];
    let body = example_body(create, spec).ok_or("request body has no JSON example to send")?;
    let path = sources(endpoints, i, lists)?;
    let base = create.op.path.trim_end_matches('/');
    let item = endpoints.iter().enumerate().filter_map(|(j, e)| {
        let rest = e.op.path.strip_prefix(base)?.strip_prefix("/{")?;
        let param = rest.strip_suffix('}').filter(|p| !p.contains(['/', '{', '}']))?;
        Some((j, e, param.to_owned()))
    });
    let (mut read, mut update, mut delete, mut id_param) = (None, None, None, None);
    for (j, e, param) in item {
        match e.op.method {
            Method::Get => read = Some(j),
            Method::Patch | Method::Put if update.is_none() || e.op.method == Method::Patch => {
                update = example_body(e, spec).map(|b| (j, b))
            }
            Method::Delete => delete = Some(j),
            _ => continue,
        }
        id_param = Some(param);
    }
    let delete = delete.ok_or_else(|| format!("no DELETE at `{base}/{{id}}` to remove the record afterwards"))?;
    Ok(Cycle { create: i, body, path, id_param: id_param.unwrap_or_else(|| "id".into()), read, update, delete })
}

/// The request body to send: the JSON media type's `example`, its first `examples` entry, or
/// the schema's `example`.
fn example_body(e: &Endpoint<'_>, spec: &Value) -> Option<Value> {
    let (body, body_ptr) = deref(spec, &format!("{}/requestBody", e.pointer));
    let (mt, media) = body?.get("content")?.as_object()?.iter().find(|(mt, _)| is_json(mt))?;
    if let Some(ex) = media.get("example") {
        return Some(ex.clone());
    }
    let at = format!("{body_ptr}/content/{}", crate::error::pointer_segment(mt));
    if let Some(key) = media.get("examples").and_then(Value::as_object).and_then(|m| m.keys().next()) {
        let (ex, _) = deref(spec, &format!("{at}/examples/{}", crate::error::pointer_segment(key)));
        return ex?.get("value").cloned();
    }
    let (schema, _) = deref(spec, &format!("{at}/schema"));
    schema?.get("example").cloned()
}
