//! The canonical encoding: how a value becomes the bytes that are hashed into its entity tag.
//!
//! `#[derive(Versioned)]` streams the selected fields of a value through this encoding into
//! SHA-256. The encoding covers the whole serde data model, so any field type that implements
//! `serde::Serialize` can be part of a tag, and nested types need no derive of their own.
//!
//! Two paths write it. Field types that implement [`Encode`] (the standard types, and your own
//! with `#[derive(Encode)]` next to `#[derive(Serialize)]`) write their bytes directly; the
//! others go through their `Serialize` impl and a `serde::Serializer`. Both write exactly the
//! same bytes ([`to_bytes_direct`] and [`to_bytes`] agree, and the test suite checks it on random
//! values), so which path a field takes changes the speed, never a tag.
//!
//! # A stable contract
//!
//! Tags are compared across processes, machines, restarts and releases: every client cache and
//! every in-flight `If-Match` holds one, and during a rolling deploy replicas of different versions
//! must agree. So the encoding below is fixed. Equal values encode the same everywhere; distinct
//! values encode differently (the encoding is self-delimiting, so no two sequences of values can
//! run together); and changing anything here changes tags, which is a breaking change. The golden
//! vectors in the test suite pin it.
//!
//! # The tag
//!
//! A tag is SHA-256 over [`DOMAIN`] followed by the encoding of the state, cut to its first 128
//! bits and printed as 32 lowercase hex digits ([`EntityTag::from_digest`]). For a derived type
//! the state is a struct (for an enum: a struct variant named after the variant) whose fields are
//! the selected fields, in declaration order, named by their Rust names (`r#` removed; tuple
//! fields by their index: `0`, `1`, …). So the derived tag equals [`tag`] of a plain struct that
//! holds the selected fields, whatever the struct's type name.
//!
//! # The encoding
//!
//! Every value starts with a marker byte. `len` and `n` below are unsigned LEB128 (7 bits per
//! byte, least significant group first, high bit set on all but the last byte).
//!
//! | serde value | bytes |
//! |---|---|
//! | `()`, unit struct | `00` |
//! | `false` / `true` | `01` / `02` |
//! | integer ≥ 0, any width | `03` n |
//! | integer < 0, any width | `04` n, where n is the absolute value |
//! | `f32`, `f64` | `05` then the 8 bytes of the `f64` (big-endian); `f32` widened exactly, `-0.0` written as `0.0`, every NaN as `7ff8000000000000` |
//! | `char`, string | `06` len UTF-8 bytes (a `char` is the one-character string) |
//! | bytes | `07` len bytes |
//! | `None` | `08` |
//! | `Some(v)` | `09` v |
//! | sequence, tuple, tuple struct | `0a` v… `ff` |
//! | map | `0b` (key value)… `ff`, entries sorted by the bytes of their encoded key, then value |
//! | struct | `0c` (name value)… `ff`, fields in the order `Serialize` gives them, each name a string (`06` …) |
//! | unit variant | `0d` len name |
//! | newtype variant | `0e` len name v |
//! | tuple variant | `0f` len name v… `ff` |
//! | struct variant | `10` len name (field value)… `ff` |
//! | newtype struct | its inner value, unchanged |
//!
//! What follows from it:
//! - Integers are encoded by value: widening a field from `i32` to `i64`, or from `u16` to `u64`,
//!   keeps every tag. A float is never equal to an integer.
//! - Type names of structs, newtypes and enums are not part of the encoding, so renaming a type
//!   keeps its tags; field and variant names are, so renaming a field changes them.
//! - `None`, `Some(())`, `()` and `Some("")` are all distinct; so are `["ab", "c"]` and
//!   `["a", "bc"]`, and two structs whose field values are swapped.
//! - Maps are order-independent, so a `HashMap` gives the same tag in every process. Sequences are
//!   ordered: a `HashSet` iterates in a per-process order and so does **not** give stable tags. Use
//!   a `BTreeSet`, or keep the `HashSet` and mark the field
//!   `#[etag(with = etag_core::canonical::sorted)]`: the derive then hashes [`sorted`]'s result,
//!   which encodes exactly like the same elements in a `BTreeSet`. (The derive hashes the field's
//!   own `Serialize`, not serde's field attributes: `#[serde(serialize_with = …)]` changes the
//!   body, never the tag. `#[etag(with = …)]` is the way to change what is hashed.)
//! - Types that serialize differently for human-readable formats (UUIDs, IP addresses) use their
//!   compact form: the encoder says it is not human-readable.
//!
//! # Collection tags
//!
//! A sequence of [`Versioned`](crate::Versioned) values (a `Vec`, slice, array or `VecDeque`) is
//! tagged from its items' tags, not from their encoding: SHA-256 over `etag-rs/collection/v1\0`,
//! then for each item in order its weakness (`00` strong, `01` weak), the length of its opaque
//! part as 8 bytes little-endian and the opaque bytes, then the item count as 8 bytes
//! little-endian; cut and printed like a derived tag, and weak if any item's tag is weak.
//!
//! # Values that fail to serialize
//!
//! The encoder itself never fails, but a `Serialize` implementation may return an error. Computing
//! a tag must not panic, so the failure is recorded: the bytes written before the failure stay,
//! then `fe` len message takes the place of the rest of that value (for a derived type, the rest
//! of that field), and the encoding goes on with the next derived field. The tag is still
//! deterministic. `fe` never starts a valid value, so a failing value never shares a tag with a
//! value that serializes.
//!
//! This is the one exception to "distinct values encode differently": whatever a failing value
//! would have written after the failure is lost. Two values that encode the same up to the point
//! where their `Serialize` fails, and fail with the same message, share a tag even if they differ
//! after that point (say, in a later element of the same `Vec`). A type whose serialization can
//! fail for state that matters should not be part of a tag.
//!
//! # Allocation
//!
//! Values stream into the hasher through a fixed stack buffer, and the tag keeps its 32 hex
//! digits inline: a derived tag allocates nothing for values without maps (strings written
//! through `collect_str`, such as dates, are measured first and then streamed). A map buffers its
//! encoded entries to sort them.
//!
//! # Example
//!
//! ```
//! use etag_core::canonical;
//!
//! // The encoding of `(7_u8, "é")`: a sequence of a non-negative integer and a two-byte string.
//! assert_eq!(canonical::to_bytes(&(7_u8, "é")), [0x0a, 0x03, 0x07, 0x06, 0x02, 0xc3, 0xa9, 0xff]);
//!
//! // Widening an integer keeps the encoding, and so the tag.
//! assert_eq!(canonical::tag(&7_u8), canonical::tag(&7_i64));
//! ```

pub(crate) mod collection;
mod encode;
mod encoder;
mod error;
pub(crate) mod field_hasher;
pub(crate) mod left_out;
mod map;
mod marker;
pub(crate) mod sink;
mod with;

use serde::Serialize;

pub use self::encode::Encode;
pub use self::marker::DOMAIN;
use self::sink::{HashSink, Sink};
pub use self::with::{deduplicated, sorted};
use crate::entity_tag::EntityTag;
#[cfg(feature = "derive")]
pub use etag_derive::Encode;

/// The canonical encoding of `value` (without [`DOMAIN`]), for debugging and for tests.
///
/// `tag(value)` is SHA-256 over `DOMAIN` followed by these bytes.
///
/// ```
/// let bytes = etag_core::canonical::to_bytes(&Some(-3_i32));
/// assert_eq!(bytes, [0x09, 0x04, 0x03]);
/// ```
pub fn to_bytes<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut bytes = Vec::new();
    encoder::encode_value(&mut bytes, value);
    bytes
}

/// The canonical encoding of `value` written through [`Encode`], without serde: the same bytes
/// as [`to_bytes`] for every type that implements both (the test suite checks it).
///
/// ```
/// use etag_core::canonical;
///
/// let value = (vec![Some(1.5_f64), None], "é", -7_i16);
/// assert_eq!(canonical::to_bytes_direct(&value), canonical::to_bytes(&value));
/// ```
pub fn to_bytes_direct<T: Encode + ?Sized>(value: &T) -> Vec<u8> {
    let mut bytes = Vec::new();
    value.encode(&mut bytes);
    bytes
}

/// The strong entity tag of any `Serialize` value under the canonical encoding.
///
/// A derived tag equals `tag` of a struct that holds the selected fields:
///
/// ```
/// use etag_core::canonical;
///
/// #[derive(serde::Serialize)]
/// struct Cart { items: Vec<&'static str> }
///
/// let tag = canonical::tag(&Cart { items: vec!["apple"] });
/// assert_eq!(tag.opaque().len(), 32);
/// assert_ne!(tag, canonical::tag(&Cart { items: vec!["pear"] }));
/// ```
pub fn tag<T: Serialize + ?Sized>(value: &T) -> EntityTag {
    let mut sink = HashSink::new();
    sink.write(DOMAIN);
    encoder::encode_value(&mut sink, value);
    EntityTag::from_digest(&sink.finalize())
}
