//! Type references and model definitions (`src/models/`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::docs::{doc_attrs, plain};
use super::ident;
use crate::ir::*;
use crate::naming::reserved;

/// The Rust type of a type reference (fully qualified paths only).
pub fn rust_type(api: &Api, t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::String => quote!(::std::string::String),
        TypeRef::Bool => quote!(bool),
        TypeRef::Int(IntWidth::I32) => quote!(i32),
        TypeRef::Int(IntWidth::I64) => quote!(i64),
        TypeRef::Int(IntWidth::U32) => quote!(u32),
        TypeRef::Int(IntWidth::U64) => quote!(u64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::DateTime => quote!(crate::runtime::datetime::DateTime),
        TypeRef::Date => quote!(::chrono::NaiveDate),
        TypeRef::Uuid => quote!(::uuid::Uuid),
        TypeRef::Binary => quote!(crate::runtime::serde_helpers::Binary),
        TypeRef::Base64 => quote!(crate::runtime::serde_helpers::Base64),
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::Named(id) => {
            let name = ident(&api.types[*id].name.rust);
            quote!(crate::models::#name)
        }
        TypeRef::Vec(inner) => {
            let inner = rust_type(api, inner);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(api, inner);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        TypeRef::Tuple(elements) => {
            let elements = elements.iter().map(|e| rust_type(api, e));
            quote!((#(#elements,)*))
        }
    }
}

/// Whether values of `t` have a `Default`.
fn has_default(t: &TypeRef) -> bool {
    match t {
        TypeRef::Tuple(elements) => elements.iter().all(has_default),
        _ => matches!(
            t,
            TypeRef::String
                | TypeRef::Bool
                | TypeRef::Int(_)
                | TypeRef::F32
                | TypeRef::F64
                | TypeRef::Json
                | TypeRef::Vec(_)
                | TypeRef::Map(_)
                | TypeRef::Binary
                | TypeRef::Base64
        ),
    }
}

/// Whether `t` can derive `Eq`/`Hash` (no floats, no JSON values).
fn is_eq(api: &Api, t: &TypeRef, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    match t {
        TypeRef::F32 | TypeRef::F64 | TypeRef::Json => false,
        TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::Tuple(_) => t.parts().iter().all(|p| is_eq(api, p, depth + 1)),
        TypeRef::Named(id) => matches!(api.types[*id].kind, TypeKind::Enum(_)),
        _ => true,
    }
}

/// Whether the struct `id` derives `Default`: every required, non-nullable field has a
/// default value of its own.
pub fn derives_default(api: &Api, id: TypeId) -> bool {
    matches!(&api.types[id].kind, TypeKind::Struct(s) if struct_has_default(s))
}

fn struct_has_default(s: &Struct) -> bool {
    s.fields.iter().all(|f| !f.required || f.nullable || (has_default(&f.ty) && !f.boxed))
}

/// Cargo feature of generated crates that compiles every serde impl, whichever way the API
/// moves the type (see [`WireUse`]).
pub const FULL_SERDE_FEATURE: &str = "full-serde";

/// Serde derives of a type, each with whether its [`WireUse`] needs it: the needed ones go into
/// the `#[derive]` list (the first result, each followed by a comma); the others are compiled
/// only with [`FULL_SERDE_FEATURE`] (the second result, whole attributes).
fn serde_derives(derives: Vec<(bool, TokenStream)>) -> (TokenStream, TokenStream) {
    let (mut always, mut optional) = (Vec::new(), Vec::new());
    for (needed, derive) in derives {
        if needed {
            always.push(derive);
        } else {
            optional.push(derive);
        }
    }
    let optional = if optional.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[cfg_attr(feature = #FULL_SERDE_FEATURE, derive(#(#optional),*))])
    };
    (quote!(#(#always,)*), optional)
}

/// `#[cfg(feature = "full-serde")]` for a hand-written serde impl the type's use does not need.
fn serde_gate(needed: bool) -> Option<TokenStream> {
    (!needed).then(|| quote!(#[cfg(feature = #FULL_SERDE_FEATURE)]))
}

/// The source of one model, its doc comment followed by `notes` (one paragraph each).
pub fn model(api: &Api, def: &TypeDef, notes: &[String]) -> TokenStream {
    let name = ident(&def.name.rust);
    let mut docs = doc_attrs(&def.docs, &format!("`{}`", def.name.wire));
    for note in notes {
        let lines = plain(&[String::new(), note.clone()]);
        docs = quote!(#docs #lines);
    }
    match &def.kind {
        TypeKind::Struct(s) => struct_def(api, &name, docs, s, def.wire_use),
        // Enums are small and also travel as parameters and filter values: both impls, always.
        TypeKind::Enum(e) => enum_def(&name, docs, e),
        TypeKind::Union(u) => union_def(api, &name, docs, u, def.wire_use),
        TypeKind::Alias(t) => {
            let ty = rust_type(api, t);
            quote! { #docs pub type #name = #ty; }
        }
    }
}

/// A struct derives `Serialize` (when sent, else with `full-serde`) and gets its `Deserialize`
/// from the runtime's `deserialize_struct!` (when received, else with `full-serde`), which
/// compiles to about half the code of the derive. Field attributes serve `Serialize` only.
fn struct_def(api: &Api, name: &Ident, docs: TokenStream, s: &Struct, wire_use: WireUse) -> TokenStream {
    let mut fields = Vec::new();
    let mut reads = Vec::new();
    let default = struct_has_default(s);
    // `#[serde(...)]` field attributes need an active serde derive.
    let serde_attr = |inner: TokenStream| {
        if wire_use.sent {
            quote!(#[serde(#inner)])
        } else {
            quote!(#[cfg_attr(feature = #FULL_SERDE_FEATURE, serde(#inner))])
        }
    };
    for f in &s.fields {
        let fname = ident(&f.name.rust);
        let mut ty = rust_type(api, &f.ty);
        if f.boxed {
            ty = quote!(::std::boxed::Box<#ty>);
        }
        let wire = &f.name.wire;
        let rename = (f.name.rust != *wire).then(|| quote!(rename = #wire,));
        let skip_none = quote!(skip_serializing_if = "::std::option::Option::is_none");
        let fdocs = doc_attrs(&f.docs, &format!("`{wire}`"));
        let (ty, serde, mode) = match (f.required, f.nullable) {
            (true, false) => (ty, rename.map(&serde_attr), quote!(required)),
            (true, true) => (quote!(::std::option::Option<#ty>), rename.map(&serde_attr), quote!(optional)),
            (false, false) => {
                (quote!(::std::option::Option<#ty>), Some(serde_attr(quote!(#rename #skip_none))), quote!(optional))
            }
            (false, true) => (
                quote!(::std::option::Option<::std::option::Option<#ty>>),
                Some(serde_attr(quote!(#rename #skip_none))),
                quote!(patch),
            ),
        };
        fields.push(quote! { #fdocs #serde pub #fname: #ty, });
        reads.push(quote!(#mode #fname = #wire));
    }
    let mut extra = None;
    if let Some(extra_ty) = &s.additional {
        let ty = rust_type(api, extra_ty);
        let field = ident(reserved::ADDITIONAL_PROPERTIES_FIELD);
        let flatten = serde_attr(quote!(flatten));
        fields.push(quote! {
            /// Properties not declared by the schema.
            #flatten
            pub #field: ::std::collections::BTreeMap<::std::string::String, #ty>,
        });
        extra = Some(quote!(extra #field));
    }
    let eq = s.fields.iter().all(|f| is_eq(api, &f.ty, 0)) && s.additional.as_ref().is_none_or(|t| is_eq(api, t, 0));
    let eq = eq.then(|| quote!(Eq,));
    let default = default.then(|| quote!(Default,));
    let (serialize, optional_serialize) = serde_derives(vec![(wire_use.sent, quote!(::serde::Serialize))]);
    let de_gate = serde_gate(wire_use.received);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #eq #default #serialize)]
        #optional_serialize
        pub struct #name {
            #(#fields)*
        }
        #de_gate
        crate::runtime::serde_helpers::deserialize_struct!(#name { #(#reads),* } #extra);
    }
}

fn enum_def(name: &Ident, docs: TokenStream, e: &Enum) -> TokenStream {
    let variants: Vec<Ident> = e.variants.iter().map(|v| ident(&v.rust)).collect();
    let unknown = ident(reserved::UNKNOWN_VARIANT);
    let variant_docs = e.variants.iter().map(|v| format!(" `{}`", v.wire));
    if e.integer {
        let values: Vec<i64> = e.variants.iter().map(|v| v.wire.parse::<i64>().unwrap_or_default()).collect();
        return quote! {
            #docs
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum #name {
                #( #[doc = #variant_docs] #variants, )*
                /// A value this client does not know yet.
                #unknown(i64),
            }
            impl #name {
                /// The value on the wire.
                pub fn value(self) -> i64 {
                    match self { #( Self::#variants => #values, )* Self::#unknown(v) => v }
                }
            }
            impl ::std::convert::From<i64> for #name {
                fn from(v: i64) -> Self {
                    match v { #( #values => Self::#variants, )* other => Self::#unknown(other) }
                }
            }
            crate::runtime::serde_helpers::integer_enum!(#name);
        };
    }
    let wires: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            /// A value this client does not know yet.
            #unknown(::std::string::String),
        }
        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self { #( Self::#variants => #wires, )* Self::#unknown(v) => v.as_str() }
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(v: &str) -> Self {
                match v { #( #wires => Self::#variants, )* other => Self::#unknown(other.to_owned()) }
            }
        }
        crate::runtime::serde_helpers::string_enum!(#name);
    }
}

fn union_def(api: &Api, name: &Ident, docs: TokenStream, u: &Union, wire_use: WireUse) -> TokenStream {
    let variants: Vec<Ident> = u.variants.iter().map(|v| ident(&v.name.rust)).collect();
    let types: Vec<TokenStream> = u
        .variants
        .iter()
        .map(|v| {
            let t = rust_type(api, &v.ty);
            if v.boxed {
                quote!(::std::boxed::Box<#t>)
            } else {
                t
            }
        })
        .collect();
    let vdocs = u.variants.iter().map(|v| format!(" `{}`", v.name.wire));
    let has_json = u.variants.iter().any(|v| v.ty == TypeRef::Json);
    let unknown_name = ident(reserved::UNKNOWN_VARIANT);
    match &u.discriminator {
        Some(tag) => {
            let tags: Vec<&str> = u.variants.iter().map(|v| v.name.wire.as_str()).collect();
            let (ser_gate, de_gate) = (serde_gate(wire_use.sent), serde_gate(wire_use.received));
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq)]
                #[allow(clippy::large_enum_variant)]
                pub enum #name {
                    #( #[doc = #vdocs] #variants(#types), )*
                    /// A variant this client does not know yet, kept as JSON.
                    #unknown_name(::serde_json::Value),
                }
                #ser_gate
                impl ::serde::Serialize for #name {
                    fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                        let (tag, value) = match self {
                            #( Self::#variants(v) => (#tags, ::serde_json::to_value(v).map_err(::serde::ser::Error::custom)?), )*
                            Self::#unknown_name(v) => return ::serde::Serialize::serialize(v, s),
                        };
                        let mut value = value;
                        if let ::serde_json::Value::Object(map) = &mut value {
                            map.entry(#tag).or_insert_with(|| ::serde_json::Value::String(tag.to_owned()));
                        }
                        ::serde::Serialize::serialize(&value, s)
                    }
                }
                #de_gate
                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                        let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(d)?;
                        let tag = value.get(#tag).and_then(::serde_json::Value::as_str).map(::std::borrow::ToOwned::to_owned);
                        match tag.as_deref() {
                            #( ::std::option::Option::Some(#tags) => ::serde_json::from_value(value).map(Self::#variants).map_err(::serde::de::Error::custom), )*
                            _ => ::std::result::Result::Ok(Self::#unknown_name(value)),
                        }
                    }
                }
            }
        }
        None => {
            let fallback = (!has_json).then(|| {
                quote! {
                    /// A value matching none of the known variants, kept as JSON.
                    #unknown_name(::serde_json::Value),
                }
            });
            let (serde, optional_serde) = serde_derives(vec![
                (wire_use.sent, quote!(::serde::Serialize)),
                (wire_use.received, quote!(::serde::Deserialize)),
            ]);
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, #serde)]
                #optional_serde
                #[serde(untagged)]
                #[allow(clippy::large_enum_variant)]
                pub enum #name {
                    #( #[doc = #vdocs] #variants(#types), )*
                    #fallback
                }
            }
        }
    }
}
