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

fn version_of(id: u64) -> u64 {
    id
}

// The precheck must give the current state, not a bare number.
#[conditional(precheck = version_of(id))]
async fn get_order(Path(id): Path<u64>) -> Order {
    Order { version: id }
}

fn main() {}
