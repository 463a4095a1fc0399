//! The syntax-tree pass that moves a generated crate into a module of another crate.
//!
//! Three rewrites, all on syn's tree (and on the token trees of macros, which syn leaves
//! unparsed):
//! - every path that starts at `crate::` (or `$crate::` in a macro body) gets the module path
//!   inserted after `crate`, and so do `crate::` paths in doc text (intra-doc links);
//! - `feature = "..."` predicates of `cfg` and `cfg_attr` are decided from the chosen features,
//!   because the including crate does not have the generated crate's features: an item whose
//!   `cfg` is false is removed, a true `cfg` is dropped, a true `cfg_attr` is unwrapped;
//! - Rust code blocks of doc comments are marked `ignore`: they would be doctests of the
//!   including crate, naming a crate that does not exist.

use std::collections::{BTreeSet, VecDeque};

use proc_macro2::{Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{
    Attribute, Expr, ExprLit, ImplItem, Item, Lit, LitStr, Meta, MetaNameValue, Stmt, Token, TraitItem, UseTree,
};

/// The rewrite of one module: where it sits and which features are on.
pub(crate) struct Rewrite {
    /// The module path after `crate` (`api`, `petstore`).
    segments: Vec<Ident>,
    /// `crate::api::petstore::`, for doc text.
    doc_prefix: String,
    /// Features of the generated crate compiled in.
    features: BTreeSet<String>,
}

/// What becomes of an attribute when the features are known.
enum Fate {
    /// Unchanged.
    Keep,
    /// Removed (a `cfg` that holds, a `cfg_attr` that does not).
    Drop,
    /// The node it is on is removed (a `cfg` that does not hold).
    DropNode,
    /// Replaced by these attributes (a `cfg_attr` that holds, a simplified predicate).
    Replace(Vec<Attribute>),
}

/// A `cfg` predicate after deciding its `feature` terms.
enum Pred {
    /// Always true or always false.
    Const(bool),
    /// Depends on something else; unchanged.
    Same,
    /// Depends on something else; rewritten.
    New(Box<Meta>),
}

impl Rewrite {
    /// A rewrite for the module at `crate::<segments>` with `features` enabled.
    pub(crate) fn new(segments: &[String], features: BTreeSet<String>) -> Self {
        Rewrite {
            segments: segments.iter().map(|s| Ident::new(s, Span::call_site())).collect(),
            doc_prefix: format!("crate::{}::", segments.join("::")),
            features,
        }
    }

    /// Rewrites the top-level items of the module (and everything in them).
    pub(crate) fn apply(&mut self, items: &mut Vec<Item>) {
        self.retain_items(items);
        for item in items {
            self.visit_item_mut(item);
        }
    }

    /// Decides the `cfg`s of each item, dropping those compiled out.
    fn retain_items(&mut self, items: &mut Vec<Item>) {
        items.retain_mut(|item| item_attrs(item).is_none_or(|attrs| self.attrs(attrs)));
    }

    /// Decides the `cfg`s in `attrs` and marks doc examples `ignore`; `false` when the node
    /// they are on is compiled out.
    fn attrs(&mut self, attrs: &mut Vec<Attribute>) -> bool {
        let mut queue: VecDeque<Attribute> = attrs.drain(..).collect();
        while let Some(attr) = queue.pop_front() {
            match self.fate(&attr) {
                Fate::Keep => attrs.push(attr),
                Fate::Drop => {}
                Fate::DropNode => return false,
                // A `cfg_attr` may carry further `cfg_attr`s: decide those too.
                Fate::Replace(new) => new.into_iter().rev().for_each(|a| queue.push_front(a)),
            }
        }
        ignore_doc_examples(attrs);
        true
    }

    fn fate(&self, attr: &Attribute) -> Fate {
        let style = attr.style;
        let make =
            |meta: Meta| Attribute { pound_token: Default::default(), style, bracket_token: Default::default(), meta };
        if attr.path().is_ident("cfg") {
            let Ok(pred) = attr.parse_args::<Meta>() else { return Fate::Keep };
            match self.decide(&pred) {
                Pred::Const(true) => Fate::Drop,
                Pred::Const(false) => Fate::DropNode,
                Pred::Same => Fate::Keep,
                Pred::New(pred) => Fate::Replace(vec![make(syn::parse_quote!(cfg(#pred)))]),
            }
        } else if attr.path().is_ident("cfg_attr") {
            let Ok(args) = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) else {
                return Fate::Keep;
            };
            let mut args = args.into_iter();
            let Some(pred) = args.next() else { return Fate::Keep };
            match self.decide(&pred) {
                Pred::Const(true) => Fate::Replace(args.map(make).collect()),
                Pred::Const(false) => Fate::Drop,
                Pred::Same => Fate::Keep,
                Pred::New(pred) => Fate::Replace(vec![make(syn::parse_quote!(cfg_attr(#pred, #(#args),*)))]),
            }
        } else {
            Fate::Keep
        }
    }

    /// Decides the `feature = "..."` terms of a `cfg` predicate and simplifies around them.
    fn decide(&self, pred: &Meta) -> Pred {
        match pred {
            Meta::NameValue(MetaNameValue { path, value: Expr::Lit(ExprLit { lit: Lit::Str(s), .. }), .. })
                if path.is_ident("feature") =>
            {
                Pred::Const(self.features.contains(&s.value()))
            }
            Meta::List(list) if list.path.is_ident("all") || list.path.is_ident("any") => {
                let all = list.path.is_ident("all");
                let Ok(terms) = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) else {
                    return Pred::Same;
                };
                let mut changed = false;
                let mut open = Vec::new();
                for term in terms {
                    match self.decide(&term) {
                        // all(.., false, ..) is false; any(.., true, ..) is true.
                        Pred::Const(b) if b != all => return Pred::Const(b),
                        Pred::Const(_) => changed = true,
                        Pred::Same => open.push(term),
                        Pred::New(term) => {
                            changed = true;
                            open.push(*term);
                        }
                    }
                }
                match (open.len(), changed) {
                    (0, _) => Pred::Const(all),
                    (_, false) => Pred::Same,
                    (1, true) => Pred::New(Box::new(open.remove(0))),
                    (_, true) if all => Pred::New(Box::new(syn::parse_quote!(all(#(#open),*)))),
                    (_, true) => Pred::New(Box::new(syn::parse_quote!(any(#(#open),*)))),
                }
            }
            Meta::List(list) if list.path.is_ident("not") => match list.parse_args::<Meta>() {
                Ok(inner) => match self.decide(&inner) {
                    Pred::Const(b) => Pred::Const(!b),
                    Pred::Same => Pred::Same,
                    Pred::New(inner) => Pred::New(Box::new(syn::parse_quote!(not(#inner)))),
                },
                Err(_) => Pred::Same,
            },
            _ => Pred::Same,
        }
    }

    /// Inserts the module path after every `crate ::` (and so `$crate ::`) in a token tree.
    fn tokens(&self, stream: TokenStream) -> TokenStream {
        let trees: Vec<TokenTree> = stream.into_iter().collect();
        let mut out = Vec::with_capacity(trees.len());
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Group(g) => {
                    let mut group = Group::new(g.delimiter(), self.tokens(g.stream()));
                    group.set_span(g.span());
                    out.push(TokenTree::Group(group));
                }
                TokenTree::Ident(ident) if ident == "crate" && starts_with_path_sep(&trees[i + 1..]) => {
                    out.push(tree.clone());
                    for segment in &self.segments {
                        out.push(TokenTree::Punct(Punct::new(':', Spacing::Joint)));
                        out.push(TokenTree::Punct(Punct::new(':', Spacing::Alone)));
                        out.push(TokenTree::Ident(segment.clone()));
                    }
                }
                _ => out.push(tree.clone()),
            }
        }
        out.into_iter().collect()
    }

    /// Inserts the module path into `crate::` paths of doc text (intra-doc links and code
    /// spans), leaving `$crate::` and longer paths ending in `crate::` alone.
    fn doc_text(&self, text: &str) -> Option<String> {
        if !text.contains("crate::") {
            return None;
        }
        let mut out = String::with_capacity(text.len() + self.doc_prefix.len());
        let mut rest = text;
        while let Some(i) = rest.find("crate::") {
            out.push_str(&rest[..i]);
            if out.chars().last().is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | ':')) {
                out.push_str("crate::");
            } else {
                out.push_str(&self.doc_prefix);
            }
            rest = &rest[i + "crate::".len()..];
        }
        out.push_str(rest);
        Some(out)
    }
}

fn starts_with_path_sep(trees: &[TokenTree]) -> bool {
    matches!(trees, [TokenTree::Punct(a), TokenTree::Punct(b), ..]
        if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':')
}

impl VisitMut for Rewrite {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        visit_mut::visit_path_mut(self, path);
        // `crate` alone is `pub(crate)`, which stays crate-wide.
        if path.leading_colon.is_none() && path.segments.len() > 1 && path.segments[0].ident == "crate" {
            for (i, segment) in self.segments.iter().enumerate() {
                path.segments.insert(i + 1, syn::PathSegment::from(segment.clone()));
            }
        }
    }

    fn visit_use_path_mut(&mut self, use_path: &mut syn::UsePath) {
        visit_mut::visit_use_path_mut(self, use_path);
        if use_path.ident == "crate" {
            let mut tree =
                std::mem::replace(&mut *use_path.tree, UseTree::Glob(syn::UseGlob { star_token: Default::default() }));
            for segment in self.segments.iter().rev() {
                tree = UseTree::Path(syn::UsePath {
                    ident: segment.clone(),
                    colon2_token: Default::default(),
                    tree: Box::new(tree),
                });
            }
            *use_path.tree = tree;
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        visit_mut::visit_macro_mut(self, mac);
        mac.tokens = self.tokens(std::mem::take(&mut mac.tokens));
    }

    fn visit_attribute_mut(&mut self, attr: &mut Attribute) {
        // Attributes outside item, field and variant lists (rare) keep their place: their
        // feature terms become `all()` / `any()`, which no cfg check warns about.
        if attr.path().is_ident("cfg") || attr.path().is_ident("cfg_attr") {
            if let Meta::List(list) = &mut attr.meta {
                let Ok(mut args) = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) else {
                    return;
                };
                if let Some(pred) = args.first_mut() {
                    match self.decide(pred) {
                        Pred::Const(true) => *pred = syn::parse_quote!(all()),
                        Pred::Const(false) => *pred = syn::parse_quote!(any()),
                        Pred::New(new) => *pred = *new,
                        Pred::Same => return,
                    }
                    list.tokens = quote::quote!(#args);
                }
            }
            return;
        }
        if let Some(lit) = doc_lit(attr) {
            if let Some(text) = self.doc_text(&lit.value()) {
                *lit = LitStr::new(&text, lit.span());
            }
        }
    }

    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        if let Some((_, items)) = &mut module.content {
            self.retain_items(items);
        }
        visit_mut::visit_item_mod_mut(self, module);
    }

    fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
        imp.items.retain_mut(|item| impl_item_attrs(item).is_none_or(|attrs| self.attrs(attrs)));
        visit_mut::visit_item_impl_mut(self, imp);
    }

    fn visit_item_trait_mut(&mut self, tr: &mut syn::ItemTrait) {
        tr.items.retain_mut(|item| trait_item_attrs(item).is_none_or(|attrs| self.attrs(attrs)));
        visit_mut::visit_item_trait_mut(self, tr);
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        block.stmts.retain_mut(|stmt| match stmt {
            Stmt::Item(item) => item_attrs(item).is_none_or(|attrs| self.attrs(attrs)),
            _ => true,
        });
        visit_mut::visit_block_mut(self, block);
    }

    fn visit_fields_named_mut(&mut self, fields: &mut syn::FieldsNamed) {
        fields.named = std::mem::take(&mut fields.named)
            .into_iter()
            .filter_map(|mut f| self.attrs(&mut f.attrs).then_some(f))
            .collect();
        visit_mut::visit_fields_named_mut(self, fields);
    }

    fn visit_fields_unnamed_mut(&mut self, fields: &mut syn::FieldsUnnamed) {
        fields.unnamed = std::mem::take(&mut fields.unnamed)
            .into_iter()
            .filter_map(|mut f| self.attrs(&mut f.attrs).then_some(f))
            .collect();
        visit_mut::visit_fields_unnamed_mut(self, fields);
    }

    fn visit_item_enum_mut(&mut self, e: &mut syn::ItemEnum) {
        e.variants = std::mem::take(&mut e.variants)
            .into_iter()
            .filter_map(|mut v| self.attrs(&mut v.attrs).then_some(v))
            .collect();
        visit_mut::visit_item_enum_mut(self, e);
    }
}

/// The text of a `#[doc = "..."]` attribute.
fn doc_lit(attr: &mut Attribute) -> Option<&mut LitStr> {
    match &mut attr.meta {
        Meta::NameValue(MetaNameValue { path, value: Expr::Lit(ExprLit { lit: Lit::Str(s), .. }), .. })
            if path.is_ident("doc") =>
        {
            Some(s)
        }
        _ => None,
    }
}

/// Marks every Rust code block of one item's doc comment `ignore` (one attribute per line, as
/// `///` comments are, or several lines in one attribute).
fn ignore_doc_examples(attrs: &mut [Attribute]) {
    // The fence that opened the current block (`` ``` `` or longer, or `~~~`), if any.
    let mut open: Option<String> = None;
    for attr in attrs {
        let Some(lit) = doc_lit(attr) else { continue };
        let text = lit.value();
        let mut changed = false;
        let lines: Vec<String> = text
            .split('\n')
            .map(|line| {
                let trimmed = line.trim_start();
                let fence: String = trimmed.chars().take_while(|c| *c == '`' || *c == '~').collect();
                let is_fence = fence.len() >= 3 && fence.chars().all(|c| c == fence.as_bytes()[0] as char);
                if !is_fence {
                    return line.to_owned();
                }
                match &open {
                    Some(opener) => {
                        if fence.starts_with(opener.as_str()) && trimmed[fence.len()..].trim().is_empty() {
                            open = None;
                        }
                        line.to_owned()
                    }
                    None => {
                        open = Some(fence.clone());
                        if is_rust_block(&trimmed[fence.len()..]) {
                            changed = true;
                            format!("{}{fence}ignore", &line[..line.len() - trimmed.len()])
                        } else {
                            line.to_owned()
                        }
                    }
                }
            })
            .collect();
        if changed {
            *lit = LitStr::new(&lines.join("\n"), lit.span());
        }
    }
}

/// Whether rustdoc takes a code block with this info string for Rust (and so a doctest):
/// no language, `rust`, or only rustdoc's own attributes.
fn is_rust_block(info: &str) -> bool {
    let tokens: Vec<&str> = info.split(|c: char| c == ',' || c.is_whitespace()).filter(|t| !t.is_empty()).collect();
    tokens.contains(&"rust")
        || tokens.iter().all(|t| {
            matches!(*t, "ignore" | "no_run" | "should_panic" | "compile_fail" | "test_harness" | "standalone_crate")
                || t.starts_with("edition")
                || t.starts_with("ignore-")
                || t.starts_with('{')
                || t.starts_with('.')
        })
}

/// The attributes of an item (`None` for verbatim tokens).
pub(crate) fn item_attrs(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    Some(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::ExternCrate(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::ForeignMod(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::TraitAlias(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

fn impl_item_attrs(item: &mut ImplItem) -> Option<&mut Vec<Attribute>> {
    Some(match item {
        ImplItem::Const(i) => &mut i.attrs,
        ImplItem::Fn(i) => &mut i.attrs,
        ImplItem::Type(i) => &mut i.attrs,
        ImplItem::Macro(i) => &mut i.attrs,
        _ => return None,
    })
}

fn trait_item_attrs(item: &mut TraitItem) -> Option<&mut Vec<Attribute>> {
    Some(match item {
        TraitItem::Const(i) => &mut i.attrs,
        TraitItem::Fn(i) => &mut i.attrs,
        TraitItem::Type(i) => &mut i.attrs,
        TraitItem::Macro(i) => &mut i.attrs,
        _ => return None,
    })
}
