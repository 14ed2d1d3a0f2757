use axum::extract::Path;
use etag_core::{EntityTag, PreconditionError, Preconditions, Versioned, Written, conditional};

#[derive(Clone, serde::Serialize)]
struct Order {
    version: u64,
}

impl Versioned for Order {
    fn etag(&self) -> EntityTag {
        EntityTag::from_version(self.version)
    }
}

fn load(id: u64) -> Option<Order> {
    (id > 0).then_some(Order { version: id })
}

// An `Option` has no validators: say what `None` means instead of checking it.
#[conditional(require)]
async fn put_order(
    Path(id): Path<u64>,
    pre: Preconditions,
) -> Result<Written<Order>, PreconditionError> {
    let current = load(id);
    let checked = pre.check(&current)?;
    Ok(checked.ok(Order { version: id + 1 }))
}

fn main() {}
