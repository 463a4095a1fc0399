//! Semantic diff of two APIs: what a spec change does to the generated Rust client's public
//! API, classified as breaking or not, with the semver bump that follows.
//!
//! Works on the IR after naming, so the classification speaks about Rust items (methods,
//! structs, fields, enum variants), not about YAML. Rules follow Rust's semver conventions
//! (the ones cargo-semver-checks enforces): removing or changing anything public is breaking;
//! adding a field to a struct is breaking because callers may build it with a struct literal;
//! adding an enum value is not, because generated value enums are `#[non_exhaustive]`.

use std::collections::BTreeMap;
use std::fmt;

use crate::ir::*;

/// One change to the client's public API.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Whether existing caller code may stop compiling.
    pub breaking: bool,
    /// What changed, kind first (`operation removed`, `field added`...).
    pub kind: ChangeKind,
    /// The Rust item, e.g. `models::Customer::name` or `client.customer().index()`.
    pub item: String,
    /// Details for people.
    pub detail: String,
}

/// Kinds of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum ChangeKind {
    OperationRemoved,
    OperationAdded,
    OperationChanged,
    ParameterRemoved,
    ParameterAdded,
    ParameterChanged,
    TypeRemoved,
    TypeAdded,
    TypeChanged,
    FieldRemoved,
    FieldRenamed,
    FieldAdded,
    FieldChanged,
    EnumValueRemoved,
    EnumValueAdded,
    SerdeImplRemoved,
    SerdeImplAdded,
    WebhookRemoved,
    WebhookAdded,
    WebhookChanged,
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            ChangeKind::OperationRemoved => "operation removed",
            ChangeKind::OperationAdded => "operation added",
            ChangeKind::OperationChanged => "operation changed",
            ChangeKind::ParameterRemoved => "parameter removed",
            ChangeKind::ParameterAdded => "parameter added",
            ChangeKind::ParameterChanged => "parameter changed",
            ChangeKind::TypeRemoved => "type removed",
            ChangeKind::TypeAdded => "type added",
            ChangeKind::TypeChanged => "type changed",
            ChangeKind::FieldRemoved => "field removed",
            ChangeKind::FieldRenamed => "field renamed",
            ChangeKind::FieldAdded => "field added",
            ChangeKind::FieldChanged => "field changed",
            ChangeKind::EnumValueRemoved => "enum value removed",
            ChangeKind::EnumValueAdded => "enum value added",
            ChangeKind::SerdeImplRemoved => "serde impl removed",
            ChangeKind::SerdeImplAdded => "serde impl added",
            ChangeKind::WebhookRemoved => "webhook removed",
            ChangeKind::WebhookAdded => "webhook added",
            ChangeKind::WebhookChanged => "webhook changed",
        };
        f.write_str(s)
    }
}

/// The version bump a set of changes calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing in the public API changed.
    None,
    /// Compatible fixes only.
    Patch,
    /// Compatible additions.
    Minor,
    /// Breaking changes.
    Major,
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

/// The semver bump for `changes`.
pub fn bump(changes: &[Change]) -> Bump {
    if changes.iter().any(|c| c.breaking) {
        Bump::Major
    } else if changes.is_empty() {
        Bump::None
    } else {
        Bump::Minor
    }
}

/// The next version after `current` for `bump`; before 1.0 a breaking change bumps the minor
/// number and an addition the patch number, as Cargo reads `0.x` versions.
pub fn next_version(current: &str, bump: Bump) -> String {
    let parts: Vec<u64> =
        current.split('.').map(|p| p.parse().unwrap_or(0)).chain(std::iter::repeat(0)).take(3).collect();
    let (major, minor, patch) = (parts[0], parts[1], parts[2]);
    match (major, bump) {
        (_, Bump::None) => current.to_owned(),
        (0, Bump::Major) => format!("0.{}.0", minor + 1),
        (0, _) => format!("0.{minor}.{}", patch + 1),
        (_, Bump::Major) => format!("{}.0.0", major + 1),
        (_, Bump::Minor) => format!("{major}.{}.0", minor + 1),
        (_, Bump::Patch) => format!("{major}.{minor}.{}", patch + 1),
    }
}

/// Compares two named APIs.
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let mut out = Vec::new();
    operations(old, new, &mut out);
    types(old, new, &mut out);
    webhooks(old, new, &mut out);
    out.sort();
    out
}

fn push(out: &mut Vec<Change>, breaking: bool, kind: ChangeKind, item: String, detail: String) {
    out.push(Change { breaking, kind, item, detail });
}

/// A printable Rust type, for comparing signatures.
fn show(api: &Api, t: &TypeRef) -> String {
    match t {
        TypeRef::Named(id) => api.types[*id].name.rust.clone(),
        TypeRef::Vec(i) => format!("Vec<{}>", show(api, i)),
        TypeRef::Map(i) => format!("Map<{}>", show(api, i)),
        TypeRef::Tuple(e) => format!("({})", e.iter().map(|t| show(api, t)).collect::<Vec<_>>().join(", ")),
        other => format!("{other:?}"),
    }
}

fn operations(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let index = |api: &'_ Api| -> BTreeMap<String, (String, Operation)> {
        api.tags
            .iter()
            .flat_map(|t| t.operations.iter().map(move |o| (o.name.wire.clone(), (t.name.rust.clone(), o.clone()))))
            .collect()
    };
    let (a, b) = (index(old), index(new));
    for (id, (tag, op)) in &a {
        let item = format!("client.{tag}().{}()", op.name.rust);
        let Some((new_tag, new_op)) = b.get(id) else {
            push(out, true, ChangeKind::OperationRemoved, item, format!("`{} {}` ({id})", op.method.as_str(), op.path));
            continue;
        };
        if (tag, &op.name.rust) != (new_tag, &new_op.name.rust) || op.method != new_op.method || op.path != new_op.path
        {
            push(
                out,
                true,
                ChangeKind::OperationChanged,
                item,
                format!(
                    "now `client.{new_tag}().{}()` for `{} {}`",
                    new_op.name.rust,
                    new_op.method.as_str(),
                    new_op.path
                ),
            );
        }
        let out_old = op.success.iter().find_map(|s| s.ty.as_ref()).map(|t| show(old, t));
        let out_new = new_op.success.iter().find_map(|s| s.ty.as_ref()).map(|t| show(new, t));
        if out_old != out_new {
            push(
                out,
                true,
                ChangeKind::OperationChanged,
                format!("client.{tag}().{}().send()", op.name.rust),
                format!("returns {out_new:?} instead of {out_old:?}"),
            );
        }
        let body_old = op.body.as_ref().map(|b| show(old, &b.ty));
        let body_new = new_op.body.as_ref().map(|b| show(new, &b.ty));
        if body_old != body_new {
            push(
                out,
                true,
                ChangeKind::OperationChanged,
                format!("client.{tag}().{}()", op.name.rust),
                format!("body {body_new:?} instead of {body_old:?}"),
            );
        }
        for p in &op.params {
            let pitem = format!("client.{tag}().{}(): parameter `{}`", op.name.rust, p.name.wire);
            match new_op.params.iter().find(|q| q.name.wire == p.name.wire && q.location == p.location) {
                None => push(out, true, ChangeKind::ParameterRemoved, pitem, format!("{:?} parameter", p.location)),
                Some(q) => {
                    let (t1, t2) = (show(old, &p.ty), show(new, &q.ty));
                    if t1 != t2 || p.required != q.required || p.name.rust != q.name.rust {
                        push(
                            out,
                            true,
                            ChangeKind::ParameterChanged,
                            pitem,
                            format!(
                                "{t1}{} → {t2}{}",
                                if p.required { " (required)" } else { "" },
                                if q.required { " (required)" } else { "" }
                            ),
                        );
                    }
                }
            }
        }
        for q in &new_op.params {
            if !op.params.iter().any(|p| p.name.wire == q.name.wire && p.location == q.location) {
                let item = format!("client.{new_tag}().{}(): parameter `{}`", new_op.name.rust, q.name.wire);
                let detail = if q.required || q.location == ParamLocation::Path {
                    "required: a new method argument"
                } else {
                    "optional: a new builder setter"
                };
                push(
                    out,
                    q.required || q.location == ParamLocation::Path,
                    ChangeKind::ParameterAdded,
                    item,
                    detail.into(),
                );
            }
        }
    }
    for (id, (tag, op)) in &b {
        if !a.contains_key(id) {
            push(
                out,
                false,
                ChangeKind::OperationAdded,
                format!("client.{tag}().{}()", op.name.rust),
                format!("`{} {}` ({id})", op.method.as_str(), op.path),
            );
        }
    }
}

/// The `webhooks::<Name>` payload aliases: removing one or changing its type is breaking.
fn webhooks(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let index = |api: &'_ Api| -> BTreeMap<String, (String, String)> {
        api.webhooks
            .iter()
            .filter_map(|w| {
                let body = w.body.as_ref()?;
                let what = format!("`{} {}`", w.method.as_str(), w.name.wire);
                Some((w.name.rust.clone(), (what, show(api, &body.ty))))
            })
            .collect()
    };
    let (a, b) = (index(old), index(new));
    for (alias, (what, ty)) in &a {
        let item = format!("webhooks::{alias}");
        match b.get(alias) {
            None => push(out, true, ChangeKind::WebhookRemoved, item, format!("{what} payload")),
            Some((_, new_ty)) if new_ty != ty => {
                push(out, true, ChangeKind::WebhookChanged, item, format!("payload {ty} → {new_ty}"))
            }
            Some(_) => {}
        }
    }
    for (alias, (what, ty)) in &b {
        if !a.contains_key(alias) {
            push(out, false, ChangeKind::WebhookAdded, format!("webhooks::{alias}"), format!("{what} payload: {ty}"));
        }
    }
}

fn types(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let index = |api: &Api| -> BTreeMap<String, TypeId> {
        api.types.iter().enumerate().map(|(i, t)| (t.name.rust.clone(), i)).collect()
    };
    let (a, b) = (index(old), index(new));
    for (name, &i) in &a {
        let item = format!("models::{name}");
        let Some(&j) = b.get(name) else {
            push(out, true, ChangeKind::TypeRemoved, item, format!("schema `{}`", old.types[i].name.wire));
            continue;
        };
        serde_impls(&old.types[i], &new.types[j], &item, out);
        match (&old.types[i].kind, &new.types[j].kind) {
            (TypeKind::Struct(s), TypeKind::Struct(t)) => fields(old, new, name, s, t, out),
            (TypeKind::Enum(e), TypeKind::Enum(f)) => {
                for v in &e.variants {
                    if !f.variants.iter().any(|w| w.wire == v.wire) {
                        push(
                            out,
                            true,
                            ChangeKind::EnumValueRemoved,
                            format!("{item}::{}", v.rust),
                            format!("`{}`", v.wire),
                        );
                    }
                }
                for w in &f.variants {
                    if !e.variants.iter().any(|v| v.wire == w.wire) {
                        push(
                            out,
                            false,
                            ChangeKind::EnumValueAdded,
                            format!("{item}::{}", w.rust),
                            format!("`{}` (the enum is non-exhaustive)", w.wire),
                        );
                    }
                }
            }
            (TypeKind::Union(u), TypeKind::Union(v)) => {
                let names = |u: &Union| u.variants.iter().map(|v| v.name.rust.clone()).collect::<Vec<_>>();
                if names(u) != names(v) {
                    push(out, true, ChangeKind::TypeChanged, item, format!("variants {:?} → {:?}", names(u), names(v)));
                }
            }
            (TypeKind::Alias(x), TypeKind::Alias(y)) => {
                if show(old, x) != show(new, y) {
                    push(
                        out,
                        true,
                        ChangeKind::TypeChanged,
                        item,
                        format!("alias of {} → {}", show(old, x), show(new, y)),
                    );
                }
            }
            _ => push(out, true, ChangeKind::TypeChanged, item, "a different kind of type".into()),
        }
    }
    for (name, &j) in &b {
        if !a.contains_key(name) {
            push(
                out,
                false,
                ChangeKind::TypeAdded,
                format!("models::{name}"),
                format!("schema `{}`", new.types[j].name.wire),
            );
        }
    }
}

/// Structs and unions implement the serde traits their use needs ([`WireUse`]); without the
/// `full-serde` feature, losing one is breaking for callers who relied on it.
fn serde_impls(old: &TypeDef, new: &TypeDef, item: &str, out: &mut Vec<Change>) {
    let has_use = |t: &TypeDef| matches!(t.kind, TypeKind::Struct(_) | TypeKind::Union(_));
    if !has_use(old) || !has_use(new) {
        return;
    }
    let (a, b) = (old.wire_use, new.wire_use);
    for (name, verb, was, is) in
        [("Serialize", "sends", a.sent, b.sent), ("Deserialize", "receives", a.received, b.received)]
    {
        if was && !is {
            let detail = format!("`{name}` only with the `full-serde` feature: no operation {verb} it any more");
            push(out, true, ChangeKind::SerdeImplRemoved, item.to_owned(), detail);
        } else if is && !was {
            let detail = format!("`{name}` without the `full-serde` feature: an operation {verb} it now");
            push(out, false, ChangeKind::SerdeImplAdded, item.to_owned(), detail);
        }
    }
}

fn field_sig(api: &Api, f: &Field) -> String {
    format!(
        "{}{}{}",
        show(api, &f.ty),
        if f.required { "" } else { " optional" },
        if f.nullable { " nullable" } else { "" }
    )
}

fn fields(old: &Api, new: &Api, ty: &str, s: &Struct, t: &Struct, out: &mut Vec<Change>) {
    let removed: Vec<&Field> =
        s.fields.iter().filter(|f| !t.fields.iter().any(|g| g.name.wire == f.name.wire)).collect();
    let added: Vec<&Field> = t.fields.iter().filter(|g| !s.fields.iter().any(|f| f.name.wire == g.name.wire)).collect();
    let mut renamed_to = Vec::new();
    for f in &removed {
        // A field removed and one added with the same signature is reported as a rename.
        let twin = added.iter().find(|g| field_sig(old, f) == field_sig(new, g) && !renamed_to.contains(&g.name.wire));
        match twin {
            Some(g) => {
                renamed_to.push(g.name.wire.clone());
                push(
                    out,
                    true,
                    ChangeKind::FieldRenamed,
                    format!("models::{ty}::{}", f.name.rust),
                    format!("now `{}` (wire `{}` → `{}`)", g.name.rust, f.name.wire, g.name.wire),
                );
            }
            None => push(
                out,
                true,
                ChangeKind::FieldRemoved,
                format!("models::{ty}::{}", f.name.rust),
                format!("wire `{}`", f.name.wire),
            ),
        }
    }
    for g in added.iter().filter(|g| !renamed_to.contains(&g.name.wire)) {
        let detail = if g.required {
            "required: breaking for struct literals and for decoding old responses".to_owned()
        } else {
            "optional: breaking only for struct literals without `..Default::default()`".to_owned()
        };
        push(out, true, ChangeKind::FieldAdded, format!("models::{ty}::{}", g.name.rust), detail);
    }
    for f in &s.fields {
        if let Some(g) = t.fields.iter().find(|g| g.name.wire == f.name.wire) {
            let (a, b) = (field_sig(old, f), field_sig(new, g));
            if a != b || f.name.rust != g.name.rust {
                push(
                    out,
                    true,
                    ChangeKind::FieldChanged,
                    format!("models::{ty}::{}", f.name.rust),
                    format!("{a} → {b}"),
                );
            }
        }
    }
}

/// A Markdown changelog entry.
pub fn changelog_entry(version: &str, base: &str, changes: &[Change]) -> String {
    let mut s = format!(
        "## {version}\n\nSpec changes since `{base}` ({} change(s), semver bump: {}).\n",
        changes.len(),
        bump(changes)
    );
    for (title, breaking) in [("Breaking", true), ("Compatible", false)] {
        let items: Vec<&Change> = changes.iter().filter(|c| c.breaking == breaking).collect();
        if !items.is_empty() {
            s.push_str(&format!("\n### {title}\n\n"));
            for c in items {
                s.push_str(&format!("- {}: `{}` — {}\n", c.kind, c.item, c.detail));
            }
        }
    }
    s
}
