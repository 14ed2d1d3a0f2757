//! The `Versioned` trait: what a resource's current validators are.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Arc;
use std::time::SystemTime;

use crate::canonical::collection::combine_tags;
use crate::entity_tag::EntityTag;

/// A value that knows its validators: an entity tag and, optionally, a modification time.
///
/// Derive it with `#[derive(Versioned)]` (feature `derive`), or implement it by hand:
///
/// ```
/// use etag_core::{EntityTag, Versioned};
///
/// struct Cart { version: u64 }
///
/// impl Versioned for Cart {
///     fn etag(&self) -> EntityTag {
///         EntityTag::from_version(self.version)
///     }
/// }
///
/// assert_eq!(Cart { version: 4 }.etag().to_string(), "\"4\"");
/// ```
///
/// References and smart pointers delegate to the value inside. `Option` is not `Versioned`: a
/// resource that does not exist has no validators, so say what `None` means where it happens
/// ([`ResourceState::of_option`](crate::ResourceState::of_option) evaluates it as missing; a
/// `#[conditional]` handler or precheck may return an `Option`, where `None` is a 404 or "let the
/// handler decide").
///
/// Sequences (`Vec`, slices, arrays, `VecDeque`) get a collection tag that combines their items'
/// tags in order, so a listing's tag changes whenever any item changes, or the order does; it is
/// weak if any item's tag is weak. A sequence has no modification time: the latest of its items'
/// would not move when an item is removed, so it could not be trusted for `If-Modified-Since` /
/// `If-Unmodified-Since`.
#[diagnostic::on_unimplemented(
    note = "derive it with `#[derive(Versioned)]` (an `#[etag(version)]` column, or the fields to \
            hash), or implement `etag()` by hand",
    note = "an `Option` has no validators: match it and check `Some(value)` with \
            `pre.check(&value)`; `None` is `pre.check_missing()` for a write that creates the \
            resource, or else a 404 (`ResourceState::of_option` gives the state of either)"
)]
pub trait Versioned {
    /// The entity tag of the current representation.
    fn etag(&self) -> EntityTag;

    /// When the representation last changed, if known. HTTP dates have one-second precision; the
    /// evaluator truncates this value accordingly.
    fn last_modified(&self) -> Option<SystemTime> {
        None
    }
}

macro_rules! delegate_versioned {
    ($($(#[$doc:meta])* impl<$t:ident> for $ty:ty;)*) => {$(
        $(#[$doc])*
        impl<$t: Versioned + ?Sized> Versioned for $ty {
            fn etag(&self) -> EntityTag {
                (**self).etag()
            }
            fn last_modified(&self) -> Option<SystemTime> {
                (**self).last_modified()
            }
        }
    )*};
}

delegate_versioned! {
    impl<T> for &T;
    impl<T> for &mut T;
    impl<T> for Box<T>;
    impl<T> for Rc<T>;
    impl<T> for Arc<T>;
}

impl<T: Versioned + ToOwned + ?Sized> Versioned for Cow<'_, T> {
    fn etag(&self) -> EntityTag {
        self.as_ref().etag()
    }
    fn last_modified(&self) -> Option<SystemTime> {
        self.as_ref().last_modified()
    }
}

/// A tag is its own validator: handy for a cheap read that yields only a tag (an `#[conditional]`
/// `precheck`, a cached tag). It has no modification time.
impl Versioned for EntityTag {
    fn etag(&self) -> EntityTag {
        self.clone()
    }
}

macro_rules! sequence_versioned {
    ($($(#[$doc:meta])* impl<$t:ident $(, const $n:ident: usize)?> for $ty:ty;)*) => {$(
        $(#[$doc])*
        impl<$t: Versioned $(, const $n: usize)?> Versioned for $ty {
            fn etag(&self) -> EntityTag {
                combine_tags(self.iter().map(Versioned::etag))
            }
        }
    )*};
}

sequence_versioned! {
    impl<T> for [T];
    impl<T, const N: usize> for [T; N];
    impl<T> for Vec<T>;
    impl<T> for VecDeque<T>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    struct Item(&'static str, bool, u64);

    impl Versioned for Item {
        fn etag(&self) -> EntityTag {
            let tag = EntityTag::strong(self.0).expect("valid");
            if self.1 { tag.into_weak() } else { tag }
        }
        fn last_modified(&self) -> Option<SystemTime> {
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(self.2))
        }
    }

    #[test]
    fn pointers_delegate() {
        let item = Item("a", false, 1);
        assert_eq!(Arc::new(Item("a", false, 1)).etag(), item.etag());
        assert_eq!(
            <&Item as Versioned>::last_modified(&&item),
            item.last_modified()
        );
    }

    #[test]
    fn collection_tag_depends_on_items_and_order() {
        let ab = vec![Item("a", false, 1), Item("b", false, 5)];
        let ba = vec![Item("b", false, 5), Item("a", false, 1)];
        let a = vec![Item("a", false, 1)];
        assert_ne!(ab.etag(), ba.etag());
        assert_ne!(ab.etag(), a.etag());
        assert_ne!(a.etag(), Item("a", false, 1).etag());
        assert_eq!(ab.etag(), [Item("a", false, 1), Item("b", false, 5)].etag());
        // The newest item's date would not move when an item is removed: no date at all.
        assert_eq!(ab.last_modified(), None);
    }

    #[test]
    fn sequences_use_the_collection_tag() {
        let a = EntityTag::strong("a").expect("valid");
        let b = EntityTag::weak("b").expect("valid");
        let expected = combine_tags([a.clone(), b.clone()]);
        assert_eq!(vec![a.clone(), b.clone()].etag(), expected);
        assert_eq!([a.clone(), b.clone()].etag(), expected);
        assert_eq!(VecDeque::from([a, b]).etag(), expected);
    }

    #[test]
    fn collection_is_weak_when_an_item_is_weak() {
        assert!(!vec![Item("a", false, 1)].etag().is_weak());
        assert!(
            vec![Item("a", false, 1), Item("b", true, 1)]
                .etag()
                .is_weak()
        );
    }
}
