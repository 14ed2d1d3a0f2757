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

    /// The SHA-256 digest of everything written.
    pub(crate) fn finalize(mut self) -> [u8; 32] {
        self.hasher.update(&self.buffer[..self.filled]);
        self.hasher.finalize().into()
    }
}

impl Sink for HashSink {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
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
        self.hasher.update(self.buffer);
        self.filled = 0;
        if rest.len() >= BLOCK {
            self.hasher.update(rest);
        } else {
            self.buffer[..rest.len()].copy_from_slice(rest);
            self.filled = rest.len();
        }
    }

    #[inline]
    fn write_byte(&mut self, byte: u8) {
        if self.filled == BLOCK {
            self.hasher.update(self.buffer);
            self.filled = 0;
        }
        self.buffer[self.filled] = byte;
        self.filled += 1;
    }
}

/// Writes `value` as unsigned LEB128: seven bits per byte, least significant group first, the
/// high bit set on every byte but the last. Values below 128 take one byte.
#[inline]
pub(crate) fn write_leb128<W: Sink + ?Sized>(sink: &mut W, mut value: u128) {
    if value < 0x80 {
        sink.write_byte(value as u8);
        return;
    }
    // u128 needs at most ceil(128 / 7) = 19 bytes.
    let mut bytes = [0_u8; 19];
    let mut len = 0;
    loop {
        let low = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            bytes[len] = low;
            len += 1;
            break;
        }
        bytes[len] = low | 0x80;
        len += 1;
    }
    sink.write(&bytes[..len]);
}

/// Writes a LEB128 length followed by the bytes themselves.
#[inline]
pub(crate) fn write_len_prefixed<W: Sink + ?Sized>(sink: &mut W, bytes: &[u8]) {
    write_leb128(sink, bytes.len() as u128);
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
    }

    #[test]
    fn hash_sink_equals_one_shot_hash_across_block_boundaries() {
        let data: Vec<u8> = (0..2000_u32).map(|i| (i * 7 % 251) as u8).collect();
        let expected: [u8; 32] = Sha256::digest(&data).into();
        // Mix tiny, medium and huge writes so every branch of `write` runs.
        for chunk in [1, 3, 63, 64, 255, 256, 257, 1000] {
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
}
