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

// The check's result thrown away: without its proof there is no `Written` to return.
#[conditional(require)]
async fn put_order(
    Path(id): Path<u64>,
    pre: Preconditions,
) -> Result<Written<Order>, PreconditionError> {
    let current = Order { version: id };
    let _ = pre.check(&current);
    Ok(Tagged::new(Order { version: id + 1 }))
}

// Returning `Json` or a status tuple instead of the resource.
#[conditional]
async fn get_order(Path(id): Path<u64>) -> axum::Json<Order> {
    axum::Json(Order { version: id })
}

#[conditional]
async fn get_order_with_status(Path(id): Path<u64>) -> (http::StatusCode, Order) {
    (http::StatusCode::OK, Order { version: id })
}

fn main() {}
