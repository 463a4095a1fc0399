//! The installed command as users meet it: `--version`, and a crate named after the spec when
//! `--crate-name` is not given.

mod common;

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_cirqll-codegen");

#[test]
fn version_names_the_spec_versions_read() {
    for flag in ["--version", "-V"] {
        let output = Command::new(BIN).arg(flag).output().unwrap();
        assert!(output.status.success());
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            format!("cirqll-codegen {} (reads {})\n", env!("CARGO_PKG_VERSION"), cirqll_codegen::load::READS),
            "{flag}"
        );
    }
}

/// Runs `generate` without `--crate-name` and returns the `name` line of the Cargo.toml.
fn generated_name(spec_text: &str, scratch: &str) -> String {
    let dir = common::scratch(scratch);
    let spec = dir.join("api.yaml");
    std::fs::write(&spec, spec_text).unwrap();
    let out = dir.join("client");
    let output = Command::new(BIN).args(["generate", "--spec"]).arg(&spec).arg("--out").arg(&out).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let toml = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    toml.lines().find(|l| l.starts_with("name = ")).unwrap().to_owned()
}

#[test]
fn the_crate_is_named_by_the_spec_unless_told() {
    let titled = "openapi: 3.0.3\ninfo: {title: Swagger Petstore - OpenAPI 3.0, version: '1'}\npaths: {}\n";
    assert_eq!(generated_name(titled, "cli-name-title"), "name = \"swagger-petstore-openapi-3-0\"");
    let named = format!("{titled}x-rust-crate: {{name: petstore}}\n");
    assert_eq!(generated_name(&named, "cli-name-extension"), "name = \"petstore\"");
    // --crate-name wins over both.
    let dir = common::scratch("cli-name-option");
    let spec = dir.join("api.yaml");
    std::fs::write(&spec, &named).unwrap();
    let status = Command::new(BIN)
        .args(["generate", "--crate-name", "mine", "--spec"])
        .arg(&spec)
        .arg("--out")
        .arg(dir.join("client"))
        .status()
        .unwrap();
    assert!(status.success());
    let toml = std::fs::read_to_string(dir.join("client/Cargo.toml")).unwrap();
    assert!(toml.contains("\nname = \"mine\"\n"), "{toml}");
}
