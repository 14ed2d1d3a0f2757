//! Golden vectors: the canonical encoding and the exact tag text of fixed values are pinned here.
//!
//! Tags are a stable contract (the `canonical` module docs of etag-core): client caches and in-flight
//! `If-Match` headers hold them, and replicas of different releases must agree during a rolling
//! deploy. If one of these assertions fails, the encoding changed: that is a breaking change, not
//! a test to update.

use std::collections::{BTreeMap, HashMap};

use etag_core::{Versioned, canonical};
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Serialize)]
struct Address {
    city: String,
    zip: Option<String>,
}

#[derive(Serialize)]
struct Customer {
    name: String,
    address: Address,
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
enum Event {
    Created,
    Renamed(String),
    Moved(i32, i32),
    Priced { cents: u64, currency: char },
}

fn customer() -> Customer {
    Customer {
        name: "Zoë 🚀".into(),
        address: Address {
            city: "Kraków".into(),
            zip: Some("30-001".into()),
        },
        tags: vec!["vip", ""],
    }
}

/// The encoding of small values, byte for byte, as the module docs specify it.
#[test]
fn encoding_bytes_follow_the_documented_table() {
    assert_eq!(canonical::to_bytes(&()), [0x00]);
    assert_eq!(canonical::to_bytes(&false), [0x01]);
    assert_eq!(canonical::to_bytes(&true), [0x02]);
    assert_eq!(canonical::to_bytes(&0_u8), [0x03, 0x00]);
    assert_eq!(canonical::to_bytes(&300_u64), [0x03, 0xac, 0x02]);
    assert_eq!(canonical::to_bytes(&-300_i16), [0x04, 0xac, 0x02]);
    assert_eq!(canonical::to_bytes(&-1_i8), [0x04, 0x01]);
    assert_eq!(
        canonical::to_bytes(&1.5_f64),
        [0x05, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(canonical::to_bytes(&"é"), [0x06, 0x02, 0xc3, 0xa9]);
    assert_eq!(canonical::to_bytes(&'é'), [0x06, 0x02, 0xc3, 0xa9]);
    assert_eq!(canonical::to_bytes(&None::<u8>), [0x08]);
    assert_eq!(canonical::to_bytes(&Some(1_u8)), [0x09, 0x03, 0x01]);
    assert_eq!(
        canonical::to_bytes(&vec![1_u8, 2]),
        [0x0a, 0x03, 0x01, 0x03, 0x02, 0xff]
    );
    // Map entries sorted by encoded key: "b" (06 01 62) after "a" (06 01 61).
    let map = BTreeMap::from([("b", 2_u8), ("a", 1_u8)]);
    assert_eq!(
        canonical::to_bytes(&map),
        [
            0x0b, 0x06, 0x01, b'a', 0x03, 0x01, 0x06, 0x01, b'b', 0x03, 0x02, 0xff
        ]
    );
    assert_eq!(
        canonical::to_bytes(&Address {
            city: "K".into(),
            zip: None
        }),
        [
            0x0c, 0x06, 0x04, b'c', b'i', b't', b'y', 0x06, 0x01, b'K', 0x06, 0x03, b'z', b'i',
            b'p', 0x08, 0xff
        ]
    );
    assert_eq!(
        canonical::to_bytes(&Event::Created),
        [0x0d, 0x07, b'C', b'r', b'e', b'a', b't', b'e', b'd']
    );
    assert_eq!(
        canonical::to_bytes(&Event::Renamed("x".into())),
        [
            0x0e, 0x07, b'R', b'e', b'n', b'a', b'm', b'e', b'd', 0x06, 0x01, b'x'
        ]
    );
    assert_eq!(
        canonical::to_bytes(&Event::Moved(1, -1)),
        [
            0x0f, 0x05, b'M', b'o', b'v', b'e', b'd', 0x03, 0x01, 0x04, 0x01, 0xff
        ]
    );
    assert_eq!(
        canonical::to_bytes(&Event::Priced {
            cents: 5,
            currency: '€'
        }),
        [
            0x10, 0x06, b'P', b'r', b'i', b'c', b'e', b'd', 0x06, 0x05, b'c', b'e', b'n', b't',
            b's', 0x03, 0x05, 0x06, 0x08, b'c', b'u', b'r', b'r', b'e', b'n', b'c', b'y', 0x06,
            0x03, 0xe2, 0x82, 0xac, 0xff
        ]
    );
}

/// The tag is SHA-256 over the domain prefix and the encoding, as 32 lowercase hex digits.
#[test]
fn tag_is_the_truncated_digest_of_domain_and_encoding() {
    let value = customer();
    let mut hasher = Sha256::new();
    hasher.update(b"etag-rs/canonical/v1\0");
    hasher.update(canonical::to_bytes(&value));
    let digest = hasher.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(canonical::DOMAIN, b"etag-rs/canonical/v1\0");
    assert_eq!(canonical::tag(&value).to_string(), format!("\"{hex}\""));
}

fn tag_text<T: Serialize + ?Sized>(value: &T) -> String {
    canonical::tag(value).to_string()
}

#[test]
fn golden_tags_of_nested_structs_and_unicode() {
    assert_eq!(tag_text(&customer()), GOLDEN_CUSTOMER);
}

#[test]
fn golden_tags_of_enums() {
    assert_eq!(tag_text(&Event::Created), GOLDEN_EVENT_CREATED);
    assert_eq!(
        tag_text(&Event::Renamed("Ünïcødé".into())),
        GOLDEN_EVENT_RENAMED
    );
    assert_eq!(tag_text(&Event::Moved(-7, 9)), GOLDEN_EVENT_MOVED);
    assert_eq!(
        tag_text(&Event::Priced {
            cents: 1999,
            currency: '€'
        }),
        GOLDEN_EVENT_PRICED
    );
}

#[test]
fn golden_tags_of_options() {
    assert_eq!(tag_text(&None::<u8>), GOLDEN_NONE);
    assert_eq!(tag_text(&Some(None::<u8>)), GOLDEN_SOME_NONE);
    assert_eq!(tag_text(&Some(Some(0_u8))), GOLDEN_SOME_SOME_ZERO);
}

#[test]
fn golden_tags_of_floats() {
    assert_eq!(tag_text(&1.5_f64), GOLDEN_ONE_AND_A_HALF);
    assert_eq!(tag_text(&0.1_f32), GOLDEN_F32_TENTH);
    assert_eq!(tag_text(&f64::NEG_INFINITY), GOLDEN_NEG_INFINITY);
    assert_eq!(tag_text(&f64::NAN), GOLDEN_NAN);
    // Canonicalisation: -0.0 is 0.0, every NaN is one NaN, f32 widens exactly.
    assert_eq!(tag_text(&-0.0_f64), tag_text(&0.0_f64));
    assert_eq!(tag_text(&-f64::NAN), GOLDEN_NAN);
    assert_eq!(tag_text(&f32::NAN), GOLDEN_NAN);
    assert_eq!(tag_text(&1.5_f32), GOLDEN_ONE_AND_A_HALF);
}

#[test]
fn golden_tags_of_integers_independent_of_width() {
    assert_eq!(tag_text(&-300_i16), GOLDEN_MINUS_300);
    assert_eq!(tag_text(&-300_i64), GOLDEN_MINUS_300);
    assert_eq!(tag_text(&-300_i128), GOLDEN_MINUS_300);
    assert_eq!(tag_text(&u128::MAX), GOLDEN_U128_MAX);
    assert_eq!(tag_text(&7_u8), tag_text(&7_i64));
}

#[test]
fn golden_tags_of_maps_whatever_the_map_type() {
    let btree = BTreeMap::from([("zeta", 1_i32), ("alpha", -2), ("ß", 3)]);
    let hash: HashMap<&str, i32> = btree.iter().map(|(k, v)| (*k, *v)).collect();
    assert_eq!(tag_text(&btree), GOLDEN_MAP);
    assert_eq!(tag_text(&hash), GOLDEN_MAP);
}

/// A derived tag, pinned: the same contract reaches users through the derive.
#[derive(Versioned)]
struct Order {
    #[etag(id)]
    id: u64,
    customer: Customer,
    lines: BTreeMap<String, (u32, f64)>,
    note: Option<String>,
}

#[test]
fn golden_derived_tags() {
    let order = Order {
        id: 42,
        customer: customer(),
        lines: BTreeMap::from([
            ("apple".to_string(), (3, 0.5)),
            ("pear".to_string(), (1, 1.25)),
        ]),
        note: None,
    };
    assert_eq!(order.id, 42);
    assert_eq!(order.etag().to_string(), GOLDEN_ORDER);
}

const GOLDEN_CUSTOMER: &str = "\"1aab734098246bf3999071201560e4d3\"";
const GOLDEN_EVENT_CREATED: &str = "\"663130700e0352b01851b0423a23b8bf\"";
const GOLDEN_EVENT_RENAMED: &str = "\"3a92e03f4bd1e18ff4558f83ccbd8a0a\"";
const GOLDEN_EVENT_MOVED: &str = "\"180fadc545cda666f06c35922a773cff\"";
const GOLDEN_EVENT_PRICED: &str = "\"541069973a23b07cf986978d5844ef84\"";
const GOLDEN_NONE: &str = "\"c9e53bb0abc525fbe7bd66bb725f8199\"";
const GOLDEN_SOME_NONE: &str = "\"0d6f2e193c9f83ab6b39d59a2fa932ba\"";
const GOLDEN_SOME_SOME_ZERO: &str = "\"50722c5e881bb6c58118fb3b26436af7\"";
const GOLDEN_ONE_AND_A_HALF: &str = "\"61fa44930f10c2a0b71fe9950ef30dab\"";
const GOLDEN_F32_TENTH: &str = "\"581ce0001ae13272a4e215dd4a0a367b\"";
const GOLDEN_NEG_INFINITY: &str = "\"8acb5e151ee946c1a892d1535ad37f7a\"";
const GOLDEN_NAN: &str = "\"44c4d4cb323f01a614ad66a39ab95c15\"";
const GOLDEN_MINUS_300: &str = "\"667e61567d6d29b92e502d6223aa53ff\"";
const GOLDEN_U128_MAX: &str = "\"6a5f48b80e986a9256503193a8ab9217\"";
const GOLDEN_MAP: &str = "\"8a38004b242455b92a42c2713f134052\"";
const GOLDEN_ORDER: &str = "\"31f8d3b4ed43260c749833e3e42eee27\"";
