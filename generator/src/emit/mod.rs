//! Stage 5 — emit: IR → the files of a client crate, in memory.
//!
//! Rust is built as token streams with `quote!`, parsed by `syn` and printed once by
//! prettyplease; other files come from the askama templates in `templates/`; the runtime is
//! copied verbatim. Emitters read only the IR.

mod apis;
mod docs;
mod examples;
mod files;
mod mock;
mod query;
mod types;
mod webhooks;

pub(crate) use types::FULL_SERDE_FEATURE;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::error::{Error, Result};
use crate::ir::*;
use crate::timings::Timings;

/// Options that are not in the spec.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// Package name of the generated crate.
    pub crate_name: String,
    /// Package version of the generated crate.
    pub crate_version: String,
    /// Spec file name shown in headers (no directories, so output does not vary by machine).
    pub spec_name: String,
    /// SHA-256 of the spec file.
    pub spec_sha256: String,
}

/// A generated crate: relative path → file contents.
pub type Files = BTreeMap<String, Vec<u8>>;

/// The runtime sources, copied verbatim into every crate.
const RUNTIME: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../templates/runtime/mod.rs")),
    ("auth.rs", include_str!("../../templates/runtime/auth.rs")),
    ("client.rs", include_str!("../../templates/runtime/client.rs")),
    ("datetime.rs", include_str!("../../templates/runtime/datetime.rs")),
    ("error.rs", include_str!("../../templates/runtime/error.rs")),
    ("limiter.rs", include_str!("../../templates/runtime/limiter.rs")),
    ("mock.rs", include_str!("../../templates/runtime/mock.rs")),
    ("mock_wire.rs", include_str!("../../templates/runtime/mock_wire.rs")),
    ("pagination.rs", include_str!("../../templates/runtime/pagination.rs")),
    ("query.rs", include_str!("../../templates/runtime/query.rs")),
    ("response.rs", include_str!("../../templates/runtime/response.rs")),
    ("retry.rs", include_str!("../../templates/runtime/retry.rs")),
    ("serde_helpers.rs", include_str!("../../templates/runtime/serde_helpers.rs")),
    ("token_endpoint.rs", include_str!("../../templates/runtime/token_endpoint.rs")),
    ("token_store.rs", include_str!("../../templates/runtime/token_store.rs")),
];

/// An identifier; raw identifiers are never needed because naming suffixes keywords.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The types of one model file, with their ids, in id order.
type Group<'a> = Vec<(TypeId, &'a TypeDef)>;

/// One file rendered by a worker thread.
enum Job<'a> {
    /// The models of one group (module name, doc line, types with their ids, in id order).
    Models(&'a str, String, Group<'a>),
    Tag(&'a Tag),
    /// The tag's typed mock layer (`src/mock/<tag>.rs`, feature `mock`).
    Mock(&'a Tag),
}

impl Job<'_> {
    /// A rough measure of the work, to start heavy jobs first.
    fn weight(&self) -> usize {
        match self {
            Job::Models(_, _, defs) => defs.len(),
            Job::Tag(tag) => tag.operations.len() * 4,
            Job::Mock(tag) => tag.operations.len() * 2,
        }
    }

    /// Builds and prints the file, adding the time of each step to `spent` (emit, print).
    /// Items are parsed as they are built, so token streams never pile up for a whole file.
    fn render(
        &self,
        api: &Api,
        krate: &str,
        header: &str,
        payloads: &[Vec<String>],
        spent: &mut [Duration; 2],
    ) -> Result<(String, String)> {
        match self {
            Job::Models(module, doc, defs) => {
                let mut file = ParsedFile::new(format!("src/models/{module}.rs"));
                file.push(quote!(#![doc = #doc]), spent)?;
                for (id, def) in defs {
                    let start = Instant::now();
                    let tokens = types::model(api, def, &payloads[*id]);
                    spent[0] += start.elapsed();
                    file.push(tokens, spent)?;
                }
                file.print(header, spent)
            }
            Job::Tag(tag) => {
                let mut file = ParsedFile::new(format!("src/apis/{}.rs", tag.name.rust));
                let start = Instant::now();
                let items = apis::tag_module(api, krate, tag);
                spent[0] += start.elapsed();
                for tokens in items {
                    file.push(tokens, spent)?;
                }
                file.print(header, spent)
            }
            Job::Mock(tag) => {
                let mut file = ParsedFile::new(format!("src/mock/{}.rs", tag.mock_accessor));
                let start = Instant::now();
                let items = mock::tag_mock(api, tag);
                spent[0] += start.elapsed();
                for tokens in items {
                    file.push(tokens, spent)?;
                }
                file.print(header, spent)
            }
        }
    }
}

/// A Rust file whose items are parsed one group at a time: smaller token buffers than one
/// parse of the whole file, and each group's tokens are freed as soon as it is parsed.
struct ParsedFile {
    path: String,
    file: syn::File,
}

impl ParsedFile {
    fn new(path: String) -> Self {
        ParsedFile { path, file: syn::File { shebang: None, attrs: Vec::new(), items: Vec::new() } }
    }

    /// Parses `tokens` (inner attributes and items) into the file; the time goes to `spent[1]`.
    fn push(&mut self, tokens: TokenStream, spent: &mut [Duration; 2]) -> Result<()> {
        let start = Instant::now();
        let part = parse(&self.path, tokens)?;
        self.file.attrs.extend(part.attrs);
        self.file.items.extend(part.items);
        spent[1] += start.elapsed();
        Ok(())
    }

    /// The printed file with `header`, and its path; the time goes to `spent[1]`.
    fn print(self, header: &str, spent: &mut [Duration; 2]) -> Result<(String, String)> {
        let start = Instant::now();
        let text = print(header, &self.file);
        spent[1] += start.elapsed();
        Ok((self.path, text))
    }
}

/// Renders `jobs` on up to `available_parallelism` threads (order of results unspecified),
/// adding the workers' emit and print times to `spent`. Workers take the next job from a
/// shared counter, and `jobs` comes heaviest first, so no worker is left with a large tag
/// module at the end while the others idle.
///
/// The calling thread runs `beside` meanwhile (the small files of the crate), and its result is
/// returned with the rendered files.
fn render_parallel<T>(
    api: &Api,
    jobs: &[Job<'_>],
    krate: &str,
    header: &str,
    payloads: &[Vec<String>],
    spent: &mut [Duration; 2],
    beside: impl FnOnce() -> T,
) -> Result<(Vec<(String, String)>, T)> {
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 8);
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    let mut spent = [Duration::ZERO; 2];
                    while let Some(job) = jobs.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                        done.push(job.render(api, krate, header, payloads, &mut spent)?);
                    }
                    Ok::<_, Error>((done, spent))
                })
            })
            .collect();
        let beside = beside();
        let mut out = Vec::with_capacity(jobs.len());
        for h in handles {
            match h.join() {
                Ok(rendered) => {
                    let (rendered, worker) = rendered?;
                    out.extend(rendered);
                    spent[0] += worker[0];
                    spent[1] += worker[1];
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok((out, beside))
    })
}

/// Parses generated tokens and prints them with the file header.
fn render(path: &str, tokens: TokenStream, header: &str) -> Result<String> {
    Ok(print(header, &parse(path, tokens)?))
}

/// Parses generated tokens as a file (inner attributes and items); `path` names it in errors.
fn parse(path: &str, tokens: TokenStream) -> Result<syn::File> {
    let debug = std::env::var_os("CODEGEN_DEBUG").is_some().then(|| tokens.to_string());
    syn::parse2(tokens).map_err(|e| {
        if let Some(t) = &debug {
            eprintln!("{t}");
        }
        Error::Emit { file: path.to_owned(), message: e.to_string() }
    })
}

/// `header`, a blank line, and the file as prettyplease prints it.
fn print(header: &str, file: &syn::File) -> String {
    let body = prettyplease::unparse(file);
    let mut text = String::with_capacity(header.len() + 1 + body.len());
    text.push_str(header);
    text.push('\n');
    text.push_str(&body);
    text
}

/// The first line of every generated Rust file: generator version, spec name and hash.
pub fn header(opts: &EmitOptions) -> String {
    format!(
        "// @generated by cirqll-codegen {} from {} (sha256 {}); do not edit.\n",
        env!("CARGO_PKG_VERSION"),
        opts.spec_name,
        opts.spec_sha256
    )
}

/// Emits every file of the crate.
pub fn emit(api: &Api, opts: &EmitOptions) -> Result<Files> {
    emit_timed(api, opts, &mut Timings::default())
}

/// [`emit`], recording the time spent building and printing in `timings` (`emit`, `print`,
/// `emit_wall`).
pub fn emit_timed(api: &Api, opts: &EmitOptions, timings: &mut Timings) -> Result<Files> {
    let start = Instant::now();
    let mut spent = [Duration::ZERO; 2];
    let files = emit_files(api, opts, &mut spent)?;
    timings.emit += spent[0];
    timings.print += spent[1];
    timings.emit_wall += start.elapsed();
    Ok(files)
}

/// Every file of the crate; time building goes to `spent[0]`, parsing and printing to
/// `spent[1]`.
fn emit_files(api: &Api, opts: &EmitOptions, spent: &mut [Duration; 2]) -> Result<Files> {
    let serial = Instant::now();
    let header = header(opts);

    // Model and tag files are independent: render them on all cores. Token streams are not
    // `Send`, so each worker builds, parses and prints its own files; results are collected
    // into the ordered map, so the output does not depend on scheduling.
    let mut groups: BTreeMap<&str, (Home, Group)> = BTreeMap::new();
    for (id, def) in api.types.iter().enumerate() {
        groups.entry(def.module.as_str()).or_insert((def.home, Vec::new())).1.push((id, def));
    }
    let payloads = webhooks::payload_notes(api);
    let mut jobs: Vec<Job> = api.tags.iter().map(Job::Tag).chain(api.tags.iter().map(Job::Mock)).collect();
    for (module, (home, defs)) in &groups {
        let doc = match home {
            Home::Tag(i) => format!(" Types used by the operations tagged `{}` only.", api.tags[*i].name.wire),
            Home::Shared => " Types used by operations of several tags.".to_owned(),
            Home::Webhooks => {
                " Payloads the API sends to your server (webhooks); see `crate::webhooks`.".to_owned()
            }
            Home::Other => {
                " Types no request or success response uses: error bodies, payloads the API pushes, parts other schemas copy."
                    .to_owned()
            }
        };
        jobs.push(Job::Models(module, doc, defs.clone()));
    }
    jobs.sort_by_key(|j| std::cmp::Reverse(j.weight()));
    let krate = opts.crate_name.replace('-', "_");
    spent[0] += serial.elapsed();
    // The remaining files are small: this thread renders them while the workers render the
    // others, and the time of printing them counts as emitting.
    let (rendered, small) = render_parallel(api, &jobs, &krate, &header, &payloads, spent, || {
        let start = Instant::now();
        let small = small_files(api, opts, &header, &groups);
        (small, start.elapsed())
    })?;
    let (small, small_time) = small;
    spent[0] += small_time;
    let mut files = small?;
    for (path, text) in rendered {
        files.insert(path, text.into_bytes());
    }
    Ok(files)
}

/// The files of the crate other than model, tag and mock files: module lists, `lib.rs`, the
/// query, OAuth and webhook modules, the runtime, `Cargo.toml`, README and `rustfmt.toml`.
fn small_files(api: &Api, opts: &EmitOptions, header: &str, groups: &BTreeMap<&str, (Home, Group)>) -> Result<Files> {
    let mut files = Files::new();
    let mut rust = |path: String, tokens: TokenStream| -> Result<()> {
        let text = render(&path, tokens, header)?;
        files.insert(path, text.into_bytes());
        Ok(())
    };

    let model_mods = groups.keys().map(|module| {
        let module = ident(module);
        quote!(mod #module; pub use #module::*;)
    });
    rust(
        "src/models/mod.rs".into(),
        quote! {
            //! One type per schema of the spec (and per inline object), defined in one file per
            //! tag whose operations use it, `shared.rs` and `other.rs`, all re-exported here.
            #(#model_mods)*
        },
    )?;

    let api_mods = api.tags.iter().map(|tag| {
        let module = ident(&tag.name.rust);
        let doc = format!(" Operations tagged `{}`.", tag.name.wire);
        quote!(#[doc = #doc] pub mod #module;)
    });
    let layouts = api.page_layouts.iter().map(|l| {
        let name = ident(&l.name.rust);
        let items = &l.items_key;
        let total = match &l.total_key {
            Some(t) => quote!(::std::option::Option::Some(#t)),
            None => quote!(::std::option::Option::None),
        };
        let doc = format!(
            " Page layout: items under `{items}`{}.",
            l.total_key.as_ref().map(|t| format!(", total under `{t}`")).unwrap_or_default()
        );
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct #name;
            impl crate::runtime::pagination::PageLayout for #name {
                const ITEMS: &'static str = #items;
                const TOTAL: ::std::option::Option<&'static str> = #total;
            }
        }
    });
    rust(
        "src/apis/mod.rs".into(),
        quote! {
            //! One module per tag of the spec; reach them through the client's accessors.
            #(#api_mods)*
            #(#layouts)*
        },
    )?;

    rust("src/mock/mod.rs".into(), mock::mock_mod(api))?;

    let query = query::query_module(api);
    if let Some(q) = &query {
        rust(
            "src/query.rs".into(),
            quote!(//! Typed query vocabulary: fields, relations, filters and sort keys.
            #q),
        )?;
    }
    let oauth = query::oauth_module(api);
    if let Some(o) = &oauth {
        rust(
            "src/oauth.rs".into(),
            quote!(//! OAuth2 authorization-code flow: endpoints, scopes and session types.
            #o),
        )?;
    }
    let has_webhooks = !api.webhooks.is_empty();
    if has_webhooks {
        rust("src/webhooks.rs".into(), webhooks::webhooks_module(api))?;
    }
    rust("src/lib.rs".into(), lib_rs(api, opts, query.is_some(), oauth.is_some(), has_webhooks))?;

    for (name, source) in RUNTIME {
        files.insert(format!("src/runtime/{name}"), format!("{header}\n{source}").into_bytes());
    }
    let mut operation_refs =
        api.tags.iter().flat_map(|t| &t.operations).flat_map(|o| o.sent_types().chain(o.received_types()));
    let uses_uuid = api.types.iter().any(|t| mentions(t, &TypeRef::Uuid))
        || operation_refs.any(|r| mentions_ref(r, &TypeRef::Uuid));
    files.insert("Cargo.toml".into(), files::cargo_toml(api, opts, uses_uuid)?.into_bytes());
    files.insert("README.md".into(), files::readme(api, opts)?.into_bytes());
    // prettyplease prints the crate; rustfmt restyling it would make the drift check fail.
    files.insert(
        "rustfmt.toml".into(),
        b"# @generated: this crate is printed by prettyplease.\ndisable_all_formatting = true\n".to_vec(),
    );
    Ok(files)
}

fn mentions_ref(r: &TypeRef, needle: &TypeRef) -> bool {
    r == needle || r.parts().iter().any(|p| mentions_ref(p, needle))
}

fn mentions(t: &TypeDef, needle: &TypeRef) -> bool {
    match &t.kind {
        TypeKind::Struct(s) => {
            s.fields.iter().any(|f| mentions_ref(&f.ty, needle))
                || s.additional.as_ref().is_some_and(|a| mentions_ref(a, needle))
        }
        TypeKind::Union(u) => u.variants.iter().any(|v| mentions_ref(&v.ty, needle)),
        TypeKind::Alias(a) => mentions_ref(a, needle),
        TypeKind::Enum(_) => false,
    }
}

fn lib_rs(api: &Api, opts: &EmitOptions, has_query: bool, has_oauth: bool, has_webhooks: bool) -> TokenStream {
    let servers = &api.servers;
    let ua = format!("{}/{}", opts.crate_name, opts.crate_version);
    let rl = &api.rate_limit;
    let (limit_header, remaining_header, requests, window) =
        (&rl.limit_header, &rl.remaining_header, rl.requests, rl.window_seconds);
    let dt = api.datetime_format.clone().unwrap_or_else(|| "%Y-%m-%dT%H:%M:%S".to_owned());
    let accessors = api.tags.iter().map(|t| {
        let m = ident(&t.name.rust);
        let api_ty = ident(&t.api_type);
        let doc = format!(" Operations tagged `{}`.", t.name.wire);
        quote! {
            #[doc = #doc]
            pub fn #m(&self) -> apis::#m::#api_ty {
                apis::#m::#api_ty::new(self.clone())
            }
        }
    });
    let query = has_query.then(|| {
        quote!(
            pub mod query;
        )
    });
    let oauth = has_oauth.then(|| {
        quote!(
            pub mod oauth;
        )
    });
    let webhooks = has_webhooks.then(|| {
        quote!(
            pub mod webhooks;
        )
    });
    let title = format!(" Server URLs of {} (index 0 is the default base URL).", api.title);
    let mock_feature = mock::MOCK_FEATURE;
    quote! {
        #![doc = include_str!("../README.md")]
        #![deny(missing_docs)]
        // Deprecated schemas are still used by the crate itself; callers get the warning.
        #![allow(deprecated)]
        #![allow(clippy::too_many_arguments, clippy::module_inception, clippy::large_enum_variant, clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]

        pub mod apis;
        pub mod models;
        #query
        #oauth
        pub mod runtime;
        #webhooks
        #[cfg(feature = #mock_feature)]
        pub mod mock;

        pub use runtime::client::{Client, ClientBuilder};
        pub use runtime::datetime::DateTime;
        pub use runtime::error::{ApiError, Error};
        pub use runtime::pagination::Page;
        pub use runtime::response::{RateLimit, Response};
        pub use runtime::retry::RetryPolicy;

        /// Wire format of date-times without zone (`x-datetime-format`), used by [`DateTime`].
        pub(crate) const DATETIME_WIRE_FORMAT: &str = #dt;

        #[doc = #title]
        pub const SERVERS: &[&str] = &[#(#servers),*];

        static API_CONFIG: runtime::client::ApiConfig = runtime::client::ApiConfig {
            servers: SERVERS,
            user_agent: #ua,
            limit_header: #limit_header,
            remaining_header: #remaining_header,
            limiter_requests: #requests,
            limiter_window_seconds: #window,
        };

        impl Client {
            /// A builder with this API's defaults (servers, user agent, rate-limit headers).
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(&API_CONFIG)
            }
            #(#accessors)*
        }
    }
}
