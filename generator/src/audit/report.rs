//! The audit's report: a human summary (a table per operation, the findings, counts per kind,
//! the verdicts on inferences) and the JSON document `--report` writes.

use std::fmt::Write;

use serde::Serialize;

use super::findings::{Finding, Kind};
use super::provenance::{Inference, Verdict};

/// What one operation saw.
#[derive(Debug, Clone, Serialize)]
pub struct OperationReport {
    /// operationId.
    pub operation: String,
    /// HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Requests sent.
    pub requests: usize,
    /// Statuses answered.
    pub statuses: Vec<u16>,
    /// Why it was not called.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// The result of an audit run.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Every disagreement, each once, in the order first seen.
    pub findings: Vec<Finding>,
    /// A verdict on every `x-provenance: inferred` node.
    pub provenance: Vec<Inference>,
    /// HTTP requests sent.
    pub requests: usize,
    /// Per operation, in spec order.
    pub operations: Vec<OperationReport>,
    /// Things worth knowing that are not findings (waits, requests that failed, spec issues).
    pub notes: Vec<String>,
}

impl Outcome {
    /// The JSON report.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// The human summary printed on stdout.
    pub fn summary(&self, title: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{title}\n");
        let headers = ["operation", "method", "path", "requests", "statuses", "findings"];
        let rows: Vec<[String; 6]> = self
            .operations
            .iter()
            .map(|o| {
                let findings = self.findings.iter().filter(|f| f.operation == o.operation).count();
                let statuses = o.statuses.iter().map(u16::to_string).collect::<Vec<_>>().join(",");
                match &o.skipped {
                    Some(why) if o.requests == 0 => [
                        o.operation.clone(),
                        o.method.clone(),
                        o.path.clone(),
                        format!("skipped: {why}"),
                        String::new(),
                        String::new(),
                    ],
                    _ => [
                        o.operation.clone(),
                        o.method.clone(),
                        o.path.clone(),
                        o.requests.to_string(),
                        statuses,
                        findings.to_string(),
                    ],
                }
            })
            .collect();
        let width = |c: usize| {
            rows.iter()
                .filter(|r| !r[3].starts_with("skipped") || c < 3)
                .map(|r| r[c].chars().count())
                .chain([headers[c].len()])
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..6).map(width).collect();
        let line = |cells: &[&str]| {
            let mut l = String::new();
            for (i, c) in cells.iter().enumerate() {
                if i + 1 == cells.len() || (i == 3 && c.starts_with("skipped")) {
                    l.push_str(c);
                    break;
                }
                let _ = write!(l, "{c:<w$}  ", w = widths[i]);
            }
            l.trim_end().to_owned()
        };
        let _ = writeln!(s, "{}", line(&headers));
        for r in &rows {
            let cells: Vec<&str> = r.iter().map(String::as_str).collect();
            let _ = writeln!(s, "{}", line(&cells));
        }
        let _ = writeln!(s, "\n{} request(s)", self.requests);

        if self.findings.is_empty() {
            let _ = writeln!(s, "\nNo findings: every response matched the spec.");
        } else {
            let _ = writeln!(s, "\nFindings ({}):", self.findings.len());
            for (i, f) in self.findings.iter().enumerate() {
                let at = match &f.header {
                    Some(h) => format!("header {h}"),
                    None if f.instance.is_empty() => "(response)".to_owned(),
                    None => f.instance.clone(),
                };
                let times = if f.occurrences > 1 { format!(" [seen {} times]", f.occurrences) } else { String::new() };
                let _ = writeln!(s, "  {i:>3}. {} {} {} at {at}{times}", f.operation, f.status, f.kind.as_str());
                let _ = writeln!(s, "       spec: {}", f.schema);
                let _ = writeln!(s, "       {}", f.message);
            }
            let counts: Vec<String> = Kind::ALL
                .iter()
                .filter_map(|k| {
                    let n = self.findings.iter().filter(|f| f.kind == *k).count();
                    (n > 0).then(|| format!("{} {n}", k.as_str()))
                })
                .collect();
            let _ = writeln!(s, "\nPer kind: {}", counts.join(", "));
        }

        let count = |v: Verdict| self.provenance.iter().filter(|p| p.verdict == v).count();
        let _ = writeln!(
            s,
            "\nInferences (x-provenance: inferred): {} confirmed, {} refuted, {} unobserved",
            count(Verdict::Confirmed),
            count(Verdict::Refuted),
            count(Verdict::Unobserved)
        );
        for p in self.provenance.iter().filter(|p| p.verdict == Verdict::Refuted) {
            let by: Vec<String> = p.refuted_by.iter().map(|i| format!("#{i}")).collect();
            let _ = writeln!(s, "  refuted   {} by finding {}", p.pointer, by.join(", "));
        }
        for p in self.provenance.iter().filter(|p| p.verdict == Verdict::Confirmed) {
            let _ = writeln!(s, "  confirmed {}", p.pointer);
        }
        if !self.notes.is_empty() {
            let _ = writeln!(s, "\nNotes:");
            for n in &self.notes {
                let _ = writeln!(s, "  {n}");
            }
        }
        s
    }
}
