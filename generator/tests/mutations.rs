//! Robustness: thousands of mutated variants of valid specs (nodes removed, retyped,
//! renamed) must each either generate or fail with a located error. A panic fails the test.
//! Every fixture is mutated, whatever its version (Swagger 2.0 documents go through the
//! upgrade to 3.0 first, OpenAPI 3.1 ones through the normalization), and so is the 3.1
//! translation of every 3.0 fixture, each the same number of times.

mod common;

#[path = "support/translate31.rs"]
mod translate31;

use std::path::Path;

use cirqll_codegen::{generate_bytes, Options};
use serde_json::Value;

/// xorshift64*: deterministic, so a failure is reproducible from its variant number.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Pointers of every node, for picking mutation targets.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            m.iter().for_each(|(k, c)| pointers(c, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out))
        }
        Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| pointers(c, format!("{at}/{i}"), out)),
        _ => {}
    }
}

fn mutate(doc: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let target = all[1 + rng.below(all.len() - 1)].clone();
    let (parent_ptr, key) = target.rsplit_once('/').unwrap();
    // A reference to nothing, spelled for the document's version.
    let dangling = if doc.get("swagger").is_some() { "#/definitions/Nope" } else { "#/components/schemas/Nope" };
    let replacements = [
        Value::Null,
        Value::Bool(true),
        Value::from(-1),
        Value::from("x"),
        Value::Array(vec![]),
        serde_json::json!({"$ref": dangling}),
        serde_json::json!({}),
        // OpenAPI 3.1 / JSON Schema 2020-12 shapes, valid and not.
        Value::Bool(false),
        serde_json::json!({"type": ["string", "null", 5]}),
        serde_json::json!({"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/Nope"}], "discriminator": {}}),
        serde_json::json!({"type": "array", "prefixItems": [true, {"const": null}], "items": false, "minItems": "x"}),
        serde_json::json!({"$ref": "#nowhere", "examples": {"a": 1}, "exclusiveMinimum": "x"}),
        serde_json::json!({"patternProperties": {"^a": false}, "unevaluatedProperties": 3, "if": true, "$dynamicRef": 1}),
    ];
    let choice = rng.below(4);
    // One more replacement: a reference to any node of the document (itself, an ancestor, a
    // node inside a path...), written as a URI fragment with its braces percent-encoded.
    let pick = rng.below(replacements.len() + 1);
    let any_node = format!("#{}", all[rng.below(all.len())].replace('{', "%7B").replace('}', "%7D"));
    let replacement = replacements.get(pick).cloned().unwrap_or_else(|| serde_json::json!({ "$ref": any_node }));
    let Some(parent) = doc.pointer_mut(parent_ptr) else { return };
    let key = key.replace("~1", "/").replace("~0", "~");
    match (parent, choice) {
        (Value::Object(m), 0) => {
            m.shift_remove(&key);
        }
        (Value::Object(m), 1) => {
            if let Some(v) = m.shift_remove(&key) {
                m.insert(format!("{key}_renamed"), v);
            }
        }
        (Value::Object(m), _) => {
            m.insert(key, replacement);
        }
        (Value::Array(a), 0) => {
            if let Ok(i) = key.parse::<usize>() {
                if i < a.len() {
                    a.remove(i);
                }
            }
        }
        (Value::Array(a), _) => {
            if let Ok(i) = key.parse::<usize>() {
                if i < a.len() {
                    a[i] = replacement;
                }
            }
        }
        _ => {}
    }
}

#[test]
fn mutated_specs_never_panic() {
    let root = common::root();
    let fixtures = root.join("generator/tests/fixtures");
    let mut docs: Vec<(String, Value)> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                serde_yaml::from_slice(&std::fs::read(&p).unwrap()).unwrap(),
            )
        })
        .collect();
    docs.sort_by(|a, b| a.0.cmp(&b.0));
    let translations: Vec<(String, Value)> = docs
        .iter()
        .filter(|(_, doc)| doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.0")))
        .map(|(name, doc)| {
            let mut doc = doc.clone();
            translate31::translate(&mut doc);
            (format!("{name}-as-3.1"), doc)
        })
        .collect();
    docs.extend(translations);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut ok, mut refused) = (0, 0);
    // Per document: (generated, refused).
    let mut per_doc = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    let variants = 120 * docs.len();
    for n in 0..variants {
        let (name, base) = &docs[n % docs.len()];
        let mut doc = base.clone();
        for _ in 0..1 + rng.below(3) {
            mutate(&mut doc, &mut rng);
        }
        // Alternate JSON and YAML text so both front ends are exercised.
        let (file, text) = if n % 2 == 0 {
            (format!("variant{n}-{name}.json"), serde_json::to_vec_pretty(&doc).unwrap())
        } else {
            (format!("variant{n}-{name}"), serde_yaml::to_string(&doc).unwrap().into_bytes())
        };
        let result = std::panic::catch_unwind(|| generate_bytes(Path::new(&file), &text, &Options::default()));
        match result {
            Err(_) => panic!("variant {n} of {name} panicked; spec:\n{}", String::from_utf8_lossy(&text)),
            Ok(Ok(_)) => {
                ok += 1;
                per_doc.entry(name).or_default().0 += 1;
            }
            Ok(Err(e)) => {
                let msg = e.to_string();
                assert!(e.location().is_some() && msg.contains(&file), "variant {n}: error without location: {msg}");
                refused += 1;
                per_doc.entry(name).or_default().1 += 1;
            }
        }
    }
    eprintln!("{variants} variants: {ok} generated, {refused} refused with a located error");
    assert_eq!(ok + refused, variants);
    for (name, (ok, refused)) in &per_doc {
        eprintln!("  {name}: {ok} generated, {refused} refused");
        assert!(*ok > 10 && *refused > 10, "{name}: mutations should produce both outcomes");
    }
    assert!(refused > 50 && ok > 50, "mutations should produce both outcomes ({ok} ok, {refused} refused)");
}
