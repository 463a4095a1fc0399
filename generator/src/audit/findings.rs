//! What the audit found: the kinds of disagreement between a response and the spec, each
//! finding with the operation, the status and two JSON pointers, and the spec edit ([`Fix`])
//! that would make the observed response valid (written out by [`super::overlay`]).

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

/// The kinds of finding, as the report names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A key the schema does not declare (and the schema declares no `additionalProperties`).
    UndocumentedField,
    /// A key listed in `required` is absent.
    MissingRequired,
    /// The value has another JSON type than the schema says, including `null` where the schema
    /// is not nullable.
    TypeMismatch,
    /// A string that does not match its `format` (date, date-time, email, uri, uuid, ...), or a
    /// number outside its integer `format` (int32, uint32, ...).
    FormatMismatch,
    /// A value outside the schema's `enum` (or a discriminator value no alternative maps).
    UnknownEnumValue,
    /// A value outside `minimum`/`maximum`, `minLength`/`maxLength`, `pattern`, `multipleOf`,
    /// `minItems`/`maxItems`, `uniqueItems`.
    ConstraintViolation,
    /// A status the operation does not declare (nor a range or `default` covering it).
    UndocumentedStatus,
    /// A response header declared with `required: true` is absent.
    MissingHeader,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 8] = [
        Kind::UndocumentedField,
        Kind::MissingRequired,
        Kind::TypeMismatch,
        Kind::FormatMismatch,
        Kind::UnknownEnumValue,
        Kind::ConstraintViolation,
        Kind::UndocumentedStatus,
        Kind::MissingHeader,
    ];

    /// The kind as the report writes it (`type-mismatch`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::UndocumentedField => "undocumented-field",
            Kind::MissingRequired => "missing-required",
            Kind::TypeMismatch => "type-mismatch",
            Kind::FormatMismatch => "format-mismatch",
            Kind::UnknownEnumValue => "unknown-enum-value",
            Kind::ConstraintViolation => "constraint-violation",
            Kind::UndocumentedStatus => "undocumented-status",
            Kind::MissingHeader => "missing-header",
        }
    }
}

/// The spec edit that makes an observed response valid. Pointers are JSON pointers (with `#`)
/// into the tree the audit read ([`crate::load::LoadedSpec::raw`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Fix {
    /// Declare property `name` on the object schema at `object`, typed from the values seen.
    AddProperty {
        /// The object schema that should declare it.
        object: String,
        /// The property.
        name: String,
    },
    /// Drop `name` from the `required` list of the schema at `schema`.
    Optional {
        /// The schema whose `required` lists it.
        schema: String,
        /// The property.
        name: String,
    },
    /// Let the schema declared at `site` be `null`.
    Nullable {
        /// Where the schema is declared (a property, `items`, a media type's `schema`).
        site: String,
    },
    /// Let the schema declared at `site` also be of JSON type `to`.
    Widen {
        /// Where the schema is declared.
        site: String,
        /// The JSON type seen (`string`, `integer`, ...).
        to: &'static str,
    },
    /// Remove the `keyword` (a format or constraint) the schema at `schema` has.
    DropKeyword {
        /// The schema.
        schema: String,
        /// The keyword (`format`, `maxLength`, ...).
        keyword: String,
    },
    /// Add `value` to the `enum` of the schema at `schema`.
    AddEnumValue {
        /// The schema.
        schema: String,
        /// The value seen.
        value: Value,
    },
    /// Declare `status` in the `responses` object at `responses`, with the body seen.
    AddStatus {
        /// The operation's `responses` object.
        responses: String,
        /// The status code.
        status: String,
        /// A declared response of the operation whose schema the body seen satisfies (for a
        /// success status): the new response reuses its content.
        like: Option<String>,
    },
    /// Make the header object at `header` optional (`required: false`).
    OptionalHeader {
        /// The header object (after following `$ref`).
        header: String,
    },
}

/// One disagreement between a response and the spec.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// operationId (or `method path` when the spec gives none).
    pub operation: String,
    /// HTTP status of the response.
    pub status: u16,
    /// What kind of disagreement.
    pub kind: Kind,
    /// JSON pointer into the response body (RFC 6901: `""` is the whole body, `/data/0/name`);
    /// for a missing key, where the key should be. The first occurrence when several records
    /// showed the same disagreement.
    pub instance: String,
    /// JSON pointer into the spec (`#/components/schemas/X/properties/y/type`): the keyword or
    /// schema the response violates, named as in the file the user wrote.
    pub schema: String,
    /// What is wrong, in words.
    pub message: String,
    /// For header findings, the response header concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// How many times the run saw this disagreement (records of a page, pages, requests).
    pub occurrences: usize,
    /// The spec edit that makes the observed responses valid, if one exists.
    #[serde(skip)]
    pub fix: Option<Fix>,
    /// Values seen (for fixes that are typed from them: new properties and statuses).
    #[serde(skip)]
    pub observed: Vec<Value>,
    /// The spec pointer in the tree the audit read (before mapping to the original document).
    #[serde(skip)]
    pub tree_schema: String,
}

/// Values kept per finding to type a new property: enough to see the shapes, bounded.
const MAX_OBSERVED: usize = 16;

/// What makes two findings the same: operation, status, kind, spec pointer, instance pattern
/// and header.
type FindingKey = (String, u16, Kind, String, String, Option<String>);

/// Findings in the order they were first seen, each disagreement once.
#[derive(Debug, Default)]
pub struct FindingSet {
    findings: Vec<Finding>,
    index: HashMap<FindingKey, usize>,
}

impl FindingSet {
    /// Records a finding; one already recorded with the same operation, status, kind, spec
    /// pointer and instance pointer (array indexes aside) counts as another occurrence.
    pub fn add(&mut self, mut finding: Finding) {
        let key = (
            finding.operation.clone(),
            finding.status,
            finding.kind,
            finding.tree_schema.clone(),
            instance_pattern(&finding.instance),
            finding.header.clone(),
        );
        match self.index.get(&key) {
            Some(&i) => {
                let existing = &mut self.findings[i];
                existing.occurrences += 1;
                for v in finding.observed.drain(..) {
                    if existing.observed.len() < MAX_OBSERVED && !existing.observed.contains(&v) {
                        existing.observed.push(v);
                    }
                }
            }
            None => {
                finding.occurrences = finding.occurrences.max(1);
                finding.observed.truncate(MAX_OBSERVED);
                self.index.insert(key, self.findings.len());
                self.findings.push(finding);
            }
        }
    }

    /// The findings, in the order first seen.
    pub fn into_vec(self) -> Vec<Finding> {
        self.findings
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }
}

/// An instance pointer with array indexes replaced by `*`: the records of a page that share a
/// disagreement share the pattern.
pub fn instance_pattern(pointer: &str) -> String {
    pointer
        .split('/')
        .map(|segment| if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) { "*" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

/// A short rendering of a value for messages: its JSON text, cut at 40 characters.
pub fn excerpt(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= 40 {
        return text;
    }
    let cut: String = text.chars().take(37).collect();
    format!("{cut}...")
}

/// The JSON type of a value as JSON Schema names it (`integer` for whole numbers).
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(instance: &str, schema: &str) -> Finding {
        Finding {
            operation: "op".into(),
            status: 200,
            kind: Kind::TypeMismatch,
            instance: instance.into(),
            schema: schema.into(),
            message: "m".into(),
            header: None,
            occurrences: 1,
            fix: None,
            observed: vec![Value::from(1)],
            tree_schema: schema.into(),
        }
    }

    #[test]
    fn records_of_a_page_count_as_one_finding() {
        let mut set = FindingSet::default();
        set.add(finding("/data/0/price", "#/a"));
        set.add(finding("/data/1/price", "#/a"));
        set.add(finding("/data/1/price", "#/b"));
        let all = set.into_vec();
        assert_eq!(all.len(), 2);
        assert_eq!((all[0].instance.as_str(), all[0].occurrences), ("/data/0/price", 2));
        assert_eq!(all[1].schema, "#/b");
    }

    #[test]
    fn numeric_keys_are_array_indexes_only_as_whole_segments() {
        assert_eq!(instance_pattern("/data/12/a1/0"), "/data/*/a1/*");
        assert_eq!(instance_pattern(""), "");
    }
}
