//! Doc comments from spec text: one `#[doc]` attribute per line, made safe for rustdoc.

use std::borrow::Cow;

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::quote;

use crate::ir::Docs;

/// `#[doc = "..."]` attributes for `docs`, or for `fallback` when the spec has no text.
pub fn doc_attrs(docs: &Docs, fallback: &str) -> TokenStream {
    let mut attrs = plain(&doc_lines(docs, fallback));
    if docs.deprecated {
        attrs.extend(quote!(#[deprecated]));
    }
    attrs
}

/// Doc attributes for plain lines, `#[doc = r" line"]` each: the tokens `quote!(#[doc = #l])`
/// makes, built directly, since this runs for every line of every doc comment of a crate.
pub fn plain(lines: &[String]) -> TokenStream {
    let doc = Ident::new("doc", Span::call_site());
    let mut line = String::new();
    let mut attrs = TokenStream::new();
    for l in lines {
        line.clear();
        if !l.is_empty() {
            line.push(' ');
            line.push_str(l);
        }
        let value = [
            TokenTree::Ident(doc.clone()),
            TokenTree::Punct(Punct::new('=', Spacing::Alone)),
            TokenTree::Literal(text(&line)),
        ];
        attrs.extend([
            TokenTree::Punct(Punct::new('#', Spacing::Alone)),
            TokenTree::Group(Group::new(Delimiter::Bracket, value.into_iter().collect())),
        ]);
    }
    attrs
}

/// The string literal of one doc line, written raw (`r"..."`) when that cannot show.
///
/// prettyplease prints a doc attribute as a `///` comment from the literal's value, so the
/// output is the same either way; a raw literal is only cheaper: written without escaping
/// each character, and read back (by syn, several times, and by prettyplease) by copying
/// instead of unescaping. Doc text is a fifth of a large crate's bytes. Text that prettyplease
/// would print as an attribute (several lines, or a leading `/`) keeps the ordinary literal,
/// and so does text with a carriage return, which a raw string cannot hold.
pub fn text(text: &str) -> Literal {
    if !text.contains(['\r', '\n']) && !text.starts_with('/') {
        // The closing `"` needs more `#` than follow any `"` inside.
        let hashes = text
            .match_indices('"')
            .map(|(i, _)| text[i + 1..].bytes().take_while(|&b| b == b'#').count() + 1)
            .max()
            .unwrap_or(0);
        let mut raw = String::with_capacity(text.len() + 3 + 2 * hashes);
        raw.push('r');
        raw.extend(std::iter::repeat_n('#', hashes));
        raw.push('"');
        raw.push_str(text);
        raw.push('"');
        raw.extend(std::iter::repeat_n('#', hashes));
        if let Ok(lit) = raw.parse::<Literal>() {
            return lit;
        }
    }
    Literal::string(text)
}

/// The lines of a doc comment: summary, description, constraints, provenance.
pub fn doc_lines(docs: &Docs, fallback: &str) -> Vec<String> {
    let mut paragraphs: Vec<String> = Vec::new();
    // Blank spec text counts as no text: an empty doc attribute is a missing doc.
    let summary = docs.summary.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let description = docs.description.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(s) = summary {
        paragraphs.push(s.to_owned());
    }
    if let Some(d) = description {
        if summary != Some(d) {
            paragraphs.push(d.to_owned());
        }
    }
    if paragraphs.is_empty() {
        paragraphs.push(fallback.to_owned());
    }
    if !docs.constraints.is_empty() {
        paragraphs.push(format!("Constraints: {}.", docs.constraints.join(", ")));
    }
    if let Some(p) = &docs.provenance {
        paragraphs.push(p.clone());
    }
    let mut lines = Vec::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        lines.extend(sanitize(p));
    }
    lines
}

/// Spec text is Markdown written for HTML renderers: neutralize what rustdoc would take for
/// code to compile (indented blocks, untyped fences), tabs (clippy's `tabs_in_doc_comments`)
/// and trailing whitespace.
fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let text = if text.contains(['\r', '\t']) {
        Cow::Owned(text.replace("\r\n", "\n").replace('\t', "    "))
    } else {
        Cow::Borrowed(text)
    };
    // A closing fence stays bare: one with a language (```text) would open another block,
    // which would swallow the rest of the item's docs.
    let mut open = false;
    for line in text.lines() {
        let trimmed = line.trim_end();
        let mut l = trimmed.trim_start().to_owned();
        if l.starts_with("```") {
            if open {
                l = "```".into();
            } else {
                let lang = l.trim_start_matches('`').trim();
                if lang.is_empty() || !matches!(lang, "text" | "json" | "yaml" | "sh" | "bash" | "http") {
                    l = "```text".into();
                }
            }
            open = !open;
        }
        out.push(l);
    }
    // An unclosed fence would swallow the rest of the item's docs.
    if open {
        out.push("```".into());
    }
    out
}

/// Spec Markdown for the README, which is also the crate's top-level rustdoc: sanitized like
/// doc comments, so a fence without a language is no doctest.
pub fn markdown(text: &str) -> String {
    sanitize(text).join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_open_as_text_and_close_bare() {
        let lines = sanitize("Example:\n```\n{\"a\": 1}\n```\nafter\n```rust\nnot rust {\n");
        assert_eq!(lines, ["Example:", "```text", "{\"a\": 1}", "```", "after", "```text", "not rust {", "```"]);
        assert_eq!(markdown("    indented\n```json\n{}\n```"), "indented\n```json\n{}\n```");
    }
}
