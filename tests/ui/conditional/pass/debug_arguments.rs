//! Attributes below `#[conditional]` see the generated handler, injected argument included; some
//! (`#[tracing::instrument]`) need `Debug` on every argument. `two_debug_arguments` and
//! `three_debug_arguments` stand in for them: this compiles only if every argument of the
//! generated handlers is `Debug`.

use std::fmt::Debug;
use std::future::Future;

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

#[conditional]
async fn get_order(Path(id): Path<u64>) -> Order {
    Order { version: id }
}

#[conditional(require)]
async fn put_order(
    Path(id): Path<u64>,
    pre: etag_core::Preconditions,
) -> Result<etag_core::Written<Order>, etag_core::PreconditionError> {
    let checked = pre.check(&Order { version: id })?;
    Ok(checked.ok(Order { version: id + 1 }))
}

fn two_debug_arguments<A: Debug, B: Debug, F: Future>(_handler: impl Fn(A, B) -> F) {}

fn three_debug_arguments<A: Debug, B: Debug, C: Debug, F: Future>(
    _handler: impl Fn(A, B, C) -> F,
) {
}

fn main() {
    two_debug_arguments(get_order);
    three_debug_arguments(put_order);
}
