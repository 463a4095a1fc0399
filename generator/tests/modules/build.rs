//! Generates every fixture spec (`generator/tests/fixtures/*.yaml`) in module mode into
//! `OUT_DIR/<fixture>.rs`, for `src/lib.rs` to include as `crate::fixtures::<fixture>`, and the
//! Cirqll spec (the only one with an OAuth2 module) as `crate::cirqll`. Refuses to run when
//! `src/lib.rs` does not include every fixture, so a new fixture cannot escape the check.

use std::path::{Path, PathBuf};

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let full_serde = std::env::var_os("CARGO_FEATURE_FULL_SERDE").is_some();
    let fixtures = Path::new("../fixtures");
    println!("cargo:rerun-if-changed={}", fixtures.display());
    println!("cargo:rerun-if-changed=src/lib.rs");
    let lib = std::fs::read_to_string("src/lib.rs").expect("src/lib.rs");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(fixtures)
        .expect("the fixture directory")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    let mut missing = Vec::new();
    for spec in &specs {
        let stem = spec.file_stem().and_then(|s| s.to_str()).expect("a UTF-8 file name");
        if !lib.contains(&format!("pub mod {stem} {{")) {
            missing.push(stem.to_owned());
        }
        cirqll_codegen::Builder::new(spec)
            .module_path(format!("fixtures::{stem}"))
            .full_serde(full_serde)
            .write_module(&out_dir)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    cirqll_codegen::Builder::new("../../../spec/cirqll.yaml")
        .full_serde(full_serde)
        .write_module(&out_dir)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(missing.is_empty(), "src/lib.rs must include the module of every fixture; missing: {missing:?}");
}
