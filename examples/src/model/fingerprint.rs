//! A strong entity tag from field values: SHA-256 over a self-delimiting encoding.

use etag_core::EntityTag;
use sha2::{Digest, Sha256};

/// Feeds field values into SHA-256 so that distinct values give distinct inputs: every string is
/// length-prefixed, every sequence count-prefixed, every option flagged, and the resource kind
/// opens the input so an order and a cart with the same fields never share a tag.
pub(crate) struct Fingerprint {
    hasher: Sha256,
}

impl Fingerprint {
    pub(crate) fn new(kind: &str) -> Self {
        let mut fingerprint = Self {
            hasher: Sha256::new(),
        };
        fingerprint.text("etag-examples/v1");
        fingerprint.text(kind);
        fingerprint
    }

    pub(crate) fn text(&mut self, value: &str) {
        self.bytes(value.as_bytes());
    }

    pub(crate) fn bytes(&mut self, value: &[u8]) {
        self.len(value.len());
        self.hasher.update(value);
    }

    pub(crate) fn len(&mut self, len: usize) {
        self.number(len as u64);
    }

    pub(crate) fn number(&mut self, value: u64) {
        self.hasher.update(value.to_le_bytes());
    }

    pub(crate) fn optional_text(&mut self, value: Option<&str>) {
        match value {
            None => self.hasher.update([0]),
            Some(text) => {
                self.hasher.update([1]);
                self.text(text);
            }
        }
    }

    pub(crate) fn finish(self) -> EntityTag {
        EntityTag::from_digest(&self.hasher.finalize())
    }
}
