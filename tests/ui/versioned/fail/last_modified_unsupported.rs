use etag_core::Versioned;

#[derive(Versioned)]
struct Order {
    total: u64,
    #[etag(last_modified)]
    updated_at: u64,
}

fn main() {}
