//! How much a derived tag costs, next to its floor and the alternative (DESIGN.md, "Measured
//! targets"), for the 5-item cart and for carts of 1, 10, 100 and 1,000 items:
//! - `derived`: `#[derive(Versioned)]` writing the selected fields into SHA-256 (through
//!   `Encode`: the item and customer types derive it);
//! - `floor`: SHA-256 alone over the same canonical bytes (precomputed), plus the tag's hex;
//! - `json_then_sha256`: `serde_json::to_vec` of the same value, then SHA-256 of the JSON;
//! - `version_field` (cart only): `#[etag(version)]`, printing one integer.
//!
//! Run with `cargo bench -p etag-tests --bench tag`. Targets: `derived` within 1.25x of `floor`
//! on the cart and 1.35x at 100 and 1,000 items, and at least 2.2x faster than
//! `json_then_sha256`. BENCHMARKS.md has the table.

// `criterion_group!` generates an undocumented function.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use etag_core::canonical::{self, Encode};
use etag_core::{EntityTag, Versioned};
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Serialize, Encode)]
struct Item {
    sku: String,
    name: String,
    qty: u32,
    price: u64,
}

#[derive(Serialize, Encode)]
struct Customer {
    id: u64,
    email: String,
}

#[derive(Serialize, Versioned)]
struct Cart {
    // Left out of both the tag and the JSON, so both sides cover the same fields.
    #[etag(id)]
    #[serde(skip)]
    id: u64,
    customer: Customer,
    items: Vec<Item>,
    currency: String,
    coupon: Option<String>,
}

#[derive(Versioned)]
struct VersionedCart {
    #[etag(version)]
    version: u64,
    cart: Cart,
}

const NAMES: [&str; 5] = [
    "Apples",
    "Pears",
    "Oat milk",
    "Sourdough loaf",
    "Espresso beans",
];

fn cart(items: usize) -> Cart {
    Cart {
        id: 981_276,
        customer: Customer {
            id: 40_213,
            email: "ada@example.com".into(),
        },
        items: (0..items)
            .map(|i| Item {
                sku: format!("A-{}", 1000 + i),
                name: NAMES[i % NAMES.len()].into(),
                qty: 1 + (i % 7) as u32,
                price: 199 + 350 * (i % 13) as u64,
            })
            .collect(),
        currency: "EUR".into(),
        coupon: Some("SPRING24".into()),
    }
}

/// `DOMAIN` and the canonical encoding: exactly what the derived tag hashes.
fn canonical_bytes(cart: &Cart) -> Vec<u8> {
    let mut bytes = canonical::DOMAIN.to_vec();
    bytes.extend(canonical::to_bytes(cart));
    // Like for like: the derived tag is SHA-256 over exactly these bytes.
    assert_eq!(cart.etag(), EntityTag::from_digest(&Sha256::digest(&bytes)));
    assert_eq!(cart.id, 981_276);
    bytes
}

fn bench_cart(c: &mut Criterion, group_name: &str, cart: &Cart) {
    let bytes = canonical_bytes(cart);
    let json_len = serde_json::to_vec(cart).expect("a cart serializes").len();
    eprintln!(
        "{group_name}: {} canonical bytes (with the domain prefix), {json_len} bytes of JSON",
        bytes.len()
    );
    let mut group = c.benchmark_group(group_name);
    group.bench_function("derived", |b| b.iter(|| black_box(cart).etag()));
    group.bench_function("floor", |b| {
        b.iter(|| EntityTag::from_digest(&Sha256::digest(black_box(&bytes))))
    });
    group.bench_function("json_then_sha256", |b| {
        b.iter(|| {
            let json = serde_json::to_vec(black_box(cart)).expect("a cart serializes");
            EntityTag::from_digest(&Sha256::digest(&json))
        })
    });
    group.finish();
}

fn tags(c: &mut Criterion) {
    bench_cart(c, "cart_tag", &cart(NAMES.len()));
    let versioned = VersionedCart {
        version: 1_234_567,
        cart: cart(NAMES.len()),
    };
    // The cart is there, but a version tag never looks at it.
    assert_eq!(versioned.cart.items.len(), NAMES.len());
    c.bench_function("cart_tag/version_field", |b| {
        b.iter(|| black_box(&versioned).etag())
    });
    for items in [1, 10, 100, 1_000] {
        bench_cart(c, &format!("items_{items}"), &cart(items));
    }
}

criterion_group!(benches, tags);
criterion_main!(benches);
