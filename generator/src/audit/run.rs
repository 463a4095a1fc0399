//! Carries out a [`Plan`]: sends the requests through the polite client, takes record ids from
//! list responses for the reads and cycles that need them, and checks every response (status,
//! headers, body) against the spec.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::api::Endpoint;
use super::findings::{Finding, FindingSet, Fix, Kind};
use super::http::{Http, Reply, Stop};
use super::plan::{Cycle, PathSource, Plan, Read, Shape};
use super::validate::{Validator, Violation};
use crate::load::LoadedSpec;

/// What happened to one operation.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// Requests sent for it.
    pub requests: usize,
    /// Statuses it answered.
    pub statuses: BTreeSet<u16>,
    /// Why it was not called, when it was not.
    pub skipped: Option<String>,
}

/// Why a run ended early.
#[derive(Debug)]
pub enum Halt {
    /// The API refused the token (401/403) on this endpoint.
    Refused {
        /// The endpoint.
        endpoint: usize,
        /// 401 or 403.
        status: u16,
    },
    /// The client stopped (budget, connection, an unacceptable wait).
    Stopped(Stop),
}

/// Everything a run observed.
pub struct Observations {
    /// The findings.
    pub findings: FindingSet,
    /// Pointers (tree) of spec nodes the run used.
    pub visited: BTreeSet<String>,
    /// Operations (pointers) that answered with a success status.
    pub answered: BTreeSet<String>,
    /// Per endpoint.
    pub coverage: Vec<Coverage>,
    /// Things worth telling that are not findings.
    pub notes: Vec<String>,
    /// Records the run created and could not delete.
    pub left_behind: Vec<String>,
    /// HTTP requests sent.
    pub requests: usize,
}

/// Runs the plan; `Err` carries why it stopped early, with what was observed until then.
pub struct Runner<'a> {
    spec: &'a LoadedSpec,
    endpoints: &'a [Endpoint<'a>],
    /// The client.
    pub http: Http,
    validator: Validator<'a>,
    obs: Observations,
    /// Records seen per list endpoint (first page).
    records: HashMap<usize, Vec<Value>>,
    /// `x-eager-loading` objects whose estimates the server's weight header confirmed, and
    /// those it contradicted.
    weighed: (BTreeSet<String>, BTreeSet<String>),
}

impl<'a> Runner<'a> {
    /// A runner over `endpoints` of `spec`.
    pub fn new(
        spec: &'a LoadedSpec,
        endpoints: &'a [Endpoint<'a>],
        http: Http,
        datetime_format: Option<String>,
    ) -> Self {
        Runner {
            spec,
            endpoints,
            http,
            validator: Validator::new(&spec.raw, datetime_format),
            obs: Observations {
                findings: FindingSet::default(),
                visited: BTreeSet::new(),
                answered: BTreeSet::new(),
                coverage: vec![Coverage::default(); endpoints.len()],
                notes: Vec::new(),
                left_behind: Vec::new(),
                requests: 0,
            },
            records: HashMap::new(),
            weighed: Default::default(),
        }
    }

    /// Runs `plan` to the end, or until a halt; the observations either way.
    pub async fn run(mut self, plan: &Plan) -> (Observations, Option<Halt>) {
        for (i, reason) in &plan.skipped {
            self.obs.coverage[*i].skipped = Some(reason.clone());
        }
        let mut halt = None;
        for read in &plan.reads {
            if let Err(h) = self.read(read).await {
                halt = Some(h);
                break;
            }
        }
        if halt.is_none() {
            for cycle in &plan.cycles {
                if let Err(h) = self.cycle(cycle).await {
                    halt = Some(h);
                    break;
                }
            }
        }
        if let Some(Halt::Stopped(Stop::Budget)) = &halt {
            let budget = self.http.sent;
            for c in self.obs.coverage.iter_mut().filter(|c| c.requests == 0 && c.skipped.is_none()) {
                c.skipped = Some(format!("the request budget (--max-requests {budget}) was used up"));
            }
            halt = None;
        }
        let (held, exceeded) = std::mem::take(&mut self.weighed);
        self.obs.visited.extend(held.difference(&exceeded).cloned());
        for note in self.validator.notes() {
            self.obs.notes.push(note);
        }
        self.obs.notes.append(&mut self.http.waits);
        self.obs.requests = self.http.sent;
        (self.obs, halt)
    }

    async fn read(&mut self, read: &Read) -> Result<(), Halt> {
        let Some(path) = self.fill(read.endpoint, &read.path) else { return Ok(()) };
        match &read.shape {
            Shape::List { paging, items } => {
                let mut query = Vec::new();
                if let Some(p) = paging {
                    query = vec![(p.limit.clone(), p.size.to_string()), (p.offset.clone(), "0".into())];
                }
                let params = self.query_params(read.endpoint, &query);
                let Some(body) = self.call(read.endpoint, &path, &query, None, &params).await?.body else {
                    return Ok(());
                };
                let records = match items {
                    Some(key) => body.get(key).and_then(Value::as_array).cloned().unwrap_or_default(),
                    None => body.as_array().cloned().unwrap_or_default(),
                };
                let seen = records.len() as u64;
                self.records.entry(read.endpoint).or_insert(records);
                if let Some(p) = paging {
                    let total = p.total.as_ref().and_then(|t| body.get(t)).and_then(Value::as_u64);
                    let more = match total {
                        Some(total) => total > p.size,
                        None => seen >= p.size,
                    };
                    if more && seen > 0 {
                        let query = vec![(p.limit.clone(), p.size.to_string()), (p.offset.clone(), p.size.to_string())];
                        self.call(read.endpoint, &path, &query, None, &params).await?;
                    }
                }
            }
            Shape::Record { batches } => {
                let mut plain_done = false;
                let mut failed = false;
                for batch in batches {
                    let answer = self.call(read.endpoint, &path, &batch.query, None, &batch.params).await?;
                    if let (Some(w), true) = (&batch.weight, (200..300).contains(&answer.status)) {
                        self.weigh(read.endpoint, batch, w, &answer.headers);
                    }
                    let body = answer.body;
                    plain_done |= batch.query.is_empty();
                    let Some(Value::Object(record)) = body else {
                        failed |= !batch.query.is_empty();
                        if !batch.query.is_empty() {
                            let asked: Vec<String> = batch.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
                            self.obs.notes.push(format!(
                                "{}: the request with {} did not succeed; its relations stay unobserved",
                                self.endpoints[read.endpoint].name(),
                                asked.join("&")
                            ));
                        }
                        continue;
                    };
                    for (relation, entry) in &batch.relations {
                        if record.get(relation).is_some_and(|v| !v.is_null()) && !entry.is_empty() {
                            self.obs.visited.insert(entry.clone());
                        }
                    }
                }
                if failed && !plain_done {
                    self.call(read.endpoint, &path, &[], None, &[]).await?;
                }
            }
        }
        Ok(())
    }

    async fn cycle(&mut self, cycle: &Cycle) -> Result<(), Halt> {
        let Some(path) = self.fill(cycle.create, &cycle.path) else { return Ok(()) };
        let created = self.call(cycle.create, &path, &[], Some(&cycle.body), &[]).await?;
        let steps = [cycle.read, cycle.update.as_ref().map(|u| u.0), Some(cycle.delete)];
        let id = created.body.as_ref().and_then(|b| b.get(&cycle.id_param).or_else(|| b.get("id"))).and_then(id_text);
        let Some(id) = id else {
            let status = created.status;
            for s in steps.into_iter().flatten() {
                self.obs.coverage[s]
                    .skipped
                    .get_or_insert_with(|| format!("the create before it answered {status} without a record id"));
            }
            return Ok(());
        };
        let mut path = path;
        path.push((cycle.id_param.clone(), id.clone()));
        let record = format!("{}{}", self.endpoints[cycle.delete].base, self.url_path(cycle.delete, &path));
        self.obs.left_behind.push(record);
        if let Some(read) = cycle.read {
            self.call(read, &path, &[], None, &[]).await?;
        }
        if let Some((update, body)) = &cycle.update {
            self.call(*update, &path, &[], Some(body), &[]).await?;
        }
        let deleted = self.call(cycle.delete, &path, &[], None, &[]).await?;
        if (200..300).contains(&deleted.status) {
            self.obs.left_behind.pop();
        }
        Ok(())
    }

    /// Compares a batch's estimated eager-loading weight with the one the server reports.
    fn weigh(
        &mut self,
        endpoint: usize,
        batch: &super::plan::Batch,
        w: &super::plan::Weight,
        headers: &[(String, String)],
    ) {
        let Some(header) = &w.header else { return };
        let name = header.to_ascii_lowercase();
        let Some(reported) = headers.iter().find(|(k, _)| *k == name).and_then(|(_, v)| v.trim().parse::<f64>().ok())
        else {
            return;
        };
        if reported <= w.estimate + 1e-9 {
            self.weighed.0.insert(w.pointer.clone());
        } else {
            self.weighed.1.insert(w.pointer.clone());
            let asked: Vec<&str> = batch.relations.iter().map(|(r, _)| r.as_str()).collect();
            self.obs.notes.push(format!(
                "{}: the server weighed with {} at {reported} ({header}), more than the {} that x-eager-loading estimates; raise its weights",
                self.endpoints[endpoint].name(),
                asked.join(","),
                w.estimate
            ));
        }
    }

    /// Values for the path parameters, from records seen in lists; `None` (and the endpoint
    /// marked skipped) when a list gave none.
    fn fill(&mut self, endpoint: usize, sources: &[PathSource]) -> Option<Vec<(String, String)>> {
        let mut values = Vec::new();
        for s in sources {
            let value = self.records.get(&s.list).and_then(|records| {
                records.iter().find_map(|r| r.get(&s.param).or_else(|| r.get("id")).and_then(id_text))
            });
            match value {
                Some(v) => values.push((s.param.clone(), v)),
                None => {
                    let list = &self.endpoints[s.list];
                    let why = match &self.obs.coverage[s.list].skipped {
                        Some(_) => format!("`{{{}}}` comes from {}, which was skipped", s.param, list.name()),
                        None => format!("no record id for `{{{}}}`: {} returned no records", s.param, list.name()),
                    };
                    self.obs.coverage[endpoint].skipped.get_or_insert(why);
                    return None;
                }
            }
        }
        Some(values)
    }

    /// Pointers of the query parameters a request sends.
    fn query_params(&self, endpoint: usize, query: &[(String, String)]) -> Vec<String> {
        let e = &self.endpoints[endpoint];
        query.iter().filter_map(|(k, _)| e.param(k, "query").map(|p| p.pointer.clone())).collect()
    }

    fn url_path(&self, endpoint: usize, values: &[(String, String)]) -> String {
        let mut path = self.endpoints[endpoint].op.path.clone();
        for (name, value) in values {
            path = path.replace(&format!("{{{name}}}"), &encode_segment(value));
        }
        path
    }

    /// Sends one request and checks every reply: the final status, and the JSON body of a
    /// success reply.
    async fn call(
        &mut self,
        endpoint: usize,
        path: &[(String, String)],
        query: &[(String, String)],
        body: Option<&Value>,
        params: &[String],
    ) -> Result<Answer, Halt> {
        let e = &self.endpoints[endpoint];
        let url = format!("{}{}", e.base, self.url_path(endpoint, path));
        let replies = self.http.send(e.op.method, &url, query, body, e.secured).await.map_err(Halt::Stopped)?;
        let mut last = None;
        for reply in replies {
            let coverage = &mut self.obs.coverage[endpoint];
            coverage.requests += 1;
            coverage.statuses.insert(reply.status);
            if reply.status == 401 || reply.status == 403 {
                return Err(Halt::Refused { endpoint, status: reply.status });
            }
            self.check(endpoint, &reply, params);
            last = Some(reply);
        }
        let status = last.as_ref().map(|r| r.status).unwrap_or_default();
        let headers = last.as_ref().map(|r| r.headers.clone()).unwrap_or_default();
        let body = last.filter(|r| (200..300).contains(&r.status)).and_then(|r| serde_json::from_slice(&r.body).ok());
        Ok(Answer { status, body, headers })
    }

    /// Checks one reply against the operation's declared responses.
    fn check(&mut self, endpoint: usize, reply: &Reply, params: &[String]) {
        let e = &self.endpoints[endpoint];
        let status = reply.status;
        let body: Option<Value> = serde_json::from_slice(&reply.body).ok();
        let Some(response) = e.response(status) else {
            let declared: Vec<&str> = e.responses.iter().map(|r| r.key.as_str()).collect();
            let like = body.as_ref().filter(|_| (200..300).contains(&status)).and_then(|b| {
                e.responses
                    .iter()
                    .filter(|r| r.key.starts_with('2'))
                    .find(|r| r.schema.as_deref().is_some_and(|s| self.validator.check(s, b, "").violations.is_empty()))
                    .map(|r| r.key.clone())
            });
            let responses = format!("{}/responses", e.pointer);
            self.add(
                endpoint,
                status,
                None,
                Violation {
                    kind: Kind::UndocumentedStatus,
                    instance: String::new(),
                    schema: responses.clone(),
                    message: format!(
                        "status {status} is not declared (the operation declares {})",
                        declared.join(", ")
                    ),
                    fix: Some(Fix::AddStatus { responses, status: status.to_string(), like }),
                    observed: body,
                },
            );
            return;
        };
        let success = (200..300).contains(&status);
        self.obs.visited.insert(response.pointer.clone());
        if success {
            self.obs.answered.insert(e.pointer.clone());
            self.obs.visited.extend(params.iter().cloned());
        }
        for header in &response.headers {
            match reply.header(&header.name) {
                Some(text) => {
                    let outcome = self.validator.check_header(&header.pointer, text);
                    self.obs.visited.extend(outcome.visited);
                    for v in outcome.violations {
                        self.add(endpoint, status, Some(header.name.clone()), v);
                    }
                }
                None if header.required => self.add(
                    endpoint,
                    status,
                    Some(header.name.clone()),
                    Violation {
                        kind: Kind::MissingHeader,
                        instance: String::new(),
                        schema: format!("{}/required", header.pointer),
                        message: format!("required header `{}` is absent", header.name),
                        fix: Some(Fix::OptionalHeader { header: header.pointer.clone() }),
                        observed: None,
                    },
                ),
                None => {}
            }
        }
        let Some(schema) = &response.schema else { return };
        match body {
            Some(value) => {
                let outcome = self.validator.check(schema, &value, "");
                self.obs.visited.extend(outcome.visited);
                for v in outcome.violations {
                    self.add(endpoint, status, None, v);
                }
            }
            None => {
                let what = if reply.body.is_empty() { "empty".to_owned() } else { "not JSON".to_owned() };
                self.add(
                    endpoint,
                    status,
                    None,
                    Violation {
                        kind: Kind::TypeMismatch,
                        instance: String::new(),
                        schema: schema.clone(),
                        message: format!("the response body is {what}, but the spec declares a JSON body"),
                        fix: None,
                        observed: None,
                    },
                );
            }
        }
    }

    fn add(&mut self, endpoint: usize, status: u16, header: Option<String>, v: Violation) {
        self.obs.findings.add(Finding {
            operation: self.endpoints[endpoint].name().to_owned(),
            status,
            kind: v.kind,
            schema: self.spec.origin.original(&v.schema),
            tree_schema: v.schema,
            instance: v.instance,
            message: v.message,
            header,
            occurrences: 1,
            fix: v.fix,
            observed: v.observed.into_iter().collect(),
        });
    }
}

/// The end of one request.
struct Answer {
    /// The final status.
    status: u16,
    /// The JSON body, for a success status.
    body: Option<Value>,
    /// Headers of the final reply (names in lower case).
    headers: Vec<(String, String)>,
}

/// A record id as it goes into a path: strings as they are, numbers as written.
fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Percent-encodes a path segment (RFC 3986 unreserved characters stay).
fn encode_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
