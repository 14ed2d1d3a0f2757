use axum::extract::Path;
use etag_core::{EntityTag, Versioned, conditional};

#[derive(serde::Serialize)]
struct Order {
    version: u64,
}

impl Versioned for Order {
    fn etag(&self) -> EntityTag {
        EntityTag::from_version(self.version)
    }
}

// `require` on a handler that returns a read's type: a GET needs no precondition, and a write
// must return the proof of its check.
#[conditional(require)]
async fn get_order(Path(id): Path<u64>) -> Order {
    Order { version: id }
}

fn main() {}
