use std::time::SystemTime;

use etag_core::{Version, Versioned, LastModified};
use serde::Serialize;

struct NotSerialize;

#[derive(Versioned)]
struct Page<'a, T, H, V, M>
where
    T: Clone,
{
    items: &'a [T],
    #[etag(skip)]
    handle: H,
    #[etag(last_modified)]
    modified: M,
    #[etag(skip)]
    _version: Option<V>,
}

#[derive(Versioned)]
struct Versioned2<V> {
    #[etag(version)]
    version: V,
}

fn tag<T: Versioned>(value: &T) -> String {
    value.etag().to_string()
}

fn needs<T: Serialize + Clone, V, M: LastModified, R: Version>() {}

fn main() {
    needs::<u8, (), SystemTime, u8>();
    let page = Page::<u8, NotSerialize, NotSerialize, Option<SystemTime>> {
        items: &[1, 2],
        handle: NotSerialize,
        modified: None,
        _version: None,
    };
    let _ = &page.handle;
    assert_eq!(tag(&page).len(), 34);
    assert_eq!(tag(&Versioned2 { version: 4_u8 }), "\"4\"");
}
