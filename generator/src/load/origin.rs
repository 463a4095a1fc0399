//! Where a node of the tree later stages read came from in the document the user wrote.
//!
//! A Swagger 2.0 document is upgraded to OpenAPI 3.0 and an OpenAPI 3.1 document is normalized
//! into the 3.0 dialect before resolving and lowering (see [`super::swagger2`] and
//! [`super::openapi31`]); both move nodes around. Each move is recorded here as a rewrite of
//! a pointer prefix, so every error and support-report line can name the node in the original
//! file. A 3.0 document has no rewrites: every pointer is its own origin.

use std::collections::BTreeMap;

/// Rewrites from pointer prefixes of the converted tree to pointer prefixes of the original
/// document. Pointers are JSON pointers with the leading `#` (`#/paths/~1pets/get`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    rewrites: BTreeMap<String, String>,
}

impl Origin {
    /// No rewrites: the tree is the document.
    pub fn identity() -> Self {
        Origin::default()
    }

    /// Records that the node at `converted` (and everything below it) came from `original`.
    /// A later, longer prefix refines an earlier, shorter one.
    pub fn record(&mut self, converted: impl Into<String>, original: impl Into<String>) {
        let (converted, original) = (converted.into(), original.into());
        if converted != original {
            self.rewrites.insert(converted, original);
        }
    }

    /// Whether the tree is the document itself (nothing was moved).
    pub fn is_identity(&self) -> bool {
        self.rewrites.is_empty()
    }

    /// The pointer in the original document of the converted tree's node at `pointer`: the
    /// longest recorded prefix is rewritten, the rest of the pointer kept.
    pub fn original(&self, pointer: &str) -> String {
        rewrite_prefix(&self.rewrites, pointer)
    }
}

/// `pointer` with its longest prefix that is a key of `map` (whole segments only) replaced by
/// that key's value; unchanged when no prefix is a key.
pub(crate) fn rewrite_prefix(map: &BTreeMap<String, String>, pointer: &str) -> String {
    if map.is_empty() {
        return pointer.to_owned();
    }
    let mut end = pointer.len();
    loop {
        let prefix = &pointer[..end];
        if let Some(replacement) = map.get(prefix) {
            return format!("{replacement}{}", &pointer[end..]);
        }
        match prefix.rfind('/') {
            Some(slash) => end = slash,
            None => return pointer.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_wins_and_the_rest_is_kept() {
        let mut origin = Origin::identity();
        origin.record("#/components/schemas", "#/definitions");
        origin.record("#/paths/~1pets/post/requestBody", "#/paths/~1pets/post/parameters/0");
        origin.record(
            "#/paths/~1pets/post/requestBody/content/application~1json/schema",
            "#/paths/~1pets/post/parameters/0/schema",
        );
        let cases = [
            ("#/components/schemas/Pet/properties/id", "#/definitions/Pet/properties/id"),
            ("#/paths/~1pets/post/requestBody", "#/paths/~1pets/post/parameters/0"),
            (
                "#/paths/~1pets/post/requestBody/content/application~1json/schema/type",
                "#/paths/~1pets/post/parameters/0/schema/type",
            ),
            ("#/paths/~1pets/get", "#/paths/~1pets/get"),
            ("#/components/schemasX", "#/components/schemasX"),
        ];
        for (converted, original) in cases {
            assert_eq!(origin.original(converted), original, "origin of {converted}");
        }
    }
}
