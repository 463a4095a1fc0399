//! How the OpenAPI 3.1 constructs of `fixtures/openapi31.yaml` decode and travel: nullable
//! through type arrays and null unions, tuples from `prefixItems`, discriminator tags from
//! `const`, base64 and binary strings, several types as an untagged union.

use golden_openapi31::models::{Owner, Pet, PetIdOrName, Kind, Route, Shape, UploadPhotoBody};
use golden_openapi31::runtime::serde_helpers::{Base64, Binary};
use golden_openapi31::Client;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn pet(extra: &str) -> Result<Pet, serde_json::Error> {
    serde_json::from_str(&format!(r#"{{{extra} "id": 1, "name": "Rex"}}"#).replace("{ ", r#"{"nickname": null, "#))
}

#[test]
fn a_null_type_in_a_type_array_makes_the_field_nullable() {
    // Required and `[string, "null"]`: `Option<String>`, as for 3.0's `nullable: true`.
    assert_eq!(pet("").unwrap().nickname, None);
    let named: Pet = serde_json::from_str(r#"{"id": 1, "name": "Rex", "nickname": "R"}"#).unwrap();
    assert_eq!(named.nickname.as_deref(), Some("R"));
    // Without the null type the field would be a plain `String`: `id` is, and must be there.
    let err = serde_json::from_str::<Pet>(r#"{"name": "Rex", "nickname": null}"#).unwrap_err().to_string();
    assert!(err.contains("missing field `id`"), "{err}");
    // Optional and `[string, "null"]`: absent, null and a value all differ.
    assert_eq!(pet("").unwrap().tag, None);
    assert_eq!(pet(r#""tag": null,"#).unwrap().tag, Some(None));
    assert_eq!(pet(r#""tag": "good","#).unwrap().tag, Some(Some("good".to_owned())));
    assert!(pet(r#""tag": 5,"#).is_err(), "a type array with one other type still checks the type");
}

#[test]
fn an_any_of_with_null_is_a_nullable_reference() {
    assert_eq!(pet(r#""owner": null,"#).unwrap().owner, Some(None));
    assert_eq!(pet(r#""owner": {"name": "Ann"},"#).unwrap().owner, Some(Some(Owner { name: "Ann".into() })));
}

#[test]
fn several_types_decode_into_an_untagged_union() {
    assert_eq!(pet(r#""id_or_name": 7,"#).unwrap().id_or_name, Some(PetIdOrName::Integer(7)));
    assert_eq!(pet(r#""id_or_name": "seven","#).unwrap().id_or_name, Some(PetIdOrName::String("seven".into())));
    assert_eq!(pet(r#""id_or_name": [7],"#).unwrap().id_or_name, Some(PetIdOrName::Unknown(serde_json::json!([7]))));
}

#[test]
fn a_defs_enum_reached_by_ref_is_typed() {
    assert_eq!(pet(r#""kind": "cat","#).unwrap().kind, Some(Kind::Cat));
    assert_eq!(pet(r#""kind": "fish","#).unwrap().kind, Some(Kind::Unknown("fish".into())));
}

#[test]
fn base64_strings_decode_into_bytes() {
    assert_eq!(pet(r#""thumbnail": "aGVsbG8=","#).unwrap().thumbnail, Some(Base64(b"hello".to_vec())));
    // The URL-safe alphabet and missing padding are accepted too.
    assert_eq!(pet(r#""thumbnail": "-_8","#).unwrap().thumbnail, Some(Base64(vec![0xfb, 0xff])));
    let err = pet(r#""thumbnail": "not base64!","#).unwrap_err().to_string();
    assert!(err.contains("invalid base64"), "{err}");
    assert_eq!(serde_json::to_string(&Base64(vec![0xfb, 0xff])).unwrap(), r#""+/8=""#);
}

#[test]
fn prefix_items_decode_into_tuples() {
    let route: Route =
        serde_json::from_str(r#"{"start": [4.9, 52.37], "legs": [[5.1, 52.09], [4.48, 51.92]], "label": null}"#).unwrap();
    assert_eq!(route.start, (4.9, 52.37));
    assert_eq!(route.legs, vec![(5.1, 52.09), (4.48, 51.92)]);
    assert_eq!(route.label, Some(None));
    // Open arrays: uniform ones are a `Vec` of their type, others of JSON values.
    let route: Route = serde_json::from_str(r#"{"start": [0, 0], "legs": [], "distances": [1.5, 2], "elevation": [3, "m", 4]}"#).unwrap();
    assert_eq!(route.distances, Some(vec![1.5, 2.0]));
    assert_eq!(route.elevation, Some(vec![serde_json::json!(3), serde_json::json!("m"), serde_json::json!(4)]));
    // A closed tuple has exactly its elements.
    for wrong in [r#"[4.9]"#, r#"[4.9, 52.37, 0]"#, r#"["4.9", 52.37]"#] {
        let text = format!(r#"{{"start": {wrong}, "legs": []}}"#);
        assert!(serde_json::from_str::<Route>(&text).is_err(), "{wrong} decoded");
    }
}

#[test]
fn const_tags_dispatch_a_discriminated_union_without_a_mapping() {
    let shapes: Vec<Shape> = serde_json::from_str(
        r#"[{"kind": "circle", "radius": 1.5}, {"kind": "square", "side": 2}, {"kind": "hexagon", "side": 1}]"#,
    )
    .unwrap();
    assert!(matches!(&shapes[0], Shape::Circle(c) if c.radius == 1.5));
    assert!(matches!(&shapes[1], Shape::Square(s) if s.side == 2.0));
    assert!(matches!(&shapes[2], Shape::Unknown(v) if v["kind"] == "hexagon"));
}

#[tokio::test]
async fn a_binary_content_media_type_is_sent_as_a_file_part() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/pets/rex/photo"))
        .and(body_string_contains(r#"name="photo"; filename="photo""#))
        .and(body_string_contains("PNG image bytes"))
        .and(body_string_contains(r#"name="caption""#))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let body = UploadPhotoBody { photo: Binary(b"PNG image bytes".to_vec()), caption: Some(Some("Rex".into())) };
    let response = client.default().upload_photo("rex", &body).send().await.unwrap();
    assert_eq!(response.status, 204);
}

#[tokio::test]
async fn a_path_item_from_components_is_an_operation() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([{"id": 1, "name": "Rex", "nickname": null}])))
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let pets = client.default().list_pets().limit(10).send().await.unwrap().value;
    assert_eq!(pets.len(), 1);
    assert_eq!(pets[0].name, "Rex");
}
