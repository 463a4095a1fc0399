//! Generates the Petstore client from `petstore.yaml` into `OUT_DIR/petstore.rs`, which
//! `src/lib.rs` includes as the module `crate::petstore`.
//!
//! The builder prints `cargo:rerun-if-changed=petstore.yaml`, so Cargo runs this script again
//! when the spec changes, and otherwise not (edits to `src/` only recompile the crate).

fn main() {
    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    cirqll_codegen::Builder::new("petstore.yaml")
        .module_path("petstore")
        .full_serde(std::env::var_os("CARGO_FEATURE_FULL_SERDE").is_some())
        .write_module(std::path::Path::new(&out_dir))
        .unwrap_or_else(|e| panic!("{e}"));
}
