//! Fields left out of the tag that the body does not show, or may show: all compile.
use std::time::SystemTime;

use etag_core::Versioned;
use serde::Serialize;

/// The identity may be shown; data serde skips may be left out; the modification time is shown.
#[derive(Serialize, Versioned)]
struct Product {
    #[etag(id)]
    sku: String,
    name: String,
    #[etag(skip)]
    #[serde(skip)]
    cache_hint: u64,
    #[etag(skip)]
    #[serde(skip_serializing, default)]
    internal: u8,
    #[serde(rename = "modified", skip_serializing_if = "Option::is_none")]
    #[etag(last_modified)]
    modified_at: Option<SystemTime>,
}

/// `include` style: the rest is the identity or not shown.
#[derive(Versioned, Serialize)]
struct Listing {
    #[etag(id)]
    id: u64,
    #[etag(include)]
    title: String,
    #[serde(skip)]
    views: u64,
}

/// A version tag moves on every write: whatever else is shown is covered.
#[derive(Serialize, Versioned)]
struct Cart {
    #[etag(version)]
    version: u64,
    items: Vec<String>,
}

/// A variant serde never writes.
#[derive(Serialize, Versioned)]
enum Event {
    Created(String),
    #[serde(skip)]
    Internal(#[etag(skip)] u64, u8),
}

/// The body is another type's.
#[derive(Clone, Serialize, Versioned)]
#[serde(into = "Public")]
struct Private {
    name: String,
    #[etag(skip)]
    secret: u64,
}

#[derive(Serialize)]
struct Public {
    name: String,
}

impl From<Private> for Public {
    fn from(private: Private) -> Self {
        Self { name: private.name }
    }
}

/// Not serialized at all: nothing to check.
#[derive(Versioned)]
struct Row {
    #[etag(skip)]
    handle: u64,
    state: String,
}

fn main() {
    let product = Product {
        sku: "A-1".into(),
        name: "Apple".into(),
        cache_hint: 0,
        internal: 0,
        modified_at: None,
    };
    let other_sku = Product {
        sku: "B-2".into(),
        ..product
    };
    assert_eq!(other_sku.etag().opaque().len(), 32);
    let listing = Listing { id: 1, title: "t".into(), views: 2 };
    let _ = (listing.etag(), listing.id, listing.views);
    let _ = Cart { version: 1, items: vec![] }.etag();
    let _ = (Event::Created("a".into()).etag(), Event::Internal(1, 2).etag());
    let private = Private { name: "n".into(), secret: 1 };
    let _ = (private.etag(), private.secret);
    let row = Row { handle: 1, state: "s".into() };
    let _ = (row.etag(), row.handle);
}
