//! Stage 4 — naming: the one place spec names become Rust identifiers.
//!
//! [`assign`] fills every [`Name::rust`] in the IR. Case conversion is heck's; keywords get a
//! trailing underscore (`type` → `type_`), leading digits a letter prefix, other characters
//! are spelled out (`+1` → `plus_1`, non-ASCII → `u00e9`). A name the generated code already
//! uses in the same scope ([`reserved`]) gets that scope's suffix (`send` → `send_param`).
//! Collisions are resolved after all names in a scope are known, in IR order, by numbering the
//! later ones (`foo_bar_2`), so the result depends only on the spec.

pub mod reserved;

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::ir::*;
use reserved::Scope;

/// Rust keywords (2015–2024 editions, strict and reserved).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "union",
];

/// Fills in every Rust name of the IR.
pub fn assign(api: &mut Api) {
    // Types: components first (they come first in `types`), then inline types.
    let mut used = BTreeSet::new();
    for t in &mut api.types {
        t.name.rust = unique(type_ident(&t.name.wire), &mut used, |b, n| format!("{b}{n}"));
        match &mut t.kind {
            TypeKind::Struct(s) => {
                name_values(s.fields.iter_mut().map(|f| &mut f.name), &reserved::STRUCT_FIELDS);
            }
            TypeKind::Enum(e) => name_variants(e.variants.iter_mut(), &reserved::MODEL_VARIANTS),
            TypeKind::Union(u) => name_variants(u.variants.iter_mut().map(|v| &mut v.name), &reserved::MODEL_VARIANTS),
            TypeKind::Alias(_) => {}
        }
    }
    // A tag's one name is its accessor on the client and its module under `apis::` and
    // `models::`, so it avoids what all three scopes reserve.
    let tag_scopes = [&reserved::CLIENT_METHODS, &reserved::APIS, &reserved::MODELS, &reserved::MOCK_MODULE];
    let mut accessors = seeded(&tag_scopes);
    for tag in &mut api.tags {
        // `x-rust-name` on the tag (pre-filled by lowering) wins over the derived name.
        let snake = if tag.name.rust.is_empty() { value_ident(&tag.name.wire) } else { value_ident(&tag.name.rust) };
        tag.name.rust = claim(file_stem(snake), &tag_scopes, &mut accessors, numbered_value);
        let tag_snake = tag.name.rust.clone();
        let mut items = seeded(&[&reserved::TAG_MODULE]);
        // `builder_api` (a tag named `builder`) has `BuilderApi`, not `BuilderApiApi`.
        let api_base = tag_snake.strip_suffix("_api").filter(|b| !b.is_empty()).unwrap_or(&tag_snake);
        tag.api_type = unique(format!("{}Api", type_ident(api_base)), &mut items, |b, n| format!("{b}{n}"));
        let mut methods = seeded(&[&reserved::TAG_API_METHODS]);
        for op in &mut tag.operations {
            let full = if op.name.rust.is_empty() { value_ident(&op.name.wire) } else { value_ident(&op.name.rust) };
            // The tag's prefix is dropped (`customer_index` on `customer()` is `index`) unless
            // that name is taken: then the full name, and a number only if that is taken too.
            let short = full
                .strip_prefix(&format!("{tag_snake}_"))
                .filter(|rest| !rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit()))
                .map(|rest| escape_keyword(rest.to_owned()))
                .unwrap_or(full.clone());
            let base = if methods.contains(&short) { full } else { short };
            op.name.rust = claim(base, &[&reserved::TAG_API_METHODS], &mut methods, numbered_value);
            op.builder.rust =
                unique(format!("{}Request", type_ident(&op.name.wire)), &mut items, |b, n| format!("{b}{n}"));
            op.response_enum.rust =
                unique(format!("{}Response", type_ident(&op.name.wire)), &mut items, |b, n| format!("{b}{n}"));
            let mut variants = seeded(&[&reserved::RESPONSE_VARIANTS]);
            for s in &mut op.success {
                s.variant = unique(status_variant(&s.status), &mut variants, |b, n| format!("{b}{n}"));
            }
            let mut used = name_values(op.params.iter_mut().map(|p| &mut p.name), &reserved::REQUEST_BUILDER);
            for p in op.params.iter_mut().filter(|p| p.role.is_some()) {
                let raw = format!("{}_raw", p.name.rust.trim_end_matches('_'));
                p.raw_setter = claim(raw, &[&reserved::REQUEST_BUILDER], &mut used, numbered_value);
            }
        }
    }
    // Model files: one per tag (named like its API module), plus the shared and other groups,
    // which take the next free name when a tag has theirs.
    let tag_modules: Vec<String> = api.tags.iter().map(|t| t.name.rust.clone()).collect();
    let mut used: BTreeSet<String> = tag_modules.iter().cloned().chain(seeded(&[&reserved::MODELS])).collect();
    let shared = claim("shared".to_owned(), &[&reserved::MODELS], &mut used, numbered_value);
    let other = claim("other".to_owned(), &[&reserved::MODELS], &mut used, numbered_value);
    let webhooks = claim("webhooks".to_owned(), &[&reserved::MODELS], &mut used, numbered_value);
    for t in &mut api.types {
        t.module = match t.home {
            Home::Tag(i) => tag_modules[i].clone(),
            Home::Shared => shared.clone(),
            Home::Webhooks => webhooks.clone(),
            Home::Other => other.clone(),
        };
    }
    // Webhook payload aliases (`webhooks::NewPet`), with the method when a webhook has several
    // operations with a body.
    let mut used = BTreeSet::new();
    let wires: Vec<String> = api.webhooks.iter().filter(|w| w.body.is_some()).map(|w| w.name.wire.clone()).collect();
    for w in &mut api.webhooks {
        let several = w.body.is_some() && wires.iter().filter(|n| **n == w.name.wire).count() > 1;
        let base = if several { format!("{} {}", w.name.wire, w.method.key()) } else { w.name.wire.clone() };
        w.name.rust = unique(type_ident(&base), &mut used, |b, n| format!("{b}{n}"));
    }
    let mut used = seeded(&[&reserved::APIS]);
    for layout in &mut api.page_layouts {
        layout.name.rust = unique(type_ident(&layout.name.wire), &mut used, |b, n| format!("{b}{n}"));
    }
    // The vocabulary enums also avoid model names, so `query::X` and `models::X` never differ.
    let mut used: BTreeSet<String> =
        api.types.iter().map(|t| t.name.rust.clone()).chain(seeded(&[&reserved::QUERY])).collect();
    for v in &mut api.query_vocabularies {
        let base = type_ident(&v.resource.wire);
        v.resource.rust = base.clone();
        v.enum_names = ["Field", "Relation", "Count"]
            .map(|suffix| claim(format!("{base}{suffix}"), &[&reserved::QUERY], &mut used, |b, n| format!("{b}{n}")));
        for list in [&mut v.fields, &mut v.relations, &mut v.countable] {
            name_variants(list.iter_mut(), &reserved::QUERY_VARIANTS);
        }
    }
    if let Some(f) = &mut api.filter_syntax {
        name_values(f.operators.iter_mut(), &reserved::FILTER_OPERATORS);
    }
    if let Some(o) = &mut api.oauth2 {
        name_variants(o.scopes.values_mut().map(|(name, _)| name), &reserved::SCOPE_VARIANTS);
    }
    assign_mock(api);
}

/// The names `scopes` reserve, as the names taken before any spec name is given.
fn seeded(scopes: &[&Scope]) -> BTreeSet<String> {
    scopes.iter().flat_map(|s| s.reserved()).map(str::to_owned).collect()
}

/// `base`, with the suffix of the first of `scopes` that reserves it, numbered until unused in
/// `used` (which holds the scopes' reserved names); records the result as used.
fn claim(
    base: String,
    scopes: &[&Scope],
    used: &mut BTreeSet<String>,
    numbered: impl Fn(&str, usize) -> String,
) -> String {
    let base = match scopes.iter().find(|s| s.reserves(&base)) {
        Some(scope) if !scope.suffix.is_empty() => format!("{}{}", base.trim_end_matches('_'), scope.suffix),
        _ => base,
    };
    unique(base, used, numbered)
}

/// Names enum-like variants in one scope (`Unknown` → `Unknown2` where `scope` reserves it).
fn name_variants<'n>(names: impl Iterator<Item = &'n mut Name>, scope: &Scope) {
    let mut used = seeded(&[scope]);
    for n in names {
        n.rust = claim(variant_ident(&n.wire), &[scope], &mut used, |b, i| format!("{b}{i}"));
    }
}

/// Names values (fields, parameters, methods) in one scope, avoiding what `scope` reserves;
/// returns the names now taken in that scope.
fn name_values<'n>(names: impl Iterator<Item = &'n mut Name>, scope: &Scope) -> BTreeSet<String> {
    let mut used = seeded(&[scope]);
    for n in names {
        n.rust = claim(value_ident(n.wire.trim_end_matches("[]")), &[scope], &mut used, numbered_value);
    }
    used
}

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

/// `foo_2` for `foo`, and `type_2` (not `type__2`) for a suffixed keyword.
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

/// The longest module name made from a tag, before a suffix or number: the module is also a
/// file (`src/apis/<tag>.rs`, `src/models/<tag>.rs`, `src/mock/<tag>.rs`), and file systems
/// refuse names over 255 bytes (Windows paths over 260 characters by default), while a
/// non-ASCII character is spelled in six (`u540d_`).
const MAX_FILE_STEM: usize = 64;

/// `ident` cut to [`MAX_FILE_STEM`] characters, without a trailing `_`, and escaped again in
/// case the cut leaves a keyword.
fn file_stem(ident: String) -> String {
    if ident.chars().count() <= MAX_FILE_STEM {
        return ident;
    }
    let cut: String = ident.chars().take(MAX_FILE_STEM).collect();
    escape_keyword(cut.trim_end_matches('_').to_owned())
}

fn escape_keyword(mut s: String) -> String {
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// Names the typed mock layer (feature `mock`; run by [`assign`] after every other name is
/// known): the tag accessors on the mock server (the client's accessor names unless the mock
/// server has such a method, [`reserved::MOCK_SERVER_METHODS`]), one expectation-factory type
/// per tag (`CustomerMock`) and one marker type per operation (`CustomerShow`) in the `mock`
/// module ([`reserved::MOCK_MODULE`]), and per parameter the matcher methods of the
/// operation's expectation (`with_id`; `filter_contains` for filters;
/// [`reserved::MOCK_EXPECTATION_METHODS`]).
pub fn assign_mock(api: &mut Api) {
    let mut accessors = seeded(&[&reserved::MOCK_SERVER_METHODS]);
    let mut items = seeded(&[&reserved::MOCK_MODULE]);
    let camel = |b: &str, n: usize| format!("{b}{n}");
    for tag in &mut api.tags {
        tag.mock_accessor = unique(tag.name.rust.clone(), &mut accessors, numbered_value);
        tag.mock_type = unique(format!("{}Mock", type_ident(&tag.name.rust)), &mut items, camel);
    }
    for op in api.tags.iter_mut().flat_map(|t| t.operations.iter_mut()) {
        op.mock_marker = unique(type_ident(&op.name.wire), &mut items, camel);
        let mut used = seeded(&[&reserved::MOCK_EXPECTATION_METHODS]);
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

/// Package names Cargo or crates.io refuse although they are made of valid characters:
/// Rust's own crates and Windows device names.
const RESERVED_CRATE_NAMES: &[&str] = &[
    "alloc",
    "core",
    "proc_macro",
    "proc-macro",
    "std",
    "test",
    "con",
    "prn",
    "aux",
    "nul",
    "com1",
    "com2",
    "com3",
    "com4",
    "com5",
    "com6",
    "com7",
    "com8",
    "com9",
    "lpt1",
    "lpt2",
    "lpt3",
    "lpt4",
    "lpt5",
    "lpt6",
    "lpt7",
    "lpt8",
    "lpt9",
];

/// The library names of the generated crate's dependencies (`templates/Cargo.toml.j2`, dev
/// dependencies included). A crate of the same name builds, but its doctests and tests, which
/// link both, fail with "multiple candidates for `rlib` dependency".
const DEPENDENCY_CRATE_NAMES: &[&str] = &[
    "base64",
    "chrono",
    "futures_util",
    "getrandom",
    "keyring",
    "oauth2",
    "reqwest",
    "serde",
    "serde_json",
    "serde_path_to_error",
    "serde_urlencoded",
    "serde_yaml",
    "sha2",
    "tokio",
    "tracing",
    "tracing_subscriber",
    "url",
    "uuid",
    "wiremock",
];

/// The longest package name crates.io accepts.
const MAX_CRATE_NAME: usize = 64;

/// Checks that `name` can be published as a package: ASCII letters, digits, `-` and `_`,
/// starting with a letter, at most 64 characters, not a Rust keyword (the library target is
/// named after it), a reserved name nor a dependency of the generated crate. The error says
/// what is wrong.
pub fn check_crate_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".into());
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return Err(format!("`{c}` is not allowed (only ASCII letters, digits, `-` and `_` are)"));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("it must start with an ASCII letter".into());
    }
    if name.len() > MAX_CRATE_NAME {
        return Err(format!("it is longer than {MAX_CRATE_NAME} characters"));
    }
    let ident = crate_ident(name);
    if KEYWORDS.contains(&ident.as_str()) {
        return Err("it is a Rust keyword".into());
    }
    if RESERVED_CRATE_NAMES.contains(&name.to_ascii_lowercase().as_str()) {
        return Err("the name is reserved (a Rust crate or a Windows device name)".into());
    }
    if DEPENDENCY_CRATE_NAMES.contains(&ident.as_str()) {
        return Err("it is the name of a crate the generated crate depends on".into());
    }
    Ok(())
}

/// The package name of a generated crate when none is given: `x-rust-crate.name` when the
/// spec sets it (lowering has checked it with [`check_crate_name`]), otherwise the spec's
/// title as kebab-case ASCII (`Swagger Petstore - OpenAPI 3.0` → `swagger-petstore-openapi-3-0`),
/// prefixed with `api-` when it would start with a digit, suffixed with `-client` when it is a
/// keyword, reserved or a dependency's name, and `api-client` when the title has no ASCII
/// letter or digit.
pub fn crate_name(api: &Api) -> String {
    match &api.crate_meta.name {
        Some(name) => name.clone(),
        None => crate_name_from_title(&api.title),
    }
}

/// The title rule of [`crate_name`].
pub fn crate_name_from_title(title: &str) -> String {
    let mut name = String::with_capacity(title.len());
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let mut name = name.trim_end_matches('-').to_owned();
    if name.is_empty() {
        return "api-client".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "api-");
    }
    if name.len() > MAX_CRATE_NAME {
        name.truncate(MAX_CRATE_NAME);
        name = name.trim_end_matches('-').to_owned();
    }
    if check_crate_name(&name).is_err() {
        name.push_str("-client");
    }
    name
}

/// The identifier code uses for a package (`swagger-petstore` → `swagger_petstore`), and the
/// default module name of the build-script mode.
pub fn crate_ident(crate_name: &str) -> String {
    crate_name.replace('-', "_")
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
    fn reserved_names_take_the_suffix_of_their_scope_or_a_number() {
        let cases: &[(&Scope, &str, &str)] = &[
            (&reserved::REQUEST_BUILDER, "send", "send_param"),
            (&reserved::REQUEST_BUILDER, "sender", "sender"),
            (&reserved::TAG_API_METHODS, "new", "new_op"),
            (&reserved::CLIENT_METHODS, "builder", "builder_api"),
            (&reserved::FILTER_OPERATORS, "op_list", "op_list_operator"),
            (&reserved::STRUCT_FIELDS, "additional_properties", "additional_properties_field"),
            (&reserved::MODEL_VARIANTS, "Unknown", "Unknown2"),
            (&reserved::QUERY, "QueryField", "QueryField2"),
        ];
        for (scope, base, want) in cases {
            let mut used = seeded(&[scope]);
            let got = claim(base.to_string(), &[scope], &mut used, |b, n| format!("{b}{n}"));
            assert_eq!(got, *want, "{base} in {}", scope.name);
        }
    }

    #[test]
    fn tag_modules_fit_in_a_file_name() {
        assert_eq!(file_stem("pets".into()), "pets");
        let long = file_stem(value_ident(&"名前".repeat(30)));
        assert_eq!(long.len(), MAX_FILE_STEM, "{long}");
        assert!(long.starts_with("u540d_u524d_") && !long.ends_with('_'), "{long}");
        assert_eq!(file_stem(format!("{}_b", "a".repeat(MAX_FILE_STEM - 1))), "a".repeat(MAX_FILE_STEM - 1));
    }

    #[test]
    fn collisions_are_numbered_in_order() {
        let mut used = BTreeSet::new();
        let a = unique("foo_bar".into(), &mut used, |b, n| format!("{b}_{n}"));
        let b = unique("foo_bar".into(), &mut used, |b, n| format!("{b}_{n}"));
        assert_eq!((a.as_str(), b.as_str()), ("foo_bar", "foo_bar_2"));
    }

    #[test]
    fn crate_names_from_titles() {
        check(
            crate_name_from_title,
            &[
                ("Swagger Petstore", "swagger-petstore"),
                ("Swagger Petstore - OpenAPI 3.0", "swagger-petstore-openapi-3-0"),
                ("GitHub v3 REST API", "github-v3-rest-api"),
                ("  Cirqll Core API  ", "cirqll-core-api"),
                ("1Password Connect", "api-1password-connect"),
                ("Café API", "caf-api"),
                ("Test", "test-client"),
                ("Type", "type-client"),
                ("CON", "con-client"),
                ("Serde", "serde-client"),
                ("URL", "url-client"),
                ("Futures Util", "futures-util-client"),
                ("日本語", "api-client"),
                ("", "api-client"),
            ],
        );
        let long = crate_name_from_title(&"word ".repeat(40));
        assert!(long.len() <= 64 && !long.ends_with('-'), "{long}");
        assert_eq!(check_crate_name(&long), Ok(()));
    }

    #[test]
    fn crate_name_rules() {
        for ok in ["cirqll", "golden-objects", "a_b-c1", "Petstore"] {
            assert_eq!(check_crate_name(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("", "empty"),
            ("1abc", "start with an ASCII letter"),
            ("-abc", "start with an ASCII letter"),
            ("my crate", "` ` is not allowed"),
            ("café", "`é` is not allowed"),
            ("fn", "keyword"),
            ("self", "keyword"),
            ("std", "reserved"),
            ("proc-macro", "reserved"),
            ("nul", "reserved"),
            ("tokio", "depends on"),
            ("serde-json", "depends on"),
        ] {
            let err = check_crate_name(bad).expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
        }
        assert!(check_crate_name(&"a".repeat(65)).unwrap_err().contains("longer than 64"));
        assert_eq!(crate_ident("swagger-petstore"), "swagger_petstore");
    }
}
