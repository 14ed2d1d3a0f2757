//! Maps: the one place the encoder buffers. Entries are encoded into a scratch buffer, sorted by
//! their encoded key bytes (then value bytes), and only then written out, so the encoding of a map
//! does not depend on its iteration order (a `HashMap`'s differs between processes).
//!
//! This module owns the buffer and the order; the encoder's `SerializeMap` fills it, so the two
//! do not depend on each other.

use serde::ser;

use super::error::Error;
use super::marker;
use super::sink::Sink;

/// Where one entry's key and value lie in the scratch buffer.
struct Entry {
    key_start: usize,
    value_start: usize,
    end: usize,
}

/// The encoded entries of one map, waiting to be sorted.
pub(crate) struct SortedEntries {
    scratch: Vec<u8>,
    entries: Vec<Entry>,
    /// Start and end of a key written by `key` whose value has not come yet.
    pending_key: Option<(usize, usize)>,
}

impl SortedEntries {
    /// Room for `len` entries, when the map knows its length.
    pub(crate) fn new(len: Option<usize>) -> Self {
        let len = len.unwrap_or(0);
        Self {
            // About 16 bytes per entry: enough for small keys and values without regrowing.
            scratch: Vec::with_capacity(len.saturating_mul(16).min(4096)),
            entries: Vec::with_capacity(len.min(256)),
            pending_key: None,
        }
    }

    /// Adds a key: `encode` writes its encoding to the scratch buffer it is given.
    pub(crate) fn key(
        &mut self,
        encode: impl FnOnce(&mut Vec<u8>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let key_start = self.scratch.len();
        encode(&mut self.scratch)?;
        self.pending_key = Some((key_start, self.scratch.len()));
        Ok(())
    }

    /// Adds the value of the last key, encoded by `encode` like [`key`](Self::key).
    pub(crate) fn value(
        &mut self,
        encode: impl FnOnce(&mut Vec<u8>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let Some((key_start, value_start)) = self.pending_key.take() else {
            return Err(ser::Error::custom(
                "serialize_value was called without serialize_key",
            ));
        };
        encode(&mut self.scratch)?;
        self.entries.push(Entry {
            key_start,
            value_start,
            end: self.scratch.len(),
        });
        Ok(())
    }

    /// Writes the map to `sink`: its marker, the entries in sorted order, the end marker.
    pub(crate) fn write_to<W: Sink>(mut self, sink: &mut W) -> Result<(), Error> {
        if self.pending_key.is_some() {
            return Err(ser::Error::custom("a map key has no value"));
        }
        let scratch = &self.scratch;
        self.entries.sort_unstable_by(|a, b| {
            scratch[a.key_start..a.value_start]
                .cmp(&scratch[b.key_start..b.value_start])
                .then_with(|| scratch[a.value_start..a.end].cmp(&scratch[b.value_start..b.end]))
        });
        sink.write_byte(marker::MAP);
        for entry in &self.entries {
            sink.write(&scratch[entry.key_start..entry.end]);
        }
        sink.write_byte(marker::END);
        Ok(())
    }
}
