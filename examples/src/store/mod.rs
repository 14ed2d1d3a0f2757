//! The shop's persistence, one module per resource.
//!
//! This is the boundary a different database would replace: callers see only the model types,
//! `Option` for "missing", and *decision closures*. A write takes a closure that receives the
//! current state (or `None`) and either returns the new state or rejects the request; the store
//! runs it inside the transaction that performs the write, so a precondition checked there is
//! checked against exactly the state being replaced. SQLite does this with `BEGIN IMMEDIATE`; a
//! networked database would do it with `SELECT … FOR UPDATE` or a serializable transaction, and
//! the handlers would not change.
//!
//! A decision closure may run more than once (the store retries when the database is locked), so
//! it must decide from its argument only.
//!
//! # Modification dates
//!
//! `Last-Modified` has one-second resolution, and RFC 9110 compares dates at that resolution: a
//! state is "modified since" a date only if its second is later. Two writes within one second
//! share a date, so only an entity tag can tell them apart. The store keeps dates truthful (never
//! in the future, never going back) and makes sure clients that guard by date alone cannot
//! overwrite each other:
//!
//! - **Orders** are dated by the clock in whole seconds, never before the state they replace (or
//!   the deleted order they re-create, kept in a tombstone) ([`Dating::Clock`]). A write guarded
//!   by `If-Unmodified-Since` alone ([`Dating::DistinctSecond`]) lands in a later second than the
//!   state it replaces, waiting for it if needed (after rolling back, so it re-checks), so a second
//!   client holding the same date is refused. A client that just received a `Last-Modified` can
//!   always write with it: the date it holds is the date the store compares. Writers guarded by a
//!   tag never wait. Within one second, a client holding only a date cannot see a change made
//!   with `If-Match`: that is what second precision means, and why tags are the primary guard.
//! - **Products** always take a later second than their previous write, waiting if needed. Dates
//!   are their main guard (their weak tag never satisfies `If-Match`), at the price of one write
//!   per product per second.
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
//! behind.
//!
//! The tag depends on the canonical encoding of `Order`'s fields (`#[derive(Versioned)]`): a
//! change to that encoding, to the fields that make up the tag, or to how tags are written as
//! text changes the computed tag, and must come with a migration that recomputes the stored
//! tag of every order, as migration 3 does. Without it, the precheck would decide from tags that
//! no longer match the ones responses send.
//!
//! [`Order`]: crate::model::Order

mod carts;
mod codec;
mod dating;
mod orders;
mod products;

use std::path::PathBuf;

pub use carts::Carts;
pub use dating::Dating;
pub use orders::Orders;
pub use products::Products;

pub(crate) use codec::etag_to_sql;

use crate::db::{Database, DbError};

/// The result of a write that may create: the stored value and whether it is new.
#[derive(Debug, Clone, PartialEq)]
pub struct Written<T> {
    /// The state after the write.
    pub value: T,
    /// `true` when the resource did not exist before (201 Created).
    pub created: bool,
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
    db: Database,
}

impl Store {
    /// Opens the database at `path`, creating and migrating it as needed.
    pub async fn open(path: impl Into<PathBuf>) -> Result<Self, DbError> {
        Ok(Self {
            db: Database::open(path).await?,
        })
    }

    /// Orders.
    pub fn orders(&self) -> Orders {
        Orders::new(self.db.clone())
    }

    /// Carts.
    pub fn carts(&self) -> Carts {
        Carts::new(self.db.clone())
    }

    /// Products.
    pub fn products(&self) -> Products {
        Products::new(self.db.clone())
    }
}
