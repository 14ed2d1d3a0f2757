//! Version numbers as entity tags: the tag of a row-version column.

use crate::entity_tag::EntityTag;

/// A value that can stand as the whole state of a resource: a version counter or row version.
///
/// `#[etag(version)]` on a field uses this trait, and [`EntityTag::from_version`] too. Every integer
/// type implements it, printing the number as the opaque tag (`7` → `"7"`). Implement it for your
/// own version type (a newtype, a row-version token) to use it the same way:
///
/// ```
/// use etag_core::{EntityTag, Version};
///
/// struct RowVersion(u64);
///
/// impl Version for RowVersion {
///     fn version_tag(&self) -> EntityTag {
///         self.0.version_tag()
///     }
/// }
///
/// assert_eq!(EntityTag::from_version(RowVersion(3)).to_string(), "\"3\"");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as an `#[etag(version)]` field",
    label = "not a version",
    note = "every integer type is a version; for your own version type, implement `etag_core::Version`",
    note = "to hash this field into the tag instead, remove `#[etag(version)]`"
)]
pub trait Version {
    /// The strong tag for this version.
    fn version_tag(&self) -> EntityTag;
}

macro_rules! integer_versions {
    ($($int:ty),* $(,)?) => {$(
        impl Version for $int {
            fn version_tag(&self) -> EntityTag {
                // Digits and `-` are all etagc.
                EntityTag::from_valid_opaque(false, self.to_string().into_bytes())
            }
        }
    )*};
}

integer_versions!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize
);

impl<V: Version + ?Sized> Version for &V {
    fn version_tag(&self) -> EntityTag {
        (**self).version_tag()
    }
}

// Lives with the trait it takes, so that `entity_tag` does not depend on `version`.
impl EntityTag {
    /// A strong tag that shows a version number: `42` becomes `"42"`.
    ///
    /// Any [`Version`] works: every integer type, and types that opt in.
    ///
    /// ```
    /// let tag = etag_core::EntityTag::from_version(42_i64);
    /// assert_eq!(tag.to_string(), "\"42\"");
    /// ```
    pub fn from_version(version: impl Version) -> Self {
        version.version_tag()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_print_as_the_opaque_tag() {
        assert_eq!(7_u8.version_tag().to_string(), "\"7\"");
        assert_eq!((-3_i64).version_tag().to_string(), "\"-3\"");
        assert_eq!(
            u128::MAX.version_tag().opaque(),
            u128::MAX.to_string().as_bytes()
        );
        assert!(!42_u64.version_tag().is_weak());
    }
}
