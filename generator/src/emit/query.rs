//! The typed query vocabulary (`src/query.rs`) and OAuth2 scopes (`src/oauth.rs`).

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::*;

/// `src/query.rs`, or `None` when the API declares no typed queries.
pub fn query_module(api: &Api) -> Option<TokenStream> {
    if api.query_vocabularies.is_empty() && api.filter_syntax.is_none() && api.sort_syntax.is_none() {
        return None;
    }
    let filter = api.filter_syntax.as_ref().map(|f| {
        let FilterSyntax { condition, and, or, group_open, group_close, list_separator, escape, operators, .. } = f;
        let methods = operators.iter().map(|op| {
            let m = ident(&op.rust);
            let wire = &op.wire;
            if f.list_operator(&op.wire) {
                let doc = format!(" `{wire}`: the field is one of `values`.");
                quote! {
                    #[doc = #doc]
                    pub fn #m<V: ::std::fmt::Display>(self, values: impl ::std::iter::IntoIterator<Item = V>) -> Filter<F> {
                        self.op_list(#wire, values)
                    }
                }
            } else {
                let doc = format!(" `{wire}` operator.");
                quote! {
                    #[doc = #doc]
                    pub fn #m(self, value: impl ::std::fmt::Display) -> Filter<F> {
                        self.op(#wire, value)
                    }
                }
            }
        });
        quote! {
            /// How this API writes filters (`x-filter`).
            pub const FILTER_SYNTAX: FilterSyntax = FilterSyntax {
                condition: #condition, and: #and, or: #or, group_open: #group_open, group_close: #group_close,
                list_separator: #list_separator, escape: #escape,
            };
            impl<F: QueryField> FieldFilter<F> {
                #(#methods)*
            }
        }
    });
    let sort = api.sort_syntax.as_ref().map(|s| {
        let SortSyntax { format, asc, desc } = s;
        quote! {
            /// How this API writes sort keys (`x-sort`).
            pub const SORT_SYNTAX: SortSyntax = SortSyntax { format: #format, asc: #asc, desc: #desc };
        }
    });
    let mut enums = Vec::new();
    for v in &api.query_vocabularies {
        let [fields, relations, counts] = &v.enum_names;
        let full = ident(&api.types[v.full_type].name.rust);
        let resource = &v.resource.wire;
        enums.push(name_enum(
            fields,
            &v.fields,
            &format!(" Fields of `{resource}` (`{full}`) usable in partial responses, sort keys and filters."),
            true,
            api.sort_syntax.is_some(),
        ));
        enums.push(name_enum(
            relations,
            &v.relations,
            &format!(" Relations of `{resource}` that can be eager-loaded."),
            false,
            false,
        ));
        enums.push(name_enum(
            counts,
            &v.countable,
            &format!(" To-many relations of `{resource}` that can be counted (adds `<relation>_count`)."),
            false,
            false,
        ));
    }
    Some(quote! {
        pub use crate::runtime::query::{FieldFilter, Filter, FilterSyntax, QueryField, Sort, SortSyntax};
        #filter
        #sort
        #(#enums)*
    })
}

fn name_enum(name: &str, values: &[Name], doc: &str, field: bool, sortable: bool) -> TokenStream {
    if values.is_empty() {
        return quote!();
    }
    let name = ident(name);
    let variants: Vec<_> = values.iter().map(|v| ident(&v.rust)).collect();
    let wires: Vec<&str> = values.iter().map(|v| v.wire.as_str()).collect();
    let vdocs = wires.iter().map(|w| format!(" `{w}`"));
    let field_impl = field.then(|| {
        let sort = sortable.then(|| {
            quote! {
                impl #name {
                    /// Sort ascending by this field.
                    pub fn asc(self) -> Sort<Self> { Sort { field: self, descending: false } }
                    /// Sort descending by this field.
                    pub fn desc(self) -> Sort<Self> { Sort { field: self, descending: true } }
                }
            }
        });
        quote! {
            impl QueryField for #name {
                fn wire_name(self) -> &'static str { self.as_str() }
            }
            #sort
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #vdocs] #variants, )*
        }
        impl #name {
            /// Every value.
            pub const ALL: &'static [#name] = &[#(#name::#variants),*];
            /// The name on the wire.
            pub fn as_str(self) -> &'static str {
                match self { #( #name::#variants => #wires, )* }
            }
        }
        #field_impl
    }
}

/// `src/oauth.rs`, or `None` without an OAuth2 authorization-code flow.
pub fn oauth_module(api: &Api) -> Option<TokenStream> {
    let o = api.oauth2.as_ref()?;
    let (authorize, token, refresh) = (&o.authorization_url, &o.token_url, &o.refresh_url);
    let variants: Vec<_> = o.scopes.values().map(|(n, _)| ident(&n.rust)).collect();
    let wires: Vec<&str> = o.scopes.keys().map(String::as_str).collect();
    let docs = o.scopes.iter().map(|(k, (_, d))| if d.is_empty() { format!(" `{k}`") } else { format!(" `{k}`: {d}") });
    let scope_enum = (!variants.is_empty()).then(|| {
        quote! {
            /// The scopes a client can ask for.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum Scope {
                #( #[doc = #docs] #variants, )*
            }
            impl Scope {
                /// Every scope.
                pub const ALL: &'static [Scope] = &[#(Scope::#variants),*];
                /// The scope string.
                pub fn as_str(self) -> &'static str {
                    match self { #( Scope::#variants => #wires, )* }
                }
            }
            impl ::std::convert::AsRef<str> for Scope {
                fn as_ref(&self) -> &str { self.as_str() }
            }
            impl ::std::fmt::Display for Scope {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str(self.as_str()) }
            }
        }
    });
    Some(quote! {
        pub use crate::runtime::auth::{AuthorizationRequest, AuthorizeUrlBuilder, FileTokenStore, MemoryTokenStore, OAuthConfig, OAuthSession, Secret, TokenSet, TokenStore, TokenStoreError};
        #[cfg(feature = "keyring")]
        pub use crate::runtime::auth::KeyringTokenStore;
        /// Authorization endpoint from the spec.
        pub const AUTHORIZATION_URL: &str = #authorize;
        /// Token endpoint from the spec.
        pub const TOKEN_URL: &str = #token;
        /// Refresh endpoint from the spec.
        pub const REFRESH_URL: &str = #refresh;
        /// A client registration using the spec's endpoints.
        pub fn config(client_id: impl ::std::convert::Into<::std::string::String>, client_secret: ::std::option::Option<Secret>, redirect_uri: impl ::std::convert::Into<::std::string::String>) -> ::std::result::Result<OAuthConfig, crate::Error> {
            let parse = |u: &str| ::url::Url::parse(u).map_err(|e| crate::Error::Config(::std::format!("OAuth URL `{u}`: {e}")));
            ::std::result::Result::Ok(OAuthConfig {
                client_id: client_id.into(),
                client_secret,
                redirect_uri: redirect_uri.into(),
                authorize_url: parse(AUTHORIZATION_URL)?,
                token_url: parse(TOKEN_URL)?,
            })
        }
        #scope_enum
    })
}
