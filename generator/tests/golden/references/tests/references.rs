//! References into every part of the spec work end to end (against a wiremock server on
//! loopback), and recursive types decode finite JSON without recursing forever, including the
//! one no finite value satisfies.

use golden_references::models::{Catalog, Category, Expression, GetItemResponse200, Nested, Pet, TreeNode};
use golden_references::Client;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn item() -> serde_json::Value {
    serde_json::json!({"id": 7, "detail": {"note": "n", "tags": ["a"]}})
}

async fn server() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    (server, client)
}

#[tokio::test]
async fn a_path_item_reference_is_the_same_operation_on_its_own_path() {
    let (server, client) = server().await;
    Mock::given(method("GET"))
        .and(path("/things/7"))
        .and(query_param("fields", "note"))
        .respond_with(ResponseTemplate::new(200).set_body_json(item()))
        .expect(1)
        .mount(&server)
        .await;
    let response = client.items().get_item_2(7).fields(vec!["note".to_owned()]).send().await.unwrap();
    let detail = response.value.detail.expect("detail");
    assert_eq!((response.value.id, detail.tags), (7, Some(vec!["a".to_owned()])));
}

#[tokio::test]
async fn parameters_bodies_and_responses_can_live_in_other_operations() {
    let (server, client) = server().await;
    Mock::given(method("PUT"))
        .and(path("/items/7/copy"))
        .and(query_param("fields", "id"))
        .and(body_json(item()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/items"))
        .and(body_json(item()))
        .respond_with(ResponseTemplate::new(201).set_body_json(item()))
        .expect(1)
        .mount(&server)
        .await;
    let body: GetItemResponse200 = serde_json::from_value(item()).unwrap();
    client.items().copy_item(7, &body).fields(vec!["id".to_owned()]).send().await.unwrap();
    let created = client.items().create_item(&body).send().await.unwrap();
    assert_eq!((created.status, created.value), (201, body));
}

#[test]
fn a_definition_inside_a_schema_recurses_through_its_array() {
    let catalog: Catalog = serde_json::from_value(serde_json::json!({
        "root": {"name": "all", "children": [{"name": "books", "children": [{"name": "poetry", "children": []}]}]},
        "nested": [[], [[]]],
        "pet": {"kind": "cat", "purrs": true}
    }))
    .unwrap();
    let Category { name, children } = catalog.root;
    assert_eq!((name.as_str(), children[0].children[0].name.as_str()), ("all", "poetry"));
    let nested: Nested = catalog.nested.expect("nested");
    assert_eq!(nested, vec![serde_json::json!([]), serde_json::json!([[]])]);
    assert!(matches!(catalog.pet, Some(Pet::Cat(ref cat)) if cat.purrs == Some(true)), "{:?}", catalog.pet);
}

#[test]
fn a_discriminator_mapping_may_name_schemas_or_reference_them() {
    let pet = |kind: &str| serde_json::from_value::<Pet>(serde_json::json!({"kind": kind})).unwrap();
    assert!(matches!(pet("cat"), Pet::Cat(_)));
    assert!(matches!(pet("dog"), Pet::Dog(_)));
    assert!(matches!(pet("cow"), Pet::Unknown(_)));
}

/// `TreeNode.parent` is required and not nullable: every JSON value of the type is infinite,
/// so decoding always fails, at the end of whatever finite input it is given, and deep input
/// hits serde_json's recursion limit instead of the stack's.
#[test]
fn a_type_with_no_finite_value_fails_to_decode_without_recursing_forever() {
    let err = serde_json::from_str::<TreeNode>(r#"{"name": "leaf", "parent": {"name": "root"}}"#).unwrap_err();
    assert!(err.to_string().contains("missing field `parent`"), "{err}");
    let depth = 100_000;
    let deep = format!("{}{{}}{}", r#"{"name": "n", "parent": "#.repeat(depth), "}".repeat(depth));
    let err = serde_json::from_str::<TreeNode>(&deep).unwrap_err();
    assert!(err.to_string().contains("recursion limit exceeded"), "{err}");
}

/// A reference documented through `allOf` (`[{$ref: Expression}, {description}]`) is that
/// type, boxed where it recurses; `{nullable: true}` as the second member makes it nullable;
/// an inline object extending its own ancestor is one type that refers to itself.
#[test]
fn references_documented_through_all_of_are_the_referenced_type() {
    let json = serde_json::json!({
        "Not": {"And": [{"Tagged": {"tag": "outer", "Tagged": {"tag": "inner", "Not": {}}}}]},
        "Nullable": null
    });
    let e: Expression = serde_json::from_value(json).unwrap();
    let not: &Expression = e.not.as_deref().unwrap();
    let and = not.and.as_ref().unwrap();
    let outer = and[0].tagged.as_deref().unwrap();
    assert_eq!(outer.tag.as_deref(), Some("outer"));
    let inner = outer.tagged.as_deref().unwrap();
    assert_eq!(inner.tag.as_deref(), Some("inner"));
    assert_eq!(inner.not.as_deref(), Some(&Expression::default()));
    // `null` and absent differ for the nullable reference.
    assert_eq!(e.nullable, Some(None));
    assert_eq!(not.nullable, None);
}
