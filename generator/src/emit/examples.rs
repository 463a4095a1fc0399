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
