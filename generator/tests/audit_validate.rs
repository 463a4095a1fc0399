//! The audit's validator on small schemas (`tests/audit/validate.yaml`): each OpenAPI 3.0
//! construct accepts what it should, and each violation comes out once, with its kind, the
//! pointer into the value and the pointer of the violated keyword in the spec.

#![cfg(feature = "audit")]

use cirqll_codegen::audit::validate::Validator;
use serde_json::{json, Value};

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/audit/validate.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `(kind, instance, schema)` of every violation of `value` against component `schema`.
fn violations(spec: &Value, schema: &str, value: Value) -> Vec<(String, String, String)> {
    let validator = Validator::new(spec, spec["x-datetime-format"].as_str().map(str::to_owned));
    let mut out: Vec<_> = validator
        .check(&format!("#/components/schemas/{schema}"), &value, "")
        .violations
        .into_iter()
        .map(|v| (v.kind.as_str().to_owned(), v.instance, v.schema))
        .collect();
    out.sort();
    out
}

fn expect(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = list.iter().map(|(k, i, s)| (k.to_string(), i.to_string(), s.to_string())).collect();
    v.sort();
    v
}

const PET: &str = "#/components/schemas/Pet/allOf/1/properties";

fn valid_pet() -> Value {
    json!({
        "id": 1, "created_at": "2024-05-18 13:38:35", "name": "rex", "status": "a", "nick": null,
        "owner": {"name": "o"}, "friend": null, "tags": ["a@b.nl"], "weight": 0.5, "born": "2024-01-02",
        "site": "https://example.com/x", "uid": "6f1c1a8e-4c3b-4a0e-9f6e-2b1a6f0c9d11", "small": 5
    })
}

#[test]
fn a_valid_value_passes_allof_nullable_read_and_write_only() {
    let spec = spec();
    // `password` is required but write-only: a response may omit it. `id` is read-only.
    assert_eq!(violations(&spec, "Pet", valid_pet()), expect(&[]));
    let mut rfc3339 = valid_pet();
    rfc3339["created_at"] = json!("2024-05-18T13:38:35+02:00");
    assert_eq!(violations(&spec, "Pet", rfc3339), expect(&[]));
}

#[test]
fn every_disagreement_is_named_by_kind_and_both_pointers() {
    let spec = spec();
    let mut pet = valid_pet();
    let obj = pet.as_object_mut().unwrap();
    obj.remove("created_at");
    obj.insert("color".into(), json!("red"));
    obj.insert("password".into(), json!("hunter2"));
    obj.insert("id".into(), json!("7"));
    obj.insert("name".into(), json!("Rexxxx"));
    obj.insert("status".into(), json!("c"));
    obj.insert("owner".into(), json!(null));
    obj.insert("tags".into(), json!(["not-an-email", "a@b.nl", "c@d.nl"]));
    obj.insert("weight".into(), json!(0));
    obj.insert("born".into(), json!("02-01-2024"));
    obj.insert("site".into(), json!("not a uri"));
    obj.insert("uid".into(), json!("nope"));
    obj.insert("small".into(), json!(3_000_000_000u64));
    let p = |rest: &str| format!("{PET}/{rest}");
    assert_eq!(
        violations(&spec, "Pet", pet),
        expect(&[
            ("missing-required", "/created_at", "#/components/schemas/Base/required/1"),
            ("undocumented-field", "/color", PET),
            ("undocumented-field", "/password", PET),
            ("type-mismatch", "/id", "#/components/schemas/Base/properties/id/type"),
            ("constraint-violation", "/name", &p("name/maxLength")),
            ("constraint-violation", "/name", &p("name/pattern")),
            ("unknown-enum-value", "/status", &p("status/enum")),
            ("type-mismatch", "/owner", "#/components/schemas/Owner/type"),
            ("constraint-violation", "/tags", &p("tags/maxItems")),
            ("format-mismatch", "/tags/0", &p("tags/items/format")),
            ("constraint-violation", "/weight", &p("weight/minimum")),
            ("format-mismatch", "/born", &p("born/format")),
            ("format-mismatch", "/site", &p("site/format")),
            ("format-mismatch", "/uid", &p("uid/format")),
            ("format-mismatch", "/small", &p("small/format")),
        ])
    );
}

#[test]
fn date_times_are_rfc3339_or_the_wire_format() {
    let spec = spec();
    let mut pet = valid_pet();
    pet["created_at"] = json!("18-05-2024 13:38");
    let validator = Validator::new(&spec, Some("%Y-%m-%d %H:%M:%S".into()));
    let out = validator.check("#/components/schemas/Pet", &pet, "");
    assert_eq!(out.violations.len(), 1, "{:?}", out.violations);
    let v = &out.violations[0];
    assert_eq!(
        (v.kind.as_str(), v.schema.as_str()),
        ("format-mismatch", "#/components/schemas/Base/properties/created_at/format")
    );
    assert!(v.message.contains("x-datetime-format `%Y-%m-%d %H:%M:%S`"), "{}", v.message);
    // Without a declared wire format only RFC 3339 passes.
    pet["created_at"] = json!("2024-05-18 13:38:35");
    assert_eq!(Validator::new(&spec, None).check("#/components/schemas/Pet", &pet, "").violations.len(), 1);
}

#[test]
fn the_discriminator_picks_the_alternative() {
    let spec = spec();
    assert_eq!(violations(&spec, "Shape", json!({"kind": "circle", "r": 1})), expect(&[]));
    assert_eq!(
        violations(&spec, "Shape", json!({"kind": "square", "r": 1})),
        expect(&[
            ("missing-required", "/side", "#/components/schemas/Square/required/1"),
            ("undocumented-field", "/r", "#/components/schemas/Square/properties"),
        ])
    );
    assert_eq!(
        violations(&spec, "Shape", json!({"kind": "triangle"})),
        expect(&[("unknown-enum-value", "/kind", "#/components/schemas/Shape/discriminator")])
    );
    assert_eq!(
        violations(&spec, "Shape", json!({"r": 1})),
        expect(&[("missing-required", "/kind", "#/components/schemas/Shape/discriminator/propertyName")])
    );
}

#[test]
fn without_a_discriminator_the_first_fitting_alternative_wins_else_the_closest_is_reported() {
    let spec = spec();
    assert_eq!(violations(&spec, "IdOrName", json!(5)), expect(&[]));
    assert_eq!(violations(&spec, "IdOrName", json!({"name": "x"})), expect(&[]));
    assert_eq!(
        violations(&spec, "IdOrName", json!({"nom": "x"})),
        expect(&[
            ("missing-required", "/name", "#/components/schemas/IdOrName/anyOf/1/required/0"),
            ("undocumented-field", "/nom", "#/components/schemas/IdOrName/anyOf/1/properties"),
        ])
    );
    let validator = Validator::new(&spec, None);
    let out = validator.check("#/components/schemas/IdOrName", &json!("text"), "");
    assert_eq!(out.violations.len(), 1);
    assert_eq!(out.violations[0].schema, "#/components/schemas/IdOrName/anyOf/0/type");
    assert!(out.violations[0].message.contains("no `anyOf` alternative fits"), "{}", out.violations[0].message);
}

#[test]
fn additional_properties_decide_what_undeclared_keys_are() {
    let spec = spec();
    assert_eq!(
        violations(&spec, "Bag", json!({"a": "x", "n": 1, "m": "bad"})),
        expect(&[("type-mismatch", "/m", "#/components/schemas/Bag/additionalProperties/type")])
    );
    assert_eq!(
        violations(&spec, "Closed", json!({"a": "x", "b": 1})),
        expect(&[("undocumented-field", "/b", "#/components/schemas/Closed/additionalProperties")])
    );
    // An object schema without properties is a free-form map.
    assert_eq!(violations(&spec, "Free", json!({"anything": [1]})), expect(&[]));
}

#[test]
fn keywords_imply_a_type_and_null_needs_nullable() {
    let spec = spec();
    assert_eq!(
        violations(&spec, "Implied", json!("text")),
        expect(&[("type-mismatch", "", "#/components/schemas/Implied")])
    );
    assert_eq!(
        violations(&spec, "Owner", json!(null)),
        expect(&[("type-mismatch", "", "#/components/schemas/Owner/type")])
    );
}

#[test]
fn headers_are_read_as_their_schema_type() {
    let spec = spec();
    let validator = Validator::new(&spec, None);
    assert!(validator.check_header("#/components/headers/Remaining", "12").violations.is_empty());
    let out = validator.check_header("#/components/headers/Remaining", "many");
    let kinds: Vec<&str> = out.violations.iter().map(|v| v.kind.as_str()).collect();
    assert_eq!(kinds, ["type-mismatch"]);
    let out = validator.check_header("#/components/headers/Remaining", "-1");
    assert_eq!(out.violations[0].schema, "#/components/headers/Remaining/schema/minimum");
}

#[test]
fn the_schemas_used_are_recorded() {
    let spec = spec();
    let out = Validator::new(&spec, None).check("#/components/schemas/Pet", &valid_pet(), "");
    for used in
        ["#/components/schemas/Pet", "#/components/schemas/Base", "#/components/schemas/Owner", &format!("{PET}/name")]
    {
        assert!(out.visited.iter().any(|v| v == used), "{used} not in {:?}", out.visited);
    }
    assert!(!out.visited.iter().any(|v| v.starts_with("#/components/schemas/Shape")));
}

#[test]
fn a_schema_that_refers_to_itself_in_place_ends() {
    let spec = spec();
    let validator = Validator::new(&spec, None);
    assert!(validator.check("#/components/schemas/Loop", &json!("text"), "").violations.is_empty());
    validator.check("#/components/schemas/Loop", &json!(5), "");
    assert_eq!(
        validator.notes(),
        ["#/components/schemas/Loop: the schema refers to itself without going deeper into the value; not followed"]
    );
}
