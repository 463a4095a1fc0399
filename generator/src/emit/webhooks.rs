//! Webhook payloads (`src/webhooks.rs`): one alias per webhook that carries a body, naming the
//! type the body decodes into, and a note on each payload model saying which webhook sends it.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_lines, plain};
use super::ident;
use super::types::rust_type;
use crate::ir::*;

/// Per type id, the notes its doc comment gets for the webhooks whose payload it is.
pub fn payload_notes(api: &Api) -> Vec<Vec<String>> {
    let mut notes = vec![Vec::new(); api.types.len()];
    for w in &api.webhooks {
        if let Some(Body { ty: TypeRef::Named(id), .. }) = &w.body {
            notes[*id].push(format!(
                "Payload of the `{}` webhook (`{}`), which the API sends to your server: [`crate::webhooks::{}`].",
                w.name.wire,
                w.method.as_str(),
                w.name.rust
            ));
        }
    }
    notes
}

/// The `webhooks` module: a documented alias per webhook body, and the webhooks without one.
pub fn webhooks_module(api: &Api) -> TokenStream {
    let without_body: Vec<String> = api
        .webhooks
        .iter()
        .filter(|w| w.body.is_none())
        .map(|w| format!(" - `{} {}`", w.method.as_str(), w.name.wire))
        .collect();
    let without_body = (!without_body.is_empty()).then(|| {
        quote! {
            //!
            //! Webhooks whose requests carry no body:
            #(#![doc = #without_body])*
        }
    });
    let aliases = api.webhooks.iter().filter_map(|w| {
        let body = w.body.as_ref()?;
        let name = ident(&w.name.rust);
        let ty = rust_type(api, &body.ty);
        let mut lines =
            vec![format!("`{} {}` webhook: the request the API sends to your server.", w.method.as_str(), w.name.wire)];
        let text = doc_lines(&w.docs, "");
        if text.iter().any(|l| !l.is_empty()) {
            lines.push(String::new());
            lines.extend(text);
        }
        lines.push(String::new());
        let described = body.docs.description.as_deref().map(str::trim).filter(|d| !d.is_empty());
        lines.push(match described {
            Some(d) => format!("Body (`{}`): {d}", body.media_type),
            None => format!("Body: `{}`.", body.media_type),
        });
        let docs = plain(&lines);
        Some(quote! { #docs pub type #name = #ty; })
    });
    quote! {
        //! Webhooks: requests the API sends to your server. Each alias names the type a request's
        //! body decodes into, for example with `serde_json::from_slice::<Alias>(&body)`.
        #without_body
        #(#aliases)*
    }
}
