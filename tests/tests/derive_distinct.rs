//! Distinct values get distinct tags, including pairs that a naive concatenation would confuse;
//! equal values (whatever their map order or integer width) get equal ones; and a failing
//! `Serialize` impl gives a deterministic tag instead of a panic.

use std::collections::{BTreeMap, HashMap};
use std::hash::RandomState;

use etag_core::{Versioned, canonical};
use proptest::prelude::*;
use serde::Serialize;
use serde::ser::{Error as _, Serializer};

fn tag<T: Serialize + ?Sized>(value: &T) -> String {
    canonical::tag(value).to_string()
}

#[test]
fn adversarial_pairs_are_distinct() {
    assert_ne!(tag(&["ab", "c"]), tag(&["a", "bc"]));
    assert_ne!(tag(&Some("")), tag(&None::<&str>));
    assert_ne!(tag(&()), tag(&None::<()>));
    assert_ne!(tag(&Some(())), tag(&()));
    assert_ne!(tag(&Some(None::<u8>)), tag(&None::<Option<u8>>));
    assert_ne!(tag(&""), tag(&Vec::<u8>::new()));
    assert_ne!(
        tag(&vec![vec![1_u8], vec![]]),
        tag(&vec![vec![], vec![1_u8]])
    );
    assert_ne!(tag(&0_u8), tag(&0.0_f64));
    assert_ne!(tag(&1_i32), tag(&-1_i32));
    assert_ne!(tag(&"1"), tag(&1_u8));
    assert_ne!(tag(&(1_u8, 2_u8)), tag(&(2_u8, 1_u8)));
    assert_ne!(tag(&serde_bytes_like(b"ab")), tag(&"ab"));
}

/// Bytes through `serialize_bytes`, to compare with a string of the same content.
fn serde_bytes_like(bytes: &'static [u8]) -> impl Serialize {
    struct Bytes(&'static [u8]);
    impl Serialize for Bytes {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(self.0)
        }
    }
    Bytes(bytes)
}

#[test]
fn equal_values_are_equal() {
    assert_eq!(tag(&0.0_f64), tag(&-0.0_f64));
    assert_eq!(tag(&f64::NAN), tag(&-f64::NAN));
    assert_eq!(tag(&255_u8), tag(&255_u64));
    assert_eq!(tag(&-5_i8), tag(&-5_i128));
    assert_eq!(tag(&'x'), tag(&"x"));
}

#[derive(Versioned)]
struct Pair {
    first: String,
    second: String,
}

#[derive(Versioned)]
struct Swapped {
    second: String,
    first: String,
}

#[test]
fn field_names_and_order_are_part_of_the_tag() {
    let pair = Pair {
        first: "a".into(),
        second: "b".into(),
    };
    let swapped_values = Pair {
        first: "b".into(),
        second: "a".into(),
    };
    // Same names and values, declared in the other order.
    let swapped_fields = Swapped {
        second: "b".into(),
        first: "a".into(),
    };
    assert_ne!(pair.etag(), swapped_values.etag());
    assert_ne!(pair.etag(), swapped_fields.etag());
}

#[derive(Versioned)]
enum Shape {
    Unit,
    Empty {},
    Tuple(u8),
}

#[test]
fn variants_are_part_of_the_tag() {
    assert_ne!(Shape::Unit.etag(), Shape::Empty {}.etag());
    assert_ne!(Shape::Tuple(0).etag(), Shape::Tuple(1).etag());
}

#[test]
fn hash_maps_with_different_seeds_agree() {
    let entries: Vec<(String, u32)> = (0..64).map(|i| (format!("key-{i}"), i)).collect();
    let first: HashMap<_, _, RandomState> = entries.iter().cloned().collect();
    let second: HashMap<_, _, RandomState> = entries.iter().rev().cloned().collect();
    let btree: BTreeMap<_, _> = entries.into_iter().collect();
    assert_eq!(tag(&first), tag(&second));
    assert_eq!(tag(&first), tag(&btree));
}

/// A `Serialize` impl that fails partway through.
struct Failing {
    message: &'static str,
}

impl Serialize for Failing {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(None)?;
        seq.serialize_element(&1_u8)?;
        Err(S::Error::custom(self.message))
    }
}

#[derive(Versioned)]
struct WithFailingField {
    broken: Failing,
    fine: u8,
}

#[test]
fn a_failing_serialize_impl_gives_a_deterministic_tag_not_a_panic() {
    let value = || WithFailingField {
        broken: Failing { message: "boom" },
        fine: 1,
    };
    assert_eq!(value().etag(), value().etag());
    let other_message = WithFailingField {
        broken: Failing { message: "bang" },
        fine: 1,
    };
    let other_field = WithFailingField {
        broken: Failing { message: "boom" },
        fine: 2,
    };
    assert_ne!(value().etag(), other_message.etag());
    // The encoding goes on after the failure: later fields still count.
    assert_ne!(value().etag(), other_field.etag());
    let bytes = canonical::to_bytes(&Failing { message: "boom" });
    assert_eq!(
        bytes,
        [0x0a, 0x03, 0x01, 0xfe, 0x04, b'b', b'o', b'o', b'm']
    );
}

/// Values of a small but nested serde shape, for the properties below.
#[derive(Debug, Clone, PartialEq, Serialize)]
enum Value {
    Unit,
    Bool(bool),
    Int(i64),
    Text(String),
    Maybe(Option<Box<Value>>),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Unit),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        "[a-c]{0,3}".prop_map(Value::Text),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::option::of(inner.clone().prop_map(Box::new)).prop_map(Value::Maybe),
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::List),
            proptest::collection::btree_map("[a-c]{0,2}", inner, 0..3).prop_map(Value::Map),
        ]
    })
}

/// Every leaf of `value` (a unit, bool, integer or string), depth first.
fn leaves_mut(value: &mut Value) -> Vec<&mut Value> {
    match value {
        Value::Maybe(Some(inner)) => leaves_mut(inner),
        Value::List(items) => items.iter_mut().flat_map(leaves_mut).collect(),
        Value::Map(entries) => entries.values_mut().flat_map(leaves_mut).collect(),
        Value::Maybe(None) => Vec::new(),
        leaf => vec![leaf],
    }
}

proptest! {
    /// The encoding is injective: two values that differ in a single leaf, anywhere in the
    /// structure, never share their bytes. (Two independent random values would almost always
    /// differ at the top and say little.)
    #[test]
    fn distinct_values_have_distinct_encodings(
        a in value(),
        which in any::<proptest::sample::Index>(),
        replacement in leaf(),
    ) {
        let mut b = a.clone();
        let mut leaves = leaves_mut(&mut b);
        if leaves.is_empty() {
            // Only empty containers: the value itself is the one thing to change.
            b = replacement;
        } else {
            let at = which.index(leaves.len());
            *leaves[at] = replacement;
        }
        prop_assume!(a != b);
        prop_assert_ne!(canonical::to_bytes(&a), canonical::to_bytes(&b));
    }

    /// Self-delimiting: the same characters cut into a list at other places give another tag.
    #[test]
    fn string_lists_with_moved_boundaries_differ(
        parts in proptest::collection::vec("[ab]{0,3}", 1..4),
        cuts in proptest::collection::vec(any::<proptest::sample::Index>(), 0..4),
    ) {
        let joined = parts.concat();
        let mut positions: Vec<usize> =
            cuts.iter().map(|cut| cut.index(joined.len() + 1)).collect();
        positions.sort_unstable();
        let mut split = Vec::new();
        let mut start = 0;
        for end in positions.into_iter().chain([joined.len()]) {
            split.push(joined[start..end].to_owned());
            start = end;
        }
        prop_assert_eq!(split.concat(), joined);
        prop_assume!(parts != split);
        prop_assert_ne!(tag(&parts), tag(&split));
    }

    /// Integer width does not matter, only the value.
    #[test]
    fn integers_encode_by_value(v in any::<i32>()) {
        prop_assert_eq!(canonical::to_bytes(&v), canonical::to_bytes(&i64::from(v)));
        prop_assert_eq!(canonical::to_bytes(&v), canonical::to_bytes(&i128::from(v)));
    }

    /// The derive's streaming hasher and the buffered encoding agree on any value.
    #[test]
    fn tag_is_digest_of_to_bytes(v in value()) {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(canonical::DOMAIN);
        hasher.update(canonical::to_bytes(&v));
        let expected = etag_core::EntityTag::from_digest(&hasher.finalize());
        prop_assert_eq!(canonical::tag(&v), expected);
    }
}
