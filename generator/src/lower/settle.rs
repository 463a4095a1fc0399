//! Post-passes over the lowered types: read/write-only per direction, recursion (aliases that
//! would expand forever, types no finite value satisfies, boxing of containment cycles so
//! every type has a finite size), and which way each type travels ([`WireUse`]).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::{get, Lowerer};
use crate::ir::*;

impl<'a> Lowerer<'a> {
    /// Removes `writeOnly` fields from types the server sends (responses, webhook payloads) and
    /// `readOnly` fields from types the client sends. A type used both ways keeps its name for
    /// the response view and gets a request twin (`<Name>.request`) used by request bodies that
    /// name it directly.
    pub(crate) fn settle_directions(&mut self, tags: &mut [Tag], webhooks: &[Webhook]) {
        let ops = || tags.iter().flat_map(|t| t.operations.iter());
        let req_roots: Vec<TypeId> = ops().filter_map(|o| o.body.as_ref()).flat_map(|b| named_in(&b.ty)).collect();
        // Error bodies and webhook payloads come from the server too.
        let resp_roots: Vec<TypeId> = ops()
            .flat_map(|o| o.success.iter().filter_map(|s| s.ty.as_ref()).chain(o.error_types()))
            .chain(webhooks.iter().filter_map(|w| w.body.as_ref().map(|b| &b.ty)))
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

impl Lowerer<'_> {
    /// Settles recursion the Rust types must survive: breaks alias loops, then reports the
    /// types that no finite value satisfies (both in the support report). Boxing the links
    /// of containment cycles comes later ([`box_cycles`]), once same-shaped types are merged.
    pub(crate) fn settle_recursion(&mut self) {
        self.break_alias_loops();
        self.report_infinite_types();
    }

    /// A Rust type alias is expanded where it is used, so one that mentions itself, directly
    /// or through other aliases, arrays and maps (`A: {type: array, items: {$ref: A}}`), does
    /// not compile. The first alias of each such loop gets `serde_json::Value` in place of the
    /// references that close the loop.
    fn break_alias_loops(&mut self) {
        loop {
            let edges: Vec<Vec<TypeId>> = self
                .types
                .iter()
                .map(|t| match &t.kind {
                    TypeKind::Alias(r) => {
                        named_in(r).into_iter().filter(|&n| matches!(self.types[n].kind, TypeKind::Alias(_))).collect()
                    }
                    _ => Vec::new(),
                })
                .collect();
            let comp = scc(edges.len(), &edges);
            let Some(id) = (0..edges.len()).find(|&id| edges[id].iter().any(|&t| comp[t] == comp[id])) else {
                return;
            };
            let path = self.cycle_path(id, &edges, &comp, |_, _| None);
            if let TypeKind::Alias(r) = &mut self.types[id].kind {
                replace_named_with_json(r, &|t| comp[t] == comp[id]);
            }
            let ptr = self.type_pointers.get(&id).cloned().unwrap_or_else(|| "#".to_owned());
            self.fallback(
                &ptr,
                format!(
                    "`{}` contains itself only through aliases, arrays or maps ({path}), which a Rust type alias cannot express; the reference that closes the loop is typed as serde_json::Value",
                    self.types[id].name.wire
                ),
            );
        }
    }

    /// Reports each loop of required, non-nullable links (`TreeNode.parent: TreeNode`): every
    /// value of such a type would have to contain another one, so no finite value exists. The
    /// types are still generated (the links boxed), and the rest of the API stays usable.
    fn report_infinite_types(&mut self) {
        // Forced links: a required, non-nullable field holding the type itself (not in a Vec or
        // map, which may be empty), or an alias. A union always has a way out (its `Unknown`).
        let forced = |kind: &TypeKind| -> Vec<(TypeId, Option<String>)> {
            match kind {
                TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .filter(|f| f.required && !f.nullable)
                    .filter_map(|f| match f.ty {
                        TypeRef::Named(t) => Some((t, Some(f.name.wire.clone()))),
                        _ => None,
                    })
                    .collect(),
                TypeKind::Alias(TypeRef::Named(t)) => vec![(*t, None)],
                _ => Vec::new(),
            }
        };
        let links: Vec<Vec<(TypeId, Option<String>)>> = self.types.iter().map(|t| forced(&t.kind)).collect();
        let edges: Vec<Vec<TypeId>> = links.iter().map(|l| l.iter().map(|(t, _)| *t).collect()).collect();
        let comp = scc(edges.len(), &edges);
        let mut reported = BTreeSet::new();
        for id in 0..edges.len() {
            if !edges[id].iter().any(|&t| comp[t] == comp[id]) || !reported.insert(comp[id]) {
                continue;
            }
            let field_of = |from: TypeId, to: TypeId| {
                links[from].iter().find(|(t, _)| *t == to && comp[*t] == comp[from]).and_then(|(_, f)| f.clone())
            };
            let path = self.cycle_path(id, &edges, &comp, field_of);
            let first_field = edges[id].iter().find(|&&t| comp[t] == comp[id]).and_then(|&t| field_of(id, t));
            let ptr = self.link_pointer(id, first_field.as_deref());
            self.fallback(
                &ptr,
                format!(
                    "no finite value of `{}` exists: every one requires another through {path}, each link required and not nullable; the types are generated with the links boxed, but no value of them can be built or decoded",
                    self.types[id].name.wire
                ),
            );
        }
    }

    /// `A.b → B.a → A`: a shortest loop from `start` back to itself within its component,
    /// each step named by `field_of(from, to)` when it is a field.
    fn cycle_path(
        &self,
        start: TypeId,
        edges: &[Vec<TypeId>],
        comp: &[usize],
        field_of: impl Fn(TypeId, TypeId) -> Option<String>,
    ) -> String {
        // Breadth-first from `start`'s successors back to `start`.
        let mut parent: BTreeMap<TypeId, TypeId> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        let mut seen = BTreeSet::new();
        let mut last = start;
        'search: while let Some(node) = queue.pop_front() {
            for &next in &edges[node] {
                if comp[next] != comp[start] {
                    continue;
                }
                if next == start {
                    last = node;
                    break 'search;
                }
                if seen.insert(next) {
                    parent.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        let mut nodes = vec![last];
        while let Some(&p) = parent.get(nodes.last().unwrap_or(&start)) {
            nodes.push(p);
        }
        if nodes.last() != Some(&start) {
            nodes.push(start);
        }
        nodes.reverse();
        nodes.dedup();
        let mut out = String::new();
        for (i, &node) in nodes.iter().enumerate() {
            let next = nodes.get(i + 1).copied().unwrap_or(start);
            match field_of(node, next) {
                Some(field) => out.push_str(&format!("`{}.{field}` → ", self.types[node].name.wire)),
                None => out.push_str(&format!("`{}` → ", self.types[node].name.wire)),
            }
        }
        out.push_str(&format!("`{}`", self.types[start].name.wire));
        out
    }

    /// The pointer of `field` where type `id` declares it, else of the type itself.
    fn link_pointer(&self, id: TypeId, field: Option<&str>) -> String {
        let Some(ptr) = self.type_pointers.get(&id) else {
            return "#".to_owned();
        };
        let Some((node, at)) = self.node(ptr).map(|n| self.deref(n, ptr)) else {
            return ptr.clone();
        };
        match field {
            Some(f) if get(node, "properties").and_then(|p| p.get(f)).is_some() => {
                format!("{at}/properties/{}", crate::error::pointer_segment(f))
            }
            _ => ptr.clone(),
        }
    }
}

/// Drops the discriminator of unions whose variants are not all structs: an internally tagged
/// union needs every variant to be an object carrying the tag. Runs after every type is
/// lowered, so a union declared before its variants sees what they are.
pub(crate) fn untag_unions(types: &mut [TypeDef]) {
    let is_struct: Vec<bool> = types.iter().map(|t| matches!(t.kind, TypeKind::Struct(_))).collect();
    for def in types.iter_mut() {
        if let TypeKind::Union(u) = &mut def.kind {
            if !u.variants.iter().all(|v| matches!(v.ty, TypeRef::Named(id) if is_struct[id])) {
                u.discriminator = None;
            }
        }
    }
}

/// Replaces the named types `hit` selects in `t` by `serde_json::Value`.
fn replace_named_with_json(t: &mut TypeRef, hit: &impl Fn(TypeId) -> bool) {
    match t {
        TypeRef::Named(id) if hit(*id) => *t = TypeRef::Json,
        other => other.parts_mut().iter_mut().for_each(|p| replace_named_with_json(p, hit)),
    }
}

/// Sets every type's [`WireUse`] from what the operations send and receive (and webhooks
/// deliver, which a receiver decodes), and its [`Home`] from which tags' operations reach it,
/// or webhooks only (see their docs).
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
    let payloads: Vec<TypeId> =
        api.webhooks.iter().filter_map(|w| w.body.as_ref()).flat_map(|b| named_in(&b.ty)).collect();
    for (home, reached) in homes.iter_mut().zip(reach(&api.types, &payloads)) {
        if reached && *home == Home::Other {
            *home = Home::Webhooks;
        }
    }
    received_roots.extend(payloads);
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
                    f.boxed = direct_named(&f.ty).iter().any(|t| comp[*t] == c);
                }
            }
            TypeKind::Union(u) => {
                for v in &mut u.variants {
                    v.boxed = direct_named(&v.ty).iter().any(|t| comp[*t] == c);
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

/// Named types stored inline in a value of `t`: itself, or the elements of a tuple (a `Vec`
/// or a map already lives on the heap).
fn direct_named(t: &TypeRef) -> Vec<TypeId> {
    match t {
        TypeRef::Named(id) => vec![*id],
        TypeRef::Tuple(elements) => elements.iter().flat_map(direct_named).collect(),
        _ => vec![],
    }
}

/// All named types mentioned in a type reference.
pub(crate) fn named_in(t: &TypeRef) -> Vec<TypeId> {
    match t {
        TypeRef::Named(id) => vec![*id],
        other => other.parts().iter().flat_map(named_in).collect(),
    }
}

fn replace_named(t: &mut TypeRef, map: &BTreeMap<TypeId, TypeId>) {
    match t {
        TypeRef::Named(id) => {
            if let Some(&n) = map.get(id) {
                *id = n;
            }
        }
        other => other.parts_mut().iter_mut().for_each(|p| replace_named(p, map)),
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
