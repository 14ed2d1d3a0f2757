use std::collections::HashMap;
use std::time::SystemTime;

use etag_core::Versioned;
use serde::Serialize;

#[derive(Serialize)]
struct Item {
    sku: String,
    quantity: u32,
}

#[derive(Versioned)]
struct Order {
    #[etag(skip)]
    id: u64,
    customer: String,
    items: Vec<Item>,
    notes: HashMap<String, String>,
    #[etag(last_modified)]
    updated_at: SystemTime,
}

fn main() {
    let order = Order {
        id: 1,
        customer: "ada".into(),
        items: vec![Item { sku: "apple".into(), quantity: 2 }],
        notes: HashMap::new(),
        updated_at: SystemTime::UNIX_EPOCH,
    };
    let _ = order.id;
    assert_eq!(order.etag().opaque().len(), 32);
    assert_eq!(order.last_modified(), Some(SystemTime::UNIX_EPOCH));
}
