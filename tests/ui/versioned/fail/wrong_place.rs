use etag_core::Versioned;

#[derive(Versioned)]
#[etag(skip)]
struct Order {
    #[etag(weak)]
    id: u64,
    #[etag(crate = "etag_core")]
    total: u64,
}

fn main() {}
