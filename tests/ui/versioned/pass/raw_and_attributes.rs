//! Raw identifiers, other attributes next to `#[etag]`, and one attribute with several keys.

use etag_core::Versioned;

#[derive(Versioned, Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[etag(weak, crate = "etag_core")]
struct Item {
    r#type: String,
    #[serde(skip)]
    #[etag(skip)]
    cache_key: u64,
    /// Documented field.
    display_name: String,
}

fn main() {
    let item = Item { r#type: "a".into(), cache_key: 1, display_name: "b".into() };
    let _ = item.cache_key;
    assert!(item.clone().etag().is_weak());
}
