use serde::Serialize;

#[derive(Serialize, etag_core::Versioned)]
struct Product {
    #[etag(skip)]
    id: u64,
    name: String,
    #[etag(skip)]
    stock: u32,
}

#[derive(etag_core::Versioned, Serialize)]
struct Listing {
    #[etag(include)]
    title: String,
    views: u64,
}

#[derive(Serialize, etag_core::Versioned)]
enum Event {
    Moved(String, #[etag(skip)] u32),
}

fn main() {}
