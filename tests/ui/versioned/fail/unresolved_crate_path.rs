use etag_core::Versioned;

#[derive(Versioned)]
#[etag(crate = "etag_core_renamed")]
struct Order {
    total: u64,
}

fn main() {}
