//! What a client generated from a Swagger 2.0 document puts on the wire, against wiremock
//! servers on loopback: servers from `host`/`basePath`/`schemes`, every `collectionFormat`,
//! formData as urlencoded and multipart bodies, header parameters and response headers.

use golden_swagger2::models::{NewPet, UpdatePetWithFormBody, UploadPhotoBody};
use golden_swagger2::runtime::serde_helpers::Binary;
use golden_swagger2::{Client, SERVERS};
use wiremock::matchers::{body_json, body_string, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).build().unwrap()
}

/// The raw query string of a request, exactly as sent.
fn query_is(expected: &'static str) -> impl Fn(&Request) -> bool {
    move |r: &Request| r.url.query() == Some(expected)
}

#[tokio::test]
async fn servers_come_from_host_base_path_and_schemes() {
    // https first although the document lists http first; basePath is part of every URL.
    assert_eq!(SERVERS, ["https://api.example.com:8443/v2", "http://api.example.com:8443/v2"]);
    // getPhoto declares `schemes: [http]`, so it goes to the second server; the others to the first.
    let (https, http) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("GET"))
        .and(path("/v2/pets/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 7, "name": "Rex", "petType": "Dog"})))
        .expect(1)
        .mount(&https)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/pets/7/photo"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![0x89, b'P', b'N', b'G'], "image/png"))
        .expect(1)
        .mount(&http)
        .await;
    let client = Client::builder()
        .server_url(0, format!("{}/v2", https.uri()))
        .server_url(1, format!("{}/v2", http.uri()))
        .build()
        .unwrap();
    let pet = client.pets().get_pet(7).send().await.unwrap();
    assert_eq!((pet.id, pet.name.as_str(), pet.pet_type.as_str()), (7, "Rex", "Dog"));
    let photo = client.files().get_photo(7).send().await.unwrap();
    assert_eq!(photo.value, [0x89, b'P', b'N', b'G']);
}

#[tokio::test]
async fn every_collection_format_on_the_wire_and_response_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets"))
        // csv, multi (repeated), ssv (space), tsv (tab), pipes; percent-encoded by the URL.
        .and(query_is("limit=5&tags=a%2Cb&ids=1&ids=2&words=x+y&columns=c%09d&codes=e%7Cf&status=sold"))
        // A header array with collectionFormat pipes (3.0 headers have no pipe style).
        .and(|r: &Request| r.headers.get("x-trace").is_some_and(|v| v == "t1|t2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-Total-Count", "2")
                .set_body_json(serde_json::json!([{"id": 1, "name": "Rex", "petType": "Dog", "tag": null}])),
        )
        .expect(1)
        .mount(&server)
        .await;
    let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let response = client(&server)
        .pets()
        .list_pets()
        .limit(5)
        .tags(strings(&["a", "b"]))
        .ids(vec![1, 2])
        .words(strings(&["x", "y"]))
        .columns(strings(&["c", "d"]))
        .codes(strings(&["e", "f"]))
        .status(golden_swagger2::models::ListPetsStatus::Sold)
        .x_trace(strings(&["t1", "t2"]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers.get("x-total-count").map(|v| v.to_str().unwrap()), Some("2"));
    assert_eq!(response.value.len(), 1);
    // `x-nullable: true` on an optional property: present but null.
    assert_eq!(response.value[0].tag, Some(None));
}

#[tokio::test]
async fn form_data_is_an_urlencoded_body_with_each_collection_format() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/pets/7"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        // Declared order; multi repeats the field, pipes and csv join the items.
        .and(body_string("name=Rex&nicknames=a&nicknames=b&colors=red%7Cblue&scores=1%2C2"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let body = UpdatePetWithFormBody {
        name: "Rex".into(),
        nicknames: Some(vec!["a".into(), "b".into()]),
        colors: Some(vec!["red".into(), "blue".into()]),
        scores: Some(vec![1, 2]),
    };
    let response = client(&server).pets().update_pet_with_form(7, &body).send().await.unwrap();
    assert_eq!(response.status, 204);
}

#[tokio::test]
async fn a_file_field_makes_a_multipart_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/pets/7/photo"))
        .and(|r: &Request| {
            let content_type = r.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
            let body = String::from_utf8_lossy(&r.body);
            let part = |name: &str, value: &str| {
                body.split(&format!("form-data; name=\"{name}\"")).nth(1).is_some_and(|rest| {
                    rest.split("\r\n\r\n").nth(1).is_some_and(|v| v.starts_with(&format!("{value}\r\n")))
                })
            };
            content_type.starts_with("multipart/form-data; boundary=")
                && part("file", "PNGDATA")
                && part("caption", "On the beach")
                // csv in a multipart body: one part with the joined items.
                && part("labels", "sea,sand")
        })
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"url": "https://cdn.example.com/7.png"})))
        .expect(1)
        .mount(&server)
        .await;
    let body = UploadPhotoBody {
        file: Binary(b"PNGDATA".to_vec()),
        caption: Some("On the beach".into()),
        labels: Some(vec!["sea".into(), "sand".into()]),
    };
    let photo = client(&server).files().upload_photo(7, &body).send().await.unwrap();
    assert_eq!(photo.url.as_deref(), Some("https://cdn.example.com/7.png"));
}

#[tokio::test]
async fn body_parameters_and_header_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/pets"))
        .and(header("content-type", "application/json"))
        .and(body_json(serde_json::json!({"name": "Rex"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": 9, "name": "Rex", "petType": "Dog"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/pets/9"))
        .and(header("x-reason", "adopted"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let pet = client.pets().add_pet(&NewPet { name: "Rex".into(), tag: None }).send().await.unwrap();
    assert_eq!(pet.id, 9);
    assert_eq!(client.pets().delete_pet(9, "adopted").send().await.unwrap().status, 204);
}
