//! Post-passes over the lowered types: read/write-only per direction, boxing of containment
//! cycles so every type has a finite size, and which way each type travels ([`WireUse`]).

use std::collections::BTreeMap;

use super::Lowerer;
use crate::ir::*;

impl<'a> Lowerer<'a> {
    /// Removes `writeOnly` fields from types the server sends and `readOnly` fields from types
    /// the client sends. A type used both ways keeps its name for the response view and gets
    /// a request twin (`<Name>.request`) used by request bodies that name it directly.
    pub(crate) fn settle_directions(&mut self, tags: &mut [Tag]) {
        let ops = || tags.iter().flat_map(|t| t.operations.iter());
        let req_roots: Vec<TypeId> = ops().filter_map(|o| o.body.as_ref()).flat_map(|b| named_in(&b.ty)).collect();
        // Error bodies come from the server too.
        let resp_roots: Vec<TypeId> = ops()
            .flat_map(|o| o.success.iter().filter_map(|s| s.ty.as_ref()).chain(o.error_types()))
            .flat_map(named_in)
            .collect();
        let in_req = reach(&self.types, &req_roots);
        let in_resp = reach(&self.types, &resp_roots);
        let mut twins: BTreeMap<TypeId, TypeId> = BTreeMap::new();
        for id in 0..self.types.len() {
            let TypeKind::Struct(s) = &self.types[id].kind else {
                continue;
            };
            if !s.fields.iter().any(|f| f.read_only || f.write_only) {
                continue;
            }
            let (req, resp) = (in_req[id], in_resp[id]);
            if req && resp {
                let mut twin = self.types[id].clone();
                twin.name = Name::wire(format!("{}.request", twin.name.wire));
                if let TypeKind::Struct(t) = &mut twin.kind {
                    t.fields.retain(|f| !f.read_only);
                }
                self.types.push(twin);
                twins.insert(id, self.types.len() - 1);
            }
            if let TypeKind::Struct(s) = &mut self.types[id].kind {
                if req && !resp {
                    s.fields.retain(|f| !f.read_only);
                } else {
                    s.fields.retain(|f| !f.write_only);
                }
            }
        }
        for op in tags.iter_mut().flat_map(|t| t.operations.iter_mut()) {
            if let Some(body) = &mut op.body {
                replace_named(&mut body.ty, &twins);
            }
        }
    }
}

/// Sets every type's [`WireUse`] from what the operations send and receive, and its [`Home`]
/// from which tags' operations reach it (see their docs).
pub(crate) fn mark_uses(api: &mut Api) {
    let (mut sent_roots, mut received_roots) = (Vec::new(), Vec::new());
    let mut homes = vec![Home::Other; api.types.len()];
    for (tag_index, tag) in api.tags.iter().enumerate() {
        let mut roots = Vec::new();
        for op in &tag.operations {
            let views = op.query_vocabulary.map(|v| &api.query_vocabularies[v]);
            let sent: Vec<TypeId> = op.sent_types().flat_map(named_in).collect();
            let received: Vec<TypeId> = op
                .received_types()
                .flat_map(named_in)
                .chain(views.into_iter().flat_map(|v| [v.full_type, v.partial_type]))
                .collect();
            roots.extend(sent.iter().chain(&received));
            sent_roots.extend(sent);
            received_roots.extend(received);
        }
        for (home, reached) in homes.iter_mut().zip(reach(&api.types, &roots)) {
            if reached {
                *home = if *home == Home::Other { Home::Tag(tag_index) } else { Home::Shared };
            }
        }
    }
    let sent = reach(&api.types, &sent_roots);
    let mut received = reach(&api.types, &received_roots);
    let unused: Vec<TypeId> = (0..api.types.len()).filter(|id| !sent[*id] && !received[*id]).collect();
    for (id, r) in reach(&api.types, &unused).into_iter().enumerate() {
        received[id] |= r;
    }
    for (id, def) in api.types.iter_mut().enumerate() {
        def.wire_use = WireUse { sent: sent[id], received: received[id] };
        def.home = homes[id];
    }
}

/// Which types are reachable from `roots`, by id.
fn reach(types: &[TypeDef], roots: &[TypeId]) -> Vec<bool> {
    let mut seen = vec![false; types.len()];
    let mut stack = roots.to_vec();
    while let Some(id) = stack.pop() {
        if !std::mem::replace(&mut seen[id], true) {
            stack.extend(children(&types[id].kind, false));
        }
    }
    seen
}

/// Marks fields and union variants whose type contains their owner (directly, not through a
/// `Vec` or map) as boxed. Uses strongly connected components, so the result does not depend
/// on traversal order.
pub(crate) fn box_cycles(types: &mut [TypeDef]) {
    let n = types.len();
    let edges: Vec<Vec<TypeId>> = types.iter().map(|t| children(&t.kind, true)).collect();
    let comp = scc(n, &edges);
    for (id, def) in types.iter_mut().enumerate() {
        let c = comp[id];
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for f in &mut s.fields {
                    if let TypeRef::Named(t) = f.ty {
                        f.boxed = comp[t] == c;
                    }
                }
            }
            TypeKind::Union(u) => {
                for v in &mut u.variants {
                    if let TypeRef::Named(t) = v.ty {
                        v.boxed = comp[t] == c;
                    }
                }
            }
            _ => {}
        }
    }
}

/// Named types a type refers to; with `direct_only`, only those stored inline (not in a
/// `Vec` or map, which already live on the heap).
fn children(kind: &TypeKind, direct_only: bool) -> Vec<TypeId> {
    let refs: Vec<&TypeRef> = match kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).chain(s.additional.iter()).collect(),
        TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(t) => vec![t],
        TypeKind::Enum(_) => vec![],
    };
    refs.into_iter().flat_map(|t| if direct_only { direct_named(t) } else { named_in(t) }).collect()
}

fn direct_named(t: &TypeRef) -> Vec<TypeId> {
    match t {
        TypeRef::Named(id) => vec![*id],
        _ => vec![],
    }
}

/// All named types mentioned in a type reference.
pub(crate) fn named_in(t: &TypeRef) -> Vec<TypeId> {
    match t {
        TypeRef::Named(id) => vec![*id],
        TypeRef::Vec(inner) | TypeRef::Map(inner) => named_in(inner),
        _ => vec![],
    }
}

fn replace_named(t: &mut TypeRef, map: &BTreeMap<TypeId, TypeId>) {
    match t {
        TypeRef::Named(id) => {
            if let Some(&n) = map.get(id) {
                *id = n;
            }
        }
        TypeRef::Vec(inner) | TypeRef::Map(inner) => replace_named(inner, map),
        _ => {}
    }
}

/// Kosaraju's algorithm, iterative: component index per node.
fn scc(n: usize, edges: &[Vec<usize>]) -> Vec<usize> {
    let mut order = Vec::with_capacity(n);
    let mut visited = vec![false; n];
    for start in 0..n {
        if visited[start] {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        visited[start] = true;
        while let Some((node, i)) = stack.pop() {
            if i < edges[node].len() {
                stack.push((node, i + 1));
                let next = edges[node][i];
                if !visited[next] {
                    visited[next] = true;
                    stack.push((next, 0));
                }
            } else {
                order.push(node);
            }
        }
    }
    let mut reverse = vec![Vec::new(); n];
    for (from, tos) in edges.iter().enumerate() {
        for &to in tos {
            reverse[to].push(from);
        }
    }
    let mut comp = vec![usize::MAX; n];
    let mut count = 0;
    for &start in order.iter().rev() {
        if comp[start] != usize::MAX {
            continue;
        }
        let mut stack = vec![start];
        comp[start] = count;
        while let Some(node) = stack.pop() {
            for &prev in &reverse[node] {
                if comp[prev] == usize::MAX {
                    comp[prev] = count;
                    stack.push(prev);
                }
            }
        }
        count += 1;
    }
    comp
}
