//! Applying an OpenAPI Overlay 1.0 document to a spec file.
//!
//! Actions run in order. `target` is an RFC 9535 JSONPath (serde_json_path); `remove: true`
//! removes every node it selects; `update` merges into every object it selects (objects merge
//! recursively, arrays concatenate, other values replace) and is appended to every array it
//! selects. The result is written back into the YAML text in place ([`super::yaml`]), keeping
//! comments, quoting and key order; if the text cannot be edited in place, the document is
//! written out whole and the report says the comments were lost. A JSON spec is written as
//! indented JSON.

use std::path::Path;

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use super::AuditError;

/// What applying an overlay did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Actions applied.
    pub actions: usize,
    /// Targets of actions that selected nothing (`#/actions/<i>` and the target).
    pub unmatched: Vec<String>,
    /// Set when the file had to be written whole, losing its comments (why).
    pub rewritten: Option<String>,
}

/// Applies the overlay document `overlay` to the tree `doc`. Errors name the overlay node.
pub fn apply_tree(doc: &mut Value, overlay: &Value) -> Result<Applied, String> {
    let version = overlay.get("overlay").and_then(Value::as_str).ok_or("#/overlay: missing the overlay version")?;
    if !(version == "1.0" || version.starts_with("1.0.")) {
        return Err(format!("#/overlay: version {version} (this tool applies Overlay 1.0 documents)"));
    }
    let actions = overlay.get("actions").and_then(Value::as_array).ok_or("#/actions: missing or not a list")?;
    let mut applied = Applied::default();
    for (i, action) in actions.iter().enumerate() {
        let at = format!("#/actions/{i}");
        let target = action.get("target").and_then(Value::as_str).ok_or(format!("{at}/target: missing"))?;
        let path = JsonPath::parse(target).map_err(|e| format!("{at}/target: not a JSONPath: {e}"))?;
        let mut pointers: Vec<String> = path.query_located(doc).locations().map(|l| l.to_json_pointer()).collect();
        if pointers.is_empty() {
            applied.unmatched.push(format!("{at}: {target}"));
            continue;
        }
        applied.actions += 1;
        if action.get("remove").and_then(Value::as_bool) == Some(true) {
            // Later siblings (higher indexes) and deeper nodes first, so pointers stay valid.
            pointers.sort_by(|a, b| compare(b, a));
            pointers.dedup();
            for p in pointers {
                remove(doc, &p).map_err(|e| format!("{at}: {e}"))?;
            }
            continue;
        }
        let Some(update) = action.get("update") else { continue };
        for p in pointers {
            match doc.pointer_mut(&p) {
                Some(Value::Object(node)) => match update {
                    Value::Object(u) => merge(node, u),
                    _ => return Err(format!("{at}/update: must be an object to merge into the object at {p}")),
                },
                Some(Value::Array(items)) => items.push(update.clone()),
                _ => return Err(format!("{at}/target: selects a value that is neither an object nor an array ({p})")),
            }
        }
    }
    Ok(applied)
}

/// Pointers in document order: segment by segment, array indexes numerically.
fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut a, mut b) = (a.split('/'), b.split('/'));
    loop {
        match (a.next(), b.next()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    _ => x.cmp(y),
                };
                if order != std::cmp::Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

fn remove(doc: &mut Value, pointer: &str) -> Result<(), String> {
    if pointer.is_empty() {
        return Err("cannot remove the whole document".into());
    }
    let (parent, last) = pointer.rsplit_once('/').ok_or("malformed pointer")?;
    let key = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
            Ok(())
        }
        Some(Value::Array(items)) => {
            let i: usize = key.parse().map_err(|_| format!("bad index in {pointer}"))?;
            if i < items.len() {
                items.remove(i);
            }
            Ok(())
        }
        _ => Err(format!("no container at {parent}")),
    }
}

/// Overlay merge: objects recursively, arrays concatenated, anything else replaced.
pub fn merge(target: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (k, v) in update {
        match (target.get_mut(k), v) {
            (Some(Value::Object(t)), Value::Object(u)) => merge(t, u),
            (Some(Value::Array(t)), Value::Array(u)) => t.extend(u.iter().cloned()),
            (Some(t), v) => *t = v.clone(),
            (None, v) => {
                target.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Reads an overlay file (YAML or JSON).
pub fn read_overlay(path: &Path) -> Result<Value, AuditError> {
    let text = std::fs::read_to_string(path).map_err(|e| AuditError::Io(format!("{}: {e}", path.display())))?;
    serde_yaml::from_str(&text)
        .map_err(|e| AuditError::Input(format!("{}: not a YAML or JSON document: {e}", path.display())))
}

/// Applies the overlay at `overlay` to the spec file `spec`, writing the result to `out`.
pub fn apply_file(spec: &Path, overlay: &Path, out: &Path) -> Result<Applied, AuditError> {
    let text = std::fs::read_to_string(spec).map_err(|e| AuditError::Io(format!("{}: {e}", spec.display())))?;
    let overlay_doc = read_overlay(overlay)?;
    let json = text.trim_start().starts_with('{');
    let original: Value = if json {
        serde_json::from_str(&text).map_err(|e| AuditError::Input(format!("{}: invalid JSON: {e}", spec.display())))?
    } else {
        serde_yaml::from_str(&text).map_err(|e| AuditError::Input(format!("{}: invalid YAML: {e}", spec.display())))?
    };
    let mut doc = original.clone();
    let mut applied =
        apply_tree(&mut doc, &overlay_doc).map_err(|e| AuditError::Input(format!("{}: {e}", overlay.display())))?;
    let written = if json {
        serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
    } else {
        match super::yaml::edit(&text, &original, &doc) {
            Ok(edited) if serde_yaml::from_str::<Value>(&edited).ok().as_ref() == Some(&doc) => edited,
            other => {
                let why = match other {
                    Err(e) => e,
                    Ok(_) => "the in-place edit did not reproduce the result".into(),
                };
                applied.rewritten = Some(why);
                serde_yaml::to_string(&doc).unwrap_or_default()
            }
        }
    };
    write_atomically(out, written.as_bytes())?;
    Ok(applied)
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), AuditError> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| AuditError::Io(format!("{}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        AuditError::Io(format!("{}: {e}", path.display()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn actions_remove_merge_and_append() {
        let mut doc = json!({"paths": {"/a": {"get": {"x": 1}}, "/b": {"get": {"x": 2}}}, "tags": [{"name": "t"}], "r": ["a", "b"]});
        let overlay = json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [
            {"target": "$.paths.*.get", "update": {"y": true, "x": 0}},
            {"target": "$.tags", "update": {"name": "u"}},
            {"target": "$.r", "remove": true},
            {"target": "$", "update": {"r": ["b"]}},
            {"target": "$.nothing", "remove": true},
        ]});
        let applied = apply_tree(&mut doc, &overlay).unwrap();
        assert_eq!(
            doc,
            json!({"paths": {"/a": {"get": {"x": 0, "y": true}}, "/b": {"get": {"x": 0, "y": true}}}, "tags": [{"name": "t"}, {"name": "u"}], "r": ["b"]})
        );
        assert_eq!(applied.unmatched, ["#/actions/4: $.nothing"]);
    }

    #[test]
    fn a_bad_overlay_is_refused_with_its_pointer() {
        let mut doc = json!({});
        let err = apply_tree(&mut doc, &json!({"overlay": "1.0.0", "actions": [{"target": "$[", "remove": true}]}))
            .unwrap_err();
        assert!(err.starts_with("#/actions/0/target: not a JSONPath"), "{err}");
        let err = apply_tree(&mut doc, &json!({"overlay": "2.0.0", "actions": []})).unwrap_err();
        assert!(err.contains("version 2.0.0"), "{err}");
    }

    fn scratch(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("cirqll-audit-apply-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    const OVERLAY: &str = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n- target: $.a\n  update: {c: 2}\n";

    #[test]
    fn yaml_is_edited_in_place_and_json_is_rewritten_indented() {
        let overlay = scratch("o.yaml", OVERLAY);
        let yaml = scratch("s.yaml", "# kept\na:\n  b: 1 # kept too\n");
        let applied = apply_file(&yaml, &overlay, &yaml).unwrap();
        assert_eq!((applied.actions, applied.rewritten.as_deref()), (1, None));
        assert_eq!(std::fs::read_to_string(&yaml).unwrap(), "# kept\na:\n  b: 1 # kept too\n  c: 2\n");
        let json = scratch("s.json", r#"{"a": {"b": 1}}"#);
        apply_file(&json, &overlay, &json).unwrap();
        assert_eq!(std::fs::read_to_string(&json).unwrap(), "{\n  \"a\": {\n    \"b\": 1,\n    \"c\": 2\n  }\n}\n");
    }

    #[test]
    fn a_document_that_cannot_be_edited_in_place_is_written_whole_and_says_so() {
        let overlay = scratch("o2.yaml", OVERLAY);
        let yaml = scratch("anchors.yaml", "x: &shared {b: 1}\na: *shared\n");
        let applied = apply_file(&yaml, &overlay, &yaml).unwrap();
        assert!(applied.rewritten.as_deref().is_some_and(|w| w.contains("anchors")), "{applied:?}");
        let reread: Value = serde_yaml::from_str(&std::fs::read_to_string(&yaml).unwrap()).unwrap();
        assert_eq!(reread, json!({"x": {"b": 1}, "a": {"b": 1, "c": 2}}));
    }
}
