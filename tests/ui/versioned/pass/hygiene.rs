//! The derive's locals (`__field_*`, `__hasher`) cannot collide with the user's items: without the
//! derive shadowing them, these constants would turn its bindings into constant patterns, and the
//! static would make its `let` an error.
#![deny(warnings)]
#![allow(non_upper_case_globals, dead_code)]

use std::time::SystemTime;

use etag_core::Versioned;

const __field_name: &str = "not a binding";
const __field_0: u8 = 0;
const __field_at: u8 = 0;
static __hasher: u8 = 0;

#[derive(Versioned)]
struct Named {
    name: String,
    #[etag(last_modified)]
    at: SystemTime,
}

#[derive(Versioned)]
struct Tuple(u8);

#[derive(Versioned)]
enum Either {
    Named { name: String },
    Tuple(u8),
}

fn main() {
    let named = Named {
        name: "a".to_owned(),
        at: SystemTime::UNIX_EPOCH,
    };
    assert_ne!(
        named.etag(),
        Named {
            name: "b".to_owned(),
            at: SystemTime::UNIX_EPOCH
        }
        .etag()
    );
    assert_eq!(named.last_modified(), Some(SystemTime::UNIX_EPOCH));
    assert_ne!(Tuple(1).etag(), Tuple(2).etag());
    assert_ne!(Either::Tuple(1).etag(), Either::Tuple(2).etag());
    assert_ne!(
        Either::Named { name: "a".to_owned() }.etag(),
        Either::Named { name: "b".to_owned() }.etag()
    );
}
