//! How much a derived tag costs, next to the alternatives (DESIGN.md, "Measured targets"):
//! - `derived`: `#[derive(Versioned)]` streaming the selected fields into SHA-256;
//! - `json_then_sha256`: `serde_json::to_vec` of the same value, then SHA-256 of the JSON;
//! - `sha256_of_canonical_bytes`: SHA-256 alone over the canonical bytes (precomputed): the floor;
//! - `version_field`: `#[etag(version)]`, printing one integer.
//!
//! Run with `cargo bench -p etag-tests --bench tag`. Targets: `derived` at least 3x faster than
//! `json_then_sha256`, and within 1.5x of `sha256_of_canonical_bytes`.

// `criterion_group!` generates an undocumented function.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use etag_core::{EntityTag, Versioned, canonical};
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Serialize)]
struct Item {
    sku: String,
    name: String,
    qty: u32,
    price: u64,
}

#[derive(Serialize)]
struct Customer {
    id: u64,
    email: String,
}

#[derive(Serialize, Versioned)]
struct Cart {
    #[etag(skip)]
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

fn cart() -> Cart {
    let names = [
        "Apples",
        "Pears",
        "Oat milk",
        "Sourdough loaf",
        "Espresso beans",
    ];
    Cart {
        id: 981_276,
        customer: Customer {
            id: 40_213,
            email: "ada@example.com".into(),
        },
        items: names
            .iter()
            .enumerate()
            .map(|(i, name)| Item {
                sku: format!("A-{}", 1000 + i),
                name: (*name).into(),
                qty: 1 + i as u32,
                price: 199 + 350 * i as u64,
            })
            .collect(),
        currency: "EUR".into(),
        coupon: Some("SPRING24".into()),
    }
}

fn tags(c: &mut Criterion) {
    let cart = cart();
    let json_len = serde_json::to_vec(&cart).expect("a cart serializes").len();
    let mut canonical_bytes = canonical::DOMAIN.to_vec();
    canonical_bytes.extend(canonical::to_bytes(&cart));
    eprintln!(
        "cart: {json_len} bytes as JSON, {} canonical bytes (with the domain prefix)",
        canonical_bytes.len()
    );
    // The derived tag is SHA-256 over exactly these bytes: the comparison is like for like.
    assert_eq!(
        cart.etag(),
        EntityTag::from_digest(&Sha256::digest(&canonical_bytes))
    );
    assert_eq!(cart.id, 981_276);
    let versioned = VersionedCart {
        version: 1_234_567,
        cart,
    };

    let mut group = c.benchmark_group("cart_tag");
    group.bench_function("derived", |b| b.iter(|| black_box(&versioned.cart).etag()));
    group.bench_function("json_then_sha256", |b| {
        b.iter(|| {
            let json = serde_json::to_vec(black_box(&versioned.cart)).expect("a cart serializes");
            EntityTag::from_digest(&Sha256::digest(&json))
        })
    });
    group.bench_function("sha256_of_canonical_bytes", |b| {
        b.iter(|| EntityTag::from_digest(&Sha256::digest(black_box(&canonical_bytes))))
    });
    group.bench_function("version_field", |b| b.iter(|| black_box(&versioned).etag()));
    group.finish();
}

criterion_group!(benches, tags);
criterion_main!(benches);
