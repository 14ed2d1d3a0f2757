use etag_core::Versioned;

struct Money {
    cents: u64,
}

#[derive(Versioned)]
struct Order {
    customer: String,
    total: Money,
}

fn main() {}
