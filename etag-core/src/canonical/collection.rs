//! The tag of a sequence of tagged values (a listing): it combines the items' tags in order.

use sha2::{Digest, Sha256};

use crate::entity_tag::EntityTag;

/// Domain separation for collection tags, so a collection never shares a tag with a single value.
const COLLECTION_DOMAIN: &[u8] = b"etag-rs/collection/v1\0";

/// The tag of a sequence: SHA-256 over the count and, for each item in order, its weakness flag and
/// length-prefixed opaque bytes. Part of the stable contract, like the derived tags.
pub(crate) fn combine_tags(tags: impl IntoIterator<Item = EntityTag>) -> EntityTag {
    let mut hasher = Sha256::new();
    hasher.update(COLLECTION_DOMAIN);
    let mut count: u64 = 0;
    let mut any_weak = false;
    for tag in tags {
        any_weak |= tag.is_weak();
        hasher.update([u8::from(tag.is_weak())]);
        hasher.update((tag.opaque().len() as u64).to_le_bytes());
        hasher.update(tag.opaque());
        count += 1;
    }
    hasher.update(count.to_le_bytes());
    let tag = EntityTag::from_digest(&hasher.finalize());
    if any_weak { tag.into_weak() } else { tag }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strong(opaque: &str) -> EntityTag {
        EntityTag::strong(opaque).expect("valid")
    }

    #[test]
    fn collection_tags_are_pinned() {
        // Part of the stable contract: a change here invalidates every cached listing tag.
        let a = strong("a");
        let b = EntityTag::weak("b").expect("valid");
        assert_eq!(
            combine_tags([]).to_string(),
            "\"78ffae4e936a03ab5cd97450e171f216\""
        );
        assert_eq!(
            combine_tags([a.clone()]).to_string(),
            "\"205e81d3d1b0b05214cae9678cd4d5e5\""
        );
        assert_eq!(
            combine_tags([a, b]).to_string(),
            "W/\"924414ea2d67c7492a2b598cdcfe6a10\""
        );
    }

    #[test]
    fn item_boundaries_are_unambiguous() {
        let joined = combine_tags([strong("ab"), strong("c")]);
        let split = combine_tags([strong("a"), strong("bc")]);
        assert_ne!(joined, split);
    }
}
