//! Module mode: a generated client as one Rust file, which a build script writes into
//! `OUT_DIR` and the including crate compiles with `include!` inside a module of its own:
//!
//! ```ignore
//! pub mod petstore {
//!     include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
//! }
//! ```
//!
//! The crate [`emit`](crate::emit) renders is reassembled, not emitted a second way: `src/lib.rs`
//! is parsed with syn and every `mod name;` is replaced by an inline module holding the parsed
//! `name.rs` (or `name/mod.rs`), so the file keeps the crate's layout (`models`, `apis`,
//! `runtime`, ...) and the runtime stays the same source. A syntax-tree pass
//! (`module/rewrite.rs`) then moves the tree to its new place: `crate::` paths get the module
//! path ([`ModuleOptions::module_path`]), the generated crate's features are decided
//! ([`ModuleOptions::full_serde`]), and doc examples become `ignore`. `include!` takes items
//! only, without inner attributes: the lint levels of `lib.rs` (`#![allow(...)]`) move onto
//! the top-level items (imports excepted, where they do nothing), and its crate docs (the
//! README, whose examples name the crate) are left out; the including `mod` carries the docs.
//! Inner attributes of the other files (`//!` docs) stay, inside their inline modules. Plain
//! `//` comments do not survive parsing; doc comments do.

mod builder;
mod rewrite;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub use builder::Builder;

use crate::emit::Files;
use crate::error::{Error, Result};

/// How a generated client becomes a module of another crate.
#[derive(Debug, Clone, Default)]
pub struct ModuleOptions {
    /// Where the including crate puts the module, from its crate root: `petstore` for
    /// `pub mod petstore { include!(...); }` in `lib.rs` or `main.rs`, `api::petstore` for the
    /// same inside `mod api` (a leading `crate::` is allowed). Every `crate::` path of the
    /// generated code is rewritten to start there, so the module works only at that place.
    /// `None`: the crate name as an identifier, at the crate root.
    pub module_path: Option<String>,
    /// Compile in what the generated crate's `full-serde` feature adds (both serde traits on
    /// every model). The including crate has no such feature, so it is decided at generation;
    /// a build script can follow a feature of its own crate with
    /// `std::env::var_os("CARGO_FEATURE_FULL_SERDE").is_some()`.
    pub full_serde: bool,
}

/// A generated client as one file to include.
#[derive(Debug, Clone)]
pub struct GeneratedModule {
    /// The module's path from the including crate's root, one identifier per segment.
    pub module_path: Vec<String>,
    /// The file: a header comment, then the module's items.
    pub source: String,
    /// Constructs the generator could only approximate (e.g. typed as `serde_json::Value`).
    pub fallbacks: Vec<String>,
    /// Number of operations and named types generated.
    pub counts: (usize, usize),
}

impl GeneratedModule {
    /// The file's name: the last segment of the module path and `.rs` (`petstore.rs`).
    pub fn file_name(&self) -> String {
        format!("{}.rs", self.module_path.last().map(String::as_str).unwrap_or("client"))
    }

    /// The support report: one line per approximation.
    pub fn support_report(&self) -> String {
        crate::support_report(self.counts, &self.fallbacks)
    }

    /// Writes the file into `dir` as [`Self::file_name`] and returns its path. An unchanged
    /// file is not rewritten, so its modification time does not change.
    pub fn write(&self, dir: &Path) -> Result<PathBuf> {
        let path = dir.join(self.file_name());
        let write_err = |source| Error::Write { path: path.clone(), source };
        if std::fs::read(&path).is_ok_and(|old| old == self.source.as_bytes()) {
            return Ok(path);
        }
        std::fs::create_dir_all(dir).map_err(write_err)?;
        std::fs::write(&path, &self.source).map_err(write_err)?;
        Ok(path)
    }
}

/// Splits a module path into its segments: identifiers that are not keywords, after an
/// optional leading `crate::`.
pub(crate) fn parse_module_path(path: &str) -> Result<Vec<String>> {
    let invalid = |message: String| Error::InvalidOption { option: "module path", value: path.to_owned(), message };
    let trimmed = path.trim();
    let rest = trimmed.strip_prefix("crate::").unwrap_or(trimmed);
    if rest.is_empty() {
        return Err(invalid("it names no module".into()));
    }
    rest.split("::")
        .map(|segment| {
            let segment = segment.trim();
            match syn::parse_str::<syn::Ident>(segment) {
                Ok(_) if !segment.starts_with("r#") => Ok(segment.to_owned()),
                _ => Err(invalid(format!("`{segment}` is not an identifier, or is a keyword"))),
            }
        })
        .collect()
}

/// Assembles the crate in `files` into one module at `crate::<segments>` with `features`
/// enabled; `header` is the first line of the file (the generator's stamp).
pub(crate) fn assemble(files: &Files, header: &str, segments: &[String], features: BTreeSet<String>) -> Result<String> {
    let mut used = BTreeSet::new();
    let lib = parse(files, "src/lib.rs", &mut used)?;
    let mut items = lib.items;
    inline_modules(&mut items, "src", files, &mut used)?;
    let sources = files.keys().filter(|p| p.starts_with("src/") && p.ends_with(".rs")).count();
    if used.len() != sources {
        let unused: Vec<_> =
            files.keys().filter(|p| p.starts_with("src/") && p.ends_with(".rs") && !used.contains(*p)).collect();
        return Err(Error::Module {
            file: "src/lib.rs".into(),
            message: format!("no `mod` declaration for {unused:?}"),
        });
    }

    // `include!` refuses inner attributes: lint levels move onto the top-level items, the
    // crate docs stay with the crate.
    let mut lints = Vec::new();
    for mut attr in lib.attrs {
        let path = attr.path();
        if path.is_ident("doc") {
            continue;
        }
        if !["allow", "warn", "deny", "forbid", "expect"].iter().any(|lint| path.is_ident(lint)) {
            return Err(Error::Module {
                file: "src/lib.rs".into(),
                message: format!("the inner attribute `#![{}]` has no place in a module", quote::quote!(#path)),
            });
        }
        attr.style = syn::AttrStyle::Outer;
        lints.push(attr);
    }
    for item in &mut items {
        // Lint levels do nothing on imports (clippy's `useless_attribute`).
        if matches!(item, syn::Item::Use(_) | syn::Item::ExternCrate(_)) {
            continue;
        }
        if let Some(attrs) = rewrite::item_attrs(item) {
            attrs.extend(lints.iter().cloned());
        }
    }

    rewrite::Rewrite::new(segments, features).apply(&mut items);
    let file = syn::File { shebang: None, attrs: Vec::new(), items };
    let module = segments.join("::");
    let last = segments.last().map(String::as_str).unwrap_or_default();
    Ok(format!(
        "{header}// The items of the module `crate::{module}`. Include them there (paths in this file start at it):\n\
         //     pub mod {last} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{last}.rs\")); }}\n\n{}",
        prettyplease::unparse(&file)
    ))
}

/// Parses one generated file, recording that it was used.
fn parse(files: &Files, path: &str, used: &mut BTreeSet<String>) -> Result<syn::File> {
    let emit_err = |message: String| Error::Emit { file: path.to_owned(), message };
    let bytes = files.get(path).ok_or_else(|| Error::Module {
        file: path.to_owned(),
        message: "declared with `mod` but not emitted".into(),
    })?;
    let text = std::str::from_utf8(bytes).map_err(|e| emit_err(e.to_string()))?;
    used.insert(path.to_owned());
    syn::parse_file(text).map_err(|e| emit_err(e.to_string()))
}

/// Replaces each `mod name;` among `items` by an inline module with the items of
/// `dir/name.rs` or `dir/name/mod.rs`; the file's inner attributes (`//!` docs) become the
/// inline module's.
fn inline_modules(items: &mut [syn::Item], dir: &str, files: &Files, used: &mut BTreeSet<String>) -> Result<()> {
    for item in items {
        let syn::Item::Mod(module) = item else { continue };
        let name = module.ident.to_string();
        let child_dir = format!("{dir}/{name}");
        if let Some((_, content)) = &mut module.content {
            inline_modules(content, &child_dir, files, used)?;
            continue;
        }
        if module.attrs.iter().any(|a| a.path().is_ident("path")) {
            return Err(Error::Module {
                file: format!("{dir}/"),
                message: format!("`#[path]` on `mod {name}` is not followed"),
            });
        }
        let path = [format!("{dir}/{name}.rs"), format!("{dir}/{name}/mod.rs")]
            .into_iter()
            .find(|p| files.contains_key(p))
            .unwrap_or_else(|| format!("{dir}/{name}.rs"));
        let mut file = parse(files, &path, used)?;
        inline_modules(&mut file.items, &child_dir, files, used)?;
        module.attrs.extend(file.attrs);
        module.content = Some((Default::default(), file.items));
        module.semi = None;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
