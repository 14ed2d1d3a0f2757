//! The generated code is clean under strict lints: a user who denies warnings, missing docs or
//! pedantic clippy lints in their crate must not pay for deriving `Versioned`.

#![deny(warnings, missing_docs, unused, unused_qualifications, unreachable_pub)]
#![deny(rust_2018_idioms, clippy::all, clippy::pedantic, clippy::nursery)]

use std::collections::{HashMap, HashSet};
use std::time::SystemTime;

use etag_core::Versioned;

/// A documented type with every kind of field.
#[derive(Versioned)]
pub struct Documented<'a, T> {
    /// The identity.
    #[etag(id)]
    pub id: u64,
    /// Hashed.
    pub name: &'a str,
    /// Hashed, generic.
    pub extra: HashMap<String, T>,
    /// Modification time.
    #[etag(last_modified)]
    pub at: Option<SystemTime>,
    /// Hashed sorted.
    #[etag(with = etag_core::canonical::sorted)]
    pub labels: HashSet<String>,
}

/// A documented enum.
#[derive(Versioned)]
#[etag(weak)]
pub enum Kind {
    /// Unit.
    A,
    /// Tuple.
    B(u8, #[etag(skip)] u8),
    /// Named.
    C {
        /// Hashed.
        x: i32,
        /// Time.
        #[etag(last_modified)]
        at: SystemTime,
    },
}

/// Version-tagged.
#[derive(Versioned)]
pub struct Row {
    /// The version.
    #[etag(version)]
    pub version: u64,
}

/// A where clause on the type: the derive's bounds on `T` sit next to the user's.
#[derive(Versioned)]
pub struct Bounded<T>
where
    T: Clone,
{
    /// Hashed, bounded in the where clause too.
    pub value: T,
    /// Hashed, through a private generic type.
    wrapped: Wrapped<T>,
}

/// Private: its bound in the public impl must not trip `private_bounds`.
#[derive(serde::Serialize)]
struct Wrapped<T>(T);

#[test]
fn strictly_linted_derives_work() {
    let doc = Documented::<u8> {
        id: 0,
        name: "n",
        extra: HashMap::new(),
        at: None,
        labels: HashSet::new(),
    };
    assert_eq!(doc.id, 0);
    assert_eq!(doc.last_modified(), None);
    assert!(Kind::B(1, 2).etag().is_weak());
    assert_eq!(Kind::A.last_modified(), None);
    let c = Kind::C {
        x: 1,
        at: SystemTime::UNIX_EPOCH,
    };
    assert_eq!(c.last_modified(), Some(SystemTime::UNIX_EPOCH));
    assert_eq!(Row { version: 3 }.etag().to_string(), "\"3\"");
    let bounded = Bounded {
        value: 1_u8,
        wrapped: Wrapped(2_u8),
    };
    assert_ne!(
        bounded.etag(),
        Bounded {
            value: 1_u8,
            wrapped: Wrapped(3_u8)
        }
        .etag()
    );
}
