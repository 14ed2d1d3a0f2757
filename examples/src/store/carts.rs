//! Carts: a version column, and tombstones for deleted carts.
//!
//! The decisions are here, the same on both backends; the SQL is in the backends' `carts`
//! modules. On PostgreSQL a cart write ends in a version compare-and-swap (see the
//! [module docs](super#why-no-update-is-lost)).

use std::convert::Infallible;

use etag_core::CollectionRevision;

use super::{Backend, Deleted, Written, postgres, sqlite};
use crate::db::{DbError, WriteError};
use crate::model::{Cart, CartBody, CartVersion, Listed, Page, PageBounds};

/// A cart row: the live cart, or the version a deleted cart reached (its tombstone), so that a
/// re-created cart continues from there and old tags never match it.
#[derive(Debug, Clone)]
pub(super) struct CartRow {
    /// The live cart; `None` for a tombstone.
    pub(super) cart: Option<Cart>,
    /// The row's version, live or not.
    pub(super) version: u64,
}

/// A cart a POST creates: version 1.
pub(super) fn new_cart(body: CartBody) -> Cart {
    Cart { body, version: 1 }
}

/// What a write over `row` stores: the body `decide` returns for the live cart (or `None`), one
/// version after the row's (live or tombstone), so every write moves the version.
pub(super) fn next_cart<P, R>(
    row: Option<&CartRow>,
    decide: &mut impl FnMut(Option<&Cart>) -> Result<(CartBody, P), R>,
) -> Result<Written<Cart, P>, R> {
    let current = row.and_then(|row| row.cart.as_ref());
    let (body, proof) = decide(current)?;
    Ok(Written {
        value: Cart {
            body,
            version: row.map_or(1, |row| row.version.saturating_add(1)),
        },
        created: current.is_none(),
        proof,
    })
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

    /// Creates or replaces the cart `id` with the body `decide` returns for its current state;
    /// the version goes up by one. `decide` also returns a proof, handed back in
    /// [`Written::proof`].
    pub async fn upsert<P, R, F>(
        &self,
        id: &str,
        decide: F,
    ) -> Result<Written<Cart, P>, WriteError<R>>
    where
        F: FnMut(Option<&Cart>) -> Result<(CartBody, P), R> + Send + 'static,
        P: Send + 'static,
        R: Send + 'static,
    {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::carts::upsert(db, id, decide).await,
            Backend::Postgres(db) => postgres::carts::upsert(db, id, decide).await,
        }
    }

    /// Deletes the cart `id` if `decide` accepts its current state, leaving a tombstone with the
    /// next version; returns what was deleted and `decide`'s proof.
    pub async fn delete<P, R, F>(
        &self,
        id: &str,
        decide: F,
    ) -> Result<Deleted<Cart, P>, WriteError<R>>
    where
        F: FnMut(Option<&Cart>) -> Result<P, R> + Send + 'static,
        P: Send + 'static,
        R: Send + 'static,
    {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::carts::delete(db, id, decide).await,
            Backend::Postgres(db) => postgres::carts::delete(db, id, decide).await,
        }
    }
}
