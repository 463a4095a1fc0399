//! The reserved lists of `naming::reserved` are the truth about the generated crates: in every
//! scope of every generated crate (the client and each fixture's), each identifier is either
//! spec-derived (named by the naming stage, so in the IR) or listed as defined by that scope;
//! every listed name appears in some crate; naming never gives a spec name a reserved one; and
//! the cursed fixture gives some spec name every reserved name a spec name can produce.
//!
//! So an emitter that adds an item to a scope without listing it fails here, whether or not a
//! spec happens to collide with it yet.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use cirqll_codegen::ir::{Api, TypeKind};
use cirqll_codegen::naming::reserved::{self, Scope};
use cirqll_codegen::naming::{type_ident, value_ident, variant_ident};
use cirqll_codegen::{analyze_bytes, generate_bytes, Options};

/// One instance of a scope in a generated crate: where it is, the identifiers found there,
/// and the ones the IR names there.
struct Instance {
    scope: &'static Scope,
    place: String,
    found: BTreeSet<String>,
    spec: BTreeSet<String>,
}

fn set<S: ToString>(items: impl IntoIterator<Item = S>) -> BTreeSet<String> {
    items.into_iter().map(|s| s.to_string()).collect()
}

/// Names an item list declares (uses contribute their leaves, globs nothing).
fn item_names(items: &[syn::Item]) -> BTreeSet<String> {
    fn use_leaves(tree: &syn::UseTree, out: &mut BTreeSet<String>) {
        match tree {
            syn::UseTree::Path(p) => use_leaves(&p.tree, out),
            syn::UseTree::Name(n) => {
                out.insert(n.ident.to_string());
            }
            syn::UseTree::Rename(r) => {
                out.insert(r.rename.to_string());
            }
            syn::UseTree::Glob(_) => {}
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_leaves(t, out)),
        }
    }
    let mut out = BTreeSet::new();
    for item in items {
        let ident = match item {
            syn::Item::Const(i) => Some(&i.ident),
            syn::Item::Enum(i) => Some(&i.ident),
            syn::Item::Fn(i) => Some(&i.sig.ident),
            syn::Item::Mod(i) => Some(&i.ident),
            syn::Item::Static(i) => Some(&i.ident),
            syn::Item::Struct(i) => Some(&i.ident),
            syn::Item::Trait(i) => Some(&i.ident),
            syn::Item::Type(i) => Some(&i.ident),
            syn::Item::Union(i) => Some(&i.ident),
            syn::Item::Macro(i) => i.ident.as_ref(),
            syn::Item::Use(u) => {
                use_leaves(&u.tree, &mut out);
                None
            }
            _ => None,
        };
        out.extend(ident.map(ToString::to_string));
    }
    out
}

/// Generic type parameters of the structs and enums of an item list.
fn item_generics(items: &[syn::Item]) -> BTreeSet<String> {
    let generics = items.iter().filter_map(|item| match item {
        syn::Item::Struct(s) => Some(&s.generics),
        syn::Item::Enum(e) => Some(&e.generics),
        _ => None,
    });
    set(generics.flat_map(|g| g.type_params().map(|p| p.ident.clone())))
}

/// Methods (and associated items) of the inherent impls of the type named `ty`.
fn inherent_methods(items: &[syn::Item], ty: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in items {
        let syn::Item::Impl(i) = item else { continue };
        let syn::Type::Path(p) = &*i.self_ty else { continue };
        if i.trait_.is_some() || p.path.segments.last().is_none_or(|s| s.ident != ty) {
            continue;
        }
        for member in &i.items {
            match member {
                syn::ImplItem::Fn(f) => out.insert(f.sig.ident.to_string()),
                syn::ImplItem::Const(c) => out.insert(c.ident.to_string()),
                syn::ImplItem::Type(t) => out.insert(t.ident.to_string()),
                _ => false,
            };
        }
    }
    out
}

fn struct_fields(items: &[syn::Item], name: &str) -> Option<BTreeSet<String>> {
    items.iter().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == name => Some(set(s.fields.iter().filter_map(|f| f.ident.clone()))),
        _ => None,
    })
}

fn enum_variants(items: &[syn::Item], name: &str) -> Option<BTreeSet<String>> {
    items.iter().find_map(|item| match item {
        syn::Item::Enum(e) if e.ident == name => Some(set(e.variants.iter().map(|v| v.ident.clone()))),
        _ => None,
    })
}

/// Every scope instance of the crate generated from `spec`.
fn instances(spec: &Path) -> Vec<Instance> {
    let bytes = std::fs::read(spec).unwrap();
    let api = analyze_bytes(spec, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let files = generate_bytes(spec, &bytes, &Options::default()).unwrap_or_else(|e| panic!("{e}")).files;
    let parse = |path: &str| -> Vec<syn::Item> {
        files.get(path).map_or_else(Vec::new, |text| {
            syn::parse_file(std::str::from_utf8(text).unwrap()).unwrap_or_else(|e| panic!("{path}: {e}")).items
        })
    };
    let mut out = Vec::new();
    let mut add = |scope: &'static Scope, place: String, found: BTreeSet<String>, spec: BTreeSet<String>| {
        out.push(Instance { scope, place, found, spec })
    };
    let tags = set(api.tags.iter().map(|t| &t.name.rust));

    let lib = parse("src/lib.rs");
    add(&reserved::ROOT, "src/lib.rs".into(), item_names(&lib), BTreeSet::new());
    let mut client = inherent_methods(&lib, "Client");
    client.extend(inherent_methods(&parse("src/runtime/client.rs"), "Client"));
    add(&reserved::CLIENT_METHODS, "impl Client".into(), client, tags.clone());
    let layouts = api.page_layouts.iter().map(|l| l.name.rust.clone());
    add(&reserved::APIS, "src/apis/mod.rs".into(), item_names(&parse("src/apis/mod.rs")), set(layouts.chain(tags)));

    for tag in &api.tags {
        let path = format!("src/apis/{}.rs", tag.name.rust);
        let items = parse(&path);
        let mut found = item_names(&items);
        found.extend(item_generics(&items));
        let ops = &tag.operations;
        let named = ops.iter().flat_map(|o| [&o.builder.rust, &o.response_enum.rust]);
        add(&reserved::TAG_MODULE, path.clone(), found, set(named.chain([&tag.api_type])));
        let methods = inherent_methods(&items, &tag.api_type);
        add(&reserved::TAG_API_METHODS, tag.api_type.clone(), methods, set(ops.iter().map(|o| &o.name.rust)));
        for op in ops {
            let mut found = struct_fields(&items, &op.builder.rust).expect("builder struct");
            found.extend(inherent_methods(&items, &op.builder.rust));
            let params = op.params.iter().flat_map(|p| [&p.name.rust, &p.raw_setter]).filter(|n| !n.is_empty());
            add(&reserved::REQUEST_BUILDER, op.builder.rust.clone(), found, set(params));
            if let Some(variants) = enum_variants(&items, &op.response_enum.rust) {
                let spec = set(op.success.iter().map(|s| &s.variant));
                add(&reserved::RESPONSE_VARIANTS, op.response_enum.rust.clone(), variants, spec);
            }
        }
    }

    let groups = set(api.types.iter().map(|t| &t.module));
    add(&reserved::MODELS, "src/models/mod.rs".into(), item_names(&parse("src/models/mod.rs")), groups.clone());
    for group in &groups {
        let path = format!("src/models/{group}.rs");
        let items = parse(&path);
        let types: Vec<_> = api.types.iter().filter(|t| t.module == *group).collect();
        add(&reserved::MODEL_ITEMS, path, item_names(&items), set(types.iter().map(|t| &t.name.rust)));
        for t in types {
            let name = &t.name.rust;
            match &t.kind {
                TypeKind::Struct(s) => {
                    let found = struct_fields(&items, name).expect("model struct");
                    add(&reserved::STRUCT_FIELDS, name.clone(), found, set(s.fields.iter().map(|f| &f.name.rust)));
                }
                TypeKind::Enum(e) => {
                    let found = enum_variants(&items, name).expect("model enum");
                    add(&reserved::MODEL_VARIANTS, name.clone(), found, set(e.variants.iter().map(|v| &v.rust)));
                }
                TypeKind::Union(u) => {
                    let found = enum_variants(&items, name).expect("model union");
                    add(&reserved::MODEL_VARIANTS, name.clone(), found, set(u.variants.iter().map(|v| &v.name.rust)));
                }
                TypeKind::Alias(_) => {}
            }
        }
    }

    let query = parse("src/query.rs");
    if files.contains_key("src/query.rs") {
        let enums = api.query_vocabularies.iter().flat_map(|v| v.enum_names.iter());
        add(&reserved::QUERY, "src/query.rs".into(), item_names(&query), set(enums));
        for v in &api.query_vocabularies {
            for (name, list) in v.enum_names.iter().zip([&v.fields, &v.relations, &v.countable]) {
                if let Some(found) = enum_variants(&query, name) {
                    add(&reserved::QUERY_VARIANTS, name.clone(), found, set(list.iter().map(|n| &n.rust)));
                }
            }
        }
    }
    let mut operators = inherent_methods(&query, "FieldFilter");
    operators.extend(inherent_methods(&parse("src/runtime/query.rs"), "FieldFilter"));
    let spec_operators = api.filter_syntax.iter().flat_map(|f| f.operators.iter().map(|o| &o.rust));
    add(&reserved::FILTER_OPERATORS, "impl FieldFilter".into(), operators, set(spec_operators));
    // The mock layer (feature `mock`): its module, the server's tag accessors, and each
    // operation's expectation with its matchers.
    let mock_mod = parse("src/mock/mod.rs");
    let mut mock_items = item_names(&mock_mod);
    let mut server_methods = inherent_methods(&parse("src/runtime/mock.rs"), "MockServer");
    let mut expectation_methods = inherent_methods(&parse("src/runtime/mock.rs"), "Expectation");
    expectation_methods.extend(inherent_methods(&parse("src/runtime/mock_wire.rs"), "Expectation"));
    let mut mock_spec = BTreeSet::new();
    for tag in &api.tags {
        let path = format!("src/mock/{}.rs", tag.mock_accessor);
        let items = parse(&path);
        mock_items.extend(item_names(&items));
        server_methods.extend(inherent_methods(&items, "MockServer"));
        expectation_methods.extend(inherent_methods(&items, "Expectation"));
        mock_spec.insert(tag.mock_accessor.clone());
        mock_spec.insert(tag.mock_type.clone());
        mock_spec.extend(tag.operations.iter().map(|o| o.mock_marker.clone()));
    }
    add(&reserved::MOCK_MODULE, "src/mock/mod.rs".into(), mock_items, mock_spec);
    let accessors = set(api.tags.iter().map(|t| &t.mock_accessor));
    add(&reserved::MOCK_SERVER_METHODS, "impl MockServer".into(), server_methods, accessors);
    let ops = || api.tags.iter().flat_map(|t| t.operations.iter());
    let matchers = ops().flat_map(|o| o.params.iter().flat_map(|p| [&p.mock_matcher, &p.mock_contains]));
    let matchers = set(matchers.filter(|n| !n.is_empty()));
    add(&reserved::MOCK_EXPECTATION_METHODS, "impl Expectation".into(), expectation_methods, matchers);
    if files.contains_key("src/oauth.rs") {
        let oauth = parse("src/oauth.rs");
        add(&reserved::OAUTH, "src/oauth.rs".into(), item_names(&oauth), BTreeSet::new());
        let scopes = api.oauth2.iter().flat_map(|o| o.scopes.values().map(|(n, _)| &n.rust));
        add(&reserved::SCOPE_VARIANTS, "Scope".into(), enum_variants(&oauth, "Scope").unwrap_or_default(), set(scopes));
    }
    out
}

/// The client's spec and every fixture spec.
fn specs() -> Vec<std::path::PathBuf> {
    let root = common::root();
    let mut specs = vec![root.join("spec/cirqll.yaml")];
    let mut fixtures: Vec<_> =
        std::fs::read_dir(root.join("generator/tests/fixtures")).unwrap().map(|e| e.unwrap().path()).collect();
    fixtures.sort();
    specs.extend(fixtures);
    specs
}

#[test]
fn every_generated_identifier_is_spec_derived_or_reserved_by_its_scope() {
    let mut seen: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    // Problem → the places it occurs (one line per problem, however many builders share it).
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for spec in specs() {
        let file = spec.file_name().unwrap().to_string_lossy().into_owned();
        for i in instances(&spec) {
            for name in i.found.difference(&i.spec).filter(|n| !i.scope.defined.contains(&n.as_str())) {
                let problem = format!(
                    "{file}: `{name}` in {} is neither spec-derived nor listed in naming::reserved (add it to the scope's `defined`)",
                    i.scope.name
                );
                failures.entry(problem).or_default().push(i.place.clone());
            }
            for name in i.spec.iter().filter(|n| i.scope.reserves(n)) {
                let problem = format!("{file}: naming gave a spec name the reserved name `{name}` in {}", i.scope.name);
                failures.entry(problem).or_default().push(i.place.clone());
            }
            seen.entry(i.scope.name).or_default().extend(i.found.difference(&i.spec).cloned());
        }
    }
    for scope in reserved::SCOPES {
        for name in scope.defined.iter().filter(|n| !seen.get(scope.name).is_some_and(|s| s.contains(**n))) {
            let problem =
                format!("`{name}` is listed as defined in {} but no generated crate has it there", scope.name);
            failures.entry(problem).or_default();
        }
    }
    let report: Vec<String> = failures
        .iter()
        .map(|(problem, places)| match places.as_slice() {
            [] => problem.clone(),
            [only] => format!("{problem} (in {only})"),
            [first, rest @ ..] => format!("{problem} (in {first} and {} more)", rest.len()),
        })
        .collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// What a spec name of each scope is made from, before naming reserves anything: the bases
/// the cursed fixture offers, and whether a reserved name is one a spec name can produce.
fn bases(api: &Api, scope: &Scope) -> BTreeSet<String> {
    let ops = || api.tags.iter().flat_map(|t| t.operations.iter());
    if [&reserved::CLIENT_METHODS, &reserved::APIS, &reserved::MODELS, &reserved::MOCK_MODULE].contains(&scope) {
        set(api.tags.iter().map(|t| value_ident(&t.name.wire)))
    } else if scope == &reserved::TAG_API_METHODS {
        set(ops().map(|o| value_ident(&o.name.wire)))
    } else if scope == &reserved::REQUEST_BUILDER {
        set(ops().flat_map(|o| o.params.iter().map(|p| value_ident(&p.name.wire))))
    } else if scope == &reserved::STRUCT_FIELDS {
        set(api.types.iter().flat_map(|t| match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| value_ident(&f.name.wire)).collect(),
            _ => Vec::new(),
        }))
    } else if scope == &reserved::MODEL_VARIANTS {
        set(api.types.iter().flat_map(|t| match &t.kind {
            TypeKind::Enum(e) => e.variants.iter().map(|v| variant_ident(&v.wire)).collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| variant_ident(&v.name.wire)).collect(),
            _ => Vec::new(),
        }))
    } else if scope == &reserved::QUERY {
        let resources = api.query_vocabularies.iter().map(|v| type_ident(&v.resource.wire));
        set(resources.flat_map(|r| ["Field", "Relation", "Count"].map(|s| format!("{r}{s}"))))
    } else if scope == &reserved::FILTER_OPERATORS {
        set(api.filter_syntax.iter().flat_map(|f| f.operators.iter().map(|o| value_ident(&o.wire))))
    } else {
        BTreeSet::new()
    }
}

/// Whether some spec name can become `name` in `scope` (`_output` cannot: identifiers made from
/// spec names never start with `_`; `FieldFilter` cannot be `<Resource>Field`).
fn producible(scope: &Scope, name: &str) -> bool {
    let value_scopes = [
        &reserved::CLIENT_METHODS,
        &reserved::APIS,
        &reserved::MODELS,
        &reserved::MOCK_MODULE,
        &reserved::TAG_API_METHODS,
        &reserved::REQUEST_BUILDER,
        &reserved::STRUCT_FIELDS,
        &reserved::FILTER_OPERATORS,
    ];
    if value_scopes.contains(&scope) {
        value_ident(name) == name
    } else if scope == &reserved::MODEL_VARIANTS {
        variant_ident(name) == name
    } else if scope == &reserved::QUERY {
        ["Field", "Relation", "Count"]
            .iter()
            .any(|s| name.strip_suffix(s).is_some_and(|r| !r.is_empty() && type_ident(r) == r))
    } else {
        false
    }
}

#[test]
fn the_cursed_fixture_names_something_after_every_reserved_name() {
    let spec = common::root().join("generator/tests/fixtures/cursed.yaml");
    let api = analyze_bytes(&spec, &std::fs::read(&spec).unwrap()).unwrap();
    let mut missing = Vec::new();
    for scope in reserved::SCOPES {
        let bases = bases(&api, scope);
        for name in scope.reserved().filter(|n| producible(scope, n)) {
            if !bases.contains(name) {
                missing.push(format!("{}: `{name}`", scope.name));
            }
        }
    }
    assert!(missing.is_empty(), "cursed.yaml names nothing after these reserved names:\n{}", missing.join("\n"));
}
