//! The shop's persistence, one module per resource.
//!
//! This is the boundary a different database would replace: callers see only the model types,
//! `Option` for "missing", and *decision closures*. A write takes a closure that receives the
//! current state (or `None`) and either returns the new state or rejects the request; the store
//! runs it inside the transaction that performs the write, so a precondition checked there is
//! checked against exactly the state being replaced. A closure may also hand back a value (its
//! *proof*, such as a token saying that the precondition was checked), which the write returns
//! with its result ([`Written::proof`], [`Deleted::proof`]).
//!
//! A decision closure may run more than once (the store retries when the database is busy, or
//! when another writer got there first), so it must decide from its argument only; only the
//! proof of the run that committed is returned.
//!
//! The decisions (what a write stores, how it is dated, what a tombstone keeps, the stored tag)
//! live in one module per resource and are the same on both backends; the backends differ only
//! in the SQL that reads and writes the rows, in `sqlite` and `postgres` modules of their own.
//!
//! # Why no update is lost
//!
//! **SQLite** runs every write in `BEGIN IMMEDIATE`: the file's write lock is taken before the
//! current state is read, so across all processes on the file one write at a time reads, decides
//! and writes.
//!
//! **PostgreSQL** runs every write in a `READ COMMITTED` transaction, in one of two ways:
//!
//! - *Row lock* (orders, products): `SELECT … FOR UPDATE` locks the row before the decision. A
//!   second writer of the same row blocks on that lock until the first commits, and then (READ
//!   COMMITTED re-reads a row it waited for) sees the committed state, so its precondition is
//!   checked against what the first writer wrote, never against what both read earlier.
//! - *Compare-and-swap* (carts): a replace or delete is one
//!   `UPDATE … SET …, version = version + 1 WHERE id = $1 AND NOT deleted AND (version =
//!   ANY($2)) = $3`, binding the versions the
//!   *client* named ([`etag_core::ExpectedVersion`]), so the database checks the precondition
//!   in the statement that writes, on SQLite too. Of two writers holding one version, the
//!   second waits for the first's row lock, re-evaluates the `WHERE` on the committed row and
//!   matches nothing: a 412. A PATCH names the version of the cart it patched, which passed the
//!   client's preconditions; if another write landed in between it reads and decides again.
//!
//! A missing row cannot be locked, so creating one is an `INSERT … ON CONFLICT DO NOTHING`: of
//! two creators, the second waits for the first's insert and then inserts nothing, and its
//! attempt runs again, now deciding on the row the first created (`If-None-Match: *` fails).
//! Re-creating a deleted order deletes its tombstone in the same transaction, so that row lock
//! orders re-creators too.
//!
//! # Collection revisions
//!
//! Each collection (orders, carts) has a revision in `collection_revisions`, and every write
//! that creates, replaces, changes or deletes an entry increments it **in its own transaction**
//! (on PostgreSQL as its last statement before the commit, so writers of one collection queue on
//! the counter row only for their commit). Nothing commits a change without moving it. The
//! collection's tag and each page's tag come from the revision
//! ([`etag_core::CollectionRevision`]), so `GET /orders` answers 304 from one row, and a page is
//! read in one snapshot with the revision that tags it. A POST whose preconditions are about the
//! collection checks them against the revision, read in its transaction (on PostgreSQL `FOR
//! UPDATE`, which holds off other writers of the collection until it commits): one row, never a
//! scan, and never a lock held for longer than the statements of the create.
//!
//! Stronger isolation is not needed: every write's check and write concern one row, which the
//! lock or the compare-and-swap serializes; `SERIALIZABLE` would add aborts without adding a
//! guarantee here.
//!
//! # Modification dates
//!
//! `Last-Modified` has one-second resolution, and RFC 9110 compares dates at that resolution: a
//! state is "modified since" a date only if its second is later. Two writes within one second
//! share a date, so only an entity tag can tell them apart. The store keeps dates truthful (never
//! in the future, never going back) and makes sure clients that guard by date alone cannot
//! overwrite each other:
//!
//! - **Orders** and **products** are dated by the clock in whole seconds, never before the state
//!   they replace (or, for an order, the deleted order it re-creates, kept in a tombstone). No
//!   write ever waits for a later second, so no write holds a database thread or a lock for the
//!   rest of a second. Two writers holding the same date cannot both win because the library
//!   refuses a write guarded by `If-Unmodified-Since` alone while the state it would replace is
//!   less than a second old (412 with `Retry-After`, see `etag_core`'s date policy); the HTTP
//!   layer waits for that second asynchronously, holding nothing, and runs such a write once
//!   more, so a client that just received a `Last-Modified` can still write with it. Writers
//!   guarded by a tag never wait. Within one second, a client holding only a date cannot see a
//!   change made with `If-Match`: that is what second precision means, and why tags are the
//!   primary guard.
//! - **Carts** have no date: their version tag is their only validator.
//!
//! # Stored entity tags
//!
//! An order's tag is a hash of its content, so deciding a conditional GET from the order itself
//! means loading and decoding every item and hashing them: nearly all the work of a 200. So each
//! order's row also holds its tag (column `etag`, next to `modified_ms`), and
//! [`Orders::validators`] reads just those two columns for the GET's precheck.
//!
//! The stored tag always equals the tag computed from the stored order, because both come from
//! one value in one transaction: every write (create, replace, patch) builds the new [`Order`],
//! computes `order.etag()` from it, and writes the tag and the order's columns in the same
//! statement of the same transaction. Nothing can commit one without the other, and readers see
//! both or neither. Existing databases were tagged the same way by migration 3, which computed
//! each order's tag with `Order::etag` while rebuilding the table. The schema backs this up
//! against other writers: the column is `NOT NULL` without a default (an `INSERT` that forgets
//! it fails), and a trigger refuses any in-place `UPDATE` of an order's content (the store
//! replaces the row whole), so a process running an older binary cannot leave a stale tag
//! behind. PostgreSQL has the same constraint and a trigger that refuses an `UPDATE` changing an
//! order's content but not its tag.
//!
//! The tag depends on the canonical encoding of `Order`'s fields (`#[derive(Versioned)]`): a
//! change to that encoding, to the fields that make up the tag, or to how tags are written as
//! text changes the computed tag, and must come with a migration that recomputes the stored
//! tag of every order, as migration 3 does (and its PostgreSQL counterpart). Without it, the precheck would decide from tags that
//! no longer match the ones responses send.
//!
//! [`Order`]: crate::model::Order

mod carts;
mod codec;
mod dating;
mod orders;
mod postgres;
mod products;
mod sqlite;

use std::path::PathBuf;

pub use carts::Carts;
pub use orders::Orders;
pub use products::Products;

pub(crate) use codec::etag_text;

use crate::cache::ShopCache;
use crate::db::{self, DbError, Location};

/// The result of a write that may create: the stored value, whether it is new, and the proof
/// the decision closure handed back.
#[derive(Debug, Clone, PartialEq)]
pub struct Written<T, P = ()> {
    /// The state after the write.
    pub value: T,
    /// `true` when the resource did not exist before (201 Created).
    pub created: bool,
    /// What the decision closure returned with the new state, from the run that committed.
    pub proof: P,
}

/// A value with the revision of the resource it came from or became: a counter that every
/// write of the resource moves on, in the write's transaction (see
/// [`Orders::get_revised`]; a cart's revision is its version).
#[derive(Debug, Clone, PartialEq)]
pub struct Revised<T> {
    /// The value.
    pub value: T,
    /// The resource's revision in that state.
    pub revision: u64,
}

/// The result of a delete: what was deleted (`None` when there was nothing and the decision
/// accepted that), and the proof the decision closure handed back.
#[derive(Debug, Clone, PartialEq)]
pub struct Deleted<T, P = ()> {
    /// The state that was deleted.
    pub value: Option<T>,
    /// What the decision closure returned, from the run that committed.
    pub proof: P,
}

/// The database behind a store.
#[derive(Clone, Debug)]
enum Backend {
    Sqlite(db::sqlite::Database),
    Postgres(db::postgres::Database),
}

/// All of the shop's resources in one database; cheap to clone.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use etag_examples::model::{CartBody, Listed};
/// use etag_examples::store::Store;
///
/// let dir = tempfile::tempdir()?;
/// let store = Store::open(dir.path().join("shop.db")).await?;
/// let body = CartBody { owner: "ada".into(), items: vec![] };
/// let Listed { id, value: cart } = store.carts().create(body).await?;
/// assert_eq!(cart.version, 1);
/// assert_eq!(store.carts().get(&id).await?, Some(cart));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
    /// The validator cache the HTTP handlers keep up to date, if the shop runs with one.
    cache: Option<ShopCache>,
}

impl Store {
    /// Opens the SQLite database at `path`, creating and migrating it as needed.
    pub async fn open(path: impl Into<PathBuf>) -> Result<Self, DbError> {
        Ok(Self {
            backend: Backend::Sqlite(db::sqlite::Database::open(path).await?),
            cache: None,
        })
    }

    /// Opens the database at `location`: an SQLite file (created as needed), or a PostgreSQL
    /// database (created if the server has none of that name and the role may create one).
    /// Either is migrated on open, safely when several processes open it at once.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use etag_examples::store::Store;
    ///
    /// let store = Store::connect(&"postgres://shop@127.0.0.1:5432/shop".parse()?).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect(location: &Location) -> Result<Self, DbError> {
        match location {
            Location::Sqlite(path) => Self::open(path.clone()).await,
            Location::Postgres(url) => Ok(Self {
                backend: Backend::Postgres(db::postgres::Database::connect(url).await?),
                cache: None,
            }),
        }
    }

    /// This store with a validator cache, which the HTTP handlers then use for the GET
    /// prechecks of carts and orders and keep up to date on every write of them.
    pub fn with_cache(self, cache: ShopCache) -> Self {
        Self {
            cache: Some(cache),
            ..self
        }
    }

    /// The validator cache, if the store has one.
    pub fn cache(&self) -> Option<&ShopCache> {
        self.cache.as_ref()
    }

    /// The random identity the schema gave this database when it was created: the same for
    /// every process on it, whatever path or URL names it, and different for every other
    /// database (a copied file keeps it: give a copy a new one before serving both with one
    /// cache). It names the database's keys in the validator cache.
    pub async fn database_id(&self) -> Result<String, DbError> {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::database_id(db).await,
            Backend::Postgres(db) => postgres::database_id(db).await,
        }
    }

    /// Orders.
    pub fn orders(&self) -> Orders {
        Orders::new(self.backend.clone())
    }

    /// Carts.
    pub fn carts(&self) -> Carts {
        Carts::new(self.backend.clone())
    }

    /// Products.
    pub fn products(&self) -> Products {
        Products::new(self.backend.clone())
    }
}
