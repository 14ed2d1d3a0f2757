use axum::extract::{Path, State};
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

#[derive(Clone)]
struct Db;

// The precheck written as a string, and a binding the handler does not have.
#[conditional(precheck = "db.version(id).await")]
async fn get_order(State(_db): State<Db>, Path(id): Path<u64>) -> Order {
    Order { version: id }
}

#[conditional(precheck = db.version(order_id).await)]
async fn get_other(State(db): State<Db>, Path(id): Path<u64>) -> Order {
    let _ = db;
    Order { version: id }
}

fn main() {}
