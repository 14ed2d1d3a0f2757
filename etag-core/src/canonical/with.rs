//! Ready-made functions for `#[etag(with = …)]`: a field whose type cannot be hashed as it is
//! (an unordered set, a foreign type) is hashed through a function's result instead.

use std::collections::BTreeSet;

/// A set's elements in ascending order, for `#[etag(with = etag_core::canonical::sorted)]`.
///
/// A `HashSet` iterates in an order that differs between processes, so hashed as it iterates the
/// same set would get a different tag on every replica. Sorted, it encodes as a sequence of its
/// elements in ascending order, exactly like the same elements in a `BTreeSet` (so switching the
/// field between the two keeps its tags). Works for anything whose references iterate over
/// `&T` with `T: Ord`: `HashSet<T, S>`, `Vec<T>` used as a set, `IndexSet`, ….
///
/// ```
/// # #[cfg(feature = "derive")] {
/// use std::collections::{BTreeSet, HashSet};
/// use etag_core::Versioned;
///
/// #[derive(Versioned)]
/// struct Article {
///     title: String,
///     #[etag(with = etag_core::canonical::sorted)]
///     tags: HashSet<String>,
/// }
///
/// #[derive(Versioned)]
/// struct Ordered {
///     title: String,
///     tags: BTreeSet<String>,
/// }
///
/// let tags = ["b", "a", "c"].map(String::from);
/// let article = Article { title: "t".into(), tags: HashSet::from(tags.clone()) };
/// let ordered = Ordered { title: "t".into(), tags: BTreeSet::from(tags) };
/// assert_eq!(article.etag(), ordered.etag());
/// # }
/// ```
///
/// Equal elements are kept: a sorted `Vec` with duplicates is not the same as its set.
pub fn sorted<'a, C, T>(collection: &'a C) -> Vec<&'a T>
where
    &'a C: IntoIterator<Item = &'a T>,
    C: ?Sized,
    T: Ord + ?Sized + 'a,
{
    let mut items: Vec<&'a T> = collection.into_iter().collect();
    items.sort_unstable();
    items
}

/// A set's elements as a `BTreeSet` of references: the same bytes as [`sorted`] for a real set,
/// without duplicates for a collection that may hold some.
pub fn deduplicated<'a, C, T>(collection: &'a C) -> BTreeSet<&'a T>
where
    &'a C: IntoIterator<Item = &'a T>,
    C: ?Sized,
    T: Ord + ?Sized + 'a,
{
    collection.into_iter().collect()
}
