//! Carts: a version column, and tombstones for deleted carts.
//!
//! The decisions are here, the same on both backends; the SQL is in the backends' `carts`
//! modules. A cart's tag is its version column, so a replace or a delete is a compare-and-swap
//! against the version the *client* named ([`ExpectedVersion`], from `If-Match` /
//! `If-None-Match`): `UPDATE … SET …, version = version + 1 WHERE id = ? AND NOT deleted AND
//! <the client's versions>`. The database does the check, in the statement that writes; zero
//! rows is a 412 when a live cart exists and a missing cart otherwise (see the
//! [module docs](super#why-no-update-is-lost)).

use std::convert::Infallible;

use etag_core::{Checked, CollectionRevision, ExpectedVersion, SwapRefused};

use super::codec::version_to_sql;
use super::{Backend, Written, postgres, sqlite};
use crate::db::{DbError, WriteError};
use crate::model::{Cart, CartBody, CartVersion, Listed, Page, PageBounds};

/// A cart a POST creates: version 1.
pub(super) fn new_cart(body: CartBody) -> Cart {
    Cart { body, version: 1 }
}

/// A cart row: the live cart, or the version a deleted cart reached (its tombstone), so that a
/// re-created cart continues from there and old tags never match it.
#[derive(Debug, Clone)]
pub(super) struct CartRow {
    /// The live cart; `None` for a tombstone.
    pub(super) cart: Option<Cart>,
    /// The row's version, live or not.
    pub(super) version: u64,
}

/// The versions a compare-and-swap may replace, as column values: the client's
/// [`ExpectedVersion`] in the shape both backends bind (`= ANY($n)` on PostgreSQL, `json_each`
/// on SQLite), and whether the row's version must be in the list or out of it.
pub(super) fn sql_versions(expected: &ExpectedVersion<u64>) -> (Vec<i64>, bool) {
    let condition = expected.version_match();
    let versions = condition
        .versions()
        .iter()
        .copied()
        .map(version_to_sql)
        .collect();
    (versions, condition.member())
}

/// The carts table. See the [module docs](super) for how writes decide.
#[derive(Clone, Debug)]
pub struct Carts {
    backend: Backend,
}

impl Carts {
    pub(super) fn new(backend: Backend) -> Self {
        Self { backend }
    }

    /// The cart with this id, if any.
    pub async fn get(&self, id: &str) -> Result<Option<Cart>, DbError> {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::carts::get(db, id).await,
            Backend::Postgres(db) => postgres::carts::get(db, id).await,
        }
    }

    /// The version of the cart with this id, if any: a cheap read for conditional GETs.
    pub async fn version(&self, id: &str) -> Result<Option<CartVersion>, DbError> {
        let version = match &self.backend {
            Backend::Sqlite(db) => sqlite::carts::version(db, id).await?,
            Backend::Postgres(db) => postgres::carts::version(db, id).await?,
        };
        Ok(version.map(|version| CartVersion { version }))
    }

    /// Every live cart, by id.
    pub async fn list(&self) -> Result<Vec<Listed<Cart>>, DbError> {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::carts::list(db).await,
            Backend::Postgres(db) => postgres::carts::list(db).await,
        }
    }

    /// The collection's revision, incremented by every write of a cart in its
    /// transaction: one row, whatever the size of the collection.
    pub async fn revision(&self) -> Result<CollectionRevision, DbError> {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::carts::revision(db).await,
            Backend::Postgres(db) => postgres::carts::revision(db).await,
        }
    }

    /// One page of the collection in id order, read in one snapshot with the revision that
    /// tags it.
    pub async fn page(&self, bounds: PageBounds) -> Result<Page<Cart>, DbError> {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::carts::page(db, bounds).await,
            Backend::Postgres(db) => postgres::carts::page(db, bounds).await,
        }
    }

    /// Creates a cart (version 1) under a fresh server-chosen id.
    pub async fn create(&self, body: CartBody) -> Result<Listed<Cart>, DbError> {
        let no_guard = None::<fn(&CollectionRevision) -> Result<(), Infallible>>;
        match self.create_guarded(body, no_guard).await {
            Ok(written) => Ok(written.value),
            Err(WriteError::Db(error)) => Err(error),
            Err(WriteError::Rejected(never)) => match never {},
        }
    }

    /// Like [`create`](Self::create), but `guard`, when given, first sees the collection's
    /// revision inside the transaction (holding it until the commit) and may reject the request:
    /// preconditions sent with a POST are evaluated against the collection's revision tag, which
    /// costs one row, however large the collection. Its proof is returned (`None` without a
    /// guard).
    pub async fn create_guarded<P, R, G>(
        &self,
        body: CartBody,
        guard: Option<G>,
    ) -> Result<Written<Listed<Cart>, Option<P>>, WriteError<R>>
    where
        G: FnMut(&CollectionRevision) -> Result<P, R> + Send + 'static,
        P: Send + 'static,
        R: Send + 'static,
    {
        let cart = new_cart(body);
        let (listed, proof) = match &self.backend {
            Backend::Sqlite(db) => sqlite::carts::create(db, cart, guard).await?,
            Backend::Postgres(db) => postgres::carts::create(db, cart, guard).await?,
        };
        Ok(Written {
            value: listed,
            created: true,
            proof,
        })
    }

    /// Replaces the live cart `id` with `body` if its version passes `expected`, in one
    /// compare-and-swap; the version goes up by one. The proof comes from the statement's
    /// outcome; [`SwapRefused::Stale`] (412) when the live cart is at another version,
    /// [`SwapRefused::Missing`] when there is none (a PUT may then [`create_at`](Self::create_at)).
    pub async fn swap(
        &self,
        id: &str,
        expected: &ExpectedVersion<u64>,
        body: CartBody,
    ) -> Result<(Cart, Checked), WriteError<SwapRefused>> {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::carts::swap(db, id, expected, body).await,
            Backend::Postgres(db) => postgres::carts::swap(db, id, expected, body).await,
        }
    }

    /// Deletes the live cart `id` if its version passes `expected`, in one compare-and-swap
    /// that leaves a tombstone with the next version.
    pub async fn swap_delete(
        &self,
        id: &str,
        expected: &ExpectedVersion<u64>,
    ) -> Result<Checked, WriteError<SwapRefused>> {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::carts::swap_delete(db, id, expected).await,
            Backend::Postgres(db) => postgres::carts::swap_delete(db, id, expected).await,
        }
    }

    /// Creates the cart `id` with `body` if no live cart has that id (a deleted one's version
    /// continues: its old tags never match the new cart). `None` when a live cart exists, or
    /// was created meanwhile: the caller's preconditions were not checked against it, so it
    /// swaps again.
    pub async fn create_at(&self, id: &str, body: CartBody) -> Result<Option<Cart>, DbError> {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::carts::create_at(db, id, body).await,
            Backend::Postgres(db) => postgres::carts::create_at(db, id, body).await,
        }
    }
}
