//! The mock decodes each request body encoding into what the operation sends (hand-written;
//! the generator keeps `tests/`): JSON and form bodies into their types, multipart and raw
//! bodies as bytes; raw replies keep their bytes.

#![cfg(feature = "mock")]

use golden_bodies::mock::MockServer;
use golden_bodies::models::{SendFormBody, SendJsonBody, UploadBody, UploadResponse201};
use golden_bodies::runtime::serde_helpers::Binary;

#[tokio::test]
async fn json_and_form_bodies_are_matched_and_received_as_their_types() {
    let server = MockServer::start().await;
    let json = SendJsonBody { a: "x".into(), b: Some(2) };
    let form = SendFormBody { user: "ada lovelace".into(), remember: Some(true) };
    server.default().send_json().with_body(&json).returns().expect(1).await;
    server.default().send_form().with_body(&form).returns().expect(1).await;
    let client = server.client();

    client.default().send_json(&json).send().await.unwrap();
    client.default().send_form(&form).send().await.unwrap();
    let other = SendFormBody { remember: Some(false), ..form.clone() };
    assert_eq!(client.default().send_form(&other).send().await.unwrap_err().status(), Some(404));

    let forms = server.default().send_form().received().await;
    assert_eq!(forms.iter().map(|r| r.body.clone()).collect::<Vec<_>>(), [form, other]);
    assert_eq!(forms[0].header("content-type"), Some("application/x-www-form-urlencoded"));
}

#[tokio::test]
async fn multipart_and_raw_bodies_are_received_as_bytes() {
    let server = MockServer::start().await;
    let stored = UploadResponse201 { url: Some("https://files.example/1".into()) };
    server.default().upload().body_matching(|raw| raw.windows(7).any(|w| w == b"caption")).returns(&stored).await;
    server.default().put_raw().with_body(b"%PDF-1.7".to_vec()).returns(b"%PDF-1.7 back".to_vec()).expect(1).await;
    let client = server.client();

    let upload = UploadBody { file: Binary(b"bytes".to_vec()), caption: Some("a cat".into()), count: None };
    assert_eq!(client.default().upload(&upload).send().await.unwrap().value, stored);
    let back = client.default().put_raw(b"%PDF-1.7".to_vec()).send().await.unwrap();
    assert_eq!(back.value, b"%PDF-1.7 back");
    assert_eq!(back.headers["content-type"], "application/octet-stream");
}
