//! Unit tests of the upgrade: each Swagger 2.0 construct and where it lands in 3.0, through
//! one `check` helper (document, then expected converted nodes by pointer).

use std::path::Path;

use serde_json::{json, Value};

use super::upgrade;
use crate::load::Converted;

const HEAD: &str = "swagger: '2.0'\ninfo: {title: t, version: '1'}\n";

fn convert(body: &str) -> Converted {
    let raw: Value = serde_yaml::from_str(&format!("{HEAD}{body}")).expect("test YAML parses");
    let converted = upgrade(Path::new("t.yaml"), raw).unwrap_or_else(|e| panic!("upgrade failed: {e}"));
    // Every upgraded document must have the shape of an OpenAPI 3.0 document.
    if let Err(e) = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&converted.raw) {
        panic!("not OpenAPI 3.0 at {}: {e}\n{:#}", e.path(), converted.raw);
    }
    converted
}

/// Upgrades `HEAD + body` and compares the converted nodes at the given pointers.
fn check(body: &str, expect: &[(&str, Value)]) -> Converted {
    let converted = convert(body);
    for (pointer, want) in expect {
        let got =
            converted.raw.pointer(pointer).unwrap_or_else(|| panic!("no node at {pointer}:\n{:#}", converted.raw));
        assert_eq!(got, want, "at {pointer}");
    }
    converted
}

fn error(body: &str) -> String {
    let raw: Value = serde_yaml::from_str(&format!("{HEAD}{body}")).expect("test YAML parses");
    match upgrade(Path::new("t.yaml"), raw) {
        Ok(c) => panic!("expected an error, got\n{:#}", c.raw),
        Err(e) => e.to_string(),
    }
}

#[test]
fn servers_come_from_host_base_path_and_schemes_https_first() {
    check(
        "host: api.example.com:8443\nbasePath: /v2\nschemes: [http, https]\npaths: {}\n",
        &[
            ("/openapi", json!("3.0.3")),
            (
                "/servers",
                json!([{"url": "https://api.example.com:8443/v2"}, {"url": "http://api.example.com:8443/v2"}]),
            ),
        ],
    );
    let c = check("host: h.example\npaths: {}\n", &[("/servers", json!([{"url": "https://h.example"}]))]);
    assert_eq!(c.fallbacks, ["#/host: no HTTP scheme declared; the server URL assumes https"]);
    let c = check(
        "host: h.example\nschemes: [ws, http]\npaths: {}\n",
        &[("/servers", json!([{"url": "http://h.example"}]))],
    );
    assert_eq!(c.fallbacks, ["#/schemes/0: scheme `ws` is not HTTP; left out of the server URLs"]);
    let c = check("basePath: /api\npaths: {}\n", &[("/servers", json!([{"url": "/api"}]))]);
    assert!(c.fallbacks.is_empty());
    let c = convert("paths: {}\n");
    assert!(c.raw.get("servers").is_none());
}

#[test]
fn operation_schemes_become_operation_servers() {
    check(
        "host: h.example\nschemes: [https]\npaths:\n  /a:\n    get:\n      schemes: [http]\n      responses: {'200': {description: ok}}\n",
        &[("/paths/~1a/get/servers", json!([{"url": "http://h.example"}]))],
    );
}

#[test]
fn definitions_become_component_schemas_and_every_ref_follows() {
    let c = check(
        "paths:\n  /pets:\n    get:\n      responses:\n        '200':\n          description: ok\n          schema: {type: array, items: {$ref: '#/definitions/Pet'}}\n\
         definitions:\n  Pet:\n    type: object\n    discriminator: kind\n    required: [kind]\n    properties:\n      kind: {type: string}\n      owner: {$ref: '#/definitions/Owner', x-nullable: true}\n      photo: {type: file}\n      example: {$ref: '#/definitions/Owner'}\n  Owner: {type: object, x-nullable: true, properties: {name: {type: string}}}\n",
        &[
            (
                "/paths/~1pets/get/responses/200/content/application~1json/schema/items/$ref",
                json!("#/components/schemas/Pet"),
            ),
            ("/components/schemas/Pet/discriminator", json!({"propertyName": "kind"})),
            ("/components/schemas/Pet/properties/owner", json!({"$ref": "#/components/schemas/Owner", "nullable": true})),
            ("/components/schemas/Pet/properties/photo", json!({"type": "string", "format": "binary"})),
            // A property called `example` is a schema, not example data.
            ("/components/schemas/Pet/properties/example/$ref", json!("#/components/schemas/Owner")),
            ("/components/schemas/Owner/nullable", json!(true)),
        ],
    );
    assert!(c.raw.get("definitions").is_none());
    let origin = &c.origin;
    assert_eq!(origin.original("#/components/schemas/Pet/properties/kind"), "#/definitions/Pet/properties/kind");
    assert_eq!(
        origin.original("#/components/schemas/Pet/discriminator/propertyName"),
        "#/definitions/Pet/discriminator"
    );
    assert_eq!(origin.original("#/components/schemas/Owner/nullable"), "#/definitions/Owner/x-nullable");
    assert_eq!(
        origin.original("#/paths/~1pets/get/responses/200/content/application~1json/schema/items"),
        "#/paths/~1pets/get/responses/200/schema/items"
    );
}

#[test]
fn body_parameters_become_request_bodies_per_consumes() {
    let c = check(
        "consumes: [application/json, application/xml]\npaths:\n  /pets:\n    post:\n      parameters:\n        - {name: q, in: query, type: string}\n        - {name: pet, in: body, required: true, description: The pet., x-body: 1, schema: {$ref: '#/definitions/Pet'}}\n      responses: {'201': {description: ok}}\n    put:\n      consumes: [text/plain]\n      parameters: [{$ref: '#/parameters/PetBody'}]\n      responses: {'200': {description: ok}}\n    patch:\n      parameters: [{$ref: '#/parameters/PetBody'}]\n      responses: {'200': {description: ok}}\n\
         parameters:\n  PetBody: {name: pet, in: body, schema: {$ref: '#/definitions/Pet'}}\n  Limit: {name: limit, in: query, type: integer, maximum: 50}\n\
         definitions:\n  Pet: {type: object, properties: {name: {type: string}}}\n",
        &[
            ("/paths/~1pets/post/parameters", json!([{"name": "q", "in": "query", "schema": {"type": "string"}}])),
            ("/paths/~1pets/post/requestBody/required", json!(true)),
            ("/paths/~1pets/post/requestBody/description", json!("The pet.")),
            ("/paths/~1pets/post/requestBody/x-body", json!(1)),
            (
                "/paths/~1pets/post/requestBody/content",
                json!({
                    "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}},
                    "application/xml": {"schema": {"$ref": "#/components/schemas/Pet"}},
                }),
            ),
            // The operation's own consumes differ from the root's: an inline copy.
            ("/paths/~1pets/put/requestBody/content", json!({"text/plain": {"schema": {"$ref": "#/components/schemas/Pet"}}})),
            // The same consumes: a reference to the component.
            ("/paths/~1pets/patch/requestBody", json!({"$ref": "#/components/requestBodies/PetBody"})),
            ("/components/requestBodies/PetBody/content/application~1xml/schema/$ref", json!("#/components/schemas/Pet")),
            (
                "/components/parameters/Limit",
                json!({"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 50}}),
            ),
        ],
    );
    assert!(c.raw.pointer("/paths/~1pets/patch/parameters").is_none(), "the body left the parameter list");
    assert_eq!(c.origin.original("#/paths/~1pets/post/requestBody"), "#/paths/~1pets/post/parameters/1");
    assert_eq!(
        c.origin.original("#/paths/~1pets/post/requestBody/content/application~1xml/schema/$ref"),
        "#/paths/~1pets/post/parameters/1/schema/$ref"
    );
    assert_eq!(
        c.origin.original("#/paths/~1pets/post/parameters/0/schema/type"),
        "#/paths/~1pets/post/parameters/0/type"
    );
    assert_eq!(c.origin.original("#/components/requestBodies/PetBody"), "#/parameters/PetBody");
}

#[test]
fn form_data_becomes_an_object_body_urlencoded_or_multipart() {
    let c = check(
        "paths:\n  /login:\n    post:\n      parameters:\n        - {name: user, in: formData, type: string, required: true, description: Who.}\n        - {name: tags, in: formData, type: array, items: {type: string}, collectionFormat: pipes}\n        - {name: ids, in: formData, type: array, items: {type: integer}, collectionFormat: multi}\n        - {name: cols, in: formData, type: array, items: {type: string}, collectionFormat: tsv}\n        - {name: ssv, in: formData, type: array, items: {type: string}, collectionFormat: ssv}\n        - {name: csv, in: formData, type: array, items: {type: string}}\n      responses: {'200': {description: ok}}\n  /upload:\n    post:\n      consumes: [multipart/form-data]\n      parameters:\n        - {name: file, in: formData, type: file, required: true}\n        - {name: labels, in: formData, type: array, items: {type: string}}\n        - {name: parts, in: formData, type: array, items: {type: string}, collectionFormat: multi}\n      responses: {'200': {description: ok}}\n",
        &[
            ("/paths/~1login/post/requestBody/required", json!(true)),
            (
                "/paths/~1login/post/requestBody/content/application~1x-www-form-urlencoded/schema",
                json!({
                    "type": "object",
                    "properties": {
                        "user": {"type": "string", "description": "Who."},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "ids": {"type": "array", "items": {"type": "integer"}},
                        "cols": {"type": "array", "items": {"type": "string"}},
                        "ssv": {"type": "array", "items": {"type": "string"}},
                        "csv": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["user"],
                }),
            ),
            (
                "/paths/~1login/post/requestBody/content/application~1x-www-form-urlencoded/encoding",
                json!({
                    "tags": {"style": "pipeDelimited", "explode": false},
                    "ids": {"style": "form", "explode": true},
                    "cols": {"style": "form", "explode": false, "x-collectionFormat": "tsv"},
                    "ssv": {"style": "spaceDelimited", "explode": false},
                    "csv": {"style": "form", "explode": false},
                }),
            ),
            (
                "/paths/~1upload/post/requestBody/content/multipart~1form-data/schema/properties/file",
                json!({"type": "string", "format": "binary"}),
            ),
            // Multipart ignores 3.0 styles: csv is kept as the extension, multi is the default.
            (
                "/paths/~1upload/post/requestBody/content/multipart~1form-data/encoding",
                json!({"labels": {"x-collectionFormat": "csv"}}),
            ),
        ],
    );
    assert!(c.fallbacks.is_empty(), "{:?}", c.fallbacks);
    assert_eq!(
        c.origin.original("#/paths/~1upload/post/requestBody/content/multipart~1form-data/schema/properties/file/type"),
        "#/paths/~1upload/post/parameters/0/type"
    );
    // A file field forces multipart, even when consumes says otherwise.
    let c = check(
        "consumes: [application/x-www-form-urlencoded]\npaths:\n  /u:\n    post:\n      parameters: [{name: f, in: formData, type: file}]\n      responses: {'200': {description: ok}}\n",
        &[("/paths/~1u/post/requestBody/content/multipart~1form-data/schema/properties/f/format", json!("binary"))],
    );
    assert_eq!(
        c.fallbacks,
        ["#/paths/~1u/post/parameters/0: a file field needs multipart/form-data; the body is sent as multipart"]
    );
}

#[test]
fn collection_formats_of_parameters() {
    let c = check(
        "paths:\n  /x/{ids}:\n    get:\n      parameters:\n        - {name: ids, in: path, required: true, type: array, items: {type: integer}, collectionFormat: pipes}\n        - {name: a, in: query, type: array, items: {type: string}}\n        - {name: b, in: query, type: array, items: {type: string}, collectionFormat: ssv}\n        - {name: c, in: query, type: array, items: {type: string}, collectionFormat: tsv}\n        - {name: d, in: query, type: array, items: {type: string}, collectionFormat: pipes}\n        - {name: e, in: query, type: array, items: {type: string}, collectionFormat: multi}\n        - {name: X-Ids, in: header, type: array, items: {type: string}}\n        - {name: X-Multi, in: header, type: array, items: {type: string}, collectionFormat: multi}\n      responses: {'200': {description: ok}}\n",
        &[
            (
                "/paths/~1x~1{ids}/get/parameters/0",
                json!({"name": "ids", "in": "path", "required": true, "schema": {"type": "array", "items": {"type": "integer"}}, "style": "simple", "explode": false, "x-collectionFormat": "pipes"}),
            ),
            ("/paths/~1x~1{ids}/get/parameters/1/style", json!("form")),
            ("/paths/~1x~1{ids}/get/parameters/1/explode", json!(false)),
            ("/paths/~1x~1{ids}/get/parameters/2/style", json!("spaceDelimited")),
            ("/paths/~1x~1{ids}/get/parameters/3/x-collectionFormat", json!("tsv")),
            ("/paths/~1x~1{ids}/get/parameters/4/style", json!("pipeDelimited")),
            ("/paths/~1x~1{ids}/get/parameters/5/explode", json!(true)),
            ("/paths/~1x~1{ids}/get/parameters/6/style", json!("simple")),
        ],
    );
    assert_eq!(
        c.fallbacks,
        ["#/paths/~1x~1{ids}/get/parameters/7/collectionFormat: collectionFormat `multi` applies to query and formData parameters only; sent comma-separated"]
    );
    let err = error("paths:\n  /x:\n    get:\n      parameters: [{name: a, in: query, type: array, items: {type: string}, collectionFormat: semicolons}]\n      responses: {'200': {description: ok}}\n");
    assert!(
        err.contains("t.yaml at #/paths/~1x/get/parameters/0/collectionFormat") && err.contains("not one of csv"),
        "{err}"
    );
}

#[test]
fn responses_get_content_per_produces_headers_and_examples() {
    check(
        "produces: [application/json]\npaths:\n  /f:\n    get:\n      produces: [application/pdf]\n      responses:\n        '200': {description: file, schema: {type: file}, headers: {X-Rate: {type: integer, description: Left.}, X-Tags: {type: array, items: {type: string}, collectionFormat: pipes}}}\n        default: {$ref: '#/responses/Error'}\n  /g:\n    get:\n      responses:\n        '200': {description: ok, schema: {type: object}, examples: {application/json: {a: 1}}}\n        '404': {$ref: '#/responses/Error'}\n\
         responses:\n  Error: {description: failed, schema: {type: object, properties: {message: {type: string}}}}\n",
        &[
            ("/paths/~1f/get/responses/200/content", json!({"application/pdf": {"schema": {"type": "string", "format": "binary"}}})),
            (
                "/paths/~1f/get/responses/200/headers",
                json!({
                    "X-Rate": {"description": "Left.", "schema": {"type": "integer"}},
                    "X-Tags": {"schema": {"type": "array", "items": {"type": "string"}}, "x-collectionFormat": "pipes"},
                }),
            ),
            // Produces differ from the root's: the shared response is inlined with them.
            ("/paths/~1f/get/responses/default/content/application~1pdf/schema/properties/message/type", json!("string")),
            ("/paths/~1g/get/responses/200/content/application~1json/example", json!({"a": 1})),
            ("/paths/~1g/get/responses/404", json!({"$ref": "#/components/responses/Error"})),
            ("/components/responses/Error/content/application~1json/schema/type", json!("object")),
        ],
    );
}

#[test]
fn security_definitions_with_all_four_oauth2_flows() {
    check(
        "paths: {}\nsecurityDefinitions:\n  basic: {type: basic, description: Basic.}\n  key: {type: apiKey, name: X-Key, in: header}\n  implicit: {type: oauth2, flow: implicit, authorizationUrl: 'https://a/auth', scopes: {read: Read.}}\n  password: {type: oauth2, flow: password, tokenUrl: 'https://a/token', scopes: {}}\n  application: {type: oauth2, flow: application, tokenUrl: 'https://a/token', scopes: {}}\n  accessCode: {type: oauth2, flow: accessCode, authorizationUrl: 'https://a/auth', tokenUrl: 'https://a/token', scopes: {write: Write.}, x-ext: 1}\nsecurity: [{accessCode: [write]}]\n",
        &[
            ("/components/securitySchemes/basic", json!({"type": "http", "scheme": "basic", "description": "Basic."})),
            ("/components/securitySchemes/key", json!({"type": "apiKey", "name": "X-Key", "in": "header"})),
            (
                "/components/securitySchemes/implicit/flows",
                json!({"implicit": {"authorizationUrl": "https://a/auth", "scopes": {"read": "Read."}}}),
            ),
            ("/components/securitySchemes/password/flows", json!({"password": {"tokenUrl": "https://a/token", "scopes": {}}})),
            (
                "/components/securitySchemes/application/flows",
                json!({"clientCredentials": {"tokenUrl": "https://a/token", "scopes": {}}}),
            ),
            (
                "/components/securitySchemes/accessCode",
                json!({"type": "oauth2", "flows": {"authorizationCode": {"authorizationUrl": "https://a/auth", "tokenUrl": "https://a/token", "scopes": {"write": "Write."}}}, "x-ext": 1}),
            ),
            ("/security", json!([{"accessCode": ["write"]}])),
        ],
    );
}

#[test]
fn path_level_parameters_and_referenced_path_items() {
    let c = check(
        "paths:\n  /items/{id}:\n    parameters:\n      - {name: id, in: path, required: true, type: integer}\n      - {name: note, in: formData, type: string}\n    post:\n      parameters: [{name: extra, in: formData, type: integer}]\n      responses: {'200': {description: ok}}\n    put:\n      parameters: [{name: note, in: formData, type: integer}]\n      responses: {'200': {description: ok}}\n  /same:\n    $ref: '#/paths/~1other'\n  /other:\n    get: {responses: {'200': {description: ok}}}\n  /shared:\n    $ref: '#/x-items/Shared'\nx-items:\n  Shared:\n    get:\n      parameters: [{name: q, in: query, type: string}]\n      responses: {'200': {description: ok}}\n",
        &[
            ("/paths/~1items~1{id}/parameters", json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}])),
            (
                "/paths/~1items~1{id}/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties",
                json!({"extra": {"type": "integer"}, "note": {"type": "string"}}),
            ),
            // The operation's own `note` overrides the path item's.
            (
                "/paths/~1items~1{id}/put/requestBody/content/application~1x-www-form-urlencoded/schema/properties",
                json!({"note": {"type": "integer"}}),
            ),
            ("/paths/~1same", json!({"$ref": "#/paths/~1other"})),
            ("/paths/~1shared/get/parameters/0/schema", json!({"type": "string"})),
            ("/x-items/Shared/get/parameters/0/type", json!("string")),
        ],
    );
    assert_eq!(c.origin.original("#/paths/~1shared/get/parameters/0/schema"), "#/x-items/Shared/get/parameters/0");
}

#[test]
fn vendor_extensions_stay_where_they_were() {
    check(
        "x-root: 1\ninfo: {title: t, version: '1', x-info: 2}\ntags: [{name: a, x-tag: 3}]\npaths:\n  x-paths: 4\n  /a:\n    x-item: 5\n    get:\n      x-op: 6\n      parameters: [{name: q, in: query, type: string, x-param: 7}]\n      responses: {x-responses: 8, '200': {description: ok, x-response: 9}}\ndefinitions:\n  A: {type: object, x-schema: 10}\n",
        &[
            ("/x-root", json!(1)),
            ("/info/x-info", json!(2)),
            ("/tags/0/x-tag", json!(3)),
            ("/paths/x-paths", json!(4)),
            ("/paths/~1a/x-item", json!(5)),
            ("/paths/~1a/get/x-op", json!(6)),
            ("/paths/~1a/get/parameters/0/x-param", json!(7)),
            ("/paths/~1a/get/responses/x-responses", json!(8)),
            ("/paths/~1a/get/responses/200/x-response", json!(9)),
            ("/components/schemas/A/x-schema", json!(10)),
        ],
    );
}

#[test]
fn references_are_checked_in_the_terms_the_user_wrote() {
    let err = error("paths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok, schema: {$ref: '#/definitions/Nope'}}\n");
    assert!(
        err.contains("t.yaml at #/paths/~1a/get/responses/200/schema/$ref")
            && err.contains("dangling reference: `#/definitions/Nope` does not exist"),
        "{err}"
    );
    let err = error("paths:\n  /a:\n    get:\n      parameters: [{$ref: '#/parameters/Nope'}]\n      responses: {'200': {description: ok}}\n");
    assert!(err.contains("at #/paths/~1a/get/parameters/0/$ref") && err.contains("`#/parameters/Nope`"), "{err}");
    // Percent-encoded fragments are decoded before the pointer is read (RFC 6901 §6).
    check(
        "paths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok, schema: {$ref: '#/definitions/My%20Pet'}}\ndefinitions:\n  My Pet: {type: object}\n",
        &[("/paths/~1a/get/responses/200/content/application~1json/schema/$ref", json!("#/components/schemas/My Pet"))],
    );
}

#[test]
fn malformed_nodes_the_upgrade_reads_are_refused_where_they_are() {
    for (body, at) in [
        ("consumes: json\npaths: {}\n", "#/consumes"),
        ("produces: [json]\npaths: {}\n", "#/produces/0"),
        ("host: 5\npaths: {}\n", "#/host"),
        ("host: a.example/v1\npaths: {}\n", "#/host"),
        ("paths:\n  /a:\n    get: {parameters: 3, responses: {}}\n", "#/paths/~1a/get/parameters"),
        (
            "paths:\n  /a:\n    post: {parameters: [{name: b, in: body}], responses: {}}\n",
            "#/paths/~1a/post/parameters/0",
        ),
        (
            "paths:\n  /a:\n    post: {parameters: [{in: formData, type: string}], responses: {}}\n",
            "#/paths/~1a/post/parameters/0",
        ),
        ("securityDefinitions: []\npaths: {}\n", "#/securityDefinitions"),
    ] {
        let err = error(body);
        assert!(err.starts_with(&format!("t.yaml at {at}: ")), "{body}: {err}");
    }
}
