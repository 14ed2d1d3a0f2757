//! Products: dated in whole seconds, one distinct second per write.
//!
//! The decisions are here, the same on both backends; the SQL is in the backends' `products`
//! modules. On PostgreSQL a product write holds the product's row (`SELECT … FOR UPDATE`, see
//! the [module docs](super#why-no-update-is-lost)).

use std::time::SystemTime;

use super::codec::{from_seconds, to_seconds};
use super::dating::{Dating, wait_for_a_later_second};
use super::{Backend, Written, postgres, sqlite};
use crate::db::{Abort, DbError, WriteError};
use crate::model::{Product, ProductBody};

/// What a write over `current` stores at `now`: the body `decide` returns, dated in a later
/// second than `current`; in the same second, the write asks to roll back and wait for the next.
pub(super) fn next_product<P, R>(
    current: Option<&Product>,
    decide: &mut impl FnMut(Option<&Product>) -> Result<(ProductBody, P), R>,
    now: SystemTime,
) -> Result<Written<Product, P>, Abort<R>> {
    let (body, proof) = decide(current).map_err(Abort::Reject)?;
    let previous = current.map(|product| product.modified_at);
    if let Some(wait) = wait_for_a_later_second(Dating::DistinctSecond, previous, now) {
        return Err(Abort::RetryAfter(wait));
    }
    Ok(Written {
        value: Product::new(body, from_seconds(to_seconds(now))),
        created: current.is_none(),
        proof,
    })
}

/// The products table. See the [module docs](super) for how writes decide.
///
/// Products may be guarded by dates (`If-Unmodified-Since`) as well as by tags, and HTTP dates have
/// one-second resolution. Two writes within the same second would leave `Last-Modified`
/// unchanged, and a client holding the older state could then pass `If-Unmodified-Since` and
/// overwrite the newer one. So a write that lands in the same second as the previous write of the
/// same product waits for the next second (rolling back and retrying, so the check is redone on
/// the state it will replace). Each product thus takes at most one write per second; that is the
/// price of exact date-based preconditions.
#[derive(Clone, Debug)]
pub struct Products {
    backend: Backend,
}

impl Products {
    pub(super) fn new(backend: Backend) -> Self {
        Self { backend }
    }

    /// The product with this SKU, if any.
    pub async fn get(&self, sku: &str) -> Result<Option<Product>, DbError> {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::products::get(db, sku).await,
            Backend::Postgres(db) => postgres::products::get(db, sku).await,
        }
    }

    /// Creates or replaces the product `sku` with the body `decide` returns for its current
    /// state; `decide`'s proof is handed back in [`Written::proof`].
    pub async fn upsert<P, R, F>(
        &self,
        sku: &str,
        decide: F,
    ) -> Result<Written<Product, P>, WriteError<R>>
    where
        F: FnMut(Option<&Product>) -> Result<(ProductBody, P), R> + Send + 'static,
        P: Send + 'static,
        R: Send + 'static,
    {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::products::upsert(db, sku, decide).await,
            Backend::Postgres(db) => postgres::products::upsert(db, sku, decide).await,
        }
    }
}
