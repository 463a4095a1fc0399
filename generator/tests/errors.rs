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

/// A JSON 3.0 text is shape-checked straight from its text, beside parsing: what that reading
/// refuses is checked again on the tree and located, and what it does not read
/// (`webhooks` in a 3.0 document) is still checked.
#[test]
fn json_shape_errors_are_located_too() {
    check(
        "shape.json",
        "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"version\": \"1\"},\n \"paths\": {\"/x\": {\"get\": {\"responses\": 5}}}}\n",
        &["at #/paths/~1x/get/responses", "not a valid OpenAPI 3.0 document", "shape.json:2:"],
    );
    check(
        "webhooks30.json",
        "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {},\n \"webhooks\": {\"ping\": {\"post\": {\"requestBody\": 5}}}}\n",
        &["at #/webhooks/ping/post/requestBody", "webhooks30.json"],
    );
}

/// A key repeated in one object keeps its last value (as YAML's and serde_json's readers of
/// the tree do) rather than failing the text-level shape check.
#[test]
fn repeated_json_key_keeps_the_last_value() {
    let dir = common::scratch("errors-repeated-key");
    let path = dir.join("repeated.json");
    let text = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"title\": \"Repeated\", \"version\": \"1\"}, \"paths\": {}}";
    std::fs::write(&path, text).unwrap();
    let generated = generate_file(&path, &Options::default()).expect("a repeated key is not a shape error");
    assert!(
        generated.files.values().any(|body| String::from_utf8_lossy(body).contains("Repeated")),
        "the last value of the repeated key is the one read"
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

/// Fields may be called `example` or `x-...`: their schemas' references are still checked,
/// though the same keys elsewhere hold free-form data that is not.
#[test]
fn references_below_fields_named_like_examples_are_checked() {
    for field in ["example", "examples", "x-meta"] {
        check(
            &format!("field-{field}.yaml"),
            &format!(
                "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      example: {{$ref: not-a-reference}}\n      properties:\n        {field}: {{$ref: '#/components/schemas/Nope'}}\n"
            ),
            &["dangling reference", &format!("at #/components/schemas/A/properties/{field}/$ref")],
        );
    }
}

/// The support report of a Swagger 2.0 document names the loop's property in the 2.0 file.
#[test]
fn swagger2_cycle_is_reported_at_the_original_node() {
    let dir = common::scratch("errors-v2-cycle");
    let path = dir.join("v2-cycle.yaml");
    std::fs::write(&path, "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  A: {type: object, required: [b], properties: {b: {$ref: '#/definitions/B'}}}\n  B: {type: object, required: [a], properties: {a: {$ref: '#/definitions/A'}}}\n").unwrap();
    let generated = generate_file(&path, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let report = generated.support_report();
    assert!(report.contains("fallback: #/definitions/A/properties/b: no finite value of `A` exists"), "{report}");
}

/// The support report of an OpenAPI 3.1 document names the loop's property as written, where
/// the `$ref` has a sibling (`description`), which 3.1 allows.
#[test]
fn openapi31_cycle_is_reported_at_the_original_node() {
    let dir = common::scratch("errors-cycle31");
    let path = dir.join("cycle31.yaml");
    std::fs::write(&path, "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    A:\n      type: object\n      required: [b]\n      properties:\n        b: {$ref: '#/components/schemas/A', description: a sibling}\n").unwrap();
    let generated = generate_file(&path, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let report = generated.support_report();
    assert!(
        report.contains("fallback: #/components/schemas/A/properties/b: no finite value of `A` exists"),
        "{report}"
    );
}

/// A loop of required, non-nullable links has no finite value, but the rest of the API is
/// still useful: the crate is generated and the support report says so, naming the property.
#[test]
fn cycle_through_required_fields_is_reported_not_refused() {
    let dir = common::scratch("errors-cycle");
    let path = dir.join("cycle.yaml");
    std::fs::write(&path, format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\n{PATHS_OK}components:\n  schemas:\n    A: {{type: object, required: [b], properties: {{b: {{$ref: '#/components/schemas/B'}}}}}}\n    B: {{type: object, required: [a], properties: {{a: {{$ref: '#/components/schemas/A'}}}}}}\n")).unwrap();
    let generated = generate_file(&path, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let report = generated.support_report();
    assert!(
        report.contains("fallback: #/components/schemas/A/properties/b: no finite value of `A` exists")
            && report.contains("`A.b` → `B.a` → `A`"),
        "{report}"
    );
    let models = String::from_utf8(generated.files["src/models/other.rs"].clone()).unwrap();
    assert!(models.contains("pub b: ::std::boxed::Box<crate::models::B>"), "{models}");
    // A derived `Default` would have to build an infinite value.
    assert!(!models.contains("Default"), "{models}");
}

#[test]
fn references_that_cannot_be_followed() {
    let doc = |refs: &str| {
        format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\n{PATHS_OK}components:\n  schemas:\n{refs}")
    };
    check(
        "loop.yaml",
        &doc("    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n"),
        &["at #/components/schemas/A/$ref", "reference loop: `#/components/schemas/A` → `#/components/schemas/B` → `#/components/schemas/A` never reaches a definition"],
    );
    check(
        "encoding.yaml",
        &doc("    A: {type: object, properties: {b: {$ref: '#/components/schemas/B%zz'}}}\n"),
        &[
            "at #/components/schemas/A/properties/b/$ref",
            "reference `#/components/schemas/B%zz`: it is not a valid URI fragment",
        ],
    );
    check(
        "anchor.yaml",
        &doc("    A: {type: object, properties: {b: {$ref: '#B'}}}\n"),
        &["unsupported: reference `#B`: its fragment is a plain name", "at #/components/schemas/A/properties/b/$ref"],
    );
    check(
        "dangling-path.yaml",
        &doc("    A: {type: object, properties: {b: {$ref: '#/paths/~1x/get/responses/201'}}}\n"),
        &[
            "dangling reference: `#/paths/~1x/get/responses/201` does not exist",
            "at #/components/schemas/A/properties/b/$ref",
        ],
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
        "swagger12.yaml",
        "swagger: '1.2'\ninfo: {title: t, version: '1'}\npaths: {}\n",
        &["unsupported: Swagger version 1.2", "at #/swagger"],
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

/// A Swagger 2.0 document is upgraded to 3.0 before it is checked; every error still names
/// the node in the file the user wrote.
#[test]
fn swagger2_errors_name_the_original_node() {
    const V2: &str = "swagger: '2.0'\ninfo: {title: t, version: '1'}\n";
    check(
        "v2-shape.yaml",
        &format!("{V2}paths:\n  /x:\n    get:\n      parameters: [{{name: q, in: query, type: string, maxLength: many}}]\n      responses: {{'200': {{description: ok}}}}\n"),
        &["not a valid Swagger 2.0 document", "at #/paths/~1x/get/parameters/0"],
    );
    check(
        "v2-response.yaml",
        &format!("{V2}paths:\n  /x:\n    get:\n      responses: {{'200': {{schema: {{type: string}}}}}}\n"),
        &["not a valid Swagger 2.0 document", "at #/paths/~1x/get/responses:", "missing field `description`"],
    );
    check(
        "v2-dangling.yaml",
        &format!("{V2}paths:\n  /x:\n    get:\n      responses: {{'200': {{description: ok, schema: {{$ref: '#/definitions/Nope'}}}}}}\n"),
        &["at #/paths/~1x/get/responses/200/schema/$ref", "dangling reference: `#/definitions/Nope` does not exist"],
    );
    check(
        "v2-dup.yaml",
        &format!("{V2}paths:\n  /a:\n    post: {{operationId: same, parameters: [{{name: b, in: body, schema: {{type: object}}}}], responses: {{'200': {{description: ok}}}}}}\n  /b:\n    get: {{operationId: same, responses: {{'200': {{description: ok}}}}}}\n"),
        &["duplicate operationId `same`", "at #/paths/~1b/get/operationId"],
    );
    check(
        "v2-body.yaml",
        &format!("{V2}paths:\n  /a:\n    post: {{parameters: [{{name: b, in: body}}], responses: {{'200': {{description: ok}}}}}}\n"),
        &["at #/paths/~1a/post/parameters/0", "a body parameter needs a `schema`"],
    );
    check(
        "v2-security.yaml",
        &format!("{V2}paths: {{}}\nsecurityDefinitions:\n  o: {{type: oauth2, flow: sideways, scopes: {{}}}}\n"),
        &["not a valid Swagger 2.0 document", "at #/securityDefinitions/o"],
    );
}

#[test]
fn crate_names_are_checked() {
    check(
        "name.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-rust-crate: {name: 2fast}\n",
        &["at #/x-rust-crate/name", "`2fast` is not a valid crate name: it must start with an ASCII letter"],
    );
    check(
        "name-type.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-rust-crate: {name: [a]}\n",
        &["at #/x-rust-crate/name", "the crate name must be a string"],
    );
    let root = common::root();
    let opts = Options { crate_name: Some("my crate".into()), crate_version: "0.1.0".into() };
    let err = generate_file(&root.join("generator/tests/fixtures/enums.yaml"), &opts).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid crate name `my crate`: ` ` is not allowed (only ASCII letters, digits, `-` and `_` are)"
    );
    let module = cirqll_codegen::ModuleOptions { module_path: Some("api::mod".into()), full_serde: false };
    let err = cirqll_codegen::generate_module_bytes(std::path::Path::new("x.yaml"), b"", &Options::default(), &module)
        .unwrap_err();
    assert_eq!(err.to_string(), "invalid module path `api::mod`: `mod` is not an identifier, or is a keyword");
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
        &["not a valid OpenAPI 3.1 document", "at #/components/schemas/A/properties/b:", "expected usize"],
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
}

/// openapiv3 loses the path inside a schema; the error still names the deepest subschema it
/// refuses, not only the component.
#[test]
fn an_error_inside_a_schema_names_the_subschema() {
    check(
        "bad-pattern.yaml",
        &format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\n{PATHS_OK}components:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          type: object\n          properties:\n            c: {{type: string, pattern: 0}}\n"),
        &["at #/components/schemas/A/properties/b/properties/c", "expected a string"],
    );
}

/// A callback given as a `$ref` is valid OpenAPI that openapiv3 cannot read: the document
/// generates, and the support report says callbacks are not generated.
#[test]
fn callbacks_by_reference_are_read_and_reported() {
    let dir = common::scratch("errors-callbacks");
    let path = dir.join("callbacks.yaml");
    std::fs::write(
        &path,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /subscribe:\n    post:\n      operationId: subscribe\n      responses: {'201': {description: ok}}\n      callbacks:\n        onEvent: {$ref: '#/components/callbacks/Event'}\ncomponents:\n  callbacks:\n    Event:\n      '{$request.body#/url}':\n        post:\n          responses: {'200': {description: ok}}\n",
    )
    .unwrap();
    let generated = generate_file(&path, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let report = generated.support_report();
    assert!(
        report.contains("fallback: #/paths/~1subscribe/post/callbacks: callbacks are not generated")
            && report.contains("`onEvent`"),
        "{report}"
    );
}
