//! The hashing entry point of `#[derive(Versioned)]`: the selected fields stream into SHA-256 as a
//! struct (or struct variant) of the canonical encoding, each through [`Encode`] when its type has
//! it, and through `serde` otherwise (see [`Probe`]).

use std::collections::HashSet;

use serde::Serialize;

use super::encode::Encode;
use super::encoder::encode_value;
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

    /// Adds one field: `name` is the encoding of its name (`06`, the LEB128 length, the UTF-8
    /// bytes: the derive computes it), then its value (a [`Probe`]'s `via()`).
    #[inline]
    pub fn field<V: FieldValue>(&mut self, name: &[u8], value: V) -> &mut Self {
        value.encode_prefixed_into(name, &mut self.sink);
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

/// Chooses how a field is encoded, by autoref specialization: `(&Probe(value)).via()` resolves
/// to [`ViaEncode::via`] when the type implements [`Encode`] (its impl is on `Probe` itself, which
/// method lookup tries first), and to [`ViaSerde::via`] (on `&Probe`) otherwise. Both write the
/// same bytes, so the choice only changes the speed. In generic code the choice follows the
/// bounds in scope, which name `Serialize`: generic fields take the serde path. A third arm,
/// [`ViaUnordered`] (on `Probe`, for `#[derive(Versioned)]` fields only), refuses a `HashSet`.
pub struct Probe<'a, T: ?Sized>(pub &'a T);

/// The probe's choice for `Encode` types.
pub trait ViaEncode<'a, T: ?Sized> {
    /// The value, to be encoded directly.
    fn via(&self) -> Direct<'a, T>;
}

impl<'a, T: Encode + ?Sized> ViaEncode<'a, T> for Probe<'a, T> {
    #[inline(always)]
    fn via(&self) -> Direct<'a, T> {
        Direct(self.0)
    }
}

/// The probe's fallback: through `serde`.
pub trait ViaSerde<'a, T: ?Sized> {
    /// The value, to be serialized. The bound sits on the method, not the impl, so a type with
    /// neither `Encode` nor `Serialize` still finds this method and fails on `TagField`, whose
    /// message says what to do.
    fn via(&self) -> Serialized<'a, T>
    where
        T: TagField;
}

impl<'a, T: ?Sized> ViaSerde<'a, T> for &Probe<'a, T> {
    #[inline(always)]
    fn via(&self) -> Serialized<'a, T>
    where
        T: TagField,
    {
        Serialized(self.0)
    }
}

/// The probe's refusal for a `HashSet`, whatever the field's type is spelled as (the derive
/// refuses the written name with its own message; this catches an alias). Its impl is on
/// `Probe` itself, beside [`ViaEncode`]'s, which never applies to a set without `Encode`.
/// `#[derive(Encode)]` does not use it: its fields have no `#[etag(with = …)]` to suggest, and
/// a generic one's `HashSet<T>: Encode` bound would make the two arms ambiguous.
pub trait ViaUnordered<'a, T: ?Sized> {
    /// Never callable: `T` is a `HashSet`, which is not [`SortedForTags`].
    fn via(&self) -> Serialized<'a, T>
    where
        T: SortedForTags;
}

impl<'a, K, S> ViaUnordered<'a, HashSet<K, S>> for Probe<'a, HashSet<K, S>> {
    #[inline(always)]
    fn via(&self) -> Serialized<'a, HashSet<K, S>>
    where
        HashSet<K, S>: SortedForTags,
    {
        Serialized(self.0)
    }
}

/// What an unordered set is not: its iteration order is its hasher's, different in every
/// process, so the same set would get a different tag on every replica and after every restart.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be hashed as it is: a `HashSet` iterates in a different order in every process",
    label = "the same set would get a different tag on every replica and after every restart",
    note = "hash it sorted with `#[etag(with = etag_core::canonical::sorted)]`, or use a `BTreeSet`"
)]
pub trait SortedForTags {}

/// A field encoded through [`Encode`].
pub struct Direct<'a, T: ?Sized>(&'a T);

/// A field encoded through `serde::Serialize`.
pub struct Serialized<'a, T: ?Sized>(&'a T);

/// A field value on its way into the sink: `Direct` or `Serialized`.
pub trait FieldValue {
    /// Writes `prefix` (the field name's encoding), then the value's encoding.
    fn encode_prefixed_into<S: Sink>(self, prefix: &[u8], sink: &mut S);
}

impl<T: Encode + ?Sized> FieldValue for Direct<'_, T> {
    #[inline(always)]
    fn encode_prefixed_into<S: Sink>(self, prefix: &[u8], sink: &mut S) {
        self.0.encode_prefixed(prefix, sink);
    }
}

impl<T: TagField + ?Sized> FieldValue for Serialized<'_, T> {
    #[inline(always)]
    fn encode_prefixed_into<S: Sink>(self, prefix: &[u8], sink: &mut S) {
        sink.write(prefix);
        encode_value(sink, self.0);
    }
}

/// The bound on hashed fields: `Serialize`, under a name whose compile error tells a derive user
/// what to do about a field type that lacks it.
#[diagnostic::on_unimplemented(
    message = "the field type `{Self}` cannot be hashed into an entity tag: it does not implement `serde::Serialize`",
    label = "this field is part of the tag",
    note = "derive or implement `serde::Serialize` for `{Self}`, hash it through a function with `#[etag(with = …)]`, or leave the field out of the tag with `#[etag(skip)]` (and `#[serde(skip)]` if the body does not show it)"
)]
pub trait TagField: Serialize {}

// Not recommended: rustc then reports the missing `TagField` with the message above, instead of
// the missing `Serialize` followed by a list of every type that has it.
#[diagnostic::do_not_recommend]
impl<T: Serialize + ?Sized> TagField for T {}

/// Writes `prefix` (a field name's encoding, or nothing) and a value inside a derived `Encode`
/// impl: the same choice of path as a derived tag's fields.
#[inline(always)]
pub fn encode_value_via<S: Sink, V: FieldValue>(sink: &mut S, prefix: &[u8], value: V) {
    value.encode_prefixed_into(prefix, sink);
}

/// The shape a derived `Encode` impl opens with, mirroring the serde call `#[derive(Serialize)]`
/// makes for the same shape.
#[derive(Clone, Copy)]
pub enum Open {
    /// `serialize_struct`: `STRUCT`, then (name value)…, then [`encode_end`].
    Struct,
    /// `serialize_tuple_struct`: `SEQUENCE`, then values, then [`encode_end`].
    TupleStruct,
    /// `serialize_unit_struct`: `UNIT`, nothing follows.
    UnitStruct,
    /// `serialize_unit_variant`: the marker and the variant name, nothing follows.
    UnitVariant,
    /// `serialize_newtype_variant`: the marker and the variant name, then one value.
    NewtypeVariant,
    /// `serialize_tuple_variant`: the marker and the variant name, values, [`encode_end`].
    TupleVariant,
    /// `serialize_struct_variant`: the marker and the variant name, (name value)…,
    /// [`encode_end`].
    StructVariant,
}

/// Opens a struct, tuple struct or variant inside a derived `Encode` impl (`variant` is ignored
/// for structs).
#[inline(always)]
pub fn encode_open<S: Sink>(sink: &mut S, open: Open, variant: &str) {
    match open {
        Open::Struct => sink.write_byte(marker::STRUCT),
        Open::TupleStruct => sink.write_byte(marker::SEQUENCE),
        Open::UnitStruct => sink.write_byte(marker::UNIT),
        Open::UnitVariant => sink.write_marked(marker::UNIT_VARIANT, variant.as_bytes()),
        Open::NewtypeVariant => sink.write_marked(marker::NEWTYPE_VARIANT, variant.as_bytes()),
        Open::TupleVariant => sink.write_marked(marker::TUPLE_VARIANT, variant.as_bytes()),
        Open::StructVariant => sink.write_marked(marker::STRUCT_VARIANT, variant.as_bytes()),
    }
}

/// Closes what [`encode_open`] opened (structs, tuples and their variants).
#[inline(always)]
pub fn encode_end<S: Sink>(sink: &mut S) {
    sink.write_byte(marker::END);
}
