use etag_core::Versioned;

#[derive(Versioned)]
struct Cart {
    #[etag(version)]
    version: String,
    items: Vec<String>,
}

fn main() {}
