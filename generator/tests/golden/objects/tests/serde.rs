//! Decoding and encoding of generated models: the runtime's `deserialize_struct!` must behave
//! like `#[derive(Deserialize)]` on JSON objects, and the serde impls follow each type's use.

use golden_objects::models::{Settings, Widget, WidgetPatch};

const WIDGET: &str = r#"{"id": "6f1c1a8e-4c3b-4a0e-9f6e-2b1a6f0c9d11", "name": "w", "created_at": "2024-05-01T10:00:00Z"}"#;

fn widget(extra: &str) -> Result<Widget, serde_json::Error> {
    serde_json::from_str(&WIDGET.replacen('{', &format!("{{{extra}"), 1))
}

#[test]
fn required_fields_decode_and_optional_ones_default_to_none() {
    let w = widget("").unwrap();
    assert_eq!(w.name, "w");
    assert_eq!(w.small, None);
    assert_eq!(w.note, None);
}

#[test]
fn a_missing_required_field_is_named() {
    let err = serde_json::from_str::<Widget>(r#"{"id": "6f1c1a8e-4c3b-4a0e-9f6e-2b1a6f0c9d11", "name": "w"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing field `created_at`"), "{err}");
}

#[test]
fn a_repeated_field_is_an_error() {
    let err = widget(r#""name": "first", "#).unwrap_err().to_string();
    assert!(err.contains("duplicate field `name`"), "{err}");
}

#[test]
fn null_and_absent_differ_only_for_optional_nullable_fields() {
    assert_eq!(widget(r#""note": null, "#).unwrap().note, Some(None));
    assert_eq!(widget(r#""note": "n", "#).unwrap().note, Some(Some("n".to_owned())));
    assert_eq!(widget("").unwrap().note, None);
    assert_eq!(widget(r#""small": null, "#).unwrap().small, None);
    assert_eq!(widget(r#""small": 4, "#).unwrap().small, Some(4));
}

#[test]
fn unknown_keys_are_skipped_and_escaped_keys_match() {
    let w = widget(r#""surprise": {"deep": [1, 2]}, "sm\u0061ll": 7, "#).unwrap();
    assert_eq!(w.small, Some(7));
}

#[test]
fn wrong_value_types_are_errors_with_a_position() {
    let err = widget(r#""small": "four", "#).unwrap_err();
    assert!(err.to_string().contains("invalid type: string \"four\", expected i32"), "{err}");
}

#[test]
fn declared_fields_use_wire_names_and_the_rest_land_in_the_map() {
    let s: Settings = serde_json::from_str(r#"{"Theme": "dark", "page-size": 20, "locale": "nl"}"#).unwrap();
    assert_eq!(s.theme, "dark");
    assert_eq!(s.page_size, Some(20));
    assert_eq!(s.additional_properties.get("locale").map(String::as_str), Some("nl"));
    assert_eq!(s.additional_properties.len(), 1);
}

#[test]
fn models_decode_from_a_json_tree_too() {
    let value = serde_json::json!({"Theme": "light", "x": "y"});
    let s: Settings = serde_json::from_value(value).unwrap();
    assert_eq!((s.theme.as_str(), s.additional_properties.len()), ("light", 1));
}

#[test]
fn objects_written_as_arrays_are_refused() {
    assert!(serde_json::from_str::<Settings>(r#"["dark", 20]"#).is_err());
}

#[test]
fn sent_types_serialize_without_absent_fields() {
    let patch = WidgetPatch { note: Some(None), ..Default::default() };
    assert_eq!(serde_json::to_string(&patch).unwrap(), r#"{"note":null}"#);
}

/// With `full-serde`, received types serialize and sent types deserialize, symmetrically.
#[cfg(feature = "full-serde")]
#[test]
fn full_serde_round_trips_both_directions() {
    let s: Settings = serde_json::from_str(r#"{"Theme": "dark", "page-size": 20, "locale": "nl"}"#).unwrap();
    let back: serde_json::Value = serde_json::to_value(&s).unwrap();
    assert_eq!(back, serde_json::json!({"Theme": "dark", "page-size": 20, "locale": "nl"}));
    let patch: WidgetPatch = serde_json::from_str(r#"{"note": null, "name": "n"}"#).unwrap();
    assert_eq!((patch.note, patch.name.as_deref()), (Some(None), Some("n")));
}
