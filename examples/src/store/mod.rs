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
//! `Last-Modified` has one-second resolution, so two writes within one second would share it: a
//! client holding the first state could then get a 304 from `If-Modified-Since` for a state it
//! has not seen, or pass `If-Unmodified-Since` and overwrite the newer write (a lost update). The
//! store gives every state of a dated resource its own second instead:
//!
//! - **Orders** are dated `max(now, previous + 1s)` in whole seconds, where `previous` is the date
//!   of the state the write replaces (or of the deleted order it re-creates, kept in a
//!   tombstone). Writers never wait; during a burst the date runs ahead of the clock. That is
//!   safe: the response's `Last-Modified` is never later than the moment it is sent
//!   (`etag-core` sends `min(date, now)`, RFC 9110 §8.8.2.1), while preconditions are evaluated
//!   against the stored date. A client's date therefore stays behind a date that ran ahead, and
//!   the answer errs on the safe side: `If-Modified-Since` gets a full 200 instead of a 304, and
//!   `If-Unmodified-Since` gets a 412 instead of a pass, never a wrong 304 and never a lost
//!   update. Once writes slow to fewer than one a second the clock catches up and dates are
//!   exact again.
//! - **Products** wait instead: a write that would land in the same second as the product's
//!   previous write rolls back and retries in the next second. Dates are their main guard (their
//!   weak tag never satisfies `If-Match`), so their dates never run ahead, at the price of one
//!   write per product per second.
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
mod orders;
mod products;

use std::path::PathBuf;

pub use carts::Carts;
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
