//! `webhooks` (OpenAPI 3.1) → [`Webhook`]s: the requests the API sends to the user's server.
//!
//! Only their request bodies become types: the client never sends or receives a webhook, but
//! a receiver decodes the payloads with them. Their types are named like operation bodies,
//! after the webhook's `operationId` or else its name (`newPet` → `NewPetBody`, with the
//! method when the webhook has several operations).

use serde_json::Value;

use super::{docs_of, get, Lowerer};
use crate::error::{pointer_segment, Result};
use crate::ir::*;

impl<'a> Lowerer<'a> {
    /// Lowers every operation of every webhook, in spec order.
    pub(crate) fn lower_webhooks(&mut self) -> Result<Vec<Webhook>> {
        let mut webhooks = Vec::new();
        let Some(items) = self.node("#/webhooks").and_then(Value::as_object) else {
            return Ok(webhooks);
        };
        for (name, item) in items {
            let (item, item_ptr) = self.deref(item, &format!("#/webhooks/{}", pointer_segment(name)));
            let methods: Vec<Method> = Method::ALL.into_iter().filter(|m| item.get(m.key()).is_some()).collect();
            for &method in &methods {
                let op = &item[method.key()];
                let op_ptr = format!("{item_ptr}/{}", method.key());
                let base = match get(op, "operationId").and_then(Value::as_str) {
                    Some(id) => id.to_owned(),
                    None if methods.len() == 1 => name.clone(),
                    None => format!("{name} {}", method.key()),
                };
                let body = match get(op, "requestBody") {
                    Some(b) => self.body(b, &format!("{op_ptr}/requestBody"), &base)?,
                    None => None,
                };
                webhooks.push(Webhook { name: Name::wire(name.clone()), method, docs: docs_of(op), body });
            }
        }
        Ok(webhooks)
    }
}
