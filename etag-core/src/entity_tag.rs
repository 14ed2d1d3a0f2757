//! The entity tag itself (RFC 9110 §8.8.3): parsing, printing and comparison.

use std::fmt;
use std::str::FromStr;

use http::HeaderValue;

/// An entity tag: an opaque validator of one representation of a resource (RFC 9110 §8.8.3).
///
/// A tag is either *strong* (`"xyz"`: the representations are byte-for-byte the same) or *weak*
/// (`W/"xyz"`: they are semantically equivalent). The opaque part is kept exactly as received,
/// including `obs-text` bytes, and compared byte for byte.
///
/// `==` and `Hash` compare exactly (the weak flag and the opaque bytes): use
/// [`strong_eq`](Self::strong_eq) and [`weak_eq`](Self::weak_eq) for the RFC's comparisons.
///
/// ```
/// use etag_core::EntityTag;
///
/// let strong: EntityTag = "\"v1\"".parse()?;
/// let weak: EntityTag = "W/\"v1\"".parse()?;
///
/// assert!(strong.weak_eq(&weak));      // weak comparison ignores the W/ prefix
/// assert!(!strong.strong_eq(&weak));   // strong comparison needs two strong tags
/// assert_eq!(weak.to_string(), "W/\"v1\"");
/// # Ok::<(), etag_core::InvalidEntityTag>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EntityTag {
    weak: bool,
    opaque: Opaque,
}

/// How many opaque bytes a tag holds without a heap allocation: a derived tag's 32 hex digits,
/// and every version number up to `u64::MAX` (20 digits).
const INLINE: usize = 32;

/// The opaque bytes of a tag: inline when short (every derived and version tag), on the heap
/// otherwise. Compared and hashed as the bytes they hold, whichever the storage.
#[derive(Clone)]
enum Opaque {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl std::ops::Deref for Opaque {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        match self {
            Self::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Self::Heap(bytes) => bytes,
        }
    }
}

impl From<&[u8]> for Opaque {
    fn from(bytes: &[u8]) -> Self {
        if bytes.len() <= INLINE {
            let mut inline = [0; INLINE];
            match bytes.as_array::<INLINE>() {
                // A derived tag's 32 digits: one fixed-size copy, no call to `memcpy`.
                Some(whole) => inline = *whole,
                None => inline[..bytes.len()].copy_from_slice(bytes),
            }
            // `len <= INLINE = 32` fits a `u8`.
            Self::Inline {
                len: bytes.len() as u8,
                bytes: inline,
            }
        } else {
            Self::Heap(bytes.into())
        }
    }
}

impl From<Vec<u8>> for Opaque {
    fn from(bytes: Vec<u8>) -> Self {
        if bytes.len() <= INLINE {
            Self::from(bytes.as_slice())
        } else {
            Self::Heap(bytes.into_boxed_slice())
        }
    }
}

impl PartialEq for Opaque {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Opaque {}

impl std::hash::Hash for Opaque {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // As the `Box<[u8]>` it replaced hashed: the bytes, length first.
        (**self).hash(state);
    }
}

/// Why a text is not a valid entity tag.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidEntityTag {
    /// Nothing was given.
    Empty,
    /// The tag does not start with `"` (or `W/"`); opaque tags are always quoted.
    NotQuoted,
    /// The weak prefix was written `w/`; RFC 9110 makes `W/` case-sensitive.
    LowercaseWeakPrefix,
    /// The closing `"` is missing.
    Unterminated,
    /// A byte that may not appear inside an entity tag (a control character, a space, `"`, or DEL).
    InvalidByte {
        /// The offending byte.
        byte: u8,
        /// Its offset in the input.
        position: usize,
    },
    /// Something follows the closing `"`.
    TrailingCharacters,
}

impl fmt::Display for InvalidEntityTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the entity tag is empty"),
            Self::NotQuoted => f.write_str(
                "an entity tag must be enclosed in double quotes, like \"abc\" or W/\"abc\"",
            ),
            Self::LowercaseWeakPrefix => {
                f.write_str("the weak prefix is case-sensitive: write W/ not w/")
            }
            Self::Unterminated => f.write_str("the entity tag has no closing double quote"),
            Self::InvalidByte { byte, position } => write!(
                f,
                "byte 0x{byte:02x} at position {position} is not allowed inside an entity tag"
            ),
            Self::TrailingCharacters => {
                f.write_str("unexpected characters after the closing double quote")
            }
        }
    }
}

impl std::error::Error for InvalidEntityTag {}

/// Is `byte` an `etagc` (RFC 9110 §8.8.3): `%x21 / %x23-7E / obs-text`?
pub(crate) const fn is_etagc(byte: u8) -> bool {
    byte == 0x21 || (byte >= 0x23 && byte != 0x7f)
}

/// How many bytes of a SHA-256 digest go into a tag: 128 bits, printed as 32 hex digits.
const DIGEST_BYTES_IN_TAG: usize = 16;

impl EntityTag {
    /// A strong tag with the given opaque text (without quotes).
    ///
    /// ```
    /// let tag = etag_core::EntityTag::strong("abc")?;
    /// assert_eq!(tag.to_string(), "\"abc\"");
    /// # Ok::<(), etag_core::InvalidEntityTag>(())
    /// ```
    pub fn strong(opaque: impl AsRef<[u8]>) -> Result<Self, InvalidEntityTag> {
        Self::with_opaque(false, opaque.as_ref())
    }

    /// A weak tag with the given opaque text (without quotes or `W/`).
    pub fn weak(opaque: impl AsRef<[u8]>) -> Result<Self, InvalidEntityTag> {
        Self::with_opaque(true, opaque.as_ref())
    }

    fn with_opaque(weak: bool, opaque: &[u8]) -> Result<Self, InvalidEntityTag> {
        if let Some(position) = opaque.iter().position(|&b| !is_etagc(b)) {
            return Err(InvalidEntityTag::InvalidByte {
                byte: opaque[position],
                position,
            });
        }
        Ok(Self {
            weak,
            opaque: opaque.into(),
        })
    }

    /// A strong tag from a digest: the first 128 bits, as 32 lowercase hex digits.
    ///
    /// This is the tag text that `#[derive(Versioned)]` produces from a SHA-256 digest, and it is
    /// part of the stable contract: the same digest gives the same tag in every release.
    ///
    /// Digests shorter than 16 bytes are printed whole.
    ///
    /// ```
    /// let tag = etag_core::EntityTag::from_digest(&[0xab; 32]);
    /// assert_eq!(tag.opaque(), b"abababababababababababababababab");
    /// ```
    pub fn from_digest(digest: &[u8]) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let used = &digest[..digest.len().min(DIGEST_BYTES_IN_TAG)];
        // Two hex digits per byte: at most 32, which is exactly the inline storage, so a derived
        // tag never allocates.
        let mut bytes = [0; INLINE];
        for (pair, byte) in bytes.chunks_exact_mut(2).zip(used) {
            pair[0] = HEX[usize::from(byte >> 4)];
            pair[1] = HEX[usize::from(byte & 0x0f)];
        }
        Self {
            weak: false,
            opaque: Opaque::Inline {
                len: (used.len() * 2) as u8,
                bytes,
            },
        }
    }

    /// A tag from text already known to be valid `etagc` (crate-internal fast path).
    pub(crate) fn from_valid_opaque(weak: bool, opaque: Vec<u8>) -> Self {
        debug_assert!(opaque.iter().all(|&b| is_etagc(b)));
        Self {
            weak,
            opaque: opaque.into(),
        }
    }

    /// Parses one entity tag, exactly: `"abc"` or `W/"abc"`, with nothing around it.
    ///
    /// Takes bytes because header values may carry `obs-text`.
    pub fn parse(input: &[u8]) -> Result<Self, InvalidEntityTag> {
        let (weak, quoted) = match input {
            [] => return Err(InvalidEntityTag::Empty),
            [b'W', b'/', rest @ ..] => (true, rest),
            [b'w', b'/', ..] => return Err(InvalidEntityTag::LowercaseWeakPrefix),
            _ => (false, input),
        };
        let offset = input.len() - quoted.len();
        let Some(inner) = quoted.strip_prefix(b"\"") else {
            return Err(InvalidEntityTag::NotQuoted);
        };
        let Some(end) = inner.iter().position(|&b| b == b'"') else {
            return Err(match inner.iter().position(|&b| !is_etagc(b)) {
                Some(position) => InvalidEntityTag::InvalidByte {
                    byte: inner[position],
                    position: offset + 1 + position,
                },
                None => InvalidEntityTag::Unterminated,
            });
        };
        if end + 1 != inner.len() {
            return Err(InvalidEntityTag::TrailingCharacters);
        }
        let opaque = &inner[..end];
        if let Some(position) = opaque.iter().position(|&b| !is_etagc(b)) {
            return Err(InvalidEntityTag::InvalidByte {
                byte: opaque[position],
                position: offset + 1 + position,
            });
        }
        Ok(Self {
            weak,
            opaque: opaque.into(),
        })
    }

    /// A tag from parts a parser has already checked: `opaque` is all `etagc`.
    pub(crate) fn from_valid_parts(weak: bool, opaque: &[u8]) -> Self {
        debug_assert!(opaque.iter().all(|&byte| is_etagc(byte)));
        Self {
            weak,
            opaque: opaque.into(),
        }
    }

    /// Is this a weak tag (`W/"…"`)?
    pub fn is_weak(&self) -> bool {
        self.weak
    }

    /// The opaque part, without quotes or `W/`.
    pub fn opaque(&self) -> &[u8] {
        &self.opaque
    }

    /// The same tag, weak.
    #[must_use]
    pub fn into_weak(self) -> Self {
        Self { weak: true, ..self }
    }

    /// The same tag, strong.
    #[must_use]
    pub fn into_strong(self) -> Self {
        Self {
            weak: false,
            ..self
        }
    }

    /// Strong comparison (RFC 9110 §8.8.3.2): both tags strong and their opaque parts equal.
    /// Used by `If-Match`.
    pub fn strong_eq(&self, other: &Self) -> bool {
        !self.weak && !other.weak && self.opaque == other.opaque
    }

    /// Weak comparison (RFC 9110 §8.8.3.2): the opaque parts are equal, whatever the `W/` prefix.
    /// Used by `If-None-Match`.
    pub fn weak_eq(&self, other: &Self) -> bool {
        self.opaque == other.opaque
    }

    /// The tag as it goes on the wire, for an `ETag` header.
    pub fn to_header_value(&self) -> HeaderValue {
        let mut bytes = Vec::with_capacity(self.opaque.len() + 4);
        if self.weak {
            bytes.extend_from_slice(b"W/");
        }
        bytes.push(b'"');
        bytes.extend_from_slice(&self.opaque);
        bytes.push(b'"');
        // Every byte is etagc, `W`, `/` or `"`: all visible ASCII or obs-text, which HeaderValue
        // accepts. Fall back to an opaque-free tag rather than panic if that ever changed.
        HeaderValue::from_bytes(&bytes).unwrap_or_else(|_| HeaderValue::from_static("\"\""))
    }
}

impl fmt::Display for EntityTag {
    /// Prints the wire form. Opaque bytes that are not UTF-8 (legal `obs-text`) are shown with
    /// U+FFFD; use [`EntityTag::to_header_value`] for the exact bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.weak {
            f.write_str("W/")?;
        }
        write!(f, "\"{}\"", String::from_utf8_lossy(&self.opaque))
    }
}

impl fmt::Debug for EntityTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EntityTag({self})")
    }
}

impl FromStr for EntityTag {
    type Err = InvalidEntityTag;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s.as_bytes())
    }
}

impl TryFrom<&HeaderValue> for EntityTag {
    type Error = InvalidEntityTag;

    fn try_from(value: &HeaderValue) -> Result<Self, Self::Error> {
        Self::parse(value.as_bytes())
    }
}

impl From<&EntityTag> for HeaderValue {
    fn from(tag: &EntityTag) -> Self {
        tag.to_header_value()
    }
}

impl From<EntityTag> for HeaderValue {
    fn from(tag: EntityTag) -> Self {
        tag.to_header_value()
    }
}

impl serde::Serialize for EntityTag {
    /// Serializes as the wire form, `"\"abc\""` or `"W/\"abc\""`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.opaque) {
            Ok(_) => serializer.collect_str(self),
            Err(_) => Err(serde::ser::Error::custom(
                "entity tag contains obs-text that is not UTF-8",
            )),
        }
    }
}

impl<'de> serde::Deserialize<'de> for EntityTag {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = EntityTag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an entity tag such as \"abc\" or W/\"abc\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<EntityTag, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<EntityTag, E> {
                EntityTag::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strong_and_weak() {
        let strong = EntityTag::parse(b"\"xyzzy\"").expect("valid");
        assert!(!strong.is_weak());
        assert_eq!(strong.opaque(), b"xyzzy");
        let weak = EntityTag::parse(b"W/\"xyzzy\"").expect("valid");
        assert!(weak.is_weak());
        assert_eq!(weak.opaque(), b"xyzzy");
    }

    #[test]
    fn empty_opaque_is_a_valid_tag() {
        assert_eq!(EntityTag::parse(b"\"\"").expect("valid").opaque(), b"");
    }

    #[test]
    fn accepts_obs_text() {
        let tag = EntityTag::parse(b"\"caf\xc3\xa9\xff\"").expect("obs-text is etagc");
        assert_eq!(tag.opaque(), b"caf\xc3\xa9\xff");
        assert_eq!(tag.to_header_value().as_bytes(), b"\"caf\xc3\xa9\xff\"");
    }

    #[test]
    fn rejects_malformed_tags_with_the_reason() {
        use InvalidEntityTag::*;
        let cases: &[(&[u8], InvalidEntityTag)] = &[
            (b"", Empty),
            (b"xyzzy", NotQuoted),
            (b"w/\"x\"", LowercaseWeakPrefix),
            (b"W/x", NotQuoted),
            (b"\"abc", Unterminated),
            (b"\"a\"b\"", TrailingCharacters),
            (b"\"a\" ", TrailingCharacters),
            (
                b"\"a b\"",
                InvalidByte {
                    byte: b' ',
                    position: 2,
                },
            ),
            (
                b"W/\"a\x7f\"",
                InvalidByte {
                    byte: 0x7f,
                    position: 4,
                },
            ),
            (
                b"\"a\tb",
                InvalidByte {
                    byte: b'\t',
                    position: 2,
                },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                EntityTag::parse(input).as_ref(),
                Err(expected),
                "input {:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn comparison_follows_rfc_9110_table() {
        // RFC 9110 §8.8.3.2, the example table.
        let w1: EntityTag = "W/\"1\"".parse().expect("valid");
        let w2: EntityTag = "W/\"2\"".parse().expect("valid");
        let s1: EntityTag = "\"1\"".parse().expect("valid");
        assert!(!w1.strong_eq(&w1) && w1.weak_eq(&w1));
        assert!(!w1.strong_eq(&w2) && !w1.weak_eq(&w2));
        assert!(!w1.strong_eq(&s1) && w1.weak_eq(&s1));
        assert!(s1.strong_eq(&s1) && s1.weak_eq(&s1));
    }

    #[test]
    fn short_and_long_tags_compare_and_hash_by_their_bytes() {
        use std::collections::HashSet;
        // 32 bytes are stored inline, 33 on the heap: the storage must never show.
        for len in [0, 1, 31, 32, 33, 200] {
            let text = "a".repeat(len);
            let built = EntityTag::strong(&text).expect("valid");
            let parsed = EntityTag::parse(format!("\"{text}\"").as_bytes()).expect("valid");
            assert_eq!(built, parsed, "length {len}");
            assert_eq!(built.opaque(), text.as_bytes());
            assert_eq!(built.to_string(), format!("\"{text}\""));
            assert!(HashSet::from([built]).contains(&parsed));
        }
        assert_ne!(
            EntityTag::strong("a".repeat(32)).expect("valid"),
            EntityTag::strong("a".repeat(33)).expect("valid")
        );
    }

    #[test]
    fn opaque_comparison_is_case_sensitive() {
        let lower = EntityTag::strong("abc").expect("valid");
        let upper = EntityTag::strong("ABC").expect("valid");
        assert!(!lower.weak_eq(&upper));
    }

    #[test]
    fn constructors_validate_opaque_text() {
        assert!(EntityTag::strong("has\"quote").is_err());
        assert!(EntityTag::weak("has space").is_err());
        assert_eq!(
            EntityTag::weak("ok").expect("valid").to_string(),
            "W/\"ok\""
        );
    }

    #[test]
    fn digest_tag_is_128_bits_of_lowercase_hex() {
        let digest: Vec<u8> = (0u8..32).collect();
        let tag = EntityTag::from_digest(&digest);
        assert_eq!(tag.to_string(), "\"000102030405060708090a0b0c0d0e0f\"");
        assert!(!tag.is_weak());
    }

    #[test]
    fn serde_uses_the_wire_form() {
        let tag: EntityTag = "W/\"a1\"".parse().expect("valid");
        let json = serde_json::to_string(&tag).expect("serializes");
        assert_eq!(json, r#""W/\"a1\"""#);
        let back: EntityTag = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, tag);
        assert!(serde_json::from_str::<EntityTag>("\"nope\"").is_err());
    }
}
