//! The hashing entry point of `#[derive(Versioned)]`: the selected fields stream into SHA-256 as a
//! struct (or struct variant) of the canonical encoding.

use serde::Serialize;

use super::encoder::encode_field;
use super::marker::{self, DOMAIN};
use super::sink::{HashSink, Sink};
use crate::entity_tag::EntityTag;

/// Hashes a value's selected fields into an entity tag. The derive writes one chain:
/// `FieldHasher::for_struct()`, one `.field(name, value)` per selected field in declaration order,
/// then `.finish(weak)`, so it binds no local. The result equals [`canonical::tag`](super::tag) of
/// a struct holding just those fields.
pub struct FieldHasher {
    sink: HashSink,
}

impl FieldHasher {
    /// Starts the tag of a struct.
    #[inline]
    pub fn for_struct() -> Self {
        // Built in place and returned whole, so the compiler can construct it in the caller.
        let mut this = Self {
            sink: HashSink::new(),
        };
        this.sink.write(DOMAIN);
        this.sink.write_byte(marker::STRUCT);
        this
    }

    /// Starts the tag of an enum variant: the variant's name is part of the state.
    #[inline]
    pub fn for_variant(variant: &str) -> Self {
        let mut this = Self {
            sink: HashSink::new(),
        };
        this.sink.write(DOMAIN);
        this.sink
            .write_marked(marker::STRUCT_VARIANT, variant.as_bytes());
        this
    }

    /// Adds one field: its name, then its value.
    #[inline]
    pub fn field<T: TagField + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        encode_field(&mut self.sink, name, value);
        self
    }

    /// The tag: the first 128 bits of the digest, weak if asked.
    #[inline]
    pub fn finish(&mut self, weak: bool) -> EntityTag {
        self.sink.write_byte(marker::END);
        let tag = EntityTag::from_digest(&self.sink.finalize());
        if weak { tag.into_weak() } else { tag }
    }
}

/// The bound on hashed fields: `Serialize`, under a name whose compile error tells a derive user
/// what to do about a field type that lacks it.
#[diagnostic::on_unimplemented(
    message = "the field type `{Self}` cannot be hashed into an entity tag: it does not implement `serde::Serialize`",
    label = "this field is part of the tag",
    note = "derive or implement `serde::Serialize` for `{Self}`, or leave the field out of the tag with `#[etag(skip)]` (and `#[serde(skip)]` if the body does not show it)"
)]
pub trait TagField: Serialize {}

impl<T: Serialize + ?Sized> TagField for T {}
