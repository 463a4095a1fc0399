//! A document with webhooks and no paths: its crate has no operations, and each webhook's
//! payload decodes through the alias the `webhooks` module gives it.

use golden_webhooks31::webhooks::{PetAdopted, PetUpdatedPatch, Ping};

#[test]
fn payloads_decode_through_their_webhook_aliases() {
    let adoption: PetAdopted = serde_json::from_str(
        r#"{"pet": {"id": 7, "name": "Rex"}, "adopter": "Ann", "adopted_at": "2025-03-01T12:00:00Z"}"#,
    )
    .unwrap();
    assert_eq!((adoption.pet.id, adoption.adopter.as_str()), (7, "Ann"));
    assert!(matches!(adoption.adopted_at, Some(Some(_))));

    let ping: Ping = serde_json::from_str(r#"{"sent_at": "2025-03-01T12:00:00Z", "note": null}"#).unwrap();
    assert_eq!(ping.note, Some(None));
}

#[test]
fn payloads_are_what_the_server_sends() {
    // `secret` is writeOnly: a payload never carries it, so the type has no such field, and
    // a stray one is skipped like any unknown key.
    let pet: PetUpdatedPatch = serde_json::from_str(r#"{"id": 7, "name": "Rex", "secret": "s"}"#).unwrap();
    assert_eq!(pet, golden_webhooks31::models::Pet { id: 7, name: "Rex".into() });
    // `id` is readOnly, which is what the server sends: required here.
    let err = serde_json::from_str::<PetUpdatedPatch>(r#"{"name": "Rex"}"#).unwrap_err().to_string();
    assert!(err.contains("missing field `id`"), "{err}");
}
