use etag_core::Versioned;

// Four unrelated mistakes: one compile reports them all.
#[derive(Versioned)]
#[etag(weak = true)]
struct Order {
    #[etag(skip, ignore)]
    id: u64,
    #[etag(include)]
    customer: String,
    #[etag(version, version)]
    version: u64,
}

fn main() {}
