//! Computing a derived tag allocates nothing at all (the tag's 32 hex digits are stored inline),
//! however large the value, unless the value holds a map (whose entries are buffered to be
//! sorted). Counted with an instrumented global allocator.

use std::alloc::System;
use std::collections::BTreeMap;

use etag_core::Versioned;
use serde::Serialize;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocations made while `f` runs. The counter is process-wide: this file holds one test, so
/// no other test thread allocates meanwhile.
fn allocations_during<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let region = Region::new(GLOBAL);
    let result = f();
    (region.change().allocations, result)
}

#[derive(Serialize)]
struct Line {
    sku: String,
    quantity: u32,
    note: Option<String>,
    price: f64,
}

#[derive(Versioned)]
struct Order {
    customer: String,
    lines: Vec<Line>,
    tags: (char, i128, bool),
}

#[derive(Versioned)]
struct WithMap {
    attributes: BTreeMap<String, u32>,
}

#[test]
fn tags_of_values_without_maps_allocate_nothing() {
    let order = Order {
        customer: "a long customer name that does not fit any inline buffer at all".into(),
        lines: (0..50)
            .map(|i| Line {
                sku: format!("SKU-{i}"),
                quantity: i,
                note: (i % 2 == 0).then(|| "gift".to_string()),
                price: f64::from(i) / 3.0,
            })
            .collect(),
        tags: ('é', -1, true),
    };
    let (count, tag) = allocations_during(|| order.etag());
    assert_eq!(tag.opaque().len(), 32);
    assert_eq!(
        count, 0,
        "a derived tag allocates nothing, not even its text"
    );

    let with_map = WithMap {
        attributes: BTreeMap::from([("a".into(), 1), ("b".into(), 2)]),
    };
    let (count, _) = allocations_during(|| with_map.etag());
    assert!(
        count > 1,
        "a map buffers its entries (and this test can see it)"
    );
}
