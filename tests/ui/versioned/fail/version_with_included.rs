use etag_core::Versioned;

#[derive(Versioned)]
struct Cart {
    #[etag(version)]
    version: u64,
    #[etag(include)]
    items: Vec<String>,
}

fn main() {}
