use axum::Json;
use etag_core::{EntityTag, Versioned, conditional};

#[derive(serde::Serialize, serde::Deserialize)]
struct Order {
    version: u64,
}

impl Versioned for Order {
    fn etag(&self) -> EntityTag {
        EntityTag::from_version(self.version)
    }
}

// A write that requires a precondition but has no way to check it inside the write.
#[conditional(require)]
async fn put_order(Json(order): Json<Order>) -> Order {
    order
}

fn main() {}
