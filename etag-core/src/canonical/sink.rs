//! Where encoded bytes go: a growable buffer (for `to_bytes` and map entries) or, buffered in
//! blocks, straight into SHA-256.

use sha2::{Digest, Sha256};

/// A destination for canonical bytes. Writing never fails.
///
/// Public only for the code `#[derive(Encode)]` generates (through `__private`); not part of the
/// API.
pub trait Sink {
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

    /// Two writes in a row (a field name's encoding, known at compile time, and a short value):
    /// one room check for both in the hashing sink.
    fn write_two(&mut self, first: &[u8], second: &[u8]) {
        self.write(first);
        self.write(second);
    }

    /// `prefix`, an integer's marker, then `value` in LEB128: in the hashing sink, straight into
    /// its buffer after one room check.
    fn write_prefixed_integer(&mut self, prefix: &[u8], marker: u8, value: u64) {
        let (bytes, len) = integer_bytes(marker, value);
        self.write_two(prefix, &bytes[..len]);
    }

    /// `prefix` (a field name's encoding, known at compile time), then a marked write: one
    /// room check for both in the hashing sink.
    fn write_prefixed_marked(&mut self, prefix: &[u8], marker: u8, bytes: &[u8]) {
        self.write(prefix);
        self.write_marked(marker, bytes);
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
const BLOCK: usize = 512;

/// Feeds SHA-256 through a stack buffer: the encoder makes many writes of one to a dozen bytes,
/// and one `update` per write would cost more than the hashing itself.
///
/// No function that stays out of line takes the whole sink: the slow paths get the hasher, the
/// buffer and the fill level apart and return the new level. So once the encoding is inlined,
/// the fill level lives in a register instead of being reloaded from memory after every byte
/// stored into the buffer (which the compiler must otherwise assume could overwrite it). And the
/// hasher is only ever given whole 64-byte blocks until the end, so it never copies into its own
/// buffer.
pub(crate) struct HashSink {
    hasher: Sha256,
    buffer: [u8; BLOCK],
    filled: usize,
}

impl HashSink {
    #[inline(always)]
    pub(crate) fn new() -> Self {
        Self {
            hasher: Sha256::new(),
            buffer: [0; BLOCK],
            filled: 0,
        }
    }

    /// The SHA-256 digest of everything written. Takes `&mut self` rather than `self` so the
    /// sink (a few hundred bytes) is not moved just to be dropped; it is left empty.
    #[inline(always)]
    pub(crate) fn finalize(&mut self) -> [u8; 32] {
        let filled = self.filled.min(BLOCK);
        self.filled = 0;
        finish(&mut self.hasher, &self.buffer[..filled])
    }

    /// Makes room for `need` bytes (at most `ROOM`) in the buffer.
    #[inline(always)]
    fn reserve(&mut self, need: usize) {
        if self.filled + need > BLOCK {
            self.filled = make_room(&mut self.hasher, &mut self.buffer, self.filled);
        }
    }
}

/// The most a fast-path write may need: `make_room` leaves less than one block filled.
const ROOM: usize = BLOCK - 64;

/// Hashes the rest of the buffer and returns the digest, leaving the hasher reset.
#[inline(never)]
fn finish(hasher: &mut Sha256, rest: &[u8]) -> [u8; 32] {
    hasher.update(rest);
    hasher.finalize_reset().into()
}

/// Hashes the buffer's whole 64-byte blocks and moves the rest (less than a block) to its start;
/// returns the new fill level.
#[inline(never)]
fn make_room(hasher: &mut Sha256, buffer: &mut [u8; BLOCK], filled: usize) -> usize {
    let filled = filled.min(BLOCK);
    let whole = filled / 64 * 64;
    hasher.update(&buffer[..whole]);
    buffer.copy_within(whole..filled, 0);
    filled - whole
}

/// Writes too long for the fast path: fills the buffer, hashes it, hashes whole blocks of the
/// rest directly and keeps the remainder; returns the new fill level.
#[inline(never)]
fn write_long(hasher: &mut Sha256, buffer: &mut [u8; BLOCK], filled: usize, bytes: &[u8]) -> usize {
    let filled = filled.min(BLOCK);
    let free = BLOCK - filled;
    if bytes.len() <= free {
        buffer[filled..filled + bytes.len()].copy_from_slice(bytes);
        return filled + bytes.len();
    }
    let (head, rest) = bytes.split_at(free);
    buffer[filled..].copy_from_slice(head);
    hasher.update(&buffer[..]);
    let whole = rest.len() / 64 * 64;
    hasher.update(&rest[..whole]);
    let tail = &rest[whole..];
    buffer[..tail.len()].copy_from_slice(tail);
    tail.len()
}

/// Writes up to this many bytes are copied inline with fixed-size moves: most writes are a field
/// name or a short string, and a call to `memcpy` for each would cost more than the copy.
const SMALL: usize = 32;

impl Sink for HashSink {
    #[inline(always)]
    fn write(&mut self, bytes: &[u8]) {
        let len = bytes.len();
        if len > SMALL {
            self.filled = write_long(&mut self.hasher, &mut self.buffer, self.filled, bytes);
            return;
        }
        self.reserve(SMALL);
        let at = self.filled;
        copy_small(&mut self.buffer[at..at + SMALL], bytes);
        self.filled = at + len;
    }

    #[inline(always)]
    fn write_marked(&mut self, marker: u8, bytes: &[u8]) {
        self.write_prefixed_marked(&[], marker, bytes);
    }

    #[inline(always)]
    fn write_prefixed_marked(&mut self, prefix: &[u8], marker: u8, bytes: &[u8]) {
        let len = bytes.len();
        if prefix.len() > SMALL || len > SMALL {
            // All through the inline writes: the sink itself never goes out of line.
            self.write(prefix);
            let mut head = [0_u8; 11];
            head[0] = marker;
            let mut at = 1;
            let mut value = len as u64;
            while value >= 0x80 {
                head[at] = (value & 0x7f) as u8 | 0x80;
                value >>= 7;
                at += 1;
            }
            head[at] = value as u8;
            self.write(&head[..=at]);
            self.write(bytes);
            return;
        }
        // Prefix, marker, one length byte (`SMALL` < 128), payload: all inline.
        self.reserve(2 * SMALL + 2);
        let at = self.filled;
        copy_small(&mut self.buffer[at..at + SMALL], prefix);
        let at = at + prefix.len();
        self.buffer[at] = marker;
        self.buffer[at + 1] = len as u8;
        copy_small(&mut self.buffer[at + 2..at + 2 + SMALL], bytes);
        self.filled = at + 2 + len;
    }

    #[inline(always)]
    fn write_two(&mut self, first: &[u8], second: &[u8]) {
        if first.len() > SMALL || second.len() > SMALL {
            self.write(first);
            self.write(second);
            return;
        }
        self.reserve(2 * SMALL);
        let at = self.filled;
        copy_small(&mut self.buffer[at..at + SMALL], first);
        let at = at + first.len();
        copy_small(&mut self.buffer[at..at + SMALL], second);
        self.filled = at + second.len();
    }

    #[inline(always)]
    fn write_prefixed_integer(&mut self, prefix: &[u8], marker: u8, mut value: u64) {
        if prefix.len() > SMALL {
            self.write(prefix);
            let (bytes, len) = integer_bytes(marker, value);
            self.write(&bytes[..len]);
            return;
        }
        // The prefix, the marker and at most ten LEB128 bytes.
        self.reserve(SMALL + 11);
        let at = self.filled;
        copy_small(&mut self.buffer[at..at + SMALL], prefix);
        let mut at = at + prefix.len();
        self.buffer[at] = marker;
        at += 1;
        while value >= 0x80 {
            self.buffer[at] = (value & 0x7f) as u8 | 0x80;
            value >>= 7;
            at += 1;
        }
        self.buffer[at] = value as u8;
        self.filled = at + 1;
    }

    #[inline(always)]
    fn write_byte(&mut self, byte: u8) {
        self.reserve(1);
        let at = self.filled;
        self.buffer[at] = byte;
        self.filled = at + 1;
    }
}

/// An integer's marker and LEB128 magnitude, and how many of the bytes are used.
#[inline(always)]
fn integer_bytes(marker: u8, mut value: u64) -> ([u8; 11], usize) {
    let mut bytes = [0_u8; 11];
    bytes[0] = marker;
    let mut len = 1;
    while value >= 0x80 {
        bytes[len] = (value & 0x7f) as u8 | 0x80;
        value >>= 7;
        len += 1;
    }
    bytes[len] = value as u8;
    (bytes, len + 1)
}

/// Copies `bytes` (at most `SMALL` of them) to the start of `dst` (exactly `SMALL` long) with
/// fixed-size moves: two overlapping copies cover every length in their range. The moves are
/// integer loads and stores of a different width per branch, so the compiler cannot merge the
/// branches into one `memcpy` call of variable length (which it does with byte-slice copies).
#[inline(always)]
fn copy_small(dst: &mut [u8], bytes: &[u8]) {
    // The helpers below store nothing rather than panic out of bounds: the callers' invariant.
    debug_assert!(dst.len() == SMALL && bytes.len() <= SMALL);
    let len = bytes.len();
    if len >= 16 {
        let (head, tail) = (
            u128::from_ne_bytes(first(bytes)),
            u128::from_ne_bytes(last(bytes)),
        );
        put(dst, 0, head.to_ne_bytes());
        put(dst, len - 16, tail.to_ne_bytes());
    } else if len >= 8 {
        let (head, tail) = (
            u64::from_ne_bytes(first(bytes)),
            u64::from_ne_bytes(last(bytes)),
        );
        put(dst, 0, head.to_ne_bytes());
        put(dst, len - 8, tail.to_ne_bytes());
    } else if len >= 4 {
        let (head, tail) = (
            u32::from_ne_bytes(first(bytes)),
            u32::from_ne_bytes(last(bytes)),
        );
        put(dst, 0, head.to_ne_bytes());
        put(dst, len - 4, tail.to_ne_bytes());
    } else if len > 0 {
        dst[0] = bytes[0];
        dst[len / 2] = bytes[len / 2];
        dst[len - 1] = bytes[len - 1];
    }
}

/// The first `N` bytes of `bytes` (which has at least `N`).
#[inline(always)]
fn first<const N: usize>(bytes: &[u8]) -> [u8; N] {
    bytes.first_chunk().copied().unwrap_or([0; N])
}

/// The last `N` bytes of `bytes` (which has at least `N`).
#[inline(always)]
fn last<const N: usize>(bytes: &[u8]) -> [u8; N] {
    bytes.last_chunk().copied().unwrap_or([0; N])
}

/// Stores `value` at `dst[at..at + N]` (which is in bounds).
#[inline(always)]
fn put<const N: usize>(dst: &mut [u8], at: usize, value: [u8; N]) {
    if let Some(to) = dst.get_mut(at..).and_then(<[u8]>::first_chunk_mut) {
        *to = value;
    }
}

const _: () = assert!(2 * SMALL + 2 <= ROOM && SMALL < 128);

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
            1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 255, 256, 257, 1000,
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
        for i in 0..2000_usize {
            let payload: Vec<u8> = (0..i % 131).map(|b| (b * 31 + i) as u8).collect();
            plain.write_marked(0x06, &payload);
            hashed.write_marked(0x06, &payload);
            let prefix = &payload[..payload.len().min(i % 37)];
            plain.write_prefixed_marked(prefix, 0x07, &payload);
            hashed.write_prefixed_marked(prefix, 0x07, &payload);
            plain.write_two(prefix, &payload[payload.len() / 2..]);
            hashed.write_two(prefix, &payload[payload.len() / 2..]);
            let value = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (i % 64);
            plain.write_prefixed_integer(prefix, 0x03, value);
            hashed.write_prefixed_integer(prefix, 0x03, value);
            if i % 7 == 0 {
                plain.write_byte(0xff);
                hashed.write_byte(0xff);
            }
        }
        let expected: [u8; 32] = Sha256::digest(&plain).into();
        assert_eq!(hashed.finalize(), expected);
    }
}
