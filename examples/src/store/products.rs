//! Products: dated by the clock in whole seconds, never going back.
//!
//! The decisions are here, the same on both backends; the SQL is in the backends' `products`
//! modules. On PostgreSQL a product write holds the product's row (`SELECT … FOR UPDATE`, see
//! the [module docs](super#why-no-update-is-lost)).

use std::time::SystemTime;

use super::dating::date_of_write;
use super::{Backend, Written, postgres, sqlite};
use crate::db::{Abort, DbError, WriteError};
use crate::model::{Product, ProductBody};

/// What a write over `current` stores at `now`: the body `decide` returns, dated `now` in whole
/// seconds, never before `current`.
pub(super) fn next_product<P, R>(
    current: Option<&Product>,
    decide: &mut impl FnMut(Option<&Product>) -> Result<(ProductBody, P), R>,
    now: SystemTime,
) -> Result<Written<Product, P>, Abort<R>> {
    let (body, proof) = decide(current).map_err(Abort::Reject)?;
    let previous = current.map(|product| product.modified_at);
    Ok(Written {
        value: Product::new(body, date_of_write(previous, now)),
        created: current.is_none(),
        proof,
    })
}

/// The products table. See the [module docs](super) for how writes decide.
///
/// Products may be guarded by dates (`If-Unmodified-Since`) as well as by tags, and HTTP dates have
/// one-second resolution: two writes within one second share a date. Writes never wait for a
/// later second; instead, a write guarded by a date alone is refused while the product is less
/// than a second old (the library's date policy), so a client holding an older state's date
/// can never overwrite a newer state of the same second. See the
/// [module docs](super#modification-dates).
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
