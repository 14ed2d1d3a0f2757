//! The serde-free encoder writes exactly the serde encoder's bytes: for random values of nested
//! std types, and of types deriving both `Serialize` and `Encode` (renames, skipped fields, every
//! struct and variant shape). This is what lets a derived tag take either path without a tag ever
//! changing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use etag_core::Versioned;
use etag_core::canonical::{self, Encode};
use proptest::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, Encode)]
struct Item {
    sku: String,
    #[serde(rename = "qty")]
    quantity: u32,
    price: f64,
    // Never read: serde skips it, and so must `Encode`, whatever its value.
    #[allow(dead_code)]
    #[serde(skip)]
    cache: u64,
    note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Encode)]
struct Sku(String);

#[derive(Debug, Clone, Serialize, Encode)]
struct Pair(i8, u128);

#[derive(Debug, Clone, Serialize, Encode)]
struct Marker;

#[derive(Debug, Clone, Serialize, Encode)]
enum Event {
    Created,
    #[serde(rename = "renamed")]
    Renamed(String),
    Moved(i64, i64),
    Priced {
        #[serde(rename = "amount")]
        cents: i128,
        #[serde(skip_serializing)]
        internal: bool,
        currency: char,
    },
}

#[derive(Debug, Clone, Serialize, Encode)]
struct Order {
    r#type: u8,
    items: Vec<Item>,
    skus: BTreeSet<String>,
    events: Vec<Event>,
    attributes: BTreeMap<String, Vec<u16>>,
    lookup: HashMap<i64, Option<String>>,
    shared: Box<Sku>,
    boxed: Box<Pair>,
    marker: Marker,
    fixed: [f32; 3],
    tuple: (bool, usize, isize, Option<()>),
}

fn item() -> impl Strategy<Value = Item> {
    (
        ".{0,12}",
        any::<u32>(),
        any::<f64>(),
        any::<u64>(),
        proptest::option::of(".{0,5}"),
    )
        .prop_map(|(sku, quantity, price, cache, note)| Item {
            sku,
            quantity,
            price,
            cache,
            note,
        })
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        Just(Event::Created),
        ".{0,8}".prop_map(Event::Renamed),
        (any::<i64>(), any::<i64>()).prop_map(|(x, y)| Event::Moved(x, y)),
        (any::<i128>(), any::<bool>(), any::<char>()).prop_map(|(cents, internal, currency)| {
            Event::Priced {
                cents,
                internal,
                currency,
            }
        }),
    ]
}

fn float() -> impl Strategy<Value = f32> {
    prop_oneof![
        any::<f32>(),
        Just(f32::NAN),
        Just(-0.0),
        Just(f32::NEG_INFINITY)
    ]
}

fn order() -> impl Strategy<Value = Order> {
    (
        any::<u8>(),
        proptest::collection::vec(item(), 0..6),
        proptest::collection::btree_set(".{0,6}", 0..4),
        proptest::collection::vec(event(), 0..5),
        proptest::collection::btree_map(
            ".{0,6}",
            proptest::collection::vec(any::<u16>(), 0..4),
            0..4,
        ),
        proptest::collection::hash_map(any::<i64>(), proptest::option::of(".{0,4}"), 0..6),
        (".{0,6}", any::<i8>(), any::<u128>()),
        [float(), float(), float()],
        (
            any::<bool>(),
            any::<usize>(),
            any::<isize>(),
            any::<Option<()>>(),
        ),
    )
        .prop_map(
            |(r#type, items, skus, events, attributes, lookup, (sku, small, big), fixed, tuple)| {
                Order {
                    r#type,
                    items,
                    skus,
                    events,
                    attributes,
                    lookup,
                    shared: Box::new(Sku(sku)),
                    boxed: Box::new(Pair(small, big)),
                    marker: Marker,
                    fixed,
                    tuple,
                }
            },
        )
}

/// A derived tag over `Encode` fields, next to the same fields through serde.
#[derive(Versioned)]
struct Tagged {
    order: Order,
    extra: Vec<(String, Option<f64>)>,
}

#[derive(Serialize)]
struct TaggedThroughSerde<'a> {
    order: &'a Order,
    extra: &'a Vec<(String, Option<f64>)>,
}

proptest! {
    #[test]
    fn derived_encode_writes_serdes_bytes(order in order()) {
        prop_assert_eq!(canonical::to_bytes_direct(&order), canonical::to_bytes(&order));
    }

    #[test]
    fn std_types_write_serdes_bytes(
        map in proptest::collection::hash_map(".{0,4}", any::<(u64, i32)>(), 0..8),
        nested in proptest::collection::vec(proptest::option::of(any::<(char, i128, f64)>()), 0..6),
        text in ".{0,40}",
    ) {
        prop_assert_eq!(canonical::to_bytes_direct(&map), canonical::to_bytes(&map));
        prop_assert_eq!(canonical::to_bytes_direct(&nested), canonical::to_bytes(&nested));
        prop_assert_eq!(canonical::to_bytes_direct(text.as_str()), canonical::to_bytes(text.as_str()));
    }

    #[test]
    fn a_derived_tag_is_the_same_through_either_path(
        order in order(),
        extra in proptest::collection::vec((".{0,4}", proptest::option::of(any::<f64>())), 0..4),
    ) {
        let tagged = Tagged { order, extra };
        let reference = canonical::tag(&TaggedThroughSerde {
            order: &tagged.order,
            extra: &tagged.extra,
        });
        prop_assert_eq!(tagged.etag(), reference);
    }
}
