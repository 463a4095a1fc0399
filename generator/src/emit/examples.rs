//! Example code for doc comments and the README, built from the IR so it compiles for any spec.

use super::types::derives_default;
use crate::ir::*;

/// A literal argument of type `t`, when it has a simple one.
fn sample_arg(api: &Api, t: &TypeRef) -> Option<String> {
    Some(match t {
        TypeRef::Int(_) => "1".into(),
        TypeRef::String => "\"1\"".into(),
        TypeRef::Bool => "true".into(),
        TypeRef::F32 | TypeRef::F64 => "1.0".into(),
        TypeRef::Named(id) => match &api.types[*id].kind {
            TypeKind::Alias(inner) => return sample_arg(api, inner),
            _ => return None,
        },
        _ => return None,
    })
}

/// Literal arguments for the parameters `op`'s method takes (path and required ones, in order),
/// or `None` when one has no simple literal.
pub fn sample_args(api: &Api, op: &Operation) -> Option<Vec<String>> {
    op.params
        .iter()
        .filter(|p| p.location == ParamLocation::Path || p.required)
        .map(|p| sample_arg(api, &p.ty))
        .collect()
}

/// Doc lines with a compiled (`no_run`) example calling `op`, or `None` when an argument has
/// no simple literal.
pub fn operation_example(api: &Api, krate: &str, tag: &Tag, op: &Operation) -> Option<Vec<String>> {
    let mut args = sample_args(api, op)?;
    if let Some(body) = &op.body {
        args.push(match (&body.encoding, &body.ty) {
            (BodyEncoding::Bytes, _) => "b\"raw bytes\".to_vec()".to_owned(),
            (_, TypeRef::Named(id)) if derives_default(api, *id) => "&Default::default()".to_owned(),
            _ => return None,
        });
    }
    let call = format!("client.{}().{}({})", tag.name.rust, op.name.rust, args.join(", "));
    let mut lines = vec![
        String::new(),
        "# Example".into(),
        "```no_run".into(),
        format!("# async fn example(client: {krate}::Client) -> Result<(), {krate}::Error> {{"),
    ];
    if op.pagination.is_some() {
        lines.push(format!("let page = {call}.send().await?;"));
        lines.push("println!(\"{} records of {:?}\", page.items.len(), page.total);".into());
    } else {
        lines.push(format!("let response = {call}.send().await?;"));
        lines.push("println!(\"{} {:?}\", response.status, response.value);".into());
    }
    lines.extend(["# Ok(())".into(), "# }".into(), "```".into()]);
    Some(lines)
}

/// A mock expectation for the README (feature `mock`): an operation without body whose one
/// success body type has a value the example can build (from the schema's example, or
/// `Default`), preferring one with path parameters so the example shows a matcher.
pub struct MockExample {
    /// Tag accessor on the mock server.
    pub mock_accessor: String,
    /// Tag accessor on the client.
    pub accessor: String,
    /// Operation method.
    pub method: String,
    /// Matchers for the arguments, each `.with_x(literal)`.
    pub matchers: String,
    /// Arguments of the client call.
    pub args: String,
    /// An expression of the success type.
    pub record: String,
    /// The status `returns` replies with.
    pub status: u16,
}

/// A list for the README's mock example: `returns_list` and `.stream()` with a small limit.
pub struct MockListExample {
    /// Tag accessor on the mock server.
    pub mock_accessor: String,
    /// Tag accessor on the client.
    pub accessor: String,
    /// Operation method.
    pub method: String,
    /// The limit setter of the client's request builder.
    pub limit: String,
    /// `2`, typed for the limit parameter (`2u32` for an unsigned one).
    pub two: String,
    /// An expression of the item type.
    pub record: String,
}

/// An expression building a value of `t` for examples: the schema's example decoded, or
/// `Default::default()`.
fn value_of(api: &Api, krate: &str, t: &TypeRef) -> Option<String> {
    let TypeRef::Named(id) = t else { return None };
    let def = &api.types[*id];
    if let Some(example) = &def.example {
        let json = serde_json::to_string_pretty(example).ok()?;
        return Some(format!(
            "serde_json::from_value::<{krate}::models::{}>(serde_json::json!({json}))?",
            def.name.rust
        ));
    }
    derives_default(api, *id).then(|| format!("{krate}::models::{}::default()", def.name.rust))
}

/// Picks the README's mock example (see [`MockExample`]).
pub fn mock_example(api: &Api, krate: &str) -> Option<MockExample> {
    let ops = || api.tags.iter().flat_map(|t| t.operations.iter().map(move |o| (t, o)));
    let candidate = |(tag, op): (&Tag, &Operation)| -> Option<MockExample> {
        if op.body.is_some() || op.pagination.is_some() || op.method != Method::Get {
            return None;
        }
        let first = op.success.first()?;
        if op.success.iter().any(|s| s.ty != first.ty) {
            return None;
        }
        let record = value_of(api, krate, first.ty.as_ref()?)?;
        let args = sample_args(api, op)?;
        let arg_params = op.params.iter().filter(|p| p.location == ParamLocation::Path || p.required);
        // Only primitive parameters: their matchers take the same literals as the client.
        let matchers: String = arg_params
            .zip(&args)
            .filter(|(p, _)| matches!(p.ty, TypeRef::Int(_) | TypeRef::String | TypeRef::Bool))
            .map(|(p, arg)| format!(".{}({arg})", p.mock_matcher))
            .collect();
        Some(MockExample {
            mock_accessor: tag.mock_accessor.clone(),
            accessor: tag.name.rust.clone(),
            method: op.name.rust.clone(),
            matchers,
            args: args.join(", "),
            record,
            status: super::apis::status_range(&first.status).0,
        })
    };
    let has_path = |(_, op): &(&Tag, &Operation)| op.params.iter().any(|p| p.location == ParamLocation::Path);
    ops().filter(has_path).find_map(candidate).or_else(|| ops().find_map(candidate))
}

/// Picks the README's list example (see [`MockListExample`]): a list without required
/// parameters whose items the example can build.
pub fn mock_list_example(api: &Api, krate: &str) -> Option<MockListExample> {
    api.tags.iter().flat_map(|t| t.operations.iter().map(move |o| (t, o))).find_map(|(tag, op)| {
        let pagination = op.pagination.as_ref()?;
        if !sample_args(api, op)?.is_empty() || op.body.is_some() {
            return None;
        }
        let limit =
            op.params.iter().find(|p| p.location == ParamLocation::Query && p.name.wire == pagination.limit_param)?;
        let offset_declared =
            op.params.iter().any(|p| p.location == ParamLocation::Query && p.name.wire == pagination.offset_param);
        let two = match limit.ty {
            TypeRef::Int(IntWidth::I32 | IntWidth::I64) => "2",
            TypeRef::Int(IntWidth::U32) => "2u32",
            TypeRef::Int(IntWidth::U64) => "2u64",
            _ => return None,
        };
        (offset_declared && !super::apis::is_argument(limit)).then_some(())?;
        Some(MockListExample {
            mock_accessor: tag.mock_accessor.clone(),
            accessor: tag.name.rust.clone(),
            method: op.name.rust.clone(),
            limit: limit.name.rust.clone(),
            two: two.to_owned(),
            record: value_of(api, krate, &pagination.item)?,
        })
    })
}
