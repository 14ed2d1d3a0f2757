//! A field reaching a type parameter through an associated type, and a `PhantomData` marker:
//! the bounds are on the field types, so neither `S` nor `M` has to be `Serialize`.

use std::marker::PhantomData;

use etag_core::Versioned;

trait Store {
    type Id;
    type Row;
}

/// Neither serializable nor cloneable: only its associated types are hashed.
struct Postgres;

impl Store for Postgres {
    type Id = u64;
    type Row = String;
}

#[derive(Versioned)]
struct Record<S: Store> {
    id: S::Id,
    rows: Vec<<S as Store>::Row>,
}

/// Not serializable: it only marks which unit the value is in.
struct Meters;

#[derive(Versioned)]
struct Length<M> {
    value: u32,
    unit: PhantomData<M>,
}

#[derive(Versioned)]
enum Change<S: Store> {
    Created { id: S::Id },
    Deleted(S::Id, PhantomData<S>),
}

fn tag<T: Versioned>(value: &T) -> String {
    value.etag().to_string()
}

fn main() {
    let record = Record::<Postgres> {
        id: 7,
        rows: vec!["a".to_owned()],
    };
    assert_eq!(tag(&record).len(), 34);
    let length = Length::<Meters> {
        value: 3,
        unit: PhantomData,
    };
    assert_eq!(tag(&length).len(), 34);
    assert_ne!(
        tag(&Change::<Postgres>::Created { id: 1 }),
        tag(&Change::<Postgres>::Deleted(1, PhantomData))
    );
}
