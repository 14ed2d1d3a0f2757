//! The `serde::Serializer` that writes the canonical encoding into a [`Sink`].

use std::fmt::{self, Write as _};

use serde::ser::{self, Serialize};

use super::error::Error;
use super::map::SortedEntries;
use super::marker;
use super::sink::{Sink, write_leb128, write_leb128_u64};

/// Encodes one value into `sink`. Borrowing the sink lets nested values write into the same place
/// without copying.
pub(crate) struct Encoder<'a, W: Sink> {
    sink: &'a mut W,
}

impl<'a, W: Sink> Encoder<'a, W> {
    pub(crate) fn new(sink: &'a mut W) -> Self {
        Self { sink }
    }
}

/// Encodes `value` into `sink`; if its `Serialize` implementation fails, records the failure
/// instead of passing it on (module docs, "Values that fail to serialize").
pub(crate) fn encode_value<W: Sink, T: Serialize + ?Sized>(sink: &mut W, value: &T) {
    if let Err(error) = value.serialize(Encoder::new(sink)) {
        sink.write_marked(marker::ERROR, error.message().as_bytes());
    }
}

#[inline(always)]
pub(crate) fn write_string<W: Sink>(sink: &mut W, text: &str) {
    sink.write_marked(marker::STRING, text.as_bytes());
}

/// The integer encoding: the sign as the marker, then the magnitude in LEB128, so the encoding
/// depends on the value only, never on the Rust type that held it.
#[inline(always)]
pub(crate) fn write_signed<W: Sink>(sink: &mut W, value: i64) {
    write_signed_prefixed(sink, &[], value);
}

#[inline(always)]
pub(crate) fn write_unsigned<W: Sink>(sink: &mut W, value: u64) {
    write_unsigned_prefixed(sink, &[], value);
}

/// `prefix` (a field name's encoding), then a signed integer, in one write.
#[inline(always)]
pub(crate) fn write_signed_prefixed<W: Sink>(sink: &mut W, prefix: &[u8], value: i64) {
    let marker = if value < 0 {
        marker::NEGATIVE
    } else {
        marker::NON_NEGATIVE
    };
    write_integer(sink, prefix, marker, value.unsigned_abs());
}

/// `prefix` (a field name's encoding), then an unsigned integer, in one write.
#[inline(always)]
pub(crate) fn write_unsigned_prefixed<W: Sink>(sink: &mut W, prefix: &[u8], value: u64) {
    write_integer(sink, prefix, marker::NON_NEGATIVE, value);
}

/// The marker and the LEB128 magnitude after `prefix`, as one write (see
/// `Sink::write_prefixed_integer`) instead of one per byte.
#[inline(always)]
fn write_integer<W: Sink>(sink: &mut W, prefix: &[u8], marker: u8, value: u64) {
    sink.write_prefixed_integer(prefix, marker, value);
}

/// The same encoding as `write_signed`, for 128-bit values.
pub(crate) fn write_signed_128<W: Sink>(sink: &mut W, value: i128) {
    sink.write_byte(if value < 0 {
        marker::NEGATIVE
    } else {
        marker::NON_NEGATIVE
    });
    write_leb128(sink, value.unsigned_abs());
}

/// `-0.0` becomes `0.0` and every NaN the one quiet NaN, so values that compare equal (and all
/// NaNs) encode the same; `f32` widens to `f64` exactly.
#[inline]
pub(crate) fn write_float<W: Sink>(sink: &mut W, value: f64) {
    let bits = if value.is_nan() {
        0x7ff8_0000_0000_0000
    } else if value == 0.0 {
        0
    } else {
        value.to_bits()
    };
    let mut bytes = [marker::FLOAT; 9];
    bytes[1..].copy_from_slice(&bits.to_be_bytes());
    sink.write(&bytes);
}

/// Counts the bytes a `Display` value prints, without keeping them.
struct CountingWriter(usize);

impl fmt::Write for CountingWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

/// Writes a `Display` value's text, cut off or zero-padded to exactly `remaining` bytes, so the
/// length prefix written before stays true even for a `Display` that prints differently twice.
struct ExactWriter<'a, W: Sink> {
    sink: &'a mut W,
    remaining: usize,
}

impl<W: Sink> fmt::Write for ExactWriter<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let take = s.len().min(self.remaining);
        self.sink.write(&s.as_bytes()[..take]);
        self.remaining -= take;
        Ok(())
    }
}

impl<'a, W: Sink> ser::Serializer for Encoder<'a, W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = MapEncoder<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.sink
            .write_byte(if v { marker::TRUE } else { marker::FALSE });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        write_signed(self.sink, v.into());
        Ok(())
    }

    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        write_signed(self.sink, v.into());
        Ok(())
    }

    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        write_signed(self.sink, v.into());
        Ok(())
    }

    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        write_signed(self.sink, v);
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        write_signed_128(self.sink, v);
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        write_unsigned(self.sink, v.into());
        Ok(())
    }

    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        write_unsigned(self.sink, v.into());
        Ok(())
    }

    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        write_unsigned(self.sink, v.into());
        Ok(())
    }

    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        write_unsigned(self.sink, v);
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.sink.write_byte(marker::NON_NEGATIVE);
        write_leb128(self.sink, v);
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        write_float(self.sink, v.into());
        Ok(())
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        write_float(self.sink, v);
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        write_string(self.sink, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        write_string(self.sink, v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.sink.write_marked(marker::BYTES, v);
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.sink.write_byte(marker::NONE);
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        self.sink.write_byte(marker::SOME);
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.sink.write_byte(marker::UNIT);
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.sink
            .write_marked(marker::UNIT_VARIANT, variant.as_bytes());
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        // Transparent: wrapping a field in a newtype keeps its tag.
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.sink
            .write_marked(marker::NEWTYPE_VARIANT, variant.as_bytes());
        value.serialize(self)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, W>, Error> {
        self.sink.write_byte(marker::SEQUENCE);
        Ok(Compound { sink: self.sink })
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, W>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.sink
            .write_marked(marker::TUPLE_VARIANT, variant.as_bytes());
        Ok(Compound { sink: self.sink })
    }

    fn serialize_map(self, len: Option<usize>) -> Result<MapEncoder<'a, W>, Error> {
        Ok(MapEncoder {
            sink: self.sink,
            entries: SortedEntries::new(len),
        })
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a, W>, Error> {
        self.sink.write_byte(marker::STRUCT);
        Ok(Compound { sink: self.sink })
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.sink
            .write_marked(marker::STRUCT_VARIANT, variant.as_bytes());
        Ok(Compound { sink: self.sink })
    }

    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result<(), Error> {
        // Two passes (count, then write) instead of `to_string`: no allocation.
        let mut counter = CountingWriter(0);
        write!(counter, "{value}").map_err(|_| ser::Error::custom("a Display impl failed"))?;
        self.sink.write_byte(marker::STRING);
        write_leb128_u64(self.sink, counter.0 as u64);
        let mut exact = ExactWriter {
            sink: &mut *self.sink,
            remaining: counter.0,
        };
        // The length is already written: keep the encoding well-formed whatever happens next.
        let _ = write!(exact, "{value}");
        for _ in 0..exact.remaining {
            self.sink.write_byte(0);
        }
        Ok(())
    }

    fn is_human_readable(&self) -> bool {
        // Part of the contract: types with two forms (UUIDs, IP addresses) use the compact one.
        false
    }
}

/// `SerializeMap` for the canonical encoding: each key and value is encoded on its own, then the
/// entries are written in sorted order (see `map`).
pub(crate) struct MapEncoder<'a, W: Sink> {
    sink: &'a mut W,
    entries: SortedEntries,
}

impl<W: Sink> ser::SerializeMap for MapEncoder<'_, W> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.entries
            .key(|scratch| key.serialize(Encoder::new(scratch)))
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.entries
            .value(|scratch| value.serialize(Encoder::new(scratch)))
    }

    fn end(self) -> Result<(), Error> {
        self.entries.write_to(self.sink)
    }
}

/// Sequences, tuples and structs (and their variant forms): the items in order, then `END`.
pub(crate) struct Compound<'a, W: Sink> {
    sink: &'a mut W,
}

impl<W: Sink> Compound<'_, W> {
    #[inline]
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(Encoder::new(&mut *self.sink))
    }

    #[inline]
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        write_string(self.sink, key);
        self.element(value)
    }

    #[inline]
    fn close(self) -> Result<(), Error> {
        self.sink.write_byte(marker::END);
        Ok(())
    }
}

impl<W: Sink> ser::SerializeSeq for Compound<'_, W> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl<W: Sink> ser::SerializeTuple for Compound<'_, W> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl<W: Sink> ser::SerializeTupleStruct for Compound<'_, W> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl<W: Sink> ser::SerializeTupleVariant for Compound<'_, W> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl<W: Sink> ser::SerializeStruct for Compound<'_, W> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl<W: Sink> ser::SerializeStructVariant for Compound<'_, W> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}
