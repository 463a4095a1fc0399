//! Table tests of the 3.1 → 3.0 normalization: each input schema, the schema lowering reads,
//! the report lines and where moved nodes came from.

use super::*;

/// Normalizes a document whose only schema is `S: input`; returns the normalized `S`, the
/// fallbacks and the origin.
fn run(input: Value) -> (Value, Vec<String>, Origin) {
    let doc =
        json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": {"S": input}}});
    let c = normalize(Path::new("t.yaml"), doc).unwrap();
    (c.raw["components"]["schemas"]["S"].clone(), c.fallbacks, c.origin)
}

fn check(input: Value, want: Value) {
    let (got, fallbacks, _) = run(input.clone());
    assert_eq!(got, want, "normalizing {input}");
    assert!(fallbacks.is_empty(), "unexpected fallbacks for {input}: {fallbacks:?}");
}

#[test]
fn type_arrays() {
    check(json!({"type": ["string", "null"]}), json!({"type": "string", "nullable": true}));
    check(
        json!({"type": ["null", "integer"], "format": "int32"}),
        json!({"type": "integer", "format": "int32", "nullable": true}),
    );
    check(json!({"type": ["string"]}), json!({"type": "string"}));
    check(json!({"type": ["integer", "number"]}), json!({"type": "number"}));
    check(json!({"type": ["null"]}), json!({"type": "null", "nullable": true}));
    check(
        json!({"type": ["string", "integer", "null"], "maxLength": 3, "minimum": 1, "description": "d"}),
        json!({"description": "d", "nullable": true, "anyOf": [
            {"type": "string", "maxLength": 3},
            {"type": "integer", "minimum": 1}
        ]}),
    );
    check(
        json!({"type": ["object", "array"], "properties": {"a": {}}, "items": {"type": "string"}}),
        json!({"anyOf": [{"type": "object", "properties": {"a": {}}}, {"type": "array", "items": {"type": "string"}}]}),
    );
}

#[test]
fn null_unions() {
    // One `$ref` member: as a 3.0 author writes a nullable reference.
    check(
        json!({"anyOf": [{"$ref": "#/components/schemas/S"}, {"type": "null"}], "description": "d"}),
        json!({"description": "d", "nullable": true, "allOf": [{"$ref": "#/components/schemas/S"}]}),
    );
    // One inline member (a composition): merged back into the schema.
    check(
        json!({"oneOf": [{"type": "null"}, {"oneOf": [{"type": "string"}, {"type": "integer"}]}], "title": "t"}),
        json!({"title": "t", "nullable": true, "oneOf": [{"type": "string"}, {"type": "integer"}]}),
    );
    // Several members stay a union.
    check(
        json!({"anyOf": [{"type": "string"}, {"const": null}, {"type": "integer"}]}),
        json!({"nullable": true, "anyOf": [{"type": "string"}, {"type": "integer"}]}),
    );
    // A member that disagrees with the schema's own keywords goes into allOf.
    check(
        json!({"type": "object", "properties": {"a": {}}, "anyOf": [{"type": "object", "properties": {"b": {}}}, {"type": "null"}]}),
        json!({"type": "object", "properties": {"a": {}}, "nullable": true, "allOf": [{"type": "object", "properties": {"b": {}}}]}),
    );
    // A merged member's own type array is normalized too.
    check(
        json!({"anyOf": [{"type": ["string", "null"], "maxLength": 2}, {"type": "null"}]}),
        json!({"nullable": true, "type": "string", "maxLength": 2}),
    );
    // A discriminated union keeps its members.
    check(
        json!({"oneOf": [{"$ref": "#/a"}, {"type": "null"}], "discriminator": {"propertyName": "k"}}),
        json!({"discriminator": {"propertyName": "k"}, "nullable": true, "oneOf": [{"$ref": "#/a"}]}),
    );
}

#[test]
fn keywords_with_a_3_0_spelling() {
    check(json!({"const": "cat"}), json!({"enum": ["cat"]}));
    check(json!({"type": "string", "examples": ["a", "b"]}), json!({"type": "string", "example": "a"}));
    check(
        json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10, "maximum": 5}),
        json!({"type": "integer", "maximum": 5, "minimum": 0, "exclusiveMinimum": true}),
    );
    check(
        json!({"type": "number", "exclusiveMinimum": true, "minimum": 1}),
        json!({"type": "number", "exclusiveMinimum": true, "minimum": 1}),
    );
    check(
        json!({"type": "string", "contentEncoding": "base64"}),
        json!({"type": "string", "contentEncoding": "base64", "format": "byte"}),
    );
    check(
        json!({"contentMediaType": "image/png"}),
        json!({"contentMediaType": "image/png", "type": "string", "format": "binary"}),
    );
    check(
        json!({"type": "string", "contentMediaType": "application/json"}),
        json!({"type": "string", "contentMediaType": "application/json"}),
    );
    check(
        json!({"type": "array", "prefixItems": [{"type": "number"}, true], "items": false}),
        json!({"type": "array", "prefixItems": [{"type": "number"}, {}], "maxItems": 2}),
    );
    check(
        json!({"type": "array", "items": [{"type": "number"}], "additionalItems": false}),
        json!({"type": "array", "prefixItems": [{"type": "number"}], "maxItems": 1}),
    );
    check(
        json!({"type": "object", "properties": {"a": false, "b": true}}),
        json!({"type": "object", "properties": {"b": {}}}),
    );
    check(
        json!({"$ref": "#/components/schemas/T", "description": "kept", "required": ["a"]}),
        json!({"description": "kept", "required": ["a"], "allOf": [{"$ref": "#/components/schemas/T"}]}),
    );
    check(
        json!({"$ref": "#/components/schemas/T", "description": "kept"}),
        json!({"$ref": "#/components/schemas/T", "description": "kept"}),
    );
    check(json!({"type": "object", "unevaluatedProperties": false}), json!({"type": "object"}));
    check(
        json!({"$ref": "#/components/schemas/T", "allOf": [{"required": ["a"]}]}),
        json!({"allOf": [{"required": ["a"]}, {"$ref": "#/components/schemas/T"}]}),
    );
    // Malformed: left as it is, for the shape check to locate.
    check(json!({"type": ["string", 5]}), json!({"type": ["string", 5]}));
}

#[test]
fn what_cannot_be_typed_is_reported_at_its_original_place() {
    let (got, fallbacks, _) = run(json!({
        "type": "object",
        "patternProperties": {"^x-": {"type": "string"}},
        "if": {"required": ["a"]}, "then": {"required": ["b"]},
        "properties": {"d": {"$dynamicRef": "#meta"}, "e": {"type": "string", "contentEncoding": "base32"}}
    }));
    assert_eq!(got["additionalProperties"], json!({"type": "string"}));
    assert_eq!(got["properties"]["d"], json!({}));
    assert_eq!(
        fallbacks,
        [
            "#/components/schemas/S/patternProperties: patternProperties `^x-`: matching properties are read as additionalProperties (the key pattern is not checked)",
            "#/components/schemas/S: if/then/else: the conditional constraints are not typed",
            "#/components/schemas/S/properties/d: $dynamicRef \"#meta\": typed as serde_json::Value",
            "#/components/schemas/S/properties/e/contentEncoding: contentEncoding `base32`: the encoded text is kept as a string",
        ]
    );
}

#[test]
fn moved_nodes_are_located_in_the_original_document() {
    let (_, _, origin) = run(json!({
        "anyOf": [{"type": "null"}, {"type": "object", "properties": {"a": {"type": "string"}}}],
        "examples": [{"a": "x"}],
        "type": ["object", "null"]
    }));
    let cases = [
        ("#/components/schemas/S/properties/a/type", "#/components/schemas/S/anyOf/1/properties/a/type"),
        ("#/components/schemas/S/example", "#/components/schemas/S/examples/0"),
        ("#/components/schemas/S/nullable", "#/components/schemas/S/nullable"),
    ];
    for (converted, original) in cases {
        assert_eq!(origin.original(converted), original);
    }
}

#[test]
fn references_follow_anchors_and_moved_nodes() {
    let doc = json!({
        "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "components": {"schemas": {
            "A": {"$defs": {"name": {"$anchor": "name", "type": "string"}}, "type": ["object", "string"], "properties": {"b": {"type": "integer"}}},
            "B": {"$ref": "#name"},
            "C": {"$ref": "#/components/schemas/A/properties/b"}
        }}
    });
    let c = normalize(Path::new("t.yaml"), doc).unwrap();
    assert_eq!(c.raw.pointer("/components/schemas/B/$ref"), Some(&json!("#/components/schemas/A/$defs/name")));
    assert_eq!(
        c.raw.pointer("/components/schemas/C/$ref"),
        Some(&json!("#/components/schemas/A/anyOf/0/properties/b"))
    );
}

#[test]
fn document_level() {
    let doc = json!({
        "openapi": "3.1.0", "info": {"title": "t", "version": "1", "summary": "s", "license": {"name": "MIT", "identifier": "MIT"}},
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "webhooks": {"w": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": ["string", "null"]}}}}}}},
        "components": {"securitySchemes": {"m": {"type": "mutualTLS"}, "k": {"type": "apiKey", "in": "header", "name": "k"}}}
    });
    let c = normalize(Path::new("t.yaml"), doc).unwrap();
    assert_eq!(c.raw["paths"], json!({}));
    assert_eq!(c.raw.pointer("/webhooks/w/post/responses"), Some(&json!({})));
    assert_eq!(
        c.raw.pointer("/webhooks/w/post/requestBody/content/application~1json/schema"),
        Some(&json!({"type": "string", "nullable": true}))
    );
    assert_eq!(c.raw.pointer("/components/securitySchemes").map(|s| s.as_object().unwrap().len()), Some(1));
    assert_eq!(
        c.fallbacks,
        ["#/components/securitySchemes/m: mutualTLS security scheme: configure the client certificate on the HTTP client"]
    );
    assert!(<openapiv3::OpenAPI as serde::Deserialize>::deserialize(&c.raw).is_ok());
}
