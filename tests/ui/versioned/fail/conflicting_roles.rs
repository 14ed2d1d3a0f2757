use std::time::SystemTime;

use etag_core::Versioned;

#[derive(Versioned)]
struct Order {
    #[etag(version, skip)]
    version: u64,
    #[etag(last_modified, include)]
    updated_at: SystemTime,
    total: u64,
    #[etag(id, skip)]
    id: u64,
}

fn main() {}
