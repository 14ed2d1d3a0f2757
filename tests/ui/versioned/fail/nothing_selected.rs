use std::time::SystemTime;

use etag_core::Versioned;

#[derive(Versioned)]
struct AllSkipped {
    #[etag(skip)]
    id: u64,
    #[etag(last_modified)]
    updated_at: SystemTime,
}

#[derive(Versioned)]
struct Marker;

#[derive(Versioned)]
struct OnlyATime {
    #[etag(last_modified)]
    updated_at: SystemTime,
}

fn main() {}
