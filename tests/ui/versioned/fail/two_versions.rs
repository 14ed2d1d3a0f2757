use etag_core::Versioned;

#[derive(Versioned)]
struct Cart {
    #[etag(version)]
    version: u64,
    #[etag(version)]
    revision: u64,
}

fn main() {}
