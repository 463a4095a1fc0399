//! Operations → the typed mock layer (`src/mock/`, compiled with the crate's `mock` feature).
//!
//! Per tag: an accessor on the runtime's `MockServer` (`server.customer()`) returning an
//! expectation factory with one method per operation. Per operation: a marker type that
//! implements the runtime's `MockOperation` (method, path template, body decoding, and the
//! check of reply bodies against the types the spec declares per status), `PagedOperation` for
//! lists with `x-pagination`, and the typed methods of its `Expectation`: one matcher per
//! parameter, typed as the client's setters (`with_id`, `with_filter`; `filter_contains`),
//! `with_body` and `returns` in the operation's own types. Everything that does not vary with the
//! spec lives in `templates/runtime/mock.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::apis::{is_argument, is_typed, join_runs, runs_pattern, status_range, status_runs};
use super::ident;
use super::types::rust_type;
use crate::ir::*;

/// Cargo feature of generated crates that compiles the `mock` module (and `full-serde`).
pub const MOCK_FEATURE: &str = "mock";

/// `src/mock/mod.rs`: the runtime's mock types and every tag's items, re-exported.
pub fn mock_mod(api: &Api) -> TokenStream {
    let mods = api.tags.iter().map(|t| {
        let module = ident(&t.mock_accessor);
        quote!(mod #module; pub use #module::*;)
    });
    quote! {
        //! A typed mock server for tests of code that uses this crate (feature `mock`).
        //!
        //! [`MockServer::start`] starts a wiremock server and [`MockServer::client`] gives a
        //! client pointed at it. Each tag has an accessor on the server and each operation an
        //! [`Expectation`] whose matchers and replies take this crate's types:
        //! `server.<tag>().<operation>()`, then `with_<param>(..)` / `with_body(..)` to match,
        //! `returns(..)` (and `returns_status`, `returns_page`, `returns_list`...) to reply,
        //! `expect(n)` to count, and `.await` to mount. See [`crate::runtime::mock`] for how
        //! expectations match, reply in sequence and check bodies. `wiremock` is re-exported for
        //! raw matchers and responses.
        pub use crate::runtime::mock::{Expectation, MockGuard, MockOperation, MockServer, PagedOperation, ReceivedRequest};
        #[doc(no_inline)]
        pub use ::wiremock;
        #(#mods)*
    }
}

/// `src/mock/<tag>.rs`: the tag's accessor, expectation factory and operations, in groups of
/// items to parse one at a time (the factory, then each operation's items).
pub fn tag_mock(api: &Api, tag: &Tag) -> Vec<TokenStream> {
    let accessor = ident(&tag.mock_accessor);
    let factory = ident(&tag.mock_type);
    let factory_doc =
        format!(" Expectations for the operations tagged `{}`: `server.{}()`.", tag.name.wire, tag.mock_accessor);
    let accessor_doc = format!(" Expectations for the operations tagged `{}`.", tag.name.wire);
    let module_doc = format!(" Mock expectations for the operations tagged `{}`.", tag.name.wire);
    let methods = tag.operations.iter().map(|op| {
        let name = ident(&op.name.rust);
        let marker = ident(&op.mock_marker);
        let doc = operation_doc(op);
        quote! {
            #[doc = #doc]
            pub fn #name(&self) -> crate::runtime::mock::Expectation<#marker> {
                crate::runtime::mock::Expectation::new(&self.server)
            }
        }
    });
    let operations = tag.operations.iter().map(|op| operation(api, tag, op));
    let head = quote! {
        #![doc = #module_doc]
        #[doc = #factory_doc]
        #[derive(Debug, Clone)]
        pub struct #factory {
            server: crate::runtime::mock::MockServer,
        }
        impl crate::runtime::mock::MockServer {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #factory {
                #factory { server: self.clone() }
            }
        }
        impl #factory {
            #(#methods)*
        }
    };
    std::iter::once(head).chain(operations).collect()
}

/// `` `GET /customer/{id}`: Get one customer ``.
fn operation_doc(op: &Operation) -> String {
    let summary = op.docs.summary.as_deref().map(str::trim).filter(|s| !s.is_empty() && !s.contains('\n'));
    match summary {
        Some(s) => format!(" `{} {}`: {s}", op.method.as_str(), op.path),
        None => format!(" `{} {}`.", op.method.as_str(), op.path),
    }
}

/// The marker type of `op`, its `MockOperation` (and `PagedOperation`) impl, and the typed
/// methods of its expectation.
fn operation(api: &Api, tag: &Tag, op: &Operation) -> TokenStream {
    let marker = ident(&op.mock_marker);
    let marker_doc =
        format!(" `{} {}` in mock expectations (`Expectation<{}>`).", op.method.as_str(), op.path, op.mock_marker);
    let (method, template, server) = (op.method.as_str(), &op.path, op.server);
    let (body_ty, decode, raw) = match &op.body {
        None => (quote!(()), quote!(::std::result::Result::Ok(())), quote!(_)),
        Some(b) => match b.encoding {
            BodyEncoding::Json => (rust_type(api, &b.ty), quote!(crate::runtime::mock::json_body(raw)), quote!(raw)),
            BodyEncoding::Form => (rust_type(api, &b.ty), quote!(crate::runtime::mock::form_body(raw)), quote!(raw)),
            BodyEncoding::Bytes | BodyEncoding::Multipart => {
                (quote!(::std::vec::Vec<u8>), quote!(::std::result::Result::Ok(raw.to_vec())), quote!(raw))
            }
        },
    };
    let check = check_reply(api, op);
    let paged = paged(api, op, &marker);
    let mut methods: Vec<TokenStream> = op.params.iter().flat_map(|p| matchers(api, op, p)).collect();
    methods.extend(with_body(api, op));
    methods.extend(returns(api, tag, op));
    quote! {
        #[doc = #marker_doc]
        #[derive(Debug)]
        pub enum #marker {}
        impl crate::runtime::mock::MockOperation for #marker {
            const METHOD: &'static str = #method;
            const TEMPLATE: &'static str = #template;
            const SERVER: usize = #server;
            type Body = #body_ty;
            fn decode_body(#raw: &[u8]) -> ::std::result::Result<Self::Body, ::std::string::String> {
                #decode
            }
            #check
        }
        #paged
        impl crate::runtime::mock::Expectation<#marker> {
            #(#methods)*
        }
    }
}

/// The status a reply for a response key uses: the code, or the lowest of a range.
fn reply_status(status: &str) -> u16 {
    status_range(status).0
}

/// The partial type of `op`'s records, when `show` can trim its (non-list) responses.
fn partial_type(api: &Api, op: &Operation) -> Option<TypeId> {
    let vocabulary = &api.query_vocabularies[op.query_vocabulary?];
    let has_show = op.params.iter().any(|p| p.role == Some(QueryRole::Show));
    (has_show && op.pagination.is_none()).then_some(vocabulary.partial_type)
}

/// `check_reply`: per declared status, the body type it must decode into (or no
/// body); a status the spec does not declare takes any body. Exact codes come before ranges,
/// ranges before `default`, and a range leaves out the codes declared exactly
/// ([`status_runs`]), so no arm is unreachable or overlaps another.
fn check_reply(api: &Api, op: &Operation) -> TokenStream {
    let partial = partial_type(api, op);
    let check = |ty: &Option<TypeRef>, success: bool| -> TokenStream {
        match ty {
            None => quote!(crate::runtime::mock::check_empty(body)),
            Some(TypeRef::Binary) => quote!(::std::result::Result::Ok(())),
            Some(t) => {
                let full = rust_type(api, t);
                match partial.filter(|_| success) {
                    // A request with `show` gets trimmed records: either view is what the API sends.
                    Some(p) => {
                        let p = rust_type(api, &TypeRef::Named(p));
                        quote! {
                            crate::runtime::mock::check_json::<#full>(body)
                                .or_else(|e| crate::runtime::mock::check_json::<#p>(body).map_err(|_| e))
                        }
                    }
                    None => quote!(crate::runtime::mock::check_json::<#full>(body)),
                }
            }
        }
    };
    // Exact codes with the same check share an arm.
    let mut exact: Vec<(String, Vec<u16>, TokenStream)> = Vec::new();
    // A range's arm leaves out the codes declared exactly and those an earlier range took.
    let mut ranges: Vec<(Vec<(u16, u16)>, TokenStream)> = Vec::new();
    let mut default = None;
    let success = op.success.iter().map(|s| (s.status.as_str(), check(&s.ty, true)));
    let errors = op.errors.iter().map(|e| (e.status.as_str(), check(&e.ty, false)));
    // An error `default` covers every other status; a success `default` the 2xx range.
    let error_default = op.errors.iter().any(|e| e.status == "default");
    let mut keyed = Vec::new();
    for (status, check) in success.chain(errors) {
        match status == "default" && error_default {
            true => default = Some(check),
            false => keyed.push((status, check)),
        }
    }
    let statuses: Vec<&str> = keyed.iter().map(|(status, _)| *status).collect();
    for ((status, check), runs) in keyed.into_iter().zip(status_runs(&statuses)) {
        match status_range(status) {
            _ if runs.is_empty() => {}
            (low, high) if low == high => {
                let key = check.to_string();
                match exact.iter_mut().find(|(k, _, _)| *k == key) {
                    Some((_, codes, _)) => codes.push(low),
                    None => exact.push((key, vec![low], check)),
                }
            }
            _ => ranges.push((runs, check)),
        }
    }
    let ok = quote!(::std::result::Result::Ok(()));
    let default = default.unwrap_or_else(|| ok.clone());
    // Arms that accept anything, like the fallback, are left out.
    let lenient = default.to_string() == ok.to_string();
    let needed = |check: &TokenStream| !lenient || check.to_string() != ok.to_string();
    let exact_arms: Vec<TokenStream> = exact
        .iter()
        .filter(|(_, _, check)| needed(check))
        .map(|(_, codes, check)| {
            let pattern = runs_pattern(&join_runs(codes.iter().map(|&code| (code, code)).collect()));
            quote!(#pattern => #check,)
        })
        .collect();
    let range_arms: Vec<TokenStream> = ranges
        .iter()
        .filter(|(_, check)| needed(check))
        .map(|(runs, check)| {
            let pattern = runs_pattern(runs);
            quote!(#pattern => #check,)
        })
        .collect();
    if exact_arms.is_empty() && range_arms.is_empty() {
        let body = if lenient { quote!(_) } else { quote!(body) };
        return quote! {
            fn check_reply(_: u16, #body: &[u8]) -> ::std::result::Result<(), ::std::string::String> {
                #default
            }
        };
    }
    quote! {
        fn check_reply(status: u16, body: &[u8]) -> ::std::result::Result<(), ::std::string::String> {
            match status {
                #(#exact_arms)*
                #(#range_arms)*
                _ => #default,
            }
        }
    }
}

/// `impl PagedOperation` for a list with `x-pagination` whose limit and offset parameters the
/// operation declares (the same condition as the client's `.stream()`).
fn paged(api: &Api, op: &Operation, marker: &proc_macro2::Ident) -> Option<TokenStream> {
    let p = op.pagination.as_ref()?;
    let find = |wire: &str| op.params.iter().find(|x| x.name.wire == wire && x.location == ParamLocation::Query);
    let (limit, offset) = (find(&p.limit_param)?, find(&p.offset_param)?);
    let success = op.success.iter().find(|s| s.ty.is_some())?;
    let item = rust_type(api, &p.item);
    let layout = ident(&api.page_layouts[p.layout].name.rust);
    let status = reply_status(&success.status);
    // The envelope echoes the applied limit and offset where its schema has keys named like
    // the parameters.
    let envelope_key = |wire: &str| -> TokenStream {
        let has = success
            .ty
            .as_ref()
            .and_then(|t| struct_of(api, t))
            .is_some_and(|s| s.fields.iter().any(|f| f.name.wire == wire));
        if has {
            quote!(::std::option::Option::Some(#wire))
        } else {
            quote!(::std::option::Option::None)
        }
    };
    let (limit_wire, offset_wire) = (&limit.name.wire, &offset.name.wire);
    let (limit_key, offset_key) = (envelope_key(limit_wire), envelope_key(offset_wire));
    Some(quote! {
        impl crate::runtime::mock::PagedOperation for #marker {
            type Item = #item;
            type Layout = crate::apis::#layout;
            const PAGE_STATUS: u16 = #status;
            const LIMIT_PARAM: &'static str = #limit_wire;
            const OFFSET_PARAM: &'static str = #offset_wire;
            const LIMIT_KEY: ::std::option::Option<&'static str> = #limit_key;
            const OFFSET_KEY: ::std::option::Option<&'static str> = #offset_key;
        }
    })
}

/// The struct a type reference names, through aliases.
fn struct_of<'a>(api: &'a Api, t: &TypeRef) -> Option<&'a Struct> {
    let mut t = t;
    for _ in 0..8 {
        let TypeRef::Named(id) = t else { return None };
        match &api.types[*id].kind {
            TypeKind::Struct(s) => return Some(s),
            TypeKind::Alias(inner) => t = inner,
            _ => return None,
        }
    }
    None
}

/// The matchers of one parameter: `with_<param>`, typed as the client's setter, and
/// `<param>_contains` for filters (`x-query-role: filter`).
fn matchers(api: &Api, op: &Operation, p: &Param) -> Vec<TokenStream> {
    let name = ident(&p.mock_matcher);
    let wire = &p.name.wire;
    let location = match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    let ty = rust_type(api, &p.ty);
    let to_param = quote!(crate::runtime::client::to_param);
    let mut out = Vec::new();
    let vocabulary = op.query_vocabulary.map(|i| &api.query_vocabularies[i]);
    let typed = p.location == ParamLocation::Query && !is_argument(p) && is_typed(api, op, p);
    let is_vec = matches!(p.ty, TypeRef::Vec(_));
    match (typed.then_some(vocabulary).flatten(), p.role) {
        (Some(v), Some(role)) if role != QueryRole::Filter => {
            // Typed lists are sent repeated when the parameter explodes an array, else joined.
            let encode = if is_vec && p.explode {
                quote!(self.query_param(#wire, values))
            } else {
                quote! {
                    let values: ::std::vec::Vec<::std::string::String> = values.collect();
                    self.query_param(#wire, (!values.is_empty()).then(|| values.join(",")))
                }
            };
            let [fields, relations, counts] = v.enum_names.clone().map(|n| ident(&n));
            let (arg, values, what) = match role {
                QueryRole::With => (
                    quote!(values: impl ::std::iter::IntoIterator<Item = crate::query::#relations>),
                    quote!(values.into_iter().map(|v| v.as_str().to_owned())),
                    "eager-load exactly these relations",
                ),
                QueryRole::Count => (
                    quote!(values: impl ::std::iter::IntoIterator<Item = crate::query::#counts>),
                    quote!(values.into_iter().map(|v| v.as_str().to_owned())),
                    "count exactly these relations",
                ),
                QueryRole::Show => (
                    quote!(values: impl ::std::iter::IntoIterator<Item = crate::query::#fields>),
                    quote!(values.into_iter().map(|f| crate::runtime::query::QueryField::wire_name(f).to_owned())),
                    "ask for exactly these fields",
                ),
                _ => (
                    quote!(values: impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<crate::query::Sort<crate::query::#fields>>>),
                    quote!(values.into_iter().map(|s| s.into().render(&crate::query::SORT_SYNTAX))),
                    "sort by exactly these keys",
                ),
            };
            let doc = format!(" Matches requests that {what} (`{wire}`), in this order.");
            out.push(quote! {
                #[doc = #doc]
                pub fn #name(self, #arg) -> Self {
                    let values = #values;
                    #encode
                }
            });
        }
        (Some(v), Some(_)) => {
            let fields = ident(&v.enum_names[0]);
            let doc =
                format!(" Matches requests whose filter (`{wire}`) is exactly `filter`, written in the API's syntax.");
            out.push(quote! {
                #[doc = #doc]
                pub fn #name(self, filter: crate::query::Filter<crate::query::#fields>) -> Self {
                    self.query_param(#wire, [filter.render(&crate::query::FILTER_SYNTAX)])
                }
            });
        }
        _ => {
            let doc = format!(" Matches requests whose `{wire}` ({location} parameter) is `value`.");
            let body = match p.location {
                ParamLocation::Path => quote!(self.path_param(#wire, #to_param(&value))),
                ParamLocation::Query if is_vec && p.explode => {
                    quote!(self.query_param(#wire, value.iter().map(#to_param)))
                }
                ParamLocation::Query if is_vec => quote! {
                    let joined = value.iter().map(#to_param).collect::<::std::vec::Vec<_>>().join(",");
                    self.query_param(#wire, (!value.is_empty()).then_some(joined))
                },
                ParamLocation::Query => quote!(self.query_param(#wire, [#to_param(&value)])),
                ParamLocation::Header => {
                    let header = wire.to_ascii_lowercase();
                    quote!(self.header(#header, #to_param(&value)))
                }
                ParamLocation::Cookie => quote!(self.cookie(#wire, #to_param(&value))),
            };
            // Numbers and booleans are taken as they are, so literals infer their type.
            let primitive = matches!(p.ty, TypeRef::Int(_) | TypeRef::F32 | TypeRef::F64 | TypeRef::Bool);
            let (arg, convert) = if primitive {
                (quote!(value: #ty), quote!())
            } else {
                (quote!(value: impl ::std::convert::Into<#ty>), quote!(let value: #ty = value.into();))
            };
            out.push(quote! {
                #[doc = #doc]
                pub fn #name(self, #arg) -> Self {
                    #convert
                    #body
                }
            });
        }
    }
    // Filters are long expressions, of which a test usually cares about one condition.
    let filter = p.location == ParamLocation::Query && p.role == Some(QueryRole::Filter);
    if filter && (typed || p.ty == TypeRef::String) {
        let contains = ident(&p.mock_contains);
        let doc = format!(" Matches requests whose `{wire}` (query parameter) contains `needle`.");
        out.push(quote! {
            #[doc = #doc]
            pub fn #contains(self, needle: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.query_param_contains(#wire, needle)
            }
        });
    }
    out
}

/// `with_body`: the request body equals a value of the operation's body type (raw bytes for
/// binary bodies; none for multipart, which `body_matching` covers on the raw bytes).
fn with_body(api: &Api, op: &Operation) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    match body.encoding {
        BodyEncoding::Json | BodyEncoding::Form => {
            let ty = rust_type(api, &body.ty);
            Some(quote! {
                /// Matches requests whose body decodes to a value equal to `body`
                /// (`body_matching` takes a predicate instead).
                pub fn with_body(self, body: impl ::std::borrow::Borrow<#ty>) -> Self {
                    let expected: #ty = ::std::clone::Clone::clone(body.borrow());
                    self.body_matching(move |b| *b == expected)
                }
            })
        }
        BodyEncoding::Bytes => Some(quote! {
            /// Matches requests whose body is exactly these bytes.
            pub fn with_body(self, body: impl ::std::convert::Into<::std::vec::Vec<u8>>) -> Self {
                let expected: ::std::vec::Vec<u8> = body.into();
                self.body_matching(move |b| *b == expected)
            }
        }),
        BodyEncoding::Multipart => None,
    }
}

/// `returns` (and `returns_partial`): a reply in the operation's success type, mirroring what
/// the client's `send()` decodes: no body, one body shape (with or without bodyless statuses
/// beside it), raw bytes, or the per-status response enum.
fn returns(api: &Api, tag: &Tag, op: &Operation) -> Vec<TokenStream> {
    let mut distinct: Vec<&Option<TypeRef>> = Vec::new();
    for s in &op.success {
        if !distinct.contains(&&s.ty) {
            distinct.push(&s.ty);
        }
    }
    let shapes = distinct.iter().filter(|t| t.is_some()).count();
    if distinct.len() > 1 && shapes > 1 {
        return vec![response_enum_reply(tag, op)];
    }
    let Some(first) = op.success.iter().find(|s| s.ty.is_some()).or(op.success.first()) else {
        return vec![quote! {
            /// Replies `200` without a body.
            pub fn returns(self) -> Self {
                self.reply_bytes(200, ::std::vec::Vec::new(), ::std::option::Option::None)
            }
        }];
    };
    let status = reply_status(&first.status);
    match &first.ty {
        None => {
            let doc = format!(" Replies `{status}` without a body.");
            vec![quote! {
                #[doc = #doc]
                pub fn returns(self) -> Self {
                    self.reply_bytes(#status, ::std::vec::Vec::new(), ::std::option::Option::None)
                }
            }]
        }
        Some(TypeRef::Binary) => {
            let doc = format!(" Replies `{status}` with these bytes.");
            vec![quote! {
                #[doc = #doc]
                pub fn returns(self, body: impl ::std::convert::Into<::std::vec::Vec<u8>>) -> Self {
                    self.reply_bytes(#status, body.into(), ::std::option::Option::Some("application/octet-stream"))
                }
            }]
        }
        Some(t) => {
            let ty = rust_type(api, t);
            let doc = format!(" Replies `{status}` with `body`.");
            let mut out = vec![quote! {
                #[doc = #doc]
                pub fn returns(self, body: impl ::std::borrow::Borrow<#ty>) -> Self {
                    self.reply_json(#status, body.borrow())
                }
            }];
            if let Some(partial) = partial_type(api, op) {
                let partial = rust_type(api, &TypeRef::Named(partial));
                let doc = format!(" Replies `{status}` with a trimmed record, as the API answers a request that asks for some fields only (`show`).");
                out.push(quote! {
                    #[doc = #doc]
                    pub fn returns_partial(self, body: impl ::std::borrow::Borrow<#partial>) -> Self {
                        self.reply_json(#status, body.borrow())
                    }
                });
            }
            out
        }
    }
}

/// `returns` for an operation whose success statuses carry different body shapes: the client's
/// response enum, one reply per variant.
fn response_enum_reply(tag: &Tag, op: &Operation) -> TokenStream {
    let module = ident(&tag.name.rust);
    let name = ident(&op.response_enum.rust);
    let response = quote!(crate::apis::#module::#name);
    let arms = op.success.iter().map(|s| {
        let variant = ident(&s.variant);
        let status = reply_status(&s.status);
        match &s.ty {
            None => quote! {
                #response::#variant => self.reply_bytes(#status, ::std::vec::Vec::new(), ::std::option::Option::None),
            },
            Some(TypeRef::Binary) => quote! {
                #response::#variant(bytes) => self.reply_bytes(
                    #status,
                    ::std::clone::Clone::clone(bytes),
                    ::std::option::Option::Some("application/octet-stream"),
                ),
            },
            Some(_) => quote!(#response::#variant(value) => self.reply_json(#status, value),),
        }
    });
    quote! {
        /// Replies with the status and body of a response variant.
        pub fn returns(self, response: impl ::std::borrow::Borrow<#response>) -> Self {
            match response.borrow() {
                #(#arms)*
            }
        }
    }
}
