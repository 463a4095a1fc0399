//! Non-Rust files of the crate, rendered from the askama templates in `templates/`.
//!
//! The README's examples are chosen from the IR (a list operation with a vocabulary, a
//! create and an update operation, a show operation) so they compile for any spec; the
//! crate's doctests check that they do.

use askama::Template;

use super::examples::{mock_example, mock_list_example, sample_args, MockExample, MockListExample};
use super::EmitOptions;
use crate::error::{Error, Result};
use crate::ir::*;

#[derive(Template)]
#[template(path = "Cargo.toml.j2", escape = "none")]
struct CargoToml {
    spec_name: String,
    name: String,
    version: String,
    description: String,
    license: String,
    repository: Option<String>,
    homepage: Option<String>,
    documentation: String,
    keywords: String,
    categories: String,
    uses_uuid: bool,
    full_serde_feature: &'static str,
    crate_ident: String,
    mock_feature: &'static str,
}

/// `Cargo.toml` of the generated crate. Package metadata comes from the spec's
/// `x-rust-crate` extension where present.
pub fn cargo_toml(api: &Api, opts: &EmitOptions, uses_uuid: bool) -> Result<String> {
    let meta = &api.crate_meta;
    let list = |v: &[String]| v.iter().map(|s| toml_str(s)).collect::<Vec<_>>().join(", ");
    let view = CargoToml {
        spec_name: opts.spec_name.clone(),
        name: toml_str(&opts.crate_name),
        version: toml_str(&opts.crate_version),
        description: toml_str(&format!("Client for the {} (generated from its OpenAPI description)", api.title)),
        license: toml_str(meta.license.as_deref().unwrap_or("MIT OR Apache-2.0")),
        repository: meta.repository.as_deref().map(toml_str),
        homepage: meta.homepage.as_deref().map(toml_str),
        documentation: toml_str(&format!("https://docs.rs/{}", opts.crate_name)),
        keywords: list(&meta.keywords),
        categories: list(&meta.categories),
        uses_uuid,
        full_serde_feature: super::types::FULL_SERDE_FEATURE,
        crate_ident: opts.crate_name.replace('-', "_"),
        mock_feature: super::mock::MOCK_FEATURE,
    };
    view.render().map_err(|e| Error::Template { template: "Cargo.toml.j2".into(), message: e.to_string() })
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

struct OAuthView {
    scope1: Option<String>,
    scope2: Option<String>,
}

struct CallView {
    accessor: String,
    method: String,
    args: String,
}

struct ListingView {
    accessor: String,
    method: String,
    /// (setter, relation enum, relation variant)
    relation: Option<(String, String, String)>,
    field_enum: String,
    field_variant: String,
    id_variant: String,
    /// (setter, operator method)
    filter: Option<(String, String)>,
    sort: Option<String>,
    show: Option<String>,
}

struct BodyCallView {
    accessor: String,
    method: String,
    args: String,
    body: String,
}

#[derive(Template)]
#[template(path = "README.md.j2", escape = "none")]
struct Readme {
    crate_name: String,
    crate_ident: String,
    title: String,
    description: Option<String>,
    spec_name: String,
    servers: Vec<String>,
    oauth: Option<OAuthView>,
    simple_get: Option<CallView>,
    listing: Option<ListingView>,
    create: Option<BodyCallView>,
    update: Option<BodyCallView>,
    show: Option<CallView>,
    /// Alias of a webhook's JSON payload, for the decoding example.
    webhook: Option<String>,
    version: String,
    full_serde_feature: &'static str,
    mock_feature: &'static str,
    mock: Option<MockExample>,
    mock_list: Option<MockListExample>,
}

/// `README.md` of the generated crate (also the crate's top-level rustdoc).
pub fn readme(api: &Api, opts: &EmitOptions) -> Result<String> {
    let ops = || api.tags.iter().flat_map(|t| t.operations.iter().map(move |o| (t, o)));
    let krate = opts.crate_name.replace('-', "_");
    // Each argument followed by ", ", so a body argument can follow in the templates.
    let args_of = |o: &Operation| sample_args(api, o).map(|a| a.iter().map(|x| format!("{x}, ")).collect::<String>());
    let simple_get = ops()
        .find(|(_, o)| {
            o.method == Method::Get
                && o.pagination.is_none()
                && o.server == 0
                && o.body.is_none()
                && args_of(o).is_some_and(|a| a.is_empty())
        })
        .map(|(t, o)| CallView { accessor: t.name.rust.clone(), method: o.name.rust.clone(), args: String::new() });
    let listing = ops().find_map(|(t, o)| {
        let v = &api.query_vocabularies[o.query_vocabulary?];
        o.pagination.as_ref()?;
        if !args_of(o)?.is_empty() || o.body.is_some() || v.fields.is_empty() {
            return None;
        }
        let setter =
            |r: QueryRole| o.params.iter().find(|p| p.role == Some(r) && !p.required).map(|p| p.name.rust.clone());
        let field = v
            .fields
            .iter()
            .find(|f| f.wire == "name")
            .or_else(|| v.fields.iter().find(|f| f.wire != "id"))
            .unwrap_or(&v.fields[0]);
        let id = v.fields.iter().find(|f| f.wire == "id").unwrap_or(&v.fields[0]);
        let filter = api.filter_syntax.as_ref().zip(setter(QueryRole::Filter)).and_then(|(f, setter)| {
            let op = f
                .operators
                .iter()
                .find(|o| o.wire == "like")
                .or_else(|| f.operators.iter().find(|o| !f.list_operator(&o.wire)))?;
            Some((setter, op.rust.clone()))
        });
        Some(ListingView {
            accessor: t.name.rust.clone(),
            method: o.name.rust.clone(),
            relation: setter(QueryRole::With)
                .filter(|_| !v.relations.is_empty())
                .map(|s| (s, v.enum_names[1].clone(), v.relations[0].rust.clone())),
            field_enum: v.enum_names[0].clone(),
            field_variant: field.rust.clone(),
            id_variant: id.rust.clone(),
            filter,
            sort: setter(QueryRole::OrderBy).filter(|_| api.sort_syntax.is_some()),
            show: setter(QueryRole::Show),
        })
    });
    let body_call = |method: Method| {
        ops().find_map(|(t, o)| {
            if o.method != method || o.server != 0 {
                return None;
            }
            let body = o.body.as_ref().filter(|b| b.encoding == BodyEncoding::Json)?;
            let TypeRef::Named(id) = body.ty else {
                return None;
            };
            let body =
                struct_literal(api, &krate, id, method == Method::Patch).or_else(|| json_literal(api, &krate, id))?;
            Some(BodyCallView { accessor: t.name.rust.clone(), method: o.name.rust.clone(), args: args_of(o)?, body })
        })
    };
    let create = body_call(Method::Post);
    let update = create.as_ref().and(body_call(Method::Patch));
    let show = ops().find_map(|(t, o)| {
        let args = args_of(o)?;
        (o.method == Method::Get && o.pagination.is_none() && !args.is_empty() && o.body.is_none() && o.server == 0)
            .then(|| CallView {
                accessor: t.name.rust.clone(),
                method: o.name.rust.clone(),
                args: args.trim_end_matches(", ").to_owned(),
            })
    });
    let oauth = api.oauth2.as_ref().map(|o| {
        // Read scopes make the gentlest example: least privilege first.
        let (read, other): (Vec<_>, Vec<_>) = o.scopes.iter().partition(|(wire, _)| wire.contains("read"));
        let mut scopes = read.into_iter().chain(other).map(|(_, (n, _))| n.rust.clone());
        OAuthView { scope1: scopes.next(), scope2: scopes.next() }
    });
    let view = Readme {
        crate_name: opts.crate_name.clone(),
        crate_ident: krate.clone(),
        title: api.title.clone(),
        description: api.description.as_deref().map(super::docs::markdown),
        spec_name: opts.spec_name.clone(),
        servers: api.servers.clone(),
        oauth,
        simple_get,
        listing,
        create,
        update,
        show,
        webhook: api
            .webhooks
            .iter()
            .find(|w| w.body.as_ref().is_some_and(|b| b.encoding == BodyEncoding::Json))
            .map(|w| w.name.rust.clone()),
        version: opts.crate_version.clone(),
        full_serde_feature: super::types::FULL_SERDE_FEATURE,
        mock_feature: super::mock::MOCK_FEATURE,
        mock: mock_example(api, &krate),
        mock_list: mock_list_example(api, &krate),
    };
    view.render().map_err(|e| Error::Template { template: "README.md.j2".into(), message: e.to_string() })
}

/// `crate::models::X { field: value, ..Default::default() }` from the schema's example, when
/// the type derives `Default` and the example values are simple.
fn struct_literal(api: &Api, krate: &str, id: TypeId, patch: bool) -> Option<String> {
    let def = &api.types[id];
    let TypeKind::Struct(s) = &def.kind else {
        return None;
    };
    let example = def.example.as_ref()?.as_object()?;
    let defaultable = |f: &Field| {
        !f.required
            || f.nullable
            || matches!(f.ty, TypeRef::String | TypeRef::Int(_) | TypeRef::Bool | TypeRef::F64 | TypeRef::F32)
    };
    if !s.fields.iter().all(defaultable) {
        return None;
    }
    let mut lines = Vec::new();
    for f in &s.fields {
        let value = match (&f.ty, example.get(&f.name.wire)?) {
            (TypeRef::String, serde_json::Value::String(v)) => format!("{v:?}.into()"),
            (TypeRef::Int(_), serde_json::Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
            (TypeRef::F64 | TypeRef::F32, serde_json::Value::Number(n)) => {
                let f = n.as_f64()?;
                if f.fract() == 0.0 {
                    format!("{f:.1}")
                } else {
                    f.to_string()
                }
            }
            (TypeRef::Bool, serde_json::Value::Bool(b)) => b.to_string(),
            _ => continue,
        };
        let value = match (f.required, f.nullable) {
            (true, false) => value,
            (true, true) | (false, false) => format!("Some({value})"),
            (false, true) => format!("Some(Some({value}))"),
        };
        lines.push(format!("    {}: {value},", f.name.rust));
        if patch && lines.len() >= 2 {
            break;
        }
    }
    if patch {
        if let Some(f) = s.fields.iter().find(|f| {
            !f.required && f.nullable && !lines.iter().any(|l| l.starts_with(&format!("    {}:", f.name.rust)))
        }) {
            lines.push(format!("    {}: Some(None),", f.name.rust));
        }
    }
    if lines.is_empty() {
        return None;
    }
    Some(format!("{krate}::models::{} {{\n{}\n    ..Default::default()\n}}", def.name.rust, lines.join("\n")))
}

/// `serde_json::from_value::<X>(serde_json::json!(example))?` when the schema has an example.
fn json_literal(api: &Api, krate: &str, id: TypeId) -> Option<String> {
    let def = &api.types[id];
    let example = def.example.as_ref()?;
    let json = serde_json::to_string_pretty(example).ok()?;
    Some(format!("serde_json::from_value::<{krate}::models::{}>(serde_json::json!({json}))?", def.name.rust))
}
