use axum::extract::{Path, State};
use axum::Json;
use etag_core::{EntityTag, PreconditionError, Preconditions, Versioned, Written, conditional};

#[derive(serde::Serialize, serde::Deserialize)]
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

// The body extractor must come last: here it comes before `pre`.
#[conditional(require)]
async fn put_order(
    State(_db): State<Db>,
    Path(_id): Path<u64>,
    Json(order): Json<Order>,
    pre: Preconditions,
) -> Result<Written<Order>, PreconditionError> {
    let checked = pre.check_missing()?;
    Ok(checked.ok(order))
}

fn main() {}
