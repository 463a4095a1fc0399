//! Module mode: the rewrite pass case by case, and the assembly of a small crate.

use std::collections::BTreeSet;

use super::rewrite::Rewrite;
use super::*;

/// Rust source as prettyplease prints it, so expectations can be written by hand.
fn normalized(src: &str) -> String {
    prettyplease::unparse(&syn::parse_file(src).unwrap_or_else(|e| panic!("{e}\n{src}")))
}

/// Rewrites `src` as the module `crate::<path>` with `features`, and compares with `expect`.
fn check(src: &str, path: &[&str], features: &[&str], expect: &str) {
    let mut file = syn::parse_file(src).unwrap();
    let segments: Vec<String> = path.iter().map(|s| s.to_string()).collect();
    Rewrite::new(&segments, features.iter().map(|s| s.to_string()).collect()).apply(&mut file.items);
    assert_eq!(prettyplease::unparse(&file), normalized(expect), "rewriting:\n{src}");
}

#[test]
fn crate_paths_gain_the_module_path() {
    check(
        "use crate::runtime::client::Client;
         use crate::{models, runtime::error::Error as E};
         pub(crate) fn f(x: crate::models::Pet) -> ::std::option::Option<crate::models::Pet> {
             let _ = <crate::models::Pet as ::std::default::Default>::default();
             crate::helpers::g(self::x, super::y)
         }
         pub(in crate::models) struct S;",
        &["api", "petstore"],
        &[],
        "use crate::api::petstore::runtime::client::Client;
         use crate::api::petstore::{models, runtime::error::Error as E};
         pub(crate) fn f(x: crate::api::petstore::models::Pet) -> ::std::option::Option<crate::api::petstore::models::Pet> {
             let _ = <crate::api::petstore::models::Pet as ::std::default::Default>::default();
             crate::api::petstore::helpers::g(self::x, super::y)
         }
         pub(in crate::api::petstore::models) struct S;",
    );
}

#[test]
fn macro_bodies_and_arguments_are_rewritten_token_by_token() {
    check(
        r#"macro_rules! m {
               ($t:ident) => { impl $crate::runtime::Tr for $t { fn f() { $crate::runtime::g(); } } };
           }
           pub(crate) use m;
           crate::runtime::m!(Pet);
           fn f() { write!(out, "{}", crate::FORMAT); let v = vec![pub_crate()]; }"#,
        &["petstore"],
        &[],
        r#"macro_rules! m {
               ($t:ident) => { impl $crate::petstore::runtime::Tr for $t { fn f() { $crate::petstore::runtime::g(); } } };
           }
           pub(crate) use m;
           crate::petstore::runtime::m!(Pet);
           fn f() { write!(out, "{}", crate::petstore::FORMAT); let v = vec![pub_crate()]; }"#,
    );
}

#[test]
fn doc_links_gain_the_module_path() {
    check(
        "/// See [`crate::runtime::client`] and [the pet](crate::models::Pet); `$crate::x` and
        /// `a::crate::b` stay.
        pub struct S;",
        &["petstore"],
        &[],
        "/// See [`crate::petstore::runtime::client`] and [the pet](crate::petstore::models::Pet); `$crate::x` and
        /// `a::crate::b` stay.
        pub struct S;",
    );
}

#[test]
fn features_are_decided() {
    let src = r#"
        #[cfg_attr(feature = "full-serde", derive(::serde::Deserialize))]
        #[derive(Debug)]
        pub struct A {
            #[cfg_attr(feature = "full-serde", serde(default))]
            pub x: u8,
            #[cfg(feature = "full-serde")]
            pub y: u8,
        }
        #[cfg(feature = "full-serde")]
        impl A {}
        #[cfg(not(feature = "full-serde"))]
        impl B {}
        #[cfg(all(feature = "full-serde", unix))]
        fn u() {}
        #[cfg(any(feature = "full-serde", test))]
        fn t() {}
        #[cfg(test)]
        mod tests {}
        pub enum E { #[cfg(feature = "other")] X, Y }
        impl A { #[cfg(feature = "full-serde")] fn g() {} fn h() {} }
        fn body() { #[cfg(feature = "full-serde")] fn inner() {} }"#;
    check(
        src,
        &["p"],
        &[],
        "#[derive(Debug)]
        pub struct A {
            pub x: u8,
        }
        impl B {}
        #[cfg(test)]
        fn t() {}
        #[cfg(test)]
        mod tests {}
        pub enum E { Y }
        impl A { fn h() {} }
        fn body() {}",
    );
    check(
        src,
        &["p"],
        &["full-serde"],
        "#[derive(::serde::Deserialize)]
        #[derive(Debug)]
        pub struct A {
            #[serde(default)]
            pub x: u8,
            pub y: u8,
        }
        impl A {}
        #[cfg(unix)]
        fn u() {}
        fn t() {}
        #[cfg(test)]
        mod tests {}
        pub enum E { Y }
        impl A { fn g() {} fn h() {} }
        fn body() { fn inner() {} }",
    );
}

#[test]
fn doc_examples_are_not_doctests_of_the_including_crate() {
    check(
        r#"/// Call it:
        /// ```no_run
        /// # async fn example(client: petstore::Client) {}
        /// ```
        /// Wire format:
        /// ```text
        /// GET /pets
        /// ```
        /// ```
        /// plain();
        /// ```
        /// ````rust,should_panic
        /// ```
        /// still_inside();
        /// ````
        /// ~~~json
        /// {}
        /// ~~~
        pub fn f() {}
        #[doc = "```edition2021\nx();\n```\n```sh\nls\n```"]
        pub fn g() {}"#,
        &["petstore"],
        &[],
        r#"/// Call it:
        /// ```ignore
        /// # async fn example(client: petstore::Client) {}
        /// ```
        /// Wire format:
        /// ```text
        /// GET /pets
        /// ```
        /// ```ignore
        /// plain();
        /// ```
        /// ````ignore
        /// ```
        /// still_inside();
        /// ````
        /// ~~~json
        /// {}
        /// ~~~
        pub fn f() {}
        #[doc = "```ignore\nx();\n```\n```sh\nls\n```"]
        pub fn g() {}"#,
    );
}

fn files(entries: &[(&str, &str)]) -> Files {
    entries.iter().map(|(p, s)| (p.to_string(), s.as_bytes().to_vec())).collect()
}

#[test]
fn a_crate_becomes_one_file_of_inline_modules() {
    let crate_files = files(&[
        (
            "src/lib.rs",
            "// @generated header
            #![doc = include_str!(\"../README.md\")]
            #![deny(missing_docs)]
            #![allow(clippy::large_enum_variant)]
            /// Models.
            pub mod models;
            pub mod runtime;
            pub use runtime::client::Client;",
        ),
        ("src/models/mod.rs", "//! All models.\nmod pets;\npub use pets::*;"),
        (
            "src/models/pets.rs",
            "#![doc = \" Pets.\"]\n/// A pet.\npub struct Pet { pub owner: crate::runtime::client::Client }",
        ),
        ("src/runtime/mod.rs", "pub mod client;"),
        ("src/runtime/client.rs", "/// The client.\npub struct Client;"),
        ("README.md", "# Petstore"),
        ("Cargo.toml", "[package]"),
    ]);
    let source = assemble(&crate_files, "// @generated by test\n", &["petstore".into()], BTreeSet::new()).unwrap();
    let (header, body) = source.split_once("\n\n").unwrap();
    assert_eq!(
        header,
        "// @generated by test\n\
         // The items of the module `crate::petstore`. Include them there (paths in this file start at it):\n\
         //     pub mod petstore { include!(concat!(env!(\"OUT_DIR\"), \"/petstore.rs\")); }"
    );
    assert_eq!(
        body,
        normalized(
            "/// Models.
            #[deny(missing_docs)]
            #[allow(clippy::large_enum_variant)]
            pub mod models {
                //! All models.
                mod pets {
                    //! Pets.
                    /// A pet.
                    pub struct Pet { pub owner: crate::petstore::runtime::client::Client }
                }
                pub use pets::*;
            }
            #[deny(missing_docs)]
            #[allow(clippy::large_enum_variant)]
            pub mod runtime {
                pub mod client {
                    /// The client.
                    pub struct Client;
                }
            }
            pub use runtime::client::Client;"
        )
    );
}

#[test]
fn assembly_refuses_what_it_cannot_place() {
    let err = |entries: &[(&str, &str)]| {
        assemble(&files(entries), "", &["m".into()], BTreeSet::new()).unwrap_err().to_string()
    };
    assert_eq!(
        err(&[("src/lib.rs", "#![recursion_limit = \"256\"]\npub struct A;")]),
        "internal error: module mode: src/lib.rs: the inner attribute `#![recursion_limit]` has no \
         place in a module"
    );
    assert_eq!(
        err(&[("src/lib.rs", "pub mod gone;")]),
        "internal error: module mode: src/gone.rs: declared with `mod` but not emitted"
    );
    assert_eq!(
        err(&[("src/lib.rs", "pub struct A;"), ("src/stray.rs", "pub struct B;")]),
        "internal error: module mode: src/lib.rs: no `mod` declaration for [\"src/stray.rs\"]"
    );
}

#[test]
fn module_paths_are_identifiers() {
    assert_eq!(parse_module_path("petstore").unwrap(), ["petstore"]);
    assert_eq!(parse_module_path("crate::api::petstore").unwrap(), ["api", "petstore"]);
    assert_eq!(parse_module_path(" api :: v1 ").unwrap(), ["api", "v1"]);
    for (bad, why) in [
        ("", "it names no module"),
        ("crate::", "it names no module"),
        ("api::fn", "`fn` is not an identifier, or is a keyword"),
        ("my-api", "`my-api` is not an identifier, or is a keyword"),
        ("r#type", "`r#type` is not an identifier, or is a keyword"),
        ("a::::b", "`` is not an identifier, or is a keyword"),
    ] {
        assert_eq!(
            parse_module_path(bad).unwrap_err().to_string(),
            format!("invalid module path `{bad}`: {why}"),
            "{bad}"
        );
    }
}
