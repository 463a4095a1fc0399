//! Serde helpers used by generated models.

use serde::{Deserialize, Deserializer};

/// Raw bytes of a `format: binary` value. In JSON it travels as a string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Binary(pub Vec<u8>);

impl serde::Serialize for Binary {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&String::from_utf8_lossy(&self.0))
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        String::deserialize(de).map(|s| Binary(s.into_bytes()))
    }
}

impl From<Vec<u8>> for Binary {
    fn from(v: Vec<u8>) -> Self {
        Binary(v)
    }
}

/// Bytes carried in JSON as base64 text (`format: byte`, or `contentEncoding: base64` in
/// OpenAPI 3.1). Encodes with the standard alphabet and padding; decodes the standard and the
/// URL-safe alphabets, padded or not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Base64(pub Vec<u8>);

impl serde::Serialize for Base64 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
        use base64::engine::{DecodePaddingMode, Engine as _};
        const INDIFFERENT: GeneralPurposeConfig =
            GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
        const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, INDIFFERENT);
        const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, INDIFFERENT);
        let text = <std::borrow::Cow<'de, str>>::deserialize(de)?;
        let text = text.trim();
        let engine = if text.contains(['-', '_']) { URL_SAFE } else { STANDARD };
        engine.decode(text).map(Base64).map_err(|e| serde::de::Error::custom(format!("invalid base64: {e}")))
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(v: Vec<u8>) -> Self {
        Base64(v)
    }
}

/// An object key as the deserializer hands it over: borrowed from the input when it can be
/// (no escapes), owned otherwise. Lets generated `Deserialize` impls match keys without
/// allocating.
pub enum Key<'de> {
    /// A key borrowed from the input.
    Borrowed(&'de str),
    /// A key that had to be unescaped or copied.
    Owned(String),
}

impl Key<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    /// The key as an owned string.
    pub fn into_owned(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        de.deserialize_str(KeyVisitor)
    }
}

/// Reads the value of the field `name` into its empty `slot`; a second occurrence is an error,
/// as with `#[derive(Deserialize)]`.
pub fn next_field<'de, A, T>(map: &mut A, slot: &mut Option<T>, name: &'static str) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(<A::Error as serde::de::Error>::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// The value of a required field, or the "missing field" error.
pub fn required<T, E: serde::de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// The value of an optional or nullable field: absent and `null` are both `None`.
pub fn optional<T>(slot: Option<Option<T>>) -> Option<T> {
    slot.flatten()
}

/// Implements `Deserialize` for a generated struct from a list of its fields, each as
/// `<how> <field> = "<wire name>"`, where how is `required` (absent is an error), `optional`
/// (absent or `null` is `None`) or `patch` (`Option<Option<T>>`: absent is `None`, `null` is
/// `Some(None)`). With `extra <field>` after the list, undeclared keys are collected into that
/// map field; otherwise they are skipped:
///
/// `deserialize_struct!(Widget { required id = "id", patch note = "note" } extra others);`
///
/// The impl reads an object key by key in one pass. Unlike `#[derive(Deserialize)]` it has no
/// field-identifier enum and no visitor for structs written as sequences, which JSON APIs never
/// send: about half the code for the compiler to check, for the same behaviour on objects.
/// Its own items and generic parameters start with `__`, which generated type names never do:
/// they are not hygienic, and a schema called `Visitor` or `A` must not capture them.
// A crate whose structs are never received (or has none) does not use it.
#[allow(unused_macros)]
macro_rules! deserialize_struct {
    ($name:ident { $($mode:ident $field:ident = $wire:literal),* $(,)? } $(extra $extra:ident)?) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(d: __D) -> ::std::result::Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(::std::concat!("struct ", ::std::stringify!($name)))
                    }
                    #[allow(unused_mut, clippy::match_single_binding)]
                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: __A,
                    ) -> ::std::result::Result<$name, __A::Error> {
                        $(let mut $field = ::std::option::Option::None;)*
                        $(let mut $extra = ::std::collections::BTreeMap::new();)?
                        while let ::std::option::Option::Some(key) =
                            map.next_key::<$crate::runtime::serde_helpers::Key<'de>>()?
                        {
                            match key.as_str() {
                                $($wire => $crate::runtime::serde_helpers::next_field(&mut map, &mut $field, $wire)?,)*
                                _ => $crate::runtime::serde_helpers::deserialize_struct!(@other map key $($extra)?),
                            }
                        }
                        ::std::result::Result::Ok($name {
                            $($field: $crate::runtime::serde_helpers::deserialize_struct!(@finish $mode $field $wire),)*
                            $($extra,)?
                        })
                    }
                }
                d.deserialize_map(__Visitor)
            }
        }
    };
    (@other $map:ident $key:ident) => {{
        $map.next_value::<::serde::de::IgnoredAny>()?;
    }};
    (@other $map:ident $key:ident $extra:ident) => {{
        $extra.insert($key.into_owned(), $map.next_value()?);
    }};
    (@finish required $field:ident $wire:literal) => {
        $crate::runtime::serde_helpers::required($field, $wire)?
    };
    (@finish optional $field:ident $wire:literal) => {
        $crate::runtime::serde_helpers::optional($field)
    };
    (@finish patch $field:ident $wire:literal) => {
        $field
    };
}
#[allow(unused_imports)]
pub(crate) use deserialize_struct;

/// Implements `Display`, `Serialize` and `Deserialize` for a generated string enum through its
/// `as_str` and `From<&str>`, which carry the variants: `string_enum!(Color);`. The three impls
/// are the same for every enum, so they are written once, here, instead of in each model file.
// A crate without string enums does not use it.
#[allow(unused_macros)]
macro_rules! string_enum {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, s: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(d: __D) -> ::std::result::Result<Self, __D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                ::std::result::Result::Ok(Self::from(s.as_ref()))
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use string_enum;

/// Implements `Serialize` and `Deserialize` for a generated integer enum through its `value`
/// and `From<i64>`, which carry the variants: `integer_enum!(Level);`.
// A crate without integer enums does not use it.
#[allow(unused_macros)]
macro_rules! integer_enum {
    ($name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, s: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                s.serialize_i64(self.value())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(d: __D) -> ::std::result::Result<Self, __D::Error> {
                <i64 as ::serde::Deserialize>::deserialize(d).map(Self::from)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use integer_enum;
