//! Stage 4 — naming: the one place spec names become Rust identifiers.
//!
//! [`assign`] fills every [`Name::rust`] in the IR. Case conversion is heck's; keywords get a
//! trailing underscore (`type` → `type_`), leading digits a letter prefix, other characters
//! are spelled out (`+1` → `plus_1`, non-ASCII → `u00e9`). Collisions are resolved after all
//! names in a scope are known, in IR order, by numbering the later ones (`foo_bar_2`), so the
//! result depends only on the spec.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::ir::*;

/// Rust keywords (2015–2024 editions, strict and reserved).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "union",
];

/// Methods every request builder has; parameters may not take these names.
const BUILDER_METHODS: &[&str] = &["send", "stream", "pages", "timeout", "header", "new", "client", "query"];
/// Methods of the client itself; tag accessors may not take these names.
const CLIENT_METHODS: &[&str] = &["builder", "new", "config", "execute", "oauth", "clone", "rate_limit"];

/// Fills in every Rust name of the IR.
pub fn assign(api: &mut Api) {
    // Types: components first (they come first in `types`), then inline types.
    let mut used = BTreeSet::new();
    for t in &mut api.types {
        t.name.rust = unique(type_ident(&t.name.wire), &mut used, |b, n| format!("{b}{n}"));
        match &mut t.kind {
            TypeKind::Struct(s) => {
                name_values(s.fields.iter_mut().map(|f| &mut f.name), &[]);
            }
            TypeKind::Enum(e) => {
                let mut used = BTreeSet::from(["Unknown".to_owned()]);
                for v in &mut e.variants {
                    v.rust = unique(variant_ident(&v.wire), &mut used, |b, n| format!("{b}{n}"));
                }
            }
            TypeKind::Union(u) => {
                let mut used = BTreeSet::new();
                for v in &mut u.variants {
                    v.name.rust = unique(variant_ident(&v.name.wire), &mut used, |b, n| format!("{b}{n}"));
                }
            }
            TypeKind::Alias(_) => {}
        }
    }
    // A tag's accessor on the client and its module under `apis::` share one name.
    let mut accessors: BTreeSet<String> = CLIENT_METHODS.iter().map(|s| s.to_string()).collect();
    for tag in &mut api.tags {
        // `x-rust-name` on the tag (pre-filled by lowering) wins over the derived name.
        let snake = if tag.name.rust.is_empty() { value_ident(&tag.name.wire) } else { value_ident(&tag.name.rust) };
        tag.name.rust = unique(snake, &mut accessors, numbered_value);
        tag.api_type = format!("{}Api", type_ident(&tag.name.rust));
        let tag_snake = tag.name.rust.clone();
        let mut methods = BTreeSet::new();
        let mut builders = BTreeSet::new();
        for op in &mut tag.operations {
            let full = if op.name.rust.is_empty() { value_ident(&op.name.wire) } else { value_ident(&op.name.rust) };
            let short = full
                .strip_prefix(&format!("{tag_snake}_"))
                .filter(|rest| !rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit()))
                .map(|rest| escape_keyword(rest.to_owned()))
                .unwrap_or(full.clone());
            op.name.rust = if methods.contains(&short) {
                unique(full, &mut methods, |b, n| format!("{b}_{n}"))
            } else {
                unique(short, &mut methods, |b, n| format!("{b}_{n}"))
            };
            op.builder.rust =
                unique(format!("{}Request", type_ident(&op.name.wire)), &mut builders, |b, n| format!("{b}{n}"));
            op.response_enum.rust =
                unique(format!("{}Response", type_ident(&op.name.wire)), &mut builders, |b, n| format!("{b}{n}"));
            let mut variants = BTreeSet::new();
            for s in &mut op.success {
                s.variant = unique(status_variant(&s.status), &mut variants, |b, n| format!("{b}{n}"));
            }
            let mut used = name_values(op.params.iter_mut().map(|p| &mut p.name), BUILDER_METHODS);
            for p in op.params.iter_mut().filter(|p| p.role.is_some()) {
                p.raw_setter = unique(format!("{}_raw", p.name.rust.trim_end_matches('_')), &mut used, numbered_value);
            }
        }
    }
    // Model files: one per tag (named like its API module), plus the shared and other groups.
    let tag_modules: Vec<String> = api.tags.iter().map(|t| t.name.rust.clone()).collect();
    let mut used: BTreeSet<String> = tag_modules.iter().cloned().chain(["mod".to_owned()]).collect();
    let shared = unique("shared".to_owned(), &mut used, numbered_value);
    let other = unique("other".to_owned(), &mut used, numbered_value);
    for t in &mut api.types {
        t.module = match t.home {
            Home::Tag(i) => tag_modules[i].clone(),
            Home::Shared => shared.clone(),
            Home::Other => other.clone(),
        };
    }
    let mut used = BTreeSet::new();
    for layout in &mut api.page_layouts {
        layout.name.rust = unique(type_ident(&layout.name.wire), &mut used, |b, n| format!("{b}{n}"));
    }
    let mut used: BTreeSet<String> = api.types.iter().map(|t| t.name.rust.clone()).collect();
    for v in &mut api.query_vocabularies {
        let base = type_ident(&v.resource.wire);
        v.resource.rust = base.clone();
        v.enum_names = ["Field", "Relation", "Count"]
            .map(|suffix| unique(format!("{base}{suffix}"), &mut used, |b, n| format!("{b}{n}")));
        for list in [&mut v.fields, &mut v.relations, &mut v.countable] {
            let mut used = BTreeSet::new();
            for n in list.iter_mut() {
                n.rust = unique(variant_ident(&n.wire), &mut used, |b, i| format!("{b}{i}"));
            }
        }
    }
    if let Some(f) = &mut api.filter_syntax {
        name_values(f.operators.iter_mut(), &["op", "op_list", "field"]);
    }
    if let Some(o) = &mut api.oauth2 {
        let mut used = BTreeSet::new();
        for (name, _) in o.scopes.values_mut() {
            name.rust = unique(variant_ident(&name.wire), &mut used, |b, n| format!("{b}{n}"));
        }
    }
    assign_mock(api);
}

/// Names values (fields, parameters, methods) in one scope, avoiding `reserved`; returns the
/// names now taken in that scope.
fn name_values<'n>(names: impl Iterator<Item = &'n mut Name>, reserved: &[&str]) -> BTreeSet<String> {
    let mut used: BTreeSet<String> = reserved.iter().map(|s| s.to_string()).collect();
    for n in names {
        let mut base = value_ident(n.wire.trim_end_matches("[]"));
        if reserved.contains(&base.as_str()) {
            base = format!("{base}_param");
        }
        n.rust = unique(base, &mut used, numbered_value);
    }
    used
}

/// `foo_2` for `foo`, and `type_2` (not `type__2`) for a suffixed keyword.
/// Variant name of a success status in an operation's response enum: the reason phrase for
/// the common codes (`201` → `Created`), else `Status201` / `Status2xx`.
fn status_variant(status: &str) -> String {
    let phrase = match status {
        "200" => "Ok",
        "201" => "Created",
        "202" => "Accepted",
        "203" => "NonAuthoritativeInformation",
        "204" => "NoContent",
        "205" => "ResetContent",
        "206" => "PartialContent",
        "207" => "MultiStatus",
        "300" => "MultipleChoices",
        "301" => "MovedPermanently",
        "302" => "Found",
        "303" => "SeeOther",
        "304" => "NotModified",
        "307" => "TemporaryRedirect",
        "308" => "PermanentRedirect",
        other => return variant_ident(&format!("status {}", other.to_ascii_lowercase())),
    };
    phrase.to_owned()
}

fn numbered_value(base: &str, n: usize) -> String {
    format!("{}_{n}", base.trim_end_matches('_'))
}

/// `base`, or `base` numbered from 2 until unused; records the result as used.
fn unique(base: String, used: &mut BTreeSet<String>, numbered: impl Fn(&str, usize) -> String) -> String {
    let mut candidate = base.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = numbered(&base, n);
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// Spells out characters that cannot appear in identifiers, keeping word boundaries.
fn spell(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len());
    for c in wire.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => out.push(c),
            '+' => out.push_str(" plus "),
            '-' if out.trim().is_empty() => out.push_str(" minus "),
            '@' => out.push_str(" at "),
            '*' => out.push_str(" star "),
            c if c.is_ascii() => out.push(' '),
            c => out.push_str(&format!(" u{:04x} ", c as u32)),
        }
    }
    out
}

/// A type-like identifier: `UpperCamelCase`.
pub fn type_ident(wire: &str) -> String {
    let mut s = spell(wire).to_upper_camel_case();
    if s.is_empty() {
        s = "Type".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("T{s}");
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push_str("Type");
    }
    s
}

/// An enum-variant identifier: `UpperCamelCase`, digits prefixed with `V`.
pub fn variant_ident(wire: &str) -> String {
    let mut s = spell(wire).to_upper_camel_case();
    if s.is_empty() {
        s = "Empty".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("V{s}");
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push_str("Value");
    }
    s
}

/// A value-like identifier: `snake_case`, keywords suffixed with `_`.
pub fn value_ident(wire: &str) -> String {
    let mut s = spell(wire).to_snake_case();
    if s.is_empty() {
        s = "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("n{s}");
    }
    escape_keyword(s)
}

fn escape_keyword(mut s: String) -> String {
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

// ---------------------------------------------------------------------------------------------
// The typed mock layer (feature `mock`): its own scopes, kept apart from the client's names.
// ---------------------------------------------------------------------------------------------

/// Methods of the runtime's `MockServer` (`templates/runtime/mock.rs`); tag accessors on the
/// mock server may not take these names. A unit test of `emit::mock` checks this list against
/// the runtime source.
pub(crate) const MOCK_SERVER_METHODS: &[&str] = &[
    "start",
    "from_wiremock",
    "uri",
    "server_uri",
    "client",
    "client_builder",
    "wiremock",
    "received_requests",
    "verify",
    "reset",
    "clone",
    "fmt",
];

/// Methods of the runtime's `Expectation` (every inherent method, public or not, and the
/// trait methods it implements), then the fixed ones the mock emitter adds per operation.
/// Generated matchers (`with_<param>`, `<param>_contains`) may not take these names: two inherent
/// methods of one type may not share a name. A unit test of `emit::mock` checks this list against
/// the runtime source.
pub(crate) const MOCK_EXPECTATION_METHODS: &[&str] = &[
    "new",
    "path_param",
    "query_param",
    "query_param_contains",
    "header",
    "cookie",
    "matching",
    "body_matching",
    "returns_status",
    "returns_json",
    "returns_empty",
    "responds_with",
    "reply_header",
    "reply_delay",
    "retry_after",
    "expect",
    "up_to_n_times",
    "named",
    "priority",
    "mount",
    "mount_as_scoped",
    "received",
    "returns_page",
    "returns_list",
    "page",
    "reply_json",
    "reply_bytes",
    "checked",
    "push_reply",
    "last_reply",
    "into_mock",
    "route",
    "into_future",
    "clone",
    "fmt",
    // Added per operation by `emit::mock`.
    "returns",
    "returns_partial",
    "with_body",
];

/// Items of the generated `mock` module other than the per-tag and per-operation types.
pub(crate) const MOCK_MODULE_ITEMS: &[&str] =
    &["MockServer", "Expectation", "MockGuard", "MockOperation", "PagedOperation", "ReceivedRequest"];

/// Names the typed mock layer (run by [`assign`] after every other name is known): the tag
/// accessors on the mock server (the client's accessor names unless the mock server has such a
/// method), one expectation-factory type per tag (`CustomerMock`) and one marker type per
/// operation (`CustomerShow`) in the `mock` module, and per parameter the matcher methods of the
/// operation's expectation (`with_id`; `filter_contains` for filters).
pub fn assign_mock(api: &mut Api) {
    let mut accessors: BTreeSet<String> = MOCK_SERVER_METHODS.iter().map(|s| s.to_string()).collect();
    let mut items: BTreeSet<String> = MOCK_MODULE_ITEMS.iter().map(|s| s.to_string()).collect();
    let camel = |b: &str, n: usize| format!("{b}{n}");
    for tag in &mut api.tags {
        tag.mock_accessor = unique(tag.name.rust.clone(), &mut accessors, numbered_value);
        tag.mock_type = unique(format!("{}Mock", type_ident(&tag.name.rust)), &mut items, camel);
    }
    for op in api.tags.iter_mut().flat_map(|t| t.operations.iter_mut()) {
        op.mock_marker = unique(type_ident(&op.name.wire), &mut items, camel);
        let mut used: BTreeSet<String> = MOCK_EXPECTATION_METHODS.iter().map(|s| s.to_string()).collect();
        // Matchers first, so a parameter keeps `with_<param>` even when another one's
        // `_contains` name would take it.
        for p in &mut op.params {
            p.mock_matcher = unique(format!("with_{}", p.name.rust.trim_end_matches('_')), &mut used, numbered_value);
        }
        for p in op.params.iter_mut().filter(|p| p.role == Some(QueryRole::Filter)) {
            p.mock_contains =
                unique(format!("{}_contains", p.name.rust.trim_end_matches('_')), &mut used, numbered_value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: fn(&str) -> String, cases: &[(&str, &str)]) {
        for (wire, want) in cases {
            assert_eq!(f(wire), *want, "name for {wire:?}");
        }
    }

    #[test]
    fn values() {
        check(
            value_ident,
            &[
                ("type", "type_"),
                ("ref", "ref_"),
                ("self", "self_"),
                ("Self", "self_"),
                ("gen", "gen_"),
                ("async", "async_"),
                ("123", "n123"),
                ("+1", "plus_1"),
                ("-1", "minus_1"),
                ("foo-bar", "foo_bar"),
                ("fooBar", "foo_bar"),
                ("", "value"),
                ("café", "caf_u00e9"),
                ("with[]", "with"),
                ("@type", "at_type"),
            ],
        );
    }

    #[test]
    fn types() {
        check(
            type_ident,
            &[
                ("customer_response", "CustomerResponse"),
                ("Option", "Option"),
                ("Self", "SelfType"),
                ("123abc", "T123abc"),
                ("customerIndex.response200", "CustomerIndexResponse200"),
                ("", "Type"),
            ],
        );
    }

    #[test]
    fn variants() {
        check(
            variant_ident,
            &[
                ("customer.read.all", "CustomerReadAll"),
                ("1", "V1"),
                ("", "Empty"),
                ("in", "In"),
                ("Self", "SelfValue"),
            ],
        );
    }

    #[test]
    fn collisions_are_numbered_in_order() {
        let mut used = BTreeSet::new();
        let a = unique("foo_bar".into(), &mut used, |b, n| format!("{b}_{n}"));
        let b = unique("foo_bar".into(), &mut used, |b, n| format!("{b}_{n}"));
        assert_eq!((a.as_str(), b.as_str()), ("foo_bar", "foo_bar_2"));
    }
}
