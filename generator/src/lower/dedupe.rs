//! Merges inline types that have the same shape.
//!
//! Large specs repeat the same inline object many times (GitHub's webhook payloads carry the
//! same `links`, `user` and `label` objects hundreds of times). Each copy would become its own
//! Rust type: more code to compile and more names for users to learn. Two types have the same
//! shape when their kind, wire names, flags, defaults and referenced types are equal; docs and
//! names do not count. Inline types merge into an equal component schema or into the first
//! equal inline type. Component schemas are never merged away, because their names are API: a
//! component equal to an earlier one becomes a type alias of it (GitHub's `nullable-simple-user`
//! is `pub type NullableSimpleUser = SimpleUser;`), which costs nothing to compile and lets
//! values pass between the two. Merging repeats until nothing changes, since merged children can
//! make parents equal.

use std::collections::BTreeMap;

use crate::ir::*;

/// Merges same-shaped inline types of `api`; `components` are the ids of component schemas.
pub(crate) fn merge_identical(api: &mut Api, components: &[TypeId]) {
    let n = api.types.len();
    let is_component: Vec<bool> = (0..n).map(|i| components.contains(&i)).collect();
    // rep[i]: the type that stands for i; alias[i]: i is a component kept as an alias of rep[i].
    let mut rep: Vec<TypeId> = (0..n).collect();
    let mut alias = vec![false; n];
    loop {
        let mut first: BTreeMap<String, TypeId> = BTreeMap::new();
        let mut changed = false;
        // Components first so an inline copy of a component merges into the component.
        let order = (0..n).filter(|&i| is_component[i]).chain((0..n).filter(|&i| !is_component[i]));
        for i in order {
            if rep[i] != i {
                continue;
            }
            let key = shape_key(&api.types[i].kind, &rep);
            match first.get(&key) {
                Some(&r) => {
                    rep[i] = r;
                    alias[i] = is_component[i];
                    changed = true;
                }
                None => {
                    first.insert(key, i);
                }
            }
        }
        // Path compression: every id points at a survivor.
        for i in 0..n {
            let mut r = rep[i];
            while rep[r] != r {
                r = rep[r];
            }
            rep[i] = r;
        }
        if !changed {
            break;
        }
    }
    if rep.iter().enumerate().all(|(i, &r)| i == r) {
        return;
    }
    // Compact: keep survivors and aliases in order and renumber every reference. References to
    // an alias keep naming the alias, so the code reads as the spec does.
    let mut new_index = vec![usize::MAX; n];
    let mut kept = Vec::new();
    for (i, def) in std::mem::take(&mut api.types).into_iter().enumerate() {
        if rep[i] == i || alias[i] {
            new_index[i] = kept.len();
            kept.push(def);
        }
    }
    let remap = |id: &mut TypeId| *id = if alias[*id] { new_index[*id] } else { new_index[rep[*id]] };
    api.types = kept;
    for def in &mut api.types {
        for_each_in_kind(&mut def.kind, &mut |t| remap_ref(t, &remap));
    }
    for (i, _) in alias.iter().enumerate().filter(|(_, &a)| a) {
        api.types[new_index[i]].kind = TypeKind::Alias(TypeRef::Named(new_index[rep[i]]));
    }
    for op in api.tags.iter_mut().flat_map(|t| t.operations.iter_mut()) {
        for p in &mut op.params {
            remap_ref(&mut p.ty, &remap);
        }
        if let Some(b) = &mut op.body {
            remap_ref(&mut b.ty, &remap);
        }
        for s in &mut op.success {
            if let Some(t) = &mut s.ty {
                remap_ref(t, &remap);
            }
        }
        for e in &mut op.errors {
            if let Some(t) = &mut e.ty {
                remap_ref(t, &remap);
            }
        }
        if let Some(p) = &mut op.pagination {
            remap_ref(&mut p.item, &remap);
        }
    }
    for b in api.webhooks.iter_mut().filter_map(|w| w.body.as_mut()) {
        remap_ref(&mut b.ty, &remap);
    }
    for v in &mut api.query_vocabularies {
        remap(&mut v.full_type);
        remap(&mut v.partial_type);
    }
}

fn remap_ref(t: &mut TypeRef, remap: &impl Fn(&mut TypeId)) {
    match t {
        TypeRef::Named(id) => remap(id),
        other => other.parts_mut().iter_mut().for_each(|p| remap_ref(p, remap)),
    }
}

fn for_each_in_kind(kind: &mut TypeKind, f: &mut impl FnMut(&mut TypeRef)) {
    match kind {
        TypeKind::Struct(s) => {
            s.fields.iter_mut().for_each(|x| f(&mut x.ty));
            if let Some(a) = &mut s.additional {
                f(a);
            }
        }
        TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| f(&mut v.ty)),
        TypeKind::Alias(t) => f(t),
        TypeKind::Enum(_) => {}
    }
}

/// The shape of a type with references resolved through `rep`.
fn shape_key(kind: &TypeKind, rep: &[TypeId]) -> String {
    let r = |t: &TypeRef| ref_key(t, rep);
    match kind {
        TypeKind::Struct(s) => {
            let mut k = String::from("S");
            for f in &s.fields {
                let default = f.default.as_ref().map(|d| d.to_string()).unwrap_or_default();
                k.push_str(&format!(
                    "|{}:{}{}{}{}:{}:{default}",
                    f.name.wire,
                    u8::from(f.required),
                    u8::from(f.nullable),
                    u8::from(f.read_only),
                    u8::from(f.write_only),
                    r(&f.ty)
                ));
            }
            if let Some(a) = &s.additional {
                k.push_str(&format!("|+{}", r(a)));
            }
            k
        }
        TypeKind::Enum(e) => {
            format!(
                "E{}|{}",
                u8::from(e.integer),
                e.variants.iter().map(|v| v.wire.as_str()).collect::<Vec<_>>().join("|")
            )
        }
        TypeKind::Union(u) => format!(
            "U{}|{}",
            u.discriminator.as_deref().unwrap_or(""),
            u.variants.iter().map(|v| format!("{}:{}", v.name.wire, r(&v.ty))).collect::<Vec<_>>().join("|")
        ),
        TypeKind::Alias(t) => format!("A{}", r(t)),
    }
}

fn ref_key(t: &TypeRef, rep: &[TypeId]) -> String {
    match t {
        TypeRef::Named(id) => format!("#{}", rep[*id]),
        TypeRef::Vec(i) => format!("[{}]", ref_key(i, rep)),
        TypeRef::Map(i) => format!("{{{}}}", ref_key(i, rep)),
        TypeRef::Tuple(e) => format!("({})", e.iter().map(|t| ref_key(t, rep)).collect::<Vec<_>>().join(",")),
        other => format!("{other:?}"),
    }
}
