//! `securityDefinitions` → `components/securitySchemes`.
//!
//! `basic` becomes an HTTP basic scheme, `apiKey` keeps its name and location, and `oauth2`
//! gets a `flows` object with the one flow it declares: `implicit` and `password` keep their
//! names, `application` becomes `clientCredentials` and `accessCode` `authorizationCode`.

use serde_json::{Map, Value};

use super::Upgrade;
use crate::error::{pointer_segment, Result};

impl Upgrade<'_> {
    /// Every security definition, upgraded.
    pub(super) fn security_schemes(&mut self, definitions: &Value) -> Result<Value> {
        let map = definitions.as_object().ok_or_else(|| self.invalid("#/securityDefinitions", "expected an object"))?;
        let mut out = Map::new();
        for (name, scheme) in map {
            let seg = pointer_segment(name);
            let original = format!("#/securityDefinitions/{seg}");
            let converted = format!("#/components/securitySchemes/{seg}");
            out.insert(name.clone(), self.security_scheme(scheme, &original, &converted));
        }
        Ok(Value::Object(out))
    }

    /// One scheme. A type or flow this upgrade does not know is copied as it is, for the shape
    /// check to refuse at its original location.
    fn security_scheme(&mut self, scheme: &Value, original: &str, converted: &str) -> Value {
        let Some(map) = scheme.as_object() else { return scheme.clone() };
        let kept = |out: &mut Map<String, Value>, extra: &[&str]| {
            for (key, value) in map {
                if key == "description" || key.starts_with("x-") || extra.contains(&key.as_str()) {
                    out.insert(key.clone(), value.clone());
                }
            }
        };
        let mut out = Map::new();
        match map.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".into(), Value::from("http"));
                out.insert("scheme".into(), Value::from("basic"));
                self.record(&format!("{converted}/scheme"), &format!("{original}/type"));
                kept(&mut out, &[]);
            }
            Some("apiKey") => {
                out.insert("type".into(), Value::from("apiKey"));
                kept(&mut out, &["name", "in"]);
            }
            Some("oauth2") => {
                let flow = match map.get("flow").and_then(Value::as_str) {
                    Some("implicit") => ("implicit", &["authorizationUrl"][..]),
                    Some("password") => ("password", &["tokenUrl"][..]),
                    Some("application") => ("clientCredentials", &["tokenUrl"][..]),
                    Some("accessCode") => ("authorizationCode", &["authorizationUrl", "tokenUrl"][..]),
                    _ => return scheme.clone(),
                };
                let (flow, urls) = flow;
                let mut flow_object = Map::new();
                for url in urls {
                    if let Some(v) = map.get(*url) {
                        flow_object.insert((*url).to_owned(), v.clone());
                    }
                }
                let scopes = map.get("scopes").cloned().unwrap_or_else(|| Value::Object(Map::new()));
                flow_object.insert("scopes".into(), scopes);
                out.insert("type".into(), Value::from("oauth2"));
                let mut flows = Map::new();
                flows.insert(flow.to_owned(), Value::Object(flow_object));
                out.insert("flows".into(), Value::Object(flows));
                self.record(&format!("{converted}/flows"), &format!("{original}/flow"));
                self.record(&format!("{converted}/flows/{flow}"), original);
                kept(&mut out, &[]);
            }
            _ => return scheme.clone(),
        }
        Value::Object(out)
    }
}
