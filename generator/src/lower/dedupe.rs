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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::ir::*;

/// Merges same-shaped inline types of `api`; `components` are the ids of component schemas.
pub(crate) fn merge_identical(api: &mut Api, components: &[TypeId]) {
    let n = api.types.len();
    let components: BTreeSet<TypeId> = components.iter().copied().collect();
    let is_component: Vec<bool> = (0..n).map(|i| components.contains(&i)).collect();
    // rep[i]: the type that stands for i; alias[i]: i is a component kept as an alias of rep[i].
    let mut rep: Vec<TypeId> = (0..n).collect();
    let mut alias = vec![false; n];
    let mut key = String::new();
    loop {
        let mut first: BTreeMap<String, TypeId> = BTreeMap::new();
        let mut changed = false;
        // Components first so an inline copy of a component merges into the component.
        let order = (0..n).filter(|&i| is_component[i]).chain((0..n).filter(|&i| !is_component[i]));
        for i in order {
            if rep[i] != i {
                continue;
            }
            shape_key(&mut key, &api.types[i].kind, &rep);
            match first.get(&key) {
                Some(&r) => {
                    rep[i] = r;
                    alias[i] = is_component[i];
                    changed = true;
                }
                None => {
                    first.insert(key.clone(), i);
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

/// Writes the shape of a type, with references resolved through `rep`, into `k` (cleared
/// first): one buffer for every key instead of a string per field and reference.
fn shape_key(k: &mut String, kind: &TypeKind, rep: &[TypeId]) {
    k.clear();
    match kind {
        TypeKind::Struct(s) => {
            k.push('S');
            for f in &s.fields {
                let flags = [f.required, f.nullable, f.read_only, f.write_only].map(|b| if b { '1' } else { '0' });
                let _ = write!(k, "|{}:", f.name.wire);
                k.extend(flags);
                k.push(':');
                ref_key(k, &f.ty, rep);
                k.push(':');
                if let Some(d) = &f.default {
                    let _ = write!(k, "{d}");
                }
            }
            if let Some(a) = &s.additional {
                k.push_str("|+");
                ref_key(k, a, rep);
            }
        }
        TypeKind::Enum(e) => {
            k.push_str(if e.integer { "E1" } else { "E0" });
            for v in &e.variants {
                k.push('|');
                k.push_str(&v.wire);
            }
        }
        TypeKind::Union(u) => {
            k.push('U');
            k.push_str(u.discriminator.as_deref().unwrap_or(""));
            for v in &u.variants {
                k.push('|');
                k.push_str(&v.name.wire);
                k.push(':');
                ref_key(k, &v.ty, rep);
            }
        }
        TypeKind::Alias(t) => {
            k.push('A');
            ref_key(k, t, rep);
        }
    }
}

fn ref_key(k: &mut String, t: &TypeRef, rep: &[TypeId]) {
    match t {
        TypeRef::Named(id) => {
            let _ = write!(k, "#{}", rep[*id]);
        }
        TypeRef::Vec(i) => {
            k.push('[');
            ref_key(k, i, rep);
            k.push(']');
        }
        TypeRef::Map(i) => {
            k.push('{');
            ref_key(k, i, rep);
            k.push('}');
        }
        TypeRef::Tuple(elements) => {
            k.push('(');
            for (i, t) in elements.iter().enumerate() {
                if i > 0 {
                    k.push(',');
                }
                ref_key(k, t, rep);
            }
            k.push(')');
        }
        other => {
            let _ = write!(k, "{other:?}");
        }
    }
}
