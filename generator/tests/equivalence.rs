//! A 3.0 document and its mechanical 3.1 translation (`support/translate31.rs`) generate the
//! same crate, byte for byte apart from the spec's SHA-256 in file headers: 3.1 is read by
//! normalizing it into the 3.0 dialect, so every 3.0 guarantee carries over. Checked on the
//! Cirqll spec and on every 3.0 fixture.

mod common;

#[path = "support/translate31.rs"]
mod translate31;

use std::path::Path;

use cirqll_codegen::{generate_bytes, Files, Options};

/// The files with the `sha256 <hex>` of their headers blanked.
fn without_spec_hash(files: &Files) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(path, bytes)| {
            let text = String::from_utf8_lossy(bytes);
            let text = match text.find("(sha256 ") {
                Some(start) if text[start..].len() > 72 => {
                    format!("{}(sha256 …{}", &text[..start], &text[start + 72..])
                }
                _ => text.into_owned(),
            };
            (path.clone(), text)
        })
        .collect()
}

/// Generates `spec` (relative to the repository root) as written and translated to 3.1, under
/// the same file name, and compares the crates.
fn check(spec: &str) {
    let root = common::root();
    let text = std::fs::read(root.join(spec)).unwrap();
    let mut doc: serde_json::Value = serde_yaml::from_slice(&text).unwrap();
    translate31::translate(&mut doc);
    let translated = serde_json::to_vec_pretty(&doc).unwrap();
    let name = Path::new(Path::new(spec).file_name().unwrap());
    let opts = Options { crate_name: Some("equivalence".into()), crate_version: "0.1.0".into() };
    let v30 = generate_bytes(name, &text, &opts).unwrap_or_else(|e| panic!("{spec} (3.0): {e}"));
    let v31 = generate_bytes(name, &translated, &opts).unwrap_or_else(|e| panic!("{spec} (3.1): {e}"));
    let (a, b) = (without_spec_hash(&v30.files), without_spec_hash(&v31.files));
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>(),
        "{spec}: file lists differ"
    );
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        if x != y {
            let diff = similar::TextDiff::from_lines(x, y).unified_diff().header("3.0", "3.1").to_string();
            panic!("{spec}: {path} differs between the 3.0 document and its 3.1 translation:\n{diff}");
        }
    }
    assert_eq!(v30.fallbacks.len(), v31.fallbacks.len(), "{spec}: support reports differ");
}

#[test]
fn cirqll_spec_and_its_31_translation_generate_the_same_client() {
    check("spec/cirqll.yaml");
}

#[test]
fn fixtures_and_their_31_translations_generate_the_same_crates() {
    let root = common::root();
    let mut specs: Vec<String> = std::fs::read_dir(root.join("generator/tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| std::fs::read_to_string(p).unwrap().lines().any(|l| l.starts_with("openapi: 3.0")))
        .map(|p| format!("generator/tests/fixtures/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    specs.sort();
    assert!(specs.len() >= 7, "expected the 3.0 fixtures, found {specs:?}");
    for spec in specs {
        check(&spec);
    }
}

/// The translator really produces 3.1: no `nullable`, no boolean bounds, no schema `example`
/// left, so the test above exercises the normalizer rather than passing the 3.0 spelling through.
#[test]
fn the_translation_uses_the_31_spelling() {
    let mut doc = serde_json::json!({
        "openapi": "3.0.3",
        "components": {"schemas": {
            "A": {"type": "string", "nullable": true, "enum": ["a"], "example": "a"},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true, "description": "d"},
            "C": {"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": true},
            "D": {"type": "number", "minimum": 1, "exclusiveMinimum": true},
            "E": {"oneOf": [{"$ref": "#/components/schemas/A"}], "discriminator": {"propertyName": "k"}, "nullable": true}
        }}
    });
    translate31::translate(&mut doc);
    assert_eq!(
        doc,
        serde_json::json!({
            "openapi": "3.1.0",
            "components": {"schemas": {
                "A": {"type": ["string", "null"], "enum": ["a", null], "examples": ["a"]},
                "B": {"description": "d", "anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]},
                "C": {"oneOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]},
                "D": {"type": "number", "exclusiveMinimum": 1},
                "E": {"anyOf": [{"oneOf": [{"$ref": "#/components/schemas/A"}], "discriminator": {"propertyName": "k"}}, {"type": "null"}]}
            }}
        })
    );
}
