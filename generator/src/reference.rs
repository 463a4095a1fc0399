//! `$ref` strings → JSON pointers into the document: the one place a reference is read.
//!
//! A local reference is a URI fragment (`#/paths/~1items~1%7Bid%7D/get`). Its percent-encoding
//! is decoded first (RFC 3986), and the result is a JSON pointer (RFC 6901 §6) whose segments
//! are then unescaped (`~1` → `/`, `~0` → `~`). [`pointer()`] does the first step and returns the
//! pointer in the form every stage uses for locations (`#/paths/~1items~1{id}/get`); [`lookup`]
//! and [`component`] read such pointers. `resolve` and `lower` follow references only through
//! these functions, so they always agree on what a reference points to.

use serde_json::Value;

/// Why a `$ref` string is not a local JSON-pointer reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefError {
    /// It names another document (`other.yaml#/x`, `https://...`, or an empty string).
    External,
    /// Its fragment is not a JSON pointer (`#Pet`, a plain-name fragment as `$anchor` defines).
    PlainName,
    /// Its percent-encoding is broken (`%zz`, `%` at the end) or does not decode to UTF-8.
    Encoding(String),
}

impl std::fmt::Display for RefError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RefError::External => f.write_str("it names another document"),
            RefError::PlainName => f.write_str("its fragment is a plain name, not a JSON pointer (`#/...`)"),
            RefError::Encoding(why) => write!(f, "it is not a valid URI fragment: {why}"),
        }
    }
}

/// The JSON pointer (`#/...`, segments still `~`-escaped) a local reference names: the
/// fragment with its percent-encoding decoded. `#` alone names the whole document.
pub fn pointer(reference: &str) -> Result<String, RefError> {
    let Some(fragment) = reference.strip_prefix('#') else {
        return Err(RefError::External);
    };
    if !fragment.is_empty() && !fragment.starts_with(['/', '%']) {
        return Err(RefError::PlainName);
    }
    let decoded = percent_decode(fragment)?;
    if !decoded.is_empty() && !decoded.starts_with('/') {
        return Err(RefError::PlainName);
    }
    Ok(format!("#{decoded}"))
}

/// The node at `pointer` (as [`pointer()`] returns it), or `None` when there is none.
pub fn lookup<'v>(document: &'v Value, pointer: &str) -> Option<&'v Value> {
    document.pointer(pointer.strip_prefix('#')?)
}

/// The name of the component `pointer` designates when it is exactly
/// `#/components/<kind>/<name>` (the name unescaped), else `None`.
pub fn component(pointer: &str, kind: &str) -> Option<String> {
    let rest = pointer.strip_prefix("#/components/")?.strip_prefix(kind)?.strip_prefix('/')?;
    (!rest.contains('/')).then(|| unescape_segment(rest))
}

/// `a~1b~0c` → `a/b~c`.
fn unescape_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

fn percent_decode(s: &str) -> Result<String, RefError> {
    if !s.contains('%') {
        return Ok(s.to_owned());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
        match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
            (Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            _ => return Err(RefError::Encoding(format!("`%` at byte {i} is not followed by two hex digits"))),
        }
    }
    String::from_utf8(out).map_err(|_| RefError::Encoding("the decoded bytes are not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_are_decoded_before_the_pointer_is_read() {
        let cases: &[(&str, Result<&str, RefError>)] = &[
            ("#/components/schemas/Pet", Ok("#/components/schemas/Pet")),
            ("#/paths/~1items~1%7Bid%7D/get", Ok("#/paths/~1items~1{id}/get")),
            // RFC 6901 §6: `%25` is `%`, and `~` escapes are read after decoding.
            ("#/c%25d", Ok("#/c%d")),
            ("#/m~0n", Ok("#/m~0n")),
            ("#/a%7E1b", Ok("#/a~1b")),
            ("#/caf%C3%A9", Ok("#/café")),
            ("#", Ok("#")),
            ("#%2Fx", Ok("#/x")),
            ("other.yaml#/components/schemas/Pet", Err(RefError::External)),
            ("", Err(RefError::External)),
            ("#Pet", Err(RefError::PlainName)),
            ("#%41", Err(RefError::PlainName)),
            ("#/bad%zz", Err(RefError::Encoding("`%` at byte 4 is not followed by two hex digits".into()))),
            ("#/end%4", Err(RefError::Encoding("`%` at byte 4 is not followed by two hex digits".into()))),
            ("#/%é", Err(RefError::Encoding("`%` at byte 1 is not followed by two hex digits".into()))),
            ("#/%FF", Err(RefError::Encoding("the decoded bytes are not UTF-8".into()))),
        ];
        for (reference, want) in cases {
            assert_eq!(pointer(reference).as_deref().map_err(Clone::clone), want.clone(), "{reference:?}");
        }
    }

    #[test]
    fn pointers_find_nodes_with_escaped_segments() {
        let doc = serde_json::json!({"paths": {"/items/{id}": {"get": 1}}, "c%d": 2, "m~n": 3, "": {"": 4}});
        let found = |r: &str| lookup(&doc, &pointer(r).unwrap()).cloned();
        assert_eq!(found("#/paths/~1items~1%7Bid%7D/get"), Some(serde_json::json!(1)));
        assert_eq!(found("#/c%25d"), Some(serde_json::json!(2)));
        assert_eq!(found("#/m~0n"), Some(serde_json::json!(3)));
        assert_eq!(found("#//"), Some(serde_json::json!(4)));
        assert_eq!(found("#"), Some(doc.clone()));
        assert_eq!(found("#/paths/~1items~1{id}/post"), None);
    }

    #[test]
    fn component_names_are_unescaped_and_single_segments() {
        let component_of_ref = |r: &str, kind: &str| component(&pointer(r).ok()?, kind);
        assert_eq!(component_of_ref("#/components/schemas/a%20b", "schemas").as_deref(), Some("a b"));
        assert_eq!(component_of_ref("#/components/schemas/a~1b~0c", "schemas").as_deref(), Some("a/b~c"));
        assert_eq!(component_of_ref("#/components/schemas/Pet/properties/id", "schemas"), None);
        assert_eq!(component_of_ref("#/components/schemasX/Pet", "schemas"), None);
        assert_eq!(component_of_ref("#/components/parameters/Limit", "schemas"), None);
        assert_eq!(component("#/components/parameters/Limit", "parameters").as_deref(), Some("Limit"));
        assert_eq!(component_of_ref("other.yaml#/components/schemas/Pet", "schemas"), None);
    }
}
