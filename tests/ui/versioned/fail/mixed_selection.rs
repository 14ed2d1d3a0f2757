use etag_core::Versioned;

#[derive(Versioned)]
struct Order {
    #[etag(skip)]
    id: u64,
    #[etag(include)]
    total: u64,
}

fn main() {}
