//! The user's items cannot collide with the derive's code: constants named like the fields
//! (which a binding by the field's name would turn into constant patterns), and, for structs,
//! whose fields the derive reads as `self.name` without binding anything, even the names it
//! binds in enum arms (`__etag_field_*`, see `fail/reserved_binding_name.rs`).
#![deny(warnings)]
#![allow(non_upper_case_globals, dead_code)]

use std::time::SystemTime;

use etag_core::Versioned;

const name: &str = "not a binding";
const at: u8 = 0;
const __etag_field_name: &str = "not a binding either";
const __etag_field_0: u8 = 0;
const __etag_field_at: u8 = 0;
static __hasher: u8 = 0;

#[derive(Versioned)]
struct Named {
    name: String,
    #[etag(last_modified)]
    at: SystemTime,
}

#[derive(Versioned)]
struct Tuple(u8);

mod variants {
    use std::time::SystemTime;

    use etag_core::Versioned;

    const name: &str = "not a binding";
    const at: u8 = 0;

    #[derive(Versioned)]
    pub enum Either {
        Named {
            name: String,
            #[etag(last_modified)]
            at: SystemTime,
        },
        Tuple(u8),
    }

    // `Encode` binds an enum's fields too: the same constants cannot reach its arms. (Without
    // `Serialize`: serde's own derive binds a struct variant's fields by their names.)
    #[derive(etag_core::canonical::Encode)]
    pub enum Label {
        Named { name: String },
        Code(u8),
    }

    #[derive(Versioned)]
    pub struct Labelled {
        pub label: Label,
    }
}

use variants::{Either, Label, Labelled};

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
    let either = |text: &str| Either::Named {
        name: text.to_owned(),
        at: SystemTime::UNIX_EPOCH,
    };
    assert_ne!(either("a").etag(), either("b").etag());
    assert_eq!(either("a").last_modified(), Some(SystemTime::UNIX_EPOCH));
    assert_eq!(Either::Tuple(1).last_modified(), None);
    let labelled = |label| Labelled { label }.etag();
    let named = |text: &str| Label::Named {
        name: text.to_owned(),
    };
    assert_ne!(labelled(named("a")), labelled(named("b")));
    assert_ne!(labelled(Label::Code(1)), labelled(Label::Code(2)));
    assert_eq!(labelled(named("a")), labelled(named("a")));
}
