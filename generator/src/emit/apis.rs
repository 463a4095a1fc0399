//! Operations → one module per tag (`src/apis/<tag>.rs`): an API struct with one method per
//! operation, each returning a request builder with `.send()` (and `.stream()`/`.pages()`
//! for paginated lists).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_attrs, doc_lines, plain};
use super::ident;
use super::types::rust_type;
use crate::ir::*;

/// The source of `src/apis/<tag>.rs`, in groups of items to parse one at a time: the API
/// struct with its methods, then each operation's request builder.
pub fn tag_module(api: &Api, krate: &str, tag: &Tag) -> Vec<TokenStream> {
    let api_name = ident(&tag.api_type);
    let tag_docs = doc_attrs(&tag.docs, &format!("Operations tagged `{}`.", tag.name.wire));
    let mut methods = Vec::new();
    let mut builders = Vec::new();
    for op in &tag.operations {
        let (method, builder) = operation(api, krate, tag, op);
        methods.push(method);
        builders.push(builder);
    }
    let head = quote! {
        #tag_docs
        #[derive(Debug, Clone)]
        pub struct #api_name {
            client: crate::Client,
        }
        impl #api_name {
            pub(crate) fn new(client: crate::Client) -> Self {
                #api_name { client }
            }
            #(#methods)*
        }
    };
    std::iter::once(head).chain(builders).collect()
}

/// Arguments of the tag method: path parameters, required query/header parameters, body.
pub(super) fn is_argument(p: &Param) -> bool {
    p.location == ParamLocation::Path || p.required
}

/// Whether an optional query parameter gets typed setters from the resource vocabulary
/// (then its builder field is `Vec<String>`, or `Option<String>` for filters).
pub(super) fn is_typed(api: &Api, op: &Operation, p: &Param) -> bool {
    let Some(v) = op.query_vocabulary.map(|i| &api.query_vocabularies[i]) else {
        return false;
    };
    if is_argument(p) {
        return false;
    }
    match p.role {
        Some(QueryRole::With) => !v.relations.is_empty(),
        Some(QueryRole::Count) => !v.countable.is_empty(),
        Some(QueryRole::Show) => !v.fields.is_empty(),
        Some(QueryRole::OrderBy) => api.sort_syntax.is_some() && !v.fields.is_empty(),
        Some(QueryRole::Filter) => api.filter_syntax.is_some() && !v.fields.is_empty(),
        _ => false,
    }
}

fn operation(api: &Api, krate: &str, tag: &Tag, op: &Operation) -> (TokenStream, TokenStream) {
    let method_name = ident(&op.name.rust);
    let builder = ident(&op.builder.rust);
    let vocab = op.query_vocabulary.map(|i| &api.query_vocabularies[i]);
    let has_show = vocab.is_some() && op.params.iter().any(|p| p.role == Some(QueryRole::Show));
    // The generic output parameter exists only for operations whose responses `show` can trim.
    let item_ty = match (&op.pagination, op.success.iter().find_map(|s| s.ty.clone())) {
        (Some(p), _) => Some(p.item.clone()),
        (None, t) => t,
    };
    let generic = has_show.then(|| {
        let full = rust_type(api, &item_ty.clone().unwrap_or(TypeRef::Json));
        (quote!(<T = #full>), quote!(<T>))
    });
    let (decl_generics, use_generics) = generic.clone().unwrap_or_default();

    // Fields of the builder.
    let mut fields = Vec::new();
    let mut init = Vec::new();
    let mut args = Vec::new();
    let mut setters = Vec::new();
    let mut field_names = Vec::new();
    for p in &op.params {
        let name = ident(&p.name.rust);
        field_names.push(name.clone());
        let ty = rust_type(api, &p.ty);
        let pdocs = doc_attrs(&p.docs, &format!("`{}` ({} parameter).", p.name.wire, location_name(p.location)));
        if is_argument(p) {
            fields.push(quote!(#name: #ty,));
            args.push((name.clone(), ty.clone(), p));
            init.push(quote!(#name,));
            continue;
        }
        let typed = vocab.filter(|_| is_typed(api, op, p)).and_then(|v| typed_setter(api, op, v, p, &builder));
        match (p.role, typed) {
            (Some(QueryRole::With | QueryRole::Show | QueryRole::Count | QueryRole::OrderBy), Some(setter)) => {
                fields.push(quote!(#name: ::std::vec::Vec<::std::string::String>,));
                init.push(quote!(#name: ::std::vec::Vec::new(),));
                setters.push(setter);
            }
            (Some(QueryRole::Filter), Some(setter)) => {
                fields.push(quote!(#name: ::std::option::Option<::std::string::String>,));
                init.push(quote!(#name: ::std::option::Option::None,));
                setters.push(setter);
            }
            _ => {
                fields.push(quote!(#name: ::std::option::Option<#ty>,));
                init.push(quote!(#name: ::std::option::Option::None,));
                setters.push(quote! {
                    #pdocs
                    pub fn #name(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                        self.#name = ::std::option::Option::Some(value.into());
                        self
                    }
                });
            }
        }
    }

    // Body.
    let mut body_arg = None;
    if let Some(body) = &op.body {
        let ty = rust_type(api, &body.ty);
        let encode = encode_body(api, body);
        fields.push(quote!(body: ::std::result::Result<crate::runtime::client::RequestBody, ::std::string::String>,));
        field_names.push(format_ident!("body"));
        init.push(quote!(body,));
        body_arg = Some((ty, encode, body.encoding));
    }

    let method_docs = {
        let mut lines = doc_lines(&op.docs, &format!("`{} {}`", op.method.as_str(), op.path));
        lines.push(String::new());
        lines.push(format!("`{} {}`", op.method.as_str(), op.path));
        if !op.scopes.is_empty() {
            lines.push(String::new());
            lines.push(format!("Scopes: `{}`.", op.scopes.join("`, `")));
        }
        if !op.errors.is_empty() {
            let statuses: Vec<&str> = op.errors.iter().map(|e| e.status.as_str()).collect();
            lines.push(String::new());
            lines.push(format!("Errors: {}.", statuses.join(", ")));
        }
        lines.extend(super::examples::operation_example(api, krate, tag, op).unwrap_or_default());
        plain(&lines)
    };
    let into_arg = |p: &Param| matches!(p.ty, TypeRef::String);
    let mut arg_decls: Vec<TokenStream> = args
        .iter()
        .map(|(n, ty, p)| if into_arg(p) { quote!(#n: impl ::std::convert::Into<#ty>) } else { quote!(#n: #ty) })
        .collect();
    let arg_inits = args.iter().filter(|(_, _, p)| into_arg(p)).map(|(n, _, _)| quote!(let #n = #n.into();));
    let body_init = match &body_arg {
        Some((_, encode, BodyEncoding::Bytes)) => {
            arg_decls.push(quote!(body: impl ::std::convert::Into<::std::vec::Vec<u8>>));
            quote!(let body = body.into(); let body = #encode;)
        }
        Some((ty, encode, _)) => {
            arg_decls.push(quote!(body: &#ty));
            quote!(let body = #encode;)
        }
        None => quote!(),
    };
    let phantom_init = generic.as_ref().map(|_| quote!(_output: ::std::marker::PhantomData,));
    let phantom_field = generic.as_ref().map(|_| quote!(_output: ::std::marker::PhantomData<fn() -> T>,));
    let method = quote! {
        #method_docs
        pub fn #method_name(&self, #(#arg_decls),*) -> #builder {
            #(#arg_inits)*
            #body_init
            #builder { client: self.client.clone(), #(#init)* timeout: ::std::option::Option::None, #phantom_init }
        }
    };

    let spec = request_spec(api, op);
    let (output, send, response_enum) = output_and_send(api, op, generic.is_some());
    let streams = op.pagination.as_ref().map(|p| pagination_methods(api, op, p, generic.is_some()));
    let builder_doc =
        format!(" Request builder for `{} {}`; send it with `.send().await`.", op.method.as_str(), op.path);
    // Models derive Clone and Debug, which the derived impls of the builder require of T.
    let impl_generics =
        generic.as_ref().map(|_| quote!(<T: ::serde::de::DeserializeOwned + ::std::clone::Clone + ::std::fmt::Debug>));
    let builder_def = quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until `.send()` is awaited"]
        pub struct #builder #decl_generics {
            client: crate::Client,
            #(#fields)*
            timeout: ::std::option::Option<::std::time::Duration>,
            #phantom_field
        }
        impl #impl_generics #builder #use_generics {
            #(#setters)*
            /// Timeout for this request, overriding the client's.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.timeout = ::std::option::Option::Some(timeout);
                self
            }
            fn request_spec(&self) -> ::std::result::Result<crate::runtime::client::RequestSpec, crate::Error> {
                #spec
            }
            /// Sends the request.
            pub async fn send(self) -> ::std::result::Result<crate::Response<#output>, crate::Error> {
                #send
            }
            #streams
        }
        #response_enum
    };
    (method, builder_def)
}

fn location_name(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// Typed setters for query-role parameters, from the resource's vocabulary.
fn typed_setter(
    api: &Api,
    op: &Operation,
    v: &QueryVocabulary,
    p: &Param,
    builder: &proc_macro2::Ident,
) -> Option<TokenStream> {
    let name = ident(&p.name.rust);
    let raw = ident(&p.raw_setter);
    let [fields_enum, relations_enum, count_enum] = v.enum_names.clone().map(|n| ident(&n));
    let list_setter = |enum_ty: &proc_macro2::Ident, what: &str| {
        let doc = format!(" Adds {what} (`{}`).", p.name.wire);
        let raw_doc = format!(" Adds a raw `{}` value (for example dot notation for nested relations).", p.name.wire);
        quote! {
            #[doc = #doc]
            pub fn #name(mut self, values: impl ::std::iter::IntoIterator<Item = crate::query::#enum_ty>) -> Self {
                self.#name.extend(values.into_iter().map(|v| v.as_str().to_owned()));
                self
            }
            #[doc = #raw_doc]
            pub fn #raw(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.#name.push(value.into());
                self
            }
        }
    };
    match p.role? {
        QueryRole::With if !v.relations.is_empty() => Some(list_setter(&relations_enum, "relations to eager-load")),
        QueryRole::Count if !v.countable.is_empty() => Some(list_setter(&count_enum, "to-many relations to count")),
        QueryRole::Show if !v.fields.is_empty() => {
            let partial = ident(&api.types[v.partial_type].name.rust);
            let moves = op.params.iter().filter(|q| q.name.rust != p.name.rust).map(|q| ident(&q.name.rust));
            let body_move = op.body.as_ref().map(|_| quote!(body: self.body,));
            let doc = format!(" Returns only these fields (`{}`); the response then decodes as the partial type, in which every field is optional.", p.name.wire);
            let raw_doc = format!(
                " Adds a raw `{}` value (for example `relation.field`); the response decodes as the partial type.",
                p.name.wire
            );
            Some(quote! {
                #[doc = #doc]
                pub fn #name(mut self, fields: impl ::std::iter::IntoIterator<Item = crate::query::#fields_enum>) -> #builder<crate::models::#partial> {
                    self.#name.extend(fields.into_iter().map(|f| crate::runtime::query::QueryField::wire_name(f).to_owned()));
                    #builder {
                        client: self.client,
                        #(#moves: self.#moves,)*
                        #name: self.#name,
                        #body_move
                        timeout: self.timeout,
                        _output: ::std::marker::PhantomData,
                    }
                }
                #[doc = #raw_doc]
                pub fn #raw(self, field: impl ::std::convert::Into<::std::string::String>) -> #builder<crate::models::#partial> {
                    let mut next = self.#name(::std::iter::empty());
                    next.#name.push(field.into());
                    next
                }
            })
        }
        QueryRole::OrderBy if api.sort_syntax.is_some() && !v.fields.is_empty() => {
            let doc = format!(
                " Adds a sort key (`{}`); later keys break ties. `{}::Id.desc()` sorts descending.",
                p.name.wire, v.enum_names[0]
            );
            Some(quote! {
                #[doc = #doc]
                pub fn #name(mut self, sort: impl ::std::convert::Into<crate::query::Sort<crate::query::#fields_enum>>) -> Self {
                    self.#name.push(sort.into().render(&crate::query::SORT_SYNTAX));
                    self
                }
                /// Adds a raw sort key in the API's syntax.
                pub fn #raw(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.#name.push(value.into());
                    self
                }
            })
        }
        QueryRole::Filter if api.filter_syntax.is_some() && !v.fields.is_empty() => {
            let doc = format!(" Sets the filter (`{}`), written and escaped in the API's syntax.", p.name.wire);
            Some(quote! {
                #[doc = #doc]
                pub fn #name(mut self, filter: crate::query::Filter<crate::query::#fields_enum>) -> Self {
                    self.#name = ::std::option::Option::Some(filter.render(&crate::query::FILTER_SYNTAX));
                    self
                }
                /// Sets a raw filter expression, sent as is.
                pub fn #raw(mut self, expression: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.#name = ::std::option::Option::Some(expression.into());
                    self
                }
            })
        }
        _ => None,
    }
}

/// The delimiter a form or multipart field's array is joined with, when it is joined.
fn joined_with(body: &Body, wire: &str) -> Option<&'static str> {
    body.joined.iter().find(|(field, _)| field == wire).map(|(_, d)| d.as_str())
}

/// Code that encodes `body` (a `&T`, or `Vec<u8>` for raw bodies) into a `Result<RequestBody, String>`.
fn encode_body(api: &Api, body: &Body) -> TokenStream {
    match body.encoding {
        BodyEncoding::Json => quote! {
            ::serde_json::to_vec(body).map(crate::runtime::client::RequestBody::Json).map_err(|e| e.to_string())
        },
        BodyEncoding::Form => {
            // Declared fields in their order, each with the delimiter of its joined arrays.
            let fields = match &body.ty {
                TypeRef::Named(id) => match &api.types[*id].kind {
                    TypeKind::Struct(s) => s.fields.iter().map(|f| &f.name.wire).collect(),
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            let fields = fields.into_iter().map(|wire| match joined_with(body, wire) {
                Some(d) => quote!((#wire, ::std::option::Option::Some(#d))),
                None => quote!((#wire, ::std::option::Option::None)),
            });
            quote!(crate::runtime::client::form_body(body, &[#(#fields),*]))
        }
        BodyEncoding::Bytes => {
            let mt = &body.media_type;
            quote!(::std::result::Result::<_, ::std::string::String>::Ok(crate::runtime::client::RequestBody::Bytes(body, #mt)))
        }
        BodyEncoding::Multipart => {
            let TypeRef::Named(id) = &body.ty else {
                return quote!(::std::result::Result::Err("multipart body is not an object".to_owned()));
            };
            match &api.types[*id].kind {
                TypeKind::Struct(s) => {
                    let parts = s.fields.iter().map(|f| {
                        let n = ident(&f.name.rust);
                        let wire = &f.name.wire;
                        let file = quote!(crate::runtime::client::MultipartValue::File);
                        let text = quote!(crate::runtime::client::MultipartValue::Text);
                        // Arrays are one part per item, unless joined into one text part.
                        let push = match (&f.ty, joined_with(body, wire)) {
                            (TypeRef::Binary, _) => quote!(parts.push((#wire.to_owned(), #file(v.0.clone())));),
                            (TypeRef::Vec(item), _) if **item == TypeRef::Binary => {
                                quote!(for item in v { parts.push((#wire.to_owned(), #file(item.0.clone()))); })
                            }
                            (TypeRef::Vec(_), Some(d)) => {
                                quote!(parts.push((#wire.to_owned(), #text(crate::runtime::client::join_params(v, #d))));)
                            }
                            (TypeRef::Vec(_), None) => {
                                quote!(for item in v { parts.push((#wire.to_owned(), #text(crate::runtime::client::to_param(item)))); })
                            }
                            _ => quote!(parts.push((#wire.to_owned(), #text(crate::runtime::client::to_param(v))));),
                        };
                        match (f.required, f.nullable) {
                            (true, false) => quote! { { let v = &body.#n; #push } },
                            (true, true) | (false, false) => quote! { if let ::std::option::Option::Some(v) = &body.#n { #push } },
                            (false, true) => quote! { if let ::std::option::Option::Some(::std::option::Option::Some(v)) = &body.#n { #push } },
                        }
                    });
                    quote! {{
                        let mut parts = ::std::vec::Vec::new();
                        #(#parts)*
                        ::std::result::Result::<_, ::std::string::String>::Ok(crate::runtime::client::RequestBody::Multipart(parts))
                    }}
                }
                _ => quote! {
                    ::serde_json::to_vec(body).map(|b| crate::runtime::client::RequestBody::Multipart(vec![("body".to_owned(), crate::runtime::client::MultipartValue::Text(::std::string::String::from_utf8_lossy(&b).into_owned()))])).map_err(|e| e.to_string())
                },
            }
        }
    }
}

/// The body of `request_spec()`: the runtime's `RequestSpec::new`, then one runtime call per
/// part of the path and per parameter (the code is the same for every operation, so it lives
/// in `templates/runtime/client.rs`, compiled once, instead of in each builder). Array
/// parameters take the `_list` calls with their delimiter.
fn request_spec(api: &Api, op: &Operation) -> TokenStream {
    let mut calls = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let lit = &rest[..start];
        if !lit.is_empty() {
            calls.push(quote!(spec.path(#lit);));
        }
        let end = rest[start..].find('}').map(|e| start + e).unwrap_or(rest.len() - 1);
        let name = &rest[start + 1..end];
        if let Some(p) = op.params.iter().find(|p| p.location == ParamLocation::Path && p.name.wire == name) {
            let n = ident(&p.name.rust);
            calls.push(if matches!(p.ty, TypeRef::Vec(_)) {
                let delimiter = p.delimiter.as_str();
                quote!(spec.path_list(&self.#n, #delimiter);)
            } else {
                quote!(spec.path_param(&self.#n);)
            });
        }
        rest = &rest[end + 1..];
    }
    if !rest.is_empty() {
        calls.push(quote!(spec.path(#rest);));
    }
    for p in op.params.iter().filter(|p| p.location == ParamLocation::Query) {
        let n = ident(&p.name.rust);
        let wire = &p.name.wire;
        // Typed list roles accumulate in a plain Vec<String>, always present.
        let typed_list = is_typed(api, op, p) && p.role != Some(QueryRole::Filter);
        let is_vec = matches!(p.ty, TypeRef::Vec(_));
        let explode = is_vec && p.explode;
        let delimiter = p.delimiter.as_str();
        calls.push(match (is_argument(p) || typed_list, is_vec || typed_list) {
            (true, true) => quote!(spec.query_list(#wire, &self.#n, #explode, #delimiter);),
            (true, false) => quote!(spec.query(#wire, &self.#n);),
            (false, true) => quote!(spec.query_list_opt(#wire, &self.#n, #explode, #delimiter);),
            (false, false) => quote!(spec.query_opt(#wire, &self.#n);),
        });
    }
    // Required headers first, then the optional ones that are set.
    let headers = op.params.iter().filter(|p| p.location == ParamLocation::Header);
    for p in headers.clone().filter(|p| is_argument(p)).chain(headers.filter(|p| !is_argument(p))) {
        calls.push(value_call(p, "header", &p.name.wire.to_ascii_lowercase()));
    }
    for p in op.params.iter().filter(|p| p.location == ParamLocation::Cookie) {
        calls.push(value_call(p, "cookie", &p.name.wire));
    }
    if op.body.is_some() {
        calls.push(quote!(spec.body_from(&self.body)?;));
    }
    let method = format_ident!("{}", op.method.as_str());
    let server = op.server;
    let template = &op.path;
    let spec_mut = (!calls.is_empty()).then(|| quote!(mut));
    quote! {
        let #spec_mut spec = crate::runtime::client::RequestSpec::new(::reqwest::Method::#method, #server, #template, self.timeout);
        #(#calls)*
        ::std::result::Result::Ok(spec)
    }
}

/// The runtime call adding a header or cookie parameter (`kind`) named `wire`: required or
/// optional (`_opt`), one value or an array joined with its delimiter (`_list`).
fn value_call(p: &Param, kind: &str, wire: &str) -> TokenStream {
    let n = ident(&p.name.rust);
    let list = matches!(p.ty, TypeRef::Vec(_));
    let method = format_ident!("{kind}{}{}", if list { "_list" } else { "" }, if is_argument(p) { "" } else { "_opt" });
    if list {
        let delimiter = p.delimiter.as_str();
        quote!(spec.#method(#wire, &self.#n, #delimiter);)
    } else {
        quote!(spec.#method(#wire, &self.#n);)
    }
}

/// The output type of `send()`, its body, and the response enum it returns when success
/// statuses carry different body shapes. Most operations call the runtime's `send_json` or
/// `send_empty` with their success statuses; the rest pass a decoding closure to `send_with`.
fn output_and_send(api: &Api, op: &Operation, generic: bool) -> (TokenStream, TokenStream, Option<TokenStream>) {
    let template = &op.path;
    let ranges = |statuses: &mut dyn Iterator<Item = &SuccessResponse>| {
        let ranges = statuses.map(|s| {
            let (low, high) = status_range(&s.status);
            quote!((#low, #high))
        });
        quote!(&[#(#ranges),*])
    };
    let send_json = |ok: TokenStream| quote!(self.client.send_json(self.request_spec()?, #ok).await);
    let send_with = |arms: TokenStream| {
        quote! {
            self.client.send_with(self.request_spec()?, |status, body| match status {
                #arms
                _ => ::std::option::Option::None,
            }).await
        }
    };
    if let Some(p) = &op.pagination {
        let item = if generic { quote!(T) } else { rust_type(api, &p.item) };
        let layout = ident(&api.page_layouts[p.layout].name.rust);
        let ok = ranges(&mut op.success.iter().filter(|s| s.ty.is_some()));
        return (quote!(crate::runtime::pagination::Page<#item, crate::apis::#layout>), send_json(ok), None);
    }
    let typed: Vec<&SuccessResponse> = op.success.iter().collect();
    let arm_runs = |typed: &[&SuccessResponse]| {
        let statuses: Vec<&str> = typed.iter().map(|s| s.status.as_str()).collect();
        status_runs(&statuses)
    };
    let distinct: Vec<&Option<TypeRef>> = {
        let mut v: Vec<&Option<TypeRef>> = Vec::new();
        for s in &typed {
            if !v.contains(&&s.ty) {
                v.push(&s.ty);
            }
        }
        v
    };
    // `as_generic`: a JSON body is the builder's `T` (operations whose responses `show` trims).
    let body_ty = |t: &Option<TypeRef>, as_generic: bool| -> TokenStream {
        match t {
            None => quote!(()),
            Some(TypeRef::Binary) => quote!(::std::vec::Vec<u8>),
            Some(_) if as_generic => quote!(T),
            Some(t) => rust_type(api, t),
        }
    };
    let value_ty = |t: &Option<TypeRef>| body_ty(t, generic);
    let decode_one = |t: &Option<TypeRef>| -> TokenStream {
        match t {
            None => quote!(::std::result::Result::Ok(())),
            Some(TypeRef::Binary) => quote!(::std::result::Result::Ok(body.to_vec())),
            Some(_) => {
                let ty = value_ty(t);
                quote!(crate::runtime::error::decode_json::<#ty>(body, #template, status))
            }
        }
    };
    match distinct.len() {
        0 => (quote!(()), quote!(self.client.send_empty(self.request_spec()?, &[(200, 299)]).await), None),
        1 => {
            let ok = ranges(&mut typed.iter().copied());
            match distinct[0] {
                None => (quote!(()), quote!(self.client.send_empty(self.request_spec()?, #ok).await), None),
                Some(TypeRef::Binary) => {
                    let statuses: Vec<&str> = typed.iter().map(|s| s.status.as_str()).collect();
                    let pattern = runs_pattern(&join_runs(status_runs(&statuses).concat()));
                    let dec = decode_one(distinct[0]);
                    (value_ty(distinct[0]), send_with(quote!(#pattern => ::std::option::Option::Some(#dec),)), None)
                }
                Some(_) => (value_ty(distinct[0]), send_json(ok), None),
            }
        }
        _ if distinct.iter().filter(|t| t.is_some()).count() == 1 => {
            // One body shape, and statuses without a body (GitHub's `304 Not Modified`).
            let shape = distinct.iter().copied().find(|t| t.is_some()).unwrap_or(&None);
            let ty = value_ty(shape);
            let dec = match shape {
                Some(TypeRef::Binary) => {
                    quote!(::std::result::Result::Ok(::std::option::Option::Some(body.to_vec())))
                }
                _ => {
                    let dec = decode_one(shape);
                    quote!(#dec.map(::std::option::Option::Some))
                }
            };
            let arms = typed.iter().zip(arm_runs(&typed)).filter(|(_, runs)| !runs.is_empty()).map(|(s, runs)| {
                let pat = runs_pattern(&runs);
                if s.ty.is_some() {
                    quote!(#pat => ::std::option::Option::Some(#dec),)
                } else {
                    quote!(#pat => ::std::option::Option::Some(::std::result::Result::Ok(::std::option::Option::None)),)
                }
            });
            (quote!(::std::option::Option<#ty>), send_with(quote!(#(#arms)*)), None)
        }
        _ => {
            // Several body shapes: an enum with a variant per success status. Its variants are
            // the schemas' types even where `show` made the builder generic.
            let name = ident(&op.response_enum.rust);
            let concrete = |t: &Option<TypeRef>| body_ty(t, false);
            let doc = format!(" What `{} {}` answers, by success status.", op.method.as_str(), op.path);
            let variants = typed.iter().map(|s| {
                let variant = ident(&s.variant);
                let summary = Some(format!("Status `{}`.", s.status));
                let vdoc = doc_attrs(&Docs { summary, description: s.description.clone(), ..Docs::default() }, "");
                match &s.ty {
                    None => quote!(#vdoc #variant,),
                    t => {
                        let ty = concrete(t);
                        quote!(#vdoc #variant(#ty),)
                    }
                }
            });
            let arms = typed.iter().zip(arm_runs(&typed)).filter(|(_, runs)| !runs.is_empty()).map(|(s, runs)| {
                let pat = runs_pattern(&runs);
                let variant = ident(&s.variant);
                let dec = match &s.ty {
                    None => quote!(::std::result::Result::Ok(#name::#variant)),
                    Some(TypeRef::Binary) => quote!(::std::result::Result::Ok(#name::#variant(body.to_vec()))),
                    t => {
                        let ty = concrete(t);
                        quote!(crate::runtime::error::decode_json::<#ty>(body, #template, status).map(#name::#variant))
                    }
                };
                quote!(#pat => ::std::option::Option::Some(#dec),)
            });
            let item = quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, PartialEq)]
                #[allow(clippy::large_enum_variant)]
                pub enum #name {
                    #(#variants)*
                }
            };
            (quote!(#name), send_with(quote!(#(#arms)*)), Some(item))
        }
    }
}

/// The inclusive range of statuses a response key covers: `200`, `2XX`, or any 2xx.
pub(super) fn status_range(status: &str) -> (u16, u16) {
    if let Ok(code) = status.parse::<u16>() {
        return (code, code);
    }
    let upper = status.to_ascii_uppercase();
    if upper.len() == 3 && upper.ends_with("XX") {
        if let Some(d) = upper.chars().next().and_then(|c| c.to_digit(10)) {
            let low = (d * 100) as u16;
            return (low, low + 99);
        }
    }
    (200, 299)
}

/// The statuses each response key's match arm takes, as runs of codes, for keys in arm order:
/// a range leaves out the codes some key declares exactly (in OpenAPI the exact code wins) and
/// those an earlier range took (`2XX` beside `2xx`). No two arms overlap, so neither rustc
/// (`unreachable_patterns`) nor clippy (`match_overlapping_arm`: `200` before `200..=299`)
/// objects; a key left with no code gets no arm (an empty list).
pub(super) fn status_runs(statuses: &[&str]) -> Vec<Vec<(u16, u16)>> {
    let ranges: Vec<(u16, u16)> = statuses.iter().map(|s| status_range(s)).collect();
    let exact: Vec<u16> = ranges.iter().filter(|(low, high)| low == high).map(|(low, _)| *low).collect();
    let mut taken: Vec<(u16, u16)> = Vec::new();
    let mut runs = Vec::with_capacity(ranges.len());
    for (low, high) in ranges {
        if low == high {
            let first = !taken.contains(&(low, high));
            taken.push((low, high));
            runs.push(if first { vec![(low, high)] } else { Vec::new() });
            continue;
        }
        let mine: Vec<(u16, u16)> = (low..=high)
            .filter(|code| !exact.contains(code) && !taken.iter().any(|(l, h)| (*l..=*h).contains(code)))
            .map(|code| (code, code))
            .collect();
        taken.push((low, high));
        runs.push(join_runs(mine));
    }
    runs
}

/// Runs of codes sorted and joined where they touch or overlap (`[(202, 202), (200, 201),
/// (404, 404)]` → `[(200, 202), (404, 404)]`), so an arm reads `200..=202 | 404`: clippy's
/// `manual_range_patterns` refuses `200 | 201 | 202` and `200 | 201..=299`.
pub(super) fn join_runs(mut runs: Vec<(u16, u16)>) -> Vec<(u16, u16)> {
    runs.sort_unstable();
    let mut joined: Vec<(u16, u16)> = Vec::with_capacity(runs.len());
    for (low, high) in runs {
        match joined.last_mut() {
            Some((_, end)) if low <= end.saturating_add(1) => *end = (*end).max(high),
            _ => joined.push((low, high)),
        }
    }
    joined
}

/// The pattern of one arm: its runs of codes joined with `|`.
pub(super) fn runs_pattern(runs: &[(u16, u16)]) -> TokenStream {
    let alternatives = runs.iter().map(|(low, high)| match low == high {
        true => quote!(#low),
        false => quote!(#low..=#high),
    });
    quote!(#(#alternatives)|*)
}

fn pagination_methods(api: &Api, op: &Operation, p: &Pagination, generic: bool) -> TokenStream {
    let item = if generic { quote!(T) } else { rust_type(api, &p.item) };
    let layout = ident(&api.page_layouts[p.layout].name.rust);
    let find = |wire: &str| op.params.iter().find(|x| x.name.wire == wire && x.location == ParamLocation::Query);
    let (Some(limit), Some(offset)) = (find(&p.limit_param), find(&p.offset_param)) else {
        return quote!();
    };
    let (l, o) = (ident(&limit.name.rust), ident(&offset.name.rust));
    let (lt, ot) = (rust_type(api, &limit.ty), rust_type(api, &offset.ty));
    let default_limit = 100u64;
    quote! {
        /// Streams every page, advancing the offset by the number of records received.
        /// Ends on an empty or short page, or when the offset reaches the reported total.
        pub fn pages(self) -> impl ::futures_util::Stream<Item = ::std::result::Result<crate::Response<crate::runtime::pagination::Page<#item, crate::apis::#layout>>, crate::Error>> {
            let limit = self.#l.map(|v| v as u64).unwrap_or(#default_limit);
            let offset = self.#o.map(|v| v as u64).unwrap_or(0);
            crate::runtime::pagination::pages(offset, limit, move |offset, limit| {
                let mut next = self.clone();
                next.#o = ::std::option::Option::Some(offset as #ot);
                next.#l = ::std::option::Option::Some(limit as #lt);
                next.send()
            })
        }
        /// Streams every record of every page (see [`Self::pages`]); holds one page at a time.
        pub fn stream(self) -> impl ::futures_util::Stream<Item = ::std::result::Result<#item, crate::Error>> {
            let limit = self.#l.map(|v| v as u64).unwrap_or(#default_limit);
            let offset = self.#o.map(|v| v as u64).unwrap_or(0);
            crate::runtime::pagination::items(offset, limit, move |offset, limit| {
                let mut next = self.clone();
                next.#o = ::std::option::Option::Some(offset as #ot);
                next.#l = ::std::option::Option::Some(limit as #lt);
                next.send()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{join_runs, status_runs};

    #[test]
    fn ranges_leave_out_exact_codes_and_earlier_ranges() {
        assert_eq!(
            status_runs(&["200", "2XX", "2xx", "404", "4XX"]),
            vec![vec![(200, 200)], vec![(201, 299)], vec![], vec![(404, 404)], vec![(400, 403), (405, 499)]]
        );
        // A repeated exact code gets one arm.
        assert_eq!(status_runs(&["201", "201"]), vec![vec![(201, 201)], vec![]]);
    }

    #[test]
    fn runs_join_where_they_touch_or_overlap() {
        assert_eq!(join_runs(vec![(202, 202), (200, 201), (404, 404)]), vec![(200, 202), (404, 404)]);
        assert_eq!(join_runs(vec![(201, 299), (200, 200)]), vec![(200, 299)]);
        assert_eq!(join_runs(vec![(300, 399), (200, 250)]), vec![(200, 250), (300, 399)]);
    }
}
