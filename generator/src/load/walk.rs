//! A walk over the Schema Objects (and operations) of an OpenAPI 3.x document, in place.
//!
//! The walk follows the document's structure — paths, webhooks, path items, operations,
//! parameters, request bodies, responses, headers, media types, encodings, callbacks and
//! components — so free-form data (`example`, `examples`, `default`, `x-` extensions) is never
//! taken for a schema, and a component named `schema` or a property named `items` is never
//! taken for a keyword. Inside a schema it follows every JSON Schema 2020-12 keyword whose
//! value is a schema or holds schemas.
//!
//! Schemas are visited before their subschemas, and the walk descends into a schema as the
//! visitor left it: a visitor may rewrite a schema's keywords (move a subschema up, wrap it in
//! `anyOf`) and the walk then visits the subschemas where they now are. The pointer handed to
//! the visitor is that of the walked tree (`#/components/schemas/Pet/properties/id`), built in
//! one buffer on the way down. Nodes of the wrong JSON type are skipped, never a panic.

use serde_json::{Map, Value};

use crate::error::pointer_segment;
use crate::ir::Method;

/// What a walk calls back.
pub trait Visitor {
    /// Called with every schema (an object, or a boolean schema, but not the boolean value of
    /// `additionalProperties`, which OpenAPI 3.0 shares) and its pointer, before its subschemas.
    fn schema(&mut self, schema: &mut Value, pointer: &str);

    /// Called with every operation of a path item (under `paths`, `webhooks`,
    /// `components/pathItems` and callbacks) before its parameters, body and responses.
    fn operation(&mut self, operation: &mut Map<String, Value>, pointer: &str) {
        let _ = (operation, pointer);
    }
}

/// Walks the whole document.
pub fn document<V: Visitor>(doc: &mut Value, visitor: &mut V) {
    let mut w = Walk { pointer: String::from("#"), visitor };
    let Some(root) = doc.as_object_mut() else { return };
    // `paths` allows extensions beside its entries; every key of `webhooks` is a webhook.
    for (key, extensible) in [("paths", true), ("webhooks", false)] {
        if let Some(items) = root.get_mut(key) {
            w.map(key, items, extensible, Walk::path_item);
        }
    }
    let Some(components) = root.get_mut("components") else { return };
    w.enter("components", |w| {
        let Some(components) = components.as_object_mut() else { return };
        for (key, child) in components.iter_mut() {
            w.components(key, child);
        }
    });
}

struct Walk<'v, V> {
    pointer: String,
    visitor: &'v mut V,
}

impl<V: Visitor> Walk<'_, V> {
    /// Runs `f` with `key` appended to the pointer.
    fn enter(&mut self, key: &str, f: impl FnOnce(&mut Self)) {
        let len = self.pointer.len();
        self.pointer.push('/');
        // Escaping allocates, so only keys that need it go through `pointer_segment`.
        if key.contains(['~', '/']) {
            self.pointer.push_str(&pointer_segment(key));
        } else {
            self.pointer.push_str(key);
        }
        f(self);
        self.pointer.truncate(len);
    }

    /// Calls `each` on every value of the map at `key` (skipping `x-` keys when the map allows
    /// extensions beside its entries).
    fn map(&mut self, key: &str, map: &mut Value, extensible: bool, each: fn(&mut Self, &mut Value)) {
        let Some(map) = map.as_object_mut() else { return };
        self.enter(key, |w| {
            for (k, v) in map.iter_mut() {
                if !(extensible && k.starts_with("x-")) {
                    w.enter(k, |w| each(w, v));
                }
            }
        });
    }

    /// Calls `each` on every element of the array at `key`.
    fn list(&mut self, key: &str, list: &mut Value, each: fn(&mut Self, &mut Value)) {
        let Some(list) = list.as_array_mut() else { return };
        self.enter(key, |w| {
            for (i, v) in list.iter_mut().enumerate() {
                w.enter(&i.to_string(), |w| each(w, v));
            }
        });
    }

    fn components(&mut self, key: &str, map: &mut Value) {
        match key {
            "schemas" => self.map(key, map, false, Self::schema),
            "responses" => self.map(key, map, false, Self::response),
            "parameters" | "headers" => self.map(key, map, false, Self::parameter),
            "requestBodies" => self.map(key, map, false, Self::request_body),
            "callbacks" => self.map(key, map, false, Self::callback),
            "pathItems" => self.map(key, map, false, Self::path_item),
            _ => {}
        }
    }

    fn path_item(&mut self, item: &mut Value) {
        let Some(item) = item.as_object_mut() else { return };
        for (key, child) in item.iter_mut() {
            if key == "parameters" {
                self.list(key, child, Self::parameter);
            } else if Method::ALL.iter().any(|m| m.key() == key) {
                self.enter(key, |w| w.operation(child));
            }
        }
    }

    fn operation(&mut self, op: &mut Value) {
        let Some(op) = op.as_object_mut() else { return };
        self.visitor.operation(op, &self.pointer);
        for (key, child) in op.iter_mut() {
            match key.as_str() {
                "parameters" => self.list(key, child, Self::parameter),
                "requestBody" => self.enter(key, |w| w.request_body(child)),
                "responses" => self.map(key, child, true, Self::response),
                "callbacks" => self.map(key, child, false, Self::callback),
                _ => {}
            }
        }
    }

    fn callback(&mut self, callback: &mut Value) {
        let Some(callback) = callback.as_object_mut() else { return };
        for (expression, item) in callback.iter_mut() {
            if !expression.starts_with("x-") {
                self.enter(expression, |w| w.path_item(item));
            }
        }
    }

    /// A parameter or a header (they hold schemas the same way).
    fn parameter(&mut self, param: &mut Value) {
        let Some(param) = param.as_object_mut() else { return };
        for (key, child) in param.iter_mut() {
            match key.as_str() {
                "schema" => self.enter(key, |w| w.schema(child)),
                "content" => self.map(key, child, false, Self::media_type),
                _ => {}
            }
        }
    }

    fn request_body(&mut self, body: &mut Value) {
        if let Some(content) = body.get_mut("content") {
            self.map("content", content, false, Self::media_type);
        }
    }

    fn response(&mut self, response: &mut Value) {
        let Some(response) = response.as_object_mut() else { return };
        for (key, child) in response.iter_mut() {
            match key.as_str() {
                "headers" => self.map(key, child, false, Self::parameter),
                "content" => self.map(key, child, false, Self::media_type),
                _ => {}
            }
        }
    }

    fn media_type(&mut self, media: &mut Value) {
        let Some(media) = media.as_object_mut() else { return };
        for (key, child) in media.iter_mut() {
            match key.as_str() {
                "schema" => self.enter(key, |w| w.schema(child)),
                "encoding" => self.map(key, child, false, Self::encoding),
                _ => {}
            }
        }
    }

    fn encoding(&mut self, encoding: &mut Value) {
        if let Some(headers) = encoding.get_mut("headers") {
            self.map("headers", headers, false, Self::parameter);
        }
    }

    fn schema(&mut self, schema: &mut Value) {
        if !(schema.is_object() || schema.is_boolean()) {
            return;
        }
        self.visitor.schema(schema, &self.pointer);
        let Some(obj) = schema.as_object_mut() else { return };
        for (key, child) in obj.iter_mut() {
            match key.as_str() {
                "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => {
                    self.map(key, child, false, Self::schema)
                }
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => self.list(key, child, Self::schema),
                // Before 2020-12, an array of `items` was a tuple.
                "items" if child.is_array() => self.list(key, child, Self::schema),
                "additionalProperties" if child.is_boolean() => {}
                "items"
                | "additionalProperties"
                | "additionalItems"
                | "unevaluatedProperties"
                | "unevaluatedItems"
                | "not"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "contentSchema" => self.enter(key, |w| w.schema(child)),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Seen(Vec<String>);
    impl Visitor for Seen {
        fn schema(&mut self, _: &mut Value, pointer: &str) {
            self.0.push(pointer.to_owned());
        }
        fn operation(&mut self, _: &mut Map<String, Value>, pointer: &str) {
            self.0.push(format!("op {pointer}"));
        }
    }

    #[test]
    fn visits_schemas_by_structure_not_by_key_names() {
        let mut doc = serde_json::json!({
            "openapi": "3.1.0",
            "paths": {
                "/a/{id}": {
                    "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
                    "get": {
                        "responses": {
                            "200": {
                                "description": "ok",
                                "headers": {"X-Rate": {"schema": {"type": "integer"}}},
                                "content": {"application/json": {
                                    "schema": {"type": "object", "properties": {
                                        "items": {"type": "array", "items": {"$ref": "#/x"}, "prefixItems": [true]},
                                        "extra": {"additionalProperties": false}
                                    }},
                                    "example": {"type": "object", "properties": {"not": "a schema"}}
                                }}
                            },
                            "x-note": {"content": {"a/b": {"schema": {}}}}
                        },
                        "callbacks": {"cb": {"{$request.body#/url}": {"post": {"responses": {}}}}}
                    }
                },
                "x-ext": {"get": {}}
            },
            "webhooks": {"ping": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$defs": {"d": {}}}}}}}}},
            "components": {
                "schemas": {"schema": {"anyOf": [{"type": "null"}], "if": {}, "examples": [{"type": "object"}]}},
                "parameters": {"p": {"content": {"text/plain": {"schema": {}}}}},
                "pathItems": {"i": {"put": {}}},
                "examples": {"e": {"value": {"type": "string"}}}
            }
        });
        let mut seen = Seen::default();
        document(&mut doc, &mut seen);
        let want = [
            "#/paths/~1a~1{id}/parameters/0/schema",
            "op #/paths/~1a~1{id}/get",
            "#/paths/~1a~1{id}/get/responses/200/headers/X-Rate/schema",
            "#/paths/~1a~1{id}/get/responses/200/content/application~1json/schema",
            "#/paths/~1a~1{id}/get/responses/200/content/application~1json/schema/properties/items",
            "#/paths/~1a~1{id}/get/responses/200/content/application~1json/schema/properties/items/items",
            "#/paths/~1a~1{id}/get/responses/200/content/application~1json/schema/properties/items/prefixItems/0",
            "#/paths/~1a~1{id}/get/responses/200/content/application~1json/schema/properties/extra",
            "op #/paths/~1a~1{id}/get/callbacks/cb/{$request.body#~1url}/post",
            "op #/webhooks/ping/post",
            "#/webhooks/ping/post/requestBody/content/application~1json/schema",
            "#/webhooks/ping/post/requestBody/content/application~1json/schema/$defs/d",
            "#/components/schemas/schema",
            "#/components/schemas/schema/anyOf/0",
            "#/components/schemas/schema/if",
            "#/components/parameters/p/content/text~1plain/schema",
            "op #/components/pathItems/i/put",
        ];
        assert_eq!(seen.0, want);
    }

    /// The walk descends into a schema as the visitor rewrote it.
    #[test]
    fn descends_into_what_the_visitor_left() {
        struct Wrap(Vec<String>);
        impl Visitor for Wrap {
            fn schema(&mut self, schema: &mut Value, pointer: &str) {
                self.0.push(pointer.to_owned());
                if let Some(inner) = schema.as_object_mut().and_then(|o| o.remove("wrapped")) {
                    *schema = serde_json::json!({"allOf": [inner]});
                }
            }
        }
        let mut doc = serde_json::json!({"openapi": "3.1.0", "components": {"schemas": {"A": {"wrapped": {"properties": {"b": {}}}}}}});
        let mut seen = Wrap(Vec::new());
        document(&mut doc, &mut seen);
        assert_eq!(
            seen.0,
            ["#/components/schemas/A", "#/components/schemas/A/allOf/0", "#/components/schemas/A/allOf/0/properties/b"]
        );
    }
}
