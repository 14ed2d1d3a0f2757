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

// An error type the attribute cannot send its 400 / 412 / 428 through.
struct MyError;

#[conditional(error = MyError)]
async fn get_order(Path(id): Path<u64>) -> Order {
    Order { version: id }
}

fn main() {}
