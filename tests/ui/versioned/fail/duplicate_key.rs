use etag_core::Versioned;

#[derive(Versioned)]
#[etag(weak)]
#[etag(weak)]
struct Order {
    #[etag(skip, skip)]
    id: u64,
    total: u64,
}

fn main() {}
