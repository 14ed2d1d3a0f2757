//! `#[etag(with = …)]`: a set hashed sorted, a foreign type hashed through a function.
use std::collections::{BTreeSet, HashSet};

use etag_core::Versioned;

/// A type from elsewhere, without `Serialize`.
struct Url(String);

fn url(url: &Url) -> &str {
    &url.0
}

#[derive(Versioned)]
struct Article {
    title: String,
    #[etag(with = etag_core::canonical::sorted)]
    tags: HashSet<String>,
    #[etag(with = url)]
    link: Url,
}

#[derive(Versioned)]
struct Ordered {
    title: String,
    tags: BTreeSet<String>,
    link: String,
}

/// Generic: the function's result type is not known to the derive, so the bound it needs is the
/// user's to write.
#[derive(Versioned)]
enum Labelled<T: Ord + std::hash::Hash + serde::Serialize> {
    Set(#[etag(with = etag_core::canonical::sorted)] HashSet<T>),
}

fn main() {
    let article = Article {
        title: "t".into(),
        tags: ["b", "a", "c"].map(String::from).into(),
        link: Url("https://example.com".into()),
    };
    let ordered = Ordered {
        title: "t".into(),
        tags: ["c", "b", "a"].map(String::from).into(),
        link: "https://example.com".into(),
    };
    assert_eq!(article.etag(), ordered.etag());
    assert_eq!(
        Labelled::Set(HashSet::from([3, 1, 2])).etag(),
        Labelled::Set(HashSet::from([1, 2, 3])).etag()
    );
}
