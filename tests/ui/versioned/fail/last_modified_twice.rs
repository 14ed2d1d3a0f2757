use std::time::SystemTime;

use etag_core::Versioned;

#[derive(Versioned)]
struct Order {
    total: u64,
    #[etag(last_modified)]
    created_at: SystemTime,
    #[etag(last_modified)]
    updated_at: SystemTime,
}

fn main() {}
