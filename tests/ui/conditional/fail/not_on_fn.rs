use etag_core::conditional;

#[conditional]
struct Order {
    version: u64,
}

fn main() {}
