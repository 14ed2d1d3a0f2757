use etag_core::Versioned;

#[derive(Versioned)]
#[etag(strong)]
struct Order {
    #[etag(skipp)]
    id: u64,
    total: u64,
}

fn main() {}
