//! Orders: content-hash tags stored with each order, dated in whole seconds, with tombstones that
//! keep the date of a deleted order.
//!
//! The decisions are here, the same on both backends; the SQL is in the backends' `orders`
//! modules. On PostgreSQL an order write holds the order's row (`SELECT … FOR UPDATE`, see the
//! [module docs](super#why-no-update-is-lost)).

use std::convert::Infallible;
use std::time::SystemTime;

use etag_core::{CollectionRevision, EntityTag};

use super::codec::from_millis;
use super::dating::date_of_write;
use super::{Backend, Deleted, Revised, Written, postgres, sqlite};
use crate::db::{Abort, DbError, WriteError};
use crate::model::{Listed, Order, OrderBody, OrderValidators, Page, PageBounds};

/// What a write decided, before it is dated: the body, the proof, and the date of the order it
/// replaces (`None` when it creates, and the tombstone must be consulted).
pub(super) struct Decided<P> {
    body: OrderBody,
    proof: P,
    replaced: Option<SystemTime>,
}

/// Runs `decide` on the current order.
pub(super) fn decide_order<P, R>(
    current: Option<&Order>,
    decide: &mut impl FnMut(Option<&Order>) -> Result<(OrderBody, P), R>,
) -> Result<Decided<P>, Abort<R>> {
    let (body, proof) = decide(current).map_err(Abort::Reject)?;
    let replaced = current.map(|order| order.modified_at);
    Ok(Decided {
        body,
        proof,
        replaced,
    })
}

impl<P> Decided<P> {
    /// Whether the write creates the order (and so must take its tombstone, if any).
    pub(super) fn creates(&self) -> bool {
        self.replaced.is_none()
    }

    /// The order to store, dated at `now` but never before the order it replaces or, when it
    /// creates, the deleted order whose `tombstone` date is given.
    pub(super) fn into_written(
        self,
        tombstone: Option<SystemTime>,
        now: SystemTime,
    ) -> Written<Order, P> {
        let created = self.creates();
        let previous = self.replaced.or(tombstone);
        Written {
            value: Order {
                body: self.body,
                modified_at: date_of_write(previous, now),
            },
            created,
            proof: self.proof,
        }
    }
}

/// An order a POST creates under a fresh id: dated now, never before a deleted order of that id
/// (a fresh random id is practically never a deleted order's, but if it is, the new order is
/// still dated after the old one).
pub(super) fn new_order(body: OrderBody, tombstone: Option<SystemTime>, now: SystemTime) -> Order {
    Order {
        body,
        modified_at: date_of_write(tombstone, now),
    }
}

/// The orders table. See the [module docs](super) for how writes decide.
///
/// Every write of an order is dated by the clock in whole seconds, never before the order's
/// previous date (or, for an order re-created under the id of a deleted one, the deleted order's),
/// and never waits for a later second. See the
/// [module docs](super#modification-dates).
///
/// Every write also stores the order's entity tag in its row, so that
/// [`validators`](Self::validators) can answer a conditional GET without loading the order (see
/// [stored entity tags](super#stored-entity-tags)).
#[derive(Clone, Debug)]
pub struct Orders {
    backend: Backend,
}

impl Orders {
    pub(super) fn new(backend: Backend) -> Self {
        Self { backend }
    }

    /// The order with this id, if any.
    pub async fn get(&self, id: &str) -> Result<Option<Order>, DbError> {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::orders::get(db, id).await,
            Backend::Postgres(db) => postgres::orders::get(db, id).await,
        }
    }

    /// The order with this id and its revision, read together: a counter that every write of the
    /// id moves on by one, in the write's transaction, and that keeps counting across a delete
    /// (0 for an order no write of this schema has touched). The validator cache orders its
    /// entries by it.
    pub async fn get_revised(&self, id: &str) -> Result<Option<Revised<Order>>, DbError> {
        let found = match &self.backend {
            Backend::Sqlite(db) => sqlite::orders::get_revised(db, id).await?,
            Backend::Postgres(db) => postgres::orders::get_revised(db, id).await?,
        };
        Ok(found.map(|(value, revision)| Revised { value, revision }))
    }

    /// The stored validators of the order with this id: its entity tag and date, read from two
    /// columns without loading or hashing the order. They equal the [`Order`]'s own (see
    /// [stored entity tags](super#stored-entity-tags)), so a conditional GET can decide on a 304
    /// from them alone.
    ///
    /// `None` means there is nothing to decide from, and the caller must load the order: it does
    /// not exist, or (never under this store, which writes the column itself) its stored tag is
    /// not a valid entity tag, which is logged.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use etag_core::Versioned;
    /// use etag_examples::model::{Listed, OrderBody};
    /// use etag_examples::store::Store;
    ///
    /// let dir = tempfile::tempdir()?;
    /// let store = Store::open(dir.path().join("shop.db")).await?;
    /// let body = OrderBody { customer: "ada".into(), items: vec![], note: None };
    /// let Listed { id, value: order } = store.orders().create(body).await?;
    /// let validators = store.orders().validators(&id).await?.expect("the order exists");
    /// assert_eq!(validators.etag(), order.etag());
    /// assert_eq!(validators.last_modified(), order.last_modified());
    /// assert_eq!(store.orders().validators("missing").await?, None);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn validators(&self, id: &str) -> Result<Option<OrderValidators>, DbError> {
        let stored = match &self.backend {
            Backend::Sqlite(db) => sqlite::orders::validators(db, id).await?,
            Backend::Postgres(db) => postgres::orders::validators(db, id).await?,
        };
        Ok(stored.and_then(|(etag, modified_ms)| parse_validators(id, &etag, modified_ms)))
    }

    /// Every order, by id.
    pub async fn list(&self) -> Result<Vec<Listed<Order>>, DbError> {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::orders::list(db).await,
            Backend::Postgres(db) => postgres::orders::list(db).await,
        }
    }

    /// The collection's revision, incremented by every write of an order in its
    /// transaction: one row, whatever the size of the collection.
    pub async fn revision(&self) -> Result<CollectionRevision, DbError> {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::orders::revision(db).await,
            Backend::Postgres(db) => postgres::orders::revision(db).await,
        }
    }

    /// One page of the collection in id order, read in one snapshot with the revision that
    /// tags it.
    pub async fn page(&self, bounds: PageBounds) -> Result<Page<Order>, DbError> {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::orders::page(db, bounds).await,
            Backend::Postgres(db) => postgres::orders::page(db, bounds).await,
        }
    }

    /// Creates an order under a fresh server-chosen id.
    pub async fn create(&self, body: OrderBody) -> Result<Listed<Order>, DbError> {
        let no_guard = None::<fn(&CollectionRevision) -> Result<(), Infallible>>;
        match self.create_guarded(body, no_guard).await {
            Ok(written) => Ok(written.value.value),
            Err(WriteError::Db(error)) => Err(error),
            Err(WriteError::Rejected(never)) => match never {},
        }
    }

    /// Like [`create`](Self::create), but `guard`, when given, first sees the collection's
    /// revision inside the transaction (holding it until the commit) and may reject the request:
    /// preconditions sent with a POST are evaluated against the collection's revision tag, which
    /// costs one row, however large the collection. Its proof is returned (`None` without a
    /// guard), with
    /// the new order's [revision](Self::get_revised).
    pub async fn create_guarded<P, R, G>(
        &self,
        body: OrderBody,
        guard: Option<G>,
    ) -> Result<Written<Revised<Listed<Order>>, Option<P>>, WriteError<R>>
    where
        G: FnMut(&CollectionRevision) -> Result<P, R> + Send + 'static,
        P: Send + 'static,
        R: Send + 'static,
    {
        let (listed, proof, revision) = match &self.backend {
            Backend::Sqlite(db) => sqlite::orders::create(db, body, guard).await?,
            Backend::Postgres(db) => postgres::orders::create(db, body, guard).await?,
        };
        Ok(Written {
            value: Revised {
                value: listed,
                revision,
            },
            created: true,
            proof,
        })
    }

    /// Creates or replaces the order `id` with the body `decide` returns for its current state,
    /// dated by the clock.
    ///
    /// `decide` receives `None` when the order does not exist; it rejects by returning `Err`, and
    /// returns a proof with the body, handed back in [`Written::proof`].
    pub async fn upsert<P, R, F>(
        &self,
        id: &str,
        decide: F,
    ) -> Result<Written<Order, P>, WriteError<R>>
    where
        F: FnMut(Option<&Order>) -> Result<(OrderBody, P), R> + Send + 'static,
        P: Send + 'static,
        R: Send + 'static,
    {
        let revised = self.upsert_revised(id, decide).await?;
        Ok(revised.value)
    }

    /// [`upsert`](Self::upsert), with the order's new [revision](Self::get_revised) too.
    pub async fn upsert_revised<P, R, F>(
        &self,
        id: &str,
        decide: F,
    ) -> Result<Revised<Written<Order, P>>, WriteError<R>>
    where
        F: FnMut(Option<&Order>) -> Result<(OrderBody, P), R> + Send + 'static,
        P: Send + 'static,
        R: Send + 'static,
    {
        let (value, revision) = match &self.backend {
            Backend::Sqlite(db) => sqlite::orders::upsert(db, id, decide).await?,
            Backend::Postgres(db) => postgres::orders::upsert(db, id, decide).await?,
        };
        Ok(Revised { value, revision })
    }

    /// Deletes the order `id` if `decide` accepts its current state, leaving a tombstone with its
    /// date; returns what was deleted (`None` when there was nothing and `decide` accepted that)
    /// and `decide`'s proof, with the [revision](Self::get_revised) the delete gave the id
    /// (`None` when nothing was deleted).
    pub async fn delete<P, R, F>(
        &self,
        id: &str,
        decide: F,
    ) -> Result<(Deleted<Order, P>, Option<u64>), WriteError<R>>
    where
        F: FnMut(Option<&Order>) -> Result<P, R> + Send + 'static,
        P: Send + 'static,
        R: Send + 'static,
    {
        match &self.backend {
            Backend::Sqlite(db) => sqlite::orders::delete(db, id, decide).await,
            Backend::Postgres(db) => postgres::orders::delete(db, id, decide).await,
        }
    }
}

/// The validators from the stored columns; `None`, logged, when the tag text does not parse.
///
/// That cannot come from this store, which writes the column from [`Order::etag`] itself, but
/// a database edited by hand could hold anything. Answering from a tag that does not parse is
/// impossible, and failing the GET would punish the client for the database: so the order's
/// GET goes on without a precheck, loading the order and answering from its computed tag.
///
/// [`Order::etag`]: etag_core::Versioned::etag
fn parse_validators(id: &str, etag: &str, modified_ms: i64) -> Option<OrderValidators> {
    match EntityTag::parse(etag.as_bytes()) {
        Ok(etag) => Some(OrderValidators {
            etag,
            modified_at: from_millis(modified_ms),
        }),
        Err(error) => {
            tracing::error!(
                order = id,
                stored = etag,
                %error,
                "the order's stored entity tag is not valid; answering from the order itself"
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::codec::etag_text;
    use super::*;
    use etag_core::Versioned;
    use std::time::{Duration, UNIX_EPOCH};

    fn at_millis(millis: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(millis)
    }

    #[test]
    fn stored_validators_parse_back_or_step_aside() {
        let validators = parse_validators("o1", r#""19989bb927c2f48ac9798d2d0d38e962""#, 100_000)
            .expect("a stored tag parses");
        assert_eq!(
            validators.etag.to_string(),
            r#""19989bb927c2f48ac9798d2d0d38e962""#
        );
        assert_eq!(validators.last_modified(), Some(at_millis(100_000)));
        for unreadable in ["", "not a tag", r#""unterminated"#, r#""a" "b""#] {
            assert_eq!(parse_validators("o1", unreadable, 100_000), None);
        }
    }

    #[test]
    fn the_stored_tag_text_reads_back_as_the_computed_tag() {
        let order = Order {
            body: OrderBody {
                customer: "ada".into(),
                items: vec![],
                note: Some("ring twice".into()),
            },
            modified_at: at_millis(100_000),
        };
        let text = etag_text(&order.etag()).expect("a hex digest tag is text");
        let validators = parse_validators("o1", &text, 100_000).expect("it parses back");
        assert_eq!(validators.etag(), order.etag());
        assert_eq!(validators.last_modified(), order.last_modified());
    }
}
