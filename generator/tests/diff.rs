//! The semantic changelog on fixture pairs of specs: each pair changes one thing and the
//! report must name it, classify it, and derive the right semver bump.

use std::path::Path;

use cirqll_codegen::diff::{bump, changelog_entry, diff, next_version, Bump, Change, ChangeKind};

const BASE: &str = r##"
openapi: 3.0.3
info: {title: Diff fixture, version: 1.0.0}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [Pets]
      responses:
        "200":
          description: Pets.
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
  /pets/{id}:
    delete:
      operationId: deletePet
      tags: [Pets]
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {"204": {description: Gone.}}
components:
  schemas:
    Pet:
      type: object
      required: [id]
      properties:
        id: {type: integer}
        name: {type: string}
        status: {$ref: "#/components/schemas/Status"}
    Status: {type: string, enum: [available, sold]}
"##;

fn check(new: &str, expect: &[(bool, ChangeKind, &str)], expect_bump: Bump) -> Vec<Change> {
    let old = cirqll_codegen::analyze_bytes(Path::new("old.yaml"), BASE.as_bytes()).unwrap();
    let new = cirqll_codegen::analyze_bytes(Path::new("new.yaml"), new.as_bytes()).unwrap();
    let changes = diff(&old, &new);
    let got: Vec<(bool, ChangeKind, &str)> = changes.iter().map(|c| (c.breaking, c.kind, c.item.as_str())).collect();
    assert_eq!(got, expect, "{changes:#?}");
    assert_eq!(bump(&changes), expect_bump);
    changes
}

#[test]
fn no_change() {
    check(BASE, &[], Bump::None);
}

#[test]
fn renamed_field() {
    let changes = check(
        &BASE.replace("name: {type: string}", "title: {type: string}"),
        &[(true, ChangeKind::FieldRenamed, "models::Pet::name")],
        Bump::Major,
    );
    assert!(changes[0].detail.contains("now `title`"), "{}", changes[0].detail);
}

#[test]
fn new_enum_value() {
    check(
        &BASE.replace("enum: [available, sold]", "enum: [available, sold, reserved]"),
        &[(false, ChangeKind::EnumValueAdded, "models::Status::Reserved")],
        Bump::Minor,
    );
}

#[test]
fn new_optional_field() {
    // Adding a field to a struct breaks struct literals without `..Default::default()`, which is
    // how Rust (and cargo-semver-checks) count it.
    let changes = check(
        &BASE.replace(
            "        name: {type: string}\n",
            "        name: {type: string}\n        nickname: {type: string}\n",
        ),
        &[(true, ChangeKind::FieldAdded, "models::Pet::nickname")],
        Bump::Major,
    );
    assert!(changes[0].detail.starts_with("optional"));
}

#[test]
fn field_made_required() {
    let changes = check(
        &BASE.replace("required: [id]", "required: [id, name]"),
        &[(true, ChangeKind::FieldChanged, "models::Pet::name")],
        Bump::Major,
    );
    assert_eq!(changes[0].detail, "String optional → String");
}

#[test]
fn removed_operation() {
    let new = BASE.replace(
        "  /pets/{id}:\n    delete:\n      operationId: deletePet\n      tags: [Pets]\n      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]\n      responses: {\"204\": {description: Gone.}}\n",
        "",
    );
    check(&new, &[(true, ChangeKind::OperationRemoved, "client.pets().delete_pet()")], Bump::Major);
}

#[test]
fn added_operation_and_optional_parameter_are_compatible() {
    let new = BASE.replace(
        "      tags: [Pets]\n      responses:\n        \"200\":",
        "      tags: [Pets]\n      parameters: [{name: limit, in: query, schema: {type: integer}}]\n      responses:\n        \"200\":",
    ) + "";
    let new = new.replace(
        "  /pets/{id}:\n",
        "  /owners:\n    get:\n      operationId: listOwners\n      tags: [Pets]\n      responses: {\"200\": {description: ok}}\n  /pets/{id}:\n",
    );
    check(
        &new,
        &[
            (false, ChangeKind::OperationAdded, "client.pets().list_owners()"),
            (false, ChangeKind::ParameterAdded, "client.pets().list_pets(): parameter `limit`"),
        ],
        Bump::Minor,
    );
}

#[test]
fn serde_impls_follow_what_operations_send() {
    let sent = BASE.replace(
        "  /pets/{id}:",
        r##"    post:
      operationId: createPet
      tags: [Pets]
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}
      responses: {"201": {description: Created.}}
  /pets/{id}:"##,
    );
    let changes = check(
        &sent,
        &[
            (false, ChangeKind::OperationAdded, "client.pets().create_pet()"),
            (false, ChangeKind::SerdeImplAdded, "models::Pet"),
        ],
        Bump::Minor,
    );
    assert!(changes[1].detail.contains("`Serialize` without the `full-serde` feature"), "{}", changes[1].detail);
    // The reverse: the only operation that sent `Pet` goes away.
    let old = cirqll_codegen::analyze_bytes(Path::new("old.yaml"), sent.as_bytes()).unwrap();
    let new = cirqll_codegen::analyze_bytes(Path::new("new.yaml"), BASE.as_bytes()).unwrap();
    let changes = diff(&old, &new);
    assert!(
        changes.iter().any(|c| c.breaking && c.kind == ChangeKind::SerdeImplRemoved && c.item == "models::Pet"),
        "{changes:#?}"
    );
}

#[test]
fn versions_and_changelog_entry() {
    assert_eq!(next_version("0.1.0", Bump::Major), "0.2.0");
    assert_eq!(next_version("0.1.0", Bump::Minor), "0.1.1");
    assert_eq!(next_version("1.4.2", Bump::Major), "2.0.0");
    assert_eq!(next_version("1.4.2", Bump::Minor), "1.5.0");
    assert_eq!(next_version("1.4.2", Bump::None), "1.4.2");
    let changes = check(
        &BASE.replace("enum: [available, sold]", "enum: [available]"),
        &[(true, ChangeKind::EnumValueRemoved, "models::Status::Sold")],
        Bump::Major,
    );
    let entry = changelog_entry("0.2.0", "HEAD", &changes);
    assert!(
        entry.starts_with("## 0.2.0\n")
            && entry.contains("### Breaking")
            && entry.contains("enum value removed: `models::Status::Sold`"),
        "{entry}"
    );
}

/// The same API written in OpenAPI 3.1 is no change; a webhook it adds is a compatible
/// addition, and removing it again is breaking.
#[test]
fn openapi31_and_webhooks() {
    let v31 = BASE.replace("openapi: 3.0.3", "openapi: 3.1.0");
    check(&v31, &[], Bump::None);
    let hook = "webhooks:\n  petSold:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: \"#/components/schemas/Pet\"}\ncomponents:";
    let with_hook = v31.replace("components:", hook);
    let changes = check(&with_hook, &[(false, ChangeKind::WebhookAdded, "webhooks::PetSold")], Bump::Minor);
    assert_eq!(changes[0].detail, "`POST petSold` payload: Pet");
    let old = cirqll_codegen::analyze_bytes(Path::new("old.yaml"), with_hook.as_bytes()).unwrap();
    let new = cirqll_codegen::analyze_bytes(Path::new("new.yaml"), v31.as_bytes()).unwrap();
    let changes = diff(&old, &new);
    assert!(
        changes.iter().any(|c| c.breaking && c.kind == ChangeKind::WebhookRemoved && c.item == "webhooks::PetSold"),
        "{changes:#?}"
    );
}
