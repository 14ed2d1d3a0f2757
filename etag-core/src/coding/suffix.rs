//! The suffix scheme: which opaque-tag suffix names which content coding, and the two directions
//! of the mapping (identity tag + coding → coded tag, and back).
//!
//! The mapping is injective: a coded tag always ends in one of [`SUFFIXES`], and an identity tag
//! that happens to end in one itself is escaped with `.id`, so no tag this layer sends can be read
//! back as another coding's tag or as an untouched one.

/// A content coding this layer labels tags for (RFC 9110 §8.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coding {
    /// No coding: the bytes the handler produced.
    Identity,
    /// `gzip` (and its alias `x-gzip`).
    Gzip,
    /// `br`, Brotli.
    Brotli,
    /// `zstd`, Zstandard.
    Zstd,
    /// `deflate`, the zlib format.
    Deflate,
}

/// Every suffix and the coding it names. `.id` marks an identity tag that needed escaping.
pub(crate) const SUFFIXES: [(&[u8], Coding); 5] = [
    (b".gz", Coding::Gzip),
    (b".br", Coding::Brotli),
    (b".zst", Coding::Zstd),
    (b".zz", Coding::Deflate),
    (b".id", Coding::Identity),
];

impl Coding {
    /// The suffix a tag of this coding carries; identity carries none unless escaped.
    fn suffix(self) -> &'static [u8] {
        match self {
            Self::Identity => b".id",
            Self::Gzip => b".gz",
            Self::Brotli => b".br",
            Self::Zstd => b".zst",
            Self::Deflate => b".zz",
        }
    }

    /// The coding a `Content-Encoding` value names, or `None` for anything else (an unknown
    /// coding, or several codings applied in turn).
    pub(crate) fn from_content_encoding(value: &[u8]) -> Option<Self> {
        let value = crate::header::trim_ows(value);
        Self::from_token(value)
    }

    /// The coding a content-coding token names (case-insensitive, RFC 9110 §8.4.1).
    pub(crate) fn from_token(token: &[u8]) -> Option<Self> {
        [
            (&b"identity"[..], Self::Identity),
            (b"gzip", Self::Gzip),
            (b"x-gzip", Self::Gzip),
            (b"br", Self::Brotli),
            (b"zstd", Self::Zstd),
            (b"deflate", Self::Deflate),
        ]
        .into_iter()
        .find_map(|(name, coding)| token.eq_ignore_ascii_case(name).then_some(coding))
    }
}

/// Splits a coded opaque tag into the identity tag's opaque part and the coding its suffix names,
/// or `None` when it carries none of [`SUFFIXES`].
pub(crate) fn decode(opaque: &[u8]) -> Option<(&[u8], Coding)> {
    SUFFIXES.iter().find_map(|&(suffix, coding)| {
        opaque
            .strip_suffix(suffix)
            .map(|identity| (identity, coding))
    })
}

/// The opaque part of the tag for `coding` of the representation whose identity tag is
/// `identity`, or `None` when it is `identity` itself (an identity tag with no reserved suffix).
pub(crate) fn encode(identity: &[u8], coding: Coding) -> Option<Vec<u8>> {
    if coding == Coding::Identity && decode(identity).is_none() {
        return None;
    }
    let suffix = coding.suffix();
    let mut coded = Vec::with_capacity(identity.len() + suffix.len());
    coded.extend_from_slice(identity);
    coded.extend_from_slice(suffix);
    Some(coded)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODINGS: [Coding; 5] = [
        Coding::Identity,
        Coding::Gzip,
        Coding::Brotli,
        Coding::Zstd,
        Coding::Deflate,
    ];

    fn encoded(identity: &[u8], coding: Coding) -> Vec<u8> {
        encode(identity, coding).unwrap_or_else(|| identity.to_vec())
    }

    #[test]
    fn every_coding_decodes_back_to_its_identity_tag() {
        for identity in [&b"3"[..], b"", b"abc.gz", b"x.id", b"a.zst.br", b"v.gzip"] {
            for coding in CODINGS {
                let tag = encoded(identity, coding);
                match decode(&tag) {
                    Some((back, found)) => {
                        assert_eq!(back, identity, "{coding:?} of {identity:?}");
                        assert_eq!(found, coding, "{coding:?} of {identity:?}");
                    }
                    None => {
                        assert_eq!(coding, Coding::Identity);
                        assert_eq!(tag, identity, "an untouched tag");
                    }
                }
            }
        }
    }

    #[test]
    fn no_two_pairs_share_a_tag() {
        let identities = [&b"a"[..], b"a.gz", b"a.id", b"a.gz.id", b""];
        let mut seen = std::collections::HashMap::new();
        for identity in identities {
            for coding in CODINGS {
                let tag = encoded(identity, coding);
                if let Some(previous) = seen.insert(tag.clone(), (identity, coding)) {
                    panic!("{tag:?} is both {previous:?} and {:?}", (identity, coding));
                }
            }
        }
    }

    #[test]
    fn plain_tags_stay_untouched_and_only_known_suffixes_decode() {
        assert_eq!(encode(b"3", Coding::Identity), None);
        assert_eq!(encoded(b"3", Coding::Gzip), b"3.gz");
        assert_eq!(decode(b"3-gzip"), None);
        assert_eq!(decode(b"3.lz"), None);
        assert_eq!(decode(b"3gz"), None);
    }

    #[test]
    fn content_encoding_names_are_case_insensitive_and_single() {
        assert_eq!(Coding::from_content_encoding(b" GZip "), Some(Coding::Gzip));
        assert_eq!(Coding::from_content_encoding(b"x-gzip"), Some(Coding::Gzip));
        assert_eq!(Coding::from_content_encoding(b"zstd"), Some(Coding::Zstd));
        assert_eq!(Coding::from_content_encoding(b"gzip, br"), None);
        assert_eq!(Coding::from_content_encoding(b"compress"), None);
    }
}
