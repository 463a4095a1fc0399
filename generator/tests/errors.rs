//! Bad input gets a located, readable error and never a panic; a failed run leaves the
//! previous output byte-identical.

mod common;

use std::process::Command;

use cirqll_codegen::{generate_file, Options};

/// Writes `text` to `<scratch>/<file>`, generates, and checks the error message.
fn check(file: &str, text: &str, expect: &[&str]) {
    let dir = common::scratch(&format!("errors-{file}"));
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap();
    let err = match generate_file(&path, &Options::default()) {
        Ok(_) => panic!("{file}: expected an error"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains(file), "{file}: message does not name the file: {err}");
    for e in expect {
        assert!(err.contains(e), "{file}: expected `{e}` in: {err}");
    }
}

const PATHS_OK: &str =
    "paths:\n  /x:\n    get:\n      operationId: x\n      responses:\n        '200': {description: ok}\n";

#[test]
fn malformed_yaml_is_located() {
    check(
        "broken.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'\npaths: {}\n",
        &["invalid YAML", "broken.yaml:3:"],
    );
}

#[test]
fn malformed_json_is_located() {
    check("broken.json", "{\"openapi\": \"3.0.3\",\n \"info\": }\n", &["invalid JSON", "broken.json:2:"]);
}

#[test]
fn wrong_shape_names_the_pointer() {
    check(
        "shape.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses: 5\n",
        &["at #/paths/~1x/get/responses", "not a valid OpenAPI 3.0 document", "shape.yaml:"],
    );
}

#[test]
fn dangling_reference() {
    check(
        "dangling.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Nope'}\n",
        &["at #/paths/~1x/get/responses/200/content/application~1json/schema/$ref", "dangling reference", "#/components/schemas/Nope"],
    );
}

/// Lowering on its own (a library caller skipping `resolve`) refuses the reference instead of
/// following it forever.
#[test]
fn lowering_alone_refuses_a_dangling_reference() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Nope'}\n";
    let spec = cirqll_codegen::load::load_bytes(std::path::Path::new("dangling.yaml"), text.as_bytes()).unwrap();
    let err = cirqll_codegen::lower::lower(&spec).unwrap_err().to_string();
    assert!(err.contains("cannot be followed") && err.contains("#/components/schemas/Nope"), "{err}");
}

#[test]
fn cycle_through_required_fields() {
    check(
        "cycle.yaml",
        &format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\n{PATHS_OK}components:\n  schemas:\n    A: {{type: object, required: [b], properties: {{b: {{$ref: '#/components/schemas/B'}}}}}}\n    B: {{type: object, required: [a], properties: {{a: {{$ref: '#/components/schemas/A'}}}}}}\n"),
        &["reference cycle", "A → B → A", "at #/components/schemas/A/properties/b/$ref"],
    );
}

#[test]
fn duplicate_operation_ids() {
    check(
        "dup.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {operationId: same, responses: {'200': {description: ok}}}\n  /b:\n    get: {operationId: same, responses: {'200': {description: ok}}}\n",
        &["duplicate operationId `same`", "at #/paths/~1b/get/operationId", "first used at #/paths/~1a/get/operationId"],
    );
}

#[test]
fn unsupported_constructs_are_named() {
    check(
        "external.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200': {$ref: 'other.yaml#/components/responses/Ok'}\n",
        &["unsupported: external reference `other.yaml#/components/responses/Ok`", "at #/paths/~1x/get/responses/200/$ref"],
    );
    check(
        "swagger.yaml",
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
        &["unsupported: Swagger 2.0", "at #/swagger"],
    );
    check(
        "v32.yaml",
        "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        &["unsupported: OpenAPI version 3.2.0", "at #/openapi", "reads OpenAPI 3.1.x, OpenAPI 3.0.x and Swagger 2.0"],
    );
    check(
        "cursor.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      x-pagination: {style: cursor}\n      responses: {'200': {description: ok}}\n",
        &["unsupported: pagination style `cursor`", "at #/paths/~1x/get/x-pagination/style"],
    );
    check(
        "role.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      parameters: [{name: q, in: query, x-query-role: sideways, schema: {type: string}}]\n      responses: {'200': {description: ok}}\n",
        &["unsupported: x-query-role `sideways`", "at #/paths/~1x/get/parameters/0/x-query-role"],
    );
}

#[test]
fn cli_exits_2_and_leaves_previous_output_untouched() {
    let root = common::root();
    let dir = common::scratch("cli-untouched");
    let out = dir.join("client");
    let bin = env!("CARGO_BIN_EXE_cirqll-codegen");
    let good = root.join("generator/tests/fixtures/enums.yaml");
    let status = Command::new(bin).args(["generate", "--spec"]).arg(&good).arg("--out").arg(&out).status().unwrap();
    assert_eq!(status.code(), Some(0));
    let before = common::snapshot(&out);
    assert!(before.len() > 10);
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Missing'}\n").unwrap();
    let output = Command::new(bin).args(["generate", "--spec"]).arg(&bad).arg("--out").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.yaml") && stderr.contains("dangling reference"), "{stderr}");
    assert_eq!(common::snapshot(&out), before, "a failed run changed the output directory");
    // `check` on the fresh output succeeds; on edited output it exits 1 with a diff.
    let check = Command::new(bin).args(["check", "--spec"]).arg(&good).arg("--out").arg(&out).output().unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stderr));
    std::fs::write(out.join("Cargo.toml"), "edited").unwrap();
    let check = Command::new(bin).args(["check", "--spec"]).arg(&good).arg("--out").arg(&out).output().unwrap();
    assert_eq!(check.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(stdout.contains("stale:    Cargo.toml") && stdout.contains("-edited"), "{stdout}");
    assert!(String::from_utf8_lossy(&check.stderr).contains("regenerate with"));
}

/// OpenAPI 3.1 documents are checked in their 3.0 form, and errors name the node in the file
/// the user wrote, even when normalizing moved it.
#[test]
fn openapi31_errors_name_the_original_node() {
    check(
        "shape31.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    A:\n      type: [object, 'null']\n      properties:\n        b: {type: string, minLength: many}\n",
        &["not a valid OpenAPI 3.1 document", "at #/components/schemas/A:", "expected usize"],
    );
    // The `anyOf` member is merged into the schema; the reference is found where it was written.
    check(
        "moved31.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    A:\n      anyOf:\n        - {type: 'null'}\n        - type: object\n          properties:\n            b: {$ref: '#/components/schemas/Nope'}\n",
        &["dangling reference", "at #/components/schemas/A/anyOf/1/properties/b/$ref"],
    );
    check(
        "dangling31.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks:\n  ping:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: [object, 'null']\n              properties:\n                a: {$ref: '#/components/schemas/Nope'}\n",
        &["dangling reference", "at #/webhooks/ping/post/requestBody/content/application~1json/schema/properties/a/$ref"],
    );
    check(
        "webhook31.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks:\n  ping:\n    post:\n      requestBody: 5\n",
        &["not a valid OpenAPI 3.1 document", "at #/webhooks/ping/post/requestBody"],
    );
    check(
        "cycle31.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    A:\n      type: object\n      required: [b]\n      properties:\n        b: {$ref: '#/components/schemas/A', description: a sibling}\n",
        &["reference cycle", "A → A", "at #/components/schemas/A/properties/b/$ref"],
    );
}
