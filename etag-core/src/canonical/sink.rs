//! Where encoded bytes go: a growable buffer (for `to_bytes` and map entries) or, buffered in
//! blocks, straight into SHA-256.

use sha2::{Digest, Sha256};

/// A destination for canonical bytes. Writing never fails.
pub(crate) trait Sink {
    /// Appends `bytes`.
    fn write(&mut self, bytes: &[u8]);

    /// Appends one byte.
    fn write_byte(&mut self, byte: u8) {
        self.write(&[byte]);
    }

    /// Appends a marker byte, the LEB128 length of `bytes`, then `bytes`: how strings, byte
    /// strings and variant names are written.
    fn write_marked(&mut self, marker: u8, bytes: &[u8]) {
        self.write_byte(marker);
        write_len_prefixed(self, bytes);
    }
}

impl Sink for Vec<u8> {
    fn write(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }

    fn write_byte(&mut self, byte: u8) {
        self.push(byte);
    }
}

/// How many bytes `HashSink` gathers before it hands them to SHA-256: a multiple of the 64-byte
/// block, so most updates are whole blocks and the hasher's own buffering stays out of the way.
const BLOCK: usize = 256;

/// Feeds SHA-256 through a stack buffer: the encoder makes many writes of one to a dozen bytes,
/// and one `update` per write would cost more than the hashing itself.
pub(crate) struct HashSink {
    hasher: Sha256,
    buffer: [u8; BLOCK],
    filled: usize,
}

impl HashSink {
    pub(crate) fn new() -> Self {
        Self {
            hasher: Sha256::new(),
            buffer: [0; BLOCK],
            filled: 0,
        }
    }

    /// The SHA-256 digest of everything written. Takes `&mut self` rather than `self` so the
    /// sink (a few hundred bytes) is not moved just to be dropped; it is left empty.
    pub(crate) fn finalize(&mut self) -> [u8; 32] {
        self.flush();
        self.hasher.finalize_reset().into()
    }
}

impl HashSink {
    /// Hashes the full buffer and empties it.
    #[inline]
    fn flush(&mut self) {
        self.hasher.update(&self.buffer[..self.filled]);
        self.filled = 0;
    }

    /// Hashes a full buffer: the rare branch of `write_byte`, kept out of line.
    #[inline(never)]
    fn flush_full(&mut self) {
        self.flush();
    }

    /// `write_marked` for long payloads or a nearly full buffer.
    #[inline(never)]
    fn write_marked_spilling(&mut self, marker: u8, bytes: &[u8]) {
        self.write_byte(marker);
        write_len_prefixed(self, bytes);
    }

    /// Writes that do not fit the fast path: large payloads, or a nearly full buffer.
    #[inline(never)]
    fn write_spilling(&mut self, bytes: &[u8]) {
        let free = BLOCK - self.filled;
        if bytes.len() <= free {
            self.buffer[self.filled..self.filled + bytes.len()].copy_from_slice(bytes);
            self.filled += bytes.len();
            return;
        }
        // Top the buffer up to a whole block run, hash it, then either hash the (large) rest
        // directly or start a new block run with it.
        let (head, rest) = bytes.split_at(free);
        self.buffer[self.filled..].copy_from_slice(head);
        self.filled = BLOCK;
        self.flush();
        if rest.len() >= BLOCK {
            self.hasher.update(rest);
        } else {
            self.buffer[..rest.len()].copy_from_slice(rest);
            self.filled = rest.len();
        }
    }
}

/// Writes up to this many bytes are copied inline with fixed-size moves: most writes are a field
/// name or a short string, and a call to `memcpy` for each would cost more than the copy.
const SMALL: usize = 16;

impl Sink for HashSink {
    #[inline(always)]
    fn write(&mut self, bytes: &[u8]) {
        let len = bytes.len();
        if len > SMALL || self.filled + SMALL > BLOCK {
            self.write_spilling(bytes);
            return;
        }
        copy_small(&mut self.buffer[self.filled..self.filled + SMALL], bytes);
        self.filled += len;
    }

    #[inline(always)]
    fn write_marked(&mut self, marker: u8, bytes: &[u8]) {
        let len = bytes.len();
        // Marker, one length byte (`SMALL` < 128), payload: all inline.
        if len > SMALL || self.filled + 2 + SMALL > BLOCK {
            self.write_marked_spilling(marker, bytes);
            return;
        }
        let at = self.filled;
        self.buffer[at] = marker;
        self.buffer[at + 1] = len as u8;
        copy_small(&mut self.buffer[at + 2..at + 2 + SMALL], bytes);
        self.filled = at + 2 + len;
    }

    #[inline(always)]
    fn write_byte(&mut self, byte: u8) {
        if self.filled == BLOCK {
            self.flush_full();
        }
        self.buffer[self.filled] = byte;
        self.filled += 1;
    }
}

/// Copies `bytes` (at most `SMALL` of them) to the start of `dst` (exactly `SMALL` long) with
/// fixed-size moves: two overlapping copies cover every length in their range.
#[inline(always)]
fn copy_small(dst: &mut [u8], bytes: &[u8]) {
    let len = bytes.len();
    if len >= 8 {
        dst[..8].copy_from_slice(&bytes[..8]);
        dst[len - 8..len].copy_from_slice(&bytes[len - 8..]);
    } else if len >= 4 {
        dst[..4].copy_from_slice(&bytes[..4]);
        dst[len - 4..len].copy_from_slice(&bytes[len - 4..]);
    } else if len > 0 {
        dst[0] = bytes[0];
        dst[len / 2] = bytes[len / 2];
        dst[len - 1] = bytes[len - 1];
    }
}

/// Writes `value` as unsigned LEB128: seven bits per byte, least significant group first, the
/// high bit set on every byte but the last. Values below 128 take one byte.
#[inline]
pub(crate) fn write_leb128<W: Sink + ?Sized>(sink: &mut W, value: u128) {
    match u64::try_from(value) {
        Ok(small) => write_leb128_u64(sink, small),
        Err(_) => {
            let mut value = value;
            while value >= 0x80 {
                sink.write_byte((value & 0x7f) as u8 | 0x80);
                value >>= 7;
            }
            sink.write_byte(value as u8);
        }
    }
}

/// [`write_leb128`] for values that fit 64 bits (lengths, and every integer up to `u64`): the
/// same bytes, without 128-bit arithmetic.
#[inline]
pub(crate) fn write_leb128_u64<W: Sink + ?Sized>(sink: &mut W, mut value: u64) {
    while value >= 0x80 {
        sink.write_byte((value & 0x7f) as u8 | 0x80);
        value >>= 7;
    }
    sink.write_byte(value as u8);
}

/// Writes a LEB128 length followed by the bytes themselves.
#[inline]
pub(crate) fn write_len_prefixed<W: Sink + ?Sized>(sink: &mut W, bytes: &[u8]) {
    write_leb128_u64(sink, bytes.len() as u64);
    sink.write(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leb(value: u128) -> Vec<u8> {
        let mut out = Vec::new();
        write_leb128(&mut out, value);
        out
    }

    #[test]
    fn leb128_matches_the_reference_examples() {
        assert_eq!(leb(0), [0x00]);
        assert_eq!(leb(127), [0x7f]);
        assert_eq!(leb(128), [0x80, 0x01]);
        assert_eq!(leb(624_485), [0xe5, 0x8e, 0x26]);
        assert_eq!(leb(u128::MAX).len(), 19);
        assert_eq!(leb(u128::from(u64::MAX)).len(), 10);
        assert_eq!(leb(u128::from(u64::MAX) + 1), {
            let mut expected = vec![0x80; 9];
            expected.push(0x02);
            expected
        });
    }

    #[test]
    fn hash_sink_equals_one_shot_hash_across_block_boundaries() {
        let data: Vec<u8> = (0..2000_u32).map(|i| (i * 7 % 251) as u8).collect();
        let expected: [u8; 32] = Sha256::digest(&data).into();
        // Mix tiny, medium and huge writes so every branch of `write` runs.
        for chunk in [
            1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 63, 64, 255, 256, 257, 1000,
        ] {
            let mut sink = HashSink::new();
            let mut rest = &data[..];
            let mut toggle = false;
            while !rest.is_empty() {
                let n = if toggle { 1 } else { chunk.min(rest.len()) };
                let (head, tail) = rest.split_at(n);
                if n == 1 {
                    sink.write_byte(head[0]);
                } else {
                    sink.write(head);
                }
                rest = tail;
                toggle = !toggle;
            }
            assert_eq!(sink.finalize(), expected, "chunk size {chunk}");
        }
    }

    #[test]
    fn marked_writes_hash_like_the_plain_encoding() {
        let mut plain = Vec::new();
        let mut hashed = HashSink::new();
        // Payload lengths around the inline limit, at every fill level of the block buffer.
        for i in 0..600_usize {
            let payload: Vec<u8> = (0..i % 41).map(|b| (b * 31 + i) as u8).collect();
            plain.write_marked(0x06, &payload);
            hashed.write_marked(0x06, &payload);
            if i % 7 == 0 {
                plain.write_byte(0xff);
                hashed.write_byte(0xff);
            }
        }
        let expected: [u8; 32] = Sha256::digest(&plain).into();
        assert_eq!(hashed.finalize(), expected);
    }
}
