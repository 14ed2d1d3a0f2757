//! `#[derive(Versioned)]` on every supported shape: which fields make up the tag, and that a
//! derived tag is exactly the canonical tag of a struct holding the selected fields.

// Skipped fields exist here only to show that they do not change the tag; nothing reads them.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use etag_core::{EntityTag, Version, Versioned, canonical};
use serde::Serialize;

fn at(seconds: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
}

#[derive(Versioned)]
struct Order {
    #[etag(id)]
    id: u64,
    customer: String,
    items: Vec<Item>,
    #[etag(last_modified)]
    updated_at: SystemTime,
}

#[derive(Clone, Serialize)]
struct Item {
    sku: String,
    quantity: u32,
}

fn order() -> Order {
    Order {
        id: 1,
        customer: "ada".into(),
        items: vec![Item {
            sku: "apple".into(),
            quantity: 3,
        }],
        updated_at: at(1_700_000_000),
    }
}

#[test]
fn skipped_and_last_modified_fields_do_not_change_the_tag() {
    let base = order();
    let other_id = Order { id: 99, ..order() };
    let touched = Order {
        updated_at: at(1_800_000_000),
        ..order()
    };
    assert_eq!(base.etag(), other_id.etag());
    assert_eq!(base.etag(), touched.etag());
    assert_eq!(base.last_modified(), Some(at(1_700_000_000)));
    assert_eq!(touched.last_modified(), Some(at(1_800_000_000)));
}

#[test]
fn selected_fields_change_the_tag() {
    let base = order().etag();
    let renamed = Order {
        customer: "grace".into(),
        ..order()
    };
    let mut more = order();
    more.items[0].quantity = 4;
    assert_ne!(base, renamed.etag());
    assert_ne!(base, more.etag());
    assert!(!base.is_weak());
    assert_eq!(base.opaque().len(), 32);
}

#[test]
fn derived_tag_is_the_canonical_tag_of_the_selected_fields() {
    #[derive(Serialize)]
    struct Selected<'a> {
        customer: &'a str,
        items: &'a [Item],
    }
    let order = order();
    let selected = Selected {
        customer: &order.customer,
        items: &order.items,
    };
    assert_eq!(order.etag(), canonical::tag(&selected));
}

#[derive(Versioned)]
struct IncludeStyle {
    #[etag(include)]
    name: String,
    cache_hint: u64,
    #[etag(include)]
    r#type: u8,
}

#[test]
fn include_style_hashes_only_the_marked_fields_by_their_unraw_names() {
    #[derive(Serialize)]
    struct Selected {
        name: &'static str,
        r#type: u8,
    }
    let a = IncludeStyle {
        name: "x".into(),
        cache_hint: 1,
        r#type: 2,
    };
    let b = IncludeStyle {
        cache_hint: 7,
        ..IncludeStyle {
            name: "x".into(),
            cache_hint: 1,
            r#type: 2,
        }
    };
    assert_eq!(a.etag(), b.etag());
    assert_eq!(
        a.etag(),
        canonical::tag(&Selected {
            name: "x",
            r#type: 2
        })
    );
}

/// `include` in one variant chooses the fields of that variant only.
#[derive(Versioned)]
enum Payment {
    Card {
        #[etag(include)]
        last4: String,
        display_name: String,
    },
    Bank {
        iban: String,
        #[etag(skip)]
        cached_bank_name: String,
    },
}

#[test]
fn each_enum_variant_chooses_its_own_fields() {
    #[derive(Serialize)]
    enum Selected {
        Card { last4: &'static str },
        Bank { iban: &'static str },
    }
    let bank = |iban: &str, cached: &str| Payment::Bank {
        iban: iban.into(),
        cached_bank_name: cached.into(),
    };
    // A variant without `include` keeps every field not skipped, even though another variant
    // uses `include`.
    assert_ne!(bank("DE01", "x").etag(), bank("DE02", "x").etag());
    assert_eq!(bank("DE01", "x").etag(), bank("DE01", "y").etag());
    assert_eq!(
        bank("DE01", "x").etag(),
        canonical::tag(&Selected::Bank { iban: "DE01" })
    );
    let card = |last4: &str, display: &str| Payment::Card {
        last4: last4.into(),
        display_name: display.into(),
    };
    assert_ne!(card("1234", "a").etag(), card("5678", "a").etag());
    assert_eq!(card("1234", "a").etag(), card("1234", "b").etag());
    assert_eq!(
        card("1234", "a").etag(),
        canonical::tag(&Selected::Card { last4: "1234" })
    );
}

#[derive(Versioned)]
struct Cart {
    id: u64,
    #[etag(version)]
    version: i64,
    items: Vec<String>,
}

#[test]
fn the_version_field_alone_drives_a_version_tag() {
    let cart = Cart {
        id: 1,
        version: 7,
        items: vec!["apple".into()],
    };
    let same_version = Cart {
        id: 2,
        version: 7,
        items: vec![],
    };
    assert_eq!(cart.etag().to_string(), "\"7\"");
    assert_eq!(cart.etag(), same_version.etag());
    let next = Cart {
        version: 8,
        ..same_version
    };
    assert_eq!(next.etag().to_string(), "\"8\"");
    assert_eq!(cart.last_modified(), None);
}

/// A user's own version type, opted in through `Version`.
struct RowVersion(u64);

impl Version for RowVersion {
    fn version_tag(&self) -> EntityTag {
        EntityTag::strong(format!("rv{}", self.0)).expect("letters and digits are valid")
    }
}

#[derive(Versioned)]
#[etag(weak)]
struct WeakRow {
    #[etag(version)]
    row_version: RowVersion,
    #[etag(last_modified)]
    seen: Option<SystemTime>,
}

#[test]
fn custom_version_types_and_weak_version_tags() {
    let row = WeakRow {
        row_version: RowVersion(3),
        seen: None,
    };
    assert_eq!(row.etag().to_string(), "W/\"rv3\"");
    assert_eq!(row.last_modified(), None);
    let seen = WeakRow {
        seen: Some(at(5)),
        ..row
    };
    assert_eq!(seen.last_modified(), Some(at(5)));
}

#[derive(Versioned)]
#[etag(weak)]
struct Point(i32, #[etag(skip)] &'static str, i32);

#[test]
fn tuple_structs_name_fields_by_index() {
    #[derive(Serialize)]
    struct Selected {
        #[serde(rename = "0")]
        zero: i32,
        #[serde(rename = "2")]
        two: i32,
    }
    let tag = Point(1, "label", 2).etag();
    assert!(tag.is_weak());
    assert_eq!(tag, Point(1, "other label", 2).etag());
    assert_ne!(tag, Point(2, "label", 1).etag());
    assert_eq!(
        tag,
        canonical::tag(&Selected { zero: 1, two: 2 }).into_weak()
    );
}

#[derive(Serialize)]
enum Reference {
    Paid { amount: u64 },
}

#[derive(Versioned)]
enum Status {
    Draft,
    Open(String),
    Paid {
        amount: u64,
        #[etag(skip)]
        receipt_url: String,
        #[etag(last_modified)]
        paid_at: SystemTime,
    },
}

#[test]
fn enums_hash_the_variant_then_its_fields() {
    let paid = |amount, url: &str| Status::Paid {
        amount,
        receipt_url: url.into(),
        paid_at: at(10),
    };
    assert_eq!(paid(5, "a").etag(), paid(5, "b").etag());
    assert_ne!(paid(5, "a").etag(), paid(6, "a").etag());
    assert_ne!(Status::Draft.etag(), Status::Open(String::new()).etag());
    assert_ne!(
        Status::Open("x".into()).etag(),
        Status::Open("y".into()).etag()
    );
    assert_eq!(paid(5, "a").last_modified(), Some(at(10)));
    assert_eq!(Status::Draft.last_modified(), None);
    // A variant's tag is the canonical tag of a struct variant with the selected fields.
    assert_eq!(
        paid(5, "a").etag(),
        canonical::tag(&Reference::Paid { amount: 5 })
    );
}

#[derive(Versioned)]
enum Empty {}

#[test]
fn an_empty_enum_still_derives() {
    fn assert_versioned<T: Versioned>() {}
    assert_versioned::<Empty>();
}

/// `T` only appears in a skipped field: it needs no bound at all.
struct NotSerializable;

#[derive(Versioned)]
struct Envelope<'a, T, M: Clone>
where
    M: Default,
{
    body: &'a [M],
    #[etag(skip)]
    handle: T,
}

#[test]
fn generics_get_only_the_bounds_their_fields_need() {
    let envelope = Envelope {
        body: &[1_u8, 2],
        handle: NotSerializable,
    };
    let _ = &envelope.handle;
    let same = Envelope {
        body: &[1_u8, 2],
        handle: (),
    };
    assert_eq!(envelope.etag(), same.etag());
}

#[derive(Versioned)]
struct GenericVersion<V> {
    #[etag(version)]
    version: V,
}

#[derive(Versioned)]
struct GenericTime<T> {
    name: String,
    #[etag(last_modified)]
    at: T,
}

#[test]
fn generic_version_and_time_fields() {
    assert_eq!(
        GenericVersion { version: 5_u16 }.etag().to_string(),
        "\"5\""
    );
    let timed = GenericTime {
        name: "n".into(),
        at: Some(at(3)),
    };
    assert_eq!(timed.last_modified(), Some(at(3)));
}

#[derive(Versioned)]
struct Dated {
    title: String,
    #[etag(last_modified)]
    at: chrono::DateTime<chrono::Utc>,
}

#[derive(Versioned)]
struct TimeDated {
    title: String,
    #[etag(last_modified)]
    at: Option<time::OffsetDateTime>,
}

#[test]
fn chrono_and_time_modification_times() {
    let when = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("in range");
    let dated = Dated {
        title: "t".into(),
        at: when,
    };
    assert_eq!(dated.last_modified(), Some(at(1_700_000_000)));
    let time_dated = TimeDated {
        title: "t".into(),
        at: Some(time::OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("in range")),
    };
    assert_eq!(time_dated.last_modified(), Some(at(1_700_000_000)));
    // The same title gives the same tag whatever the date type: dates are not hashed.
    assert_eq!(dated.etag(), time_dated.etag());
}

mod reexported {
    //! A crate that re-exports etag-core under another name.
    pub(crate) use etag_core as etag;
}

#[derive(Versioned)]
#[etag(crate = "reexported::etag")]
struct ThroughReexport {
    value: BTreeMap<String, i32>,
}

#[test]
fn crate_path_override() {
    let value = ThroughReexport {
        value: BTreeMap::from([("a".into(), 1)]),
    };
    assert_eq!(value.etag().opaque().len(), 32);
}

/// `#[etag(id)]`: the identity is shown in the body but left out of the tag, so two resources
/// with the same state share a tag (the URL tells them apart), and the id is not hashed at all.
#[derive(Serialize, Versioned)]
struct Shown {
    #[etag(id)]
    id: u64,
    name: &'static str,
}

#[test]
fn an_id_is_shown_but_left_out_of_the_tag() {
    #[derive(Serialize)]
    struct Selected {
        name: &'static str,
    }
    let a = Shown { id: 1, name: "n" };
    let b = Shown { id: 2, name: "n" };
    assert_eq!(a.etag(), b.etag());
    assert_eq!(a.etag(), canonical::tag(&Selected { name: "n" }));
    assert_ne!(a.etag(), Shown { id: 1, name: "m" }.etag());
    assert_eq!(serde_json::to_value(&a).expect("serializes")["id"], 1);
}
