//! Maps: the one place the encoder buffers. Entries are encoded into a scratch buffer, sorted by
//! their encoded key bytes (then value bytes), and only then written out, so the encoding of a map
//! does not depend on its iteration order (a `HashMap`'s differs between processes).

use serde::ser::{self, Serialize};

use super::encoder::Encoder;
use super::error::Error;
use super::marker;
use super::sink::Sink;

/// Where one entry's key and value lie in the scratch buffer.
struct Entry {
    key_start: usize,
    value_start: usize,
    end: usize,
}

/// `SerializeMap` for the canonical encoding.
pub(crate) struct MapEncoder<'a, W: Sink> {
    sink: &'a mut W,
    scratch: Vec<u8>,
    entries: Vec<Entry>,
    /// Start and end of a key written by `serialize_key` whose value has not come yet.
    pending_key: Option<(usize, usize)>,
}

impl<'a, W: Sink> MapEncoder<'a, W> {
    pub(crate) fn new(sink: &'a mut W, len: Option<usize>) -> Self {
        let len = len.unwrap_or(0);
        Self {
            sink,
            // About 16 bytes per entry: enough for small keys and values without regrowing.
            scratch: Vec::with_capacity(len.saturating_mul(16).min(4096)),
            entries: Vec::with_capacity(len.min(256)),
            pending_key: None,
        }
    }

    fn encode_into_scratch<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(Encoder::new(&mut self.scratch))
    }
}

impl<W: Sink> ser::SerializeMap for MapEncoder<'_, W> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let key_start = self.scratch.len();
        self.encode_into_scratch(key)?;
        self.pending_key = Some((key_start, self.scratch.len()));
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let Some((key_start, value_start)) = self.pending_key.take() else {
            return Err(ser::Error::custom(
                "serialize_value was called without serialize_key",
            ));
        };
        self.encode_into_scratch(value)?;
        self.entries.push(Entry {
            key_start,
            value_start,
            end: self.scratch.len(),
        });
        Ok(())
    }

    fn end(mut self) -> Result<(), Error> {
        if self.pending_key.is_some() {
            return Err(ser::Error::custom("a map key has no value"));
        }
        let scratch = &self.scratch;
        self.entries.sort_unstable_by(|a, b| {
            scratch[a.key_start..a.value_start]
                .cmp(&scratch[b.key_start..b.value_start])
                .then_with(|| scratch[a.value_start..a.end].cmp(&scratch[b.value_start..b.end]))
        });
        self.sink.write_byte(marker::MAP);
        for entry in &self.entries {
            self.sink.write(&scratch[entry.key_start..entry.end]);
        }
        self.sink.write_byte(marker::END);
        Ok(())
    }
}
