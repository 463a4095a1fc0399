//! The client generated in `build.rs` and included as `build_script_example::petstore`, called
//! against a mock server on loopback.

use build_script_example::petstore::models::{NewPet, Pet};
use build_script_example::petstore::{Client, Error, SERVERS};
use build_script_example::{adopt, pet_names};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).build().expect("a valid base URL")
}

#[tokio::test]
async fn lists_pets_with_a_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets"))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([
            {"id": 1, "name": "Rex", "tag": "dog"},
            {"id": 2, "name": "Tom"},
        ])))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(pet_names(&client(&server), 2).await.unwrap(), ["Rex", "Tom"]);
}

#[tokio::test]
async fn creates_and_shows_a_pet() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/pets"))
        .and(header("content-type", "application/json"))
        .and(body_json(serde_json::json!({"name": "Nemo"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": 7, "name": "Nemo"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/pets/7"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 7, "name": "Nemo", "tag": "fish"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let stored = adopt(&client, "Nemo").await.unwrap();
    assert_eq!((stored.id, stored.name.as_str(), stored.tag.as_deref()), (7, "Nemo", None));
    let shown = client.pets().show_pet_by_id(7).send().await.unwrap();
    assert_eq!(shown.status, 200);
    let Pet { id, name, tag } = shown.value;
    assert_eq!((id, name.as_str(), tag.as_deref()), (7, "Nemo", Some("fish")));
}

#[tokio::test]
async fn error_bodies_reach_the_caller() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/404"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({"code": 404, "message": "no such pet"})),
        )
        .mount(&server)
        .await;
    let err = client(&server).pets().show_pet_by_id(404).send().await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    let Error::Api(api) = &err else { panic!("expected an API error, got {err:?}") };
    assert_eq!((api.status, api.message.as_deref()), (404, Some("no such pet")));
}

#[test]
fn the_module_carries_the_spec_servers_and_serde_impls() {
    assert_eq!(SERVERS, ["https://petstore.example.com/v1"]);
    // NewPet is sent: it serializes, and skips the absent tag.
    let json = serde_json::to_value(NewPet { name: "Rex".into(), tag: None }).unwrap();
    assert_eq!(json, serde_json::json!({"name": "Rex"}));
    // Pet is received: it decodes through the runtime's `deserialize_struct!`, whose `$crate`
    // paths the module mode rewrote, and names a missing field.
    let err = serde_json::from_value::<Pet>(serde_json::json!({"id": 1})).unwrap_err();
    assert_eq!(err.to_string(), "missing field `name`");
}
