use axum::extract::Path;
use etag_core::{EntityTag, PreconditionError, Preconditions, Tagged, Versioned, Written, conditional};

#[derive(Clone, serde::Serialize)]
struct Order {
    version: u64,
}

impl Versioned for Order {
    fn etag(&self) -> EntityTag {
        EntityTag::from_version(self.version)
    }
}

// An early `return` of a read's type from a write: reported at the `return`, like a final value.
#[conditional(require)]
async fn put_order(
    Path(id): Path<u64>,
    pre: Preconditions,
) -> Result<Written<Order>, PreconditionError> {
    let current = Order { version: id };
    if id == 0 {
        return Ok(Tagged::new(current));
    }
    Ok(pre.check(&current)?.ok(Order { version: id + 1 }))
}

fn main() {}
