use etag_core::Versioned;

#[derive(Versioned)]
struct Order {
    #[etag]
    id: u64,
    #[etag(skip = true)]
    note: String,
    #[etag = "include"]
    total: u64,
}

fn main() {}
