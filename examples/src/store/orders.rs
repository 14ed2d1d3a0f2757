//! Orders in SQLite, each write dated a second after the previous one.

use std::convert::Infallible;
use std::time::SystemTime;

use etag_core::{EntityTag, Versioned};
use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::Written;
use super::codec::{
    etag_to_sql, from_millis, items_from_sql, items_to_sql, to_millis, with_fresh_id,
};
use super::dating::{Dating, date_of_write, wait_for_a_later_second};
use crate::db::{Abort, Database, DbError, WriteError};
use crate::model::{Listed, Order, OrderBody, OrderValidators};

const SELECT_ONE: &str = "SELECT customer, items, note, modified_ms FROM orders WHERE id = ?1";

const SELECT_VALIDATORS: &str = "SELECT etag, modified_ms FROM orders WHERE id = ?1";

/// The orders table. See the [module docs](super) for how writes decide.
///
/// Every write of an order is dated by the clock in whole seconds, never before the order's
/// previous date (or, for an order re-created under the id of a deleted one, the deleted order's);
/// a write guarded by a date alone takes a later second. See the
/// [module docs](super#modification-dates).
///
/// Every write also stores the order's entity tag in its row, so that
/// [`validators`](Self::validators) can answer a conditional GET without loading the order (see
/// [stored entity tags](super#stored-entity-tags)).
#[derive(Clone, Debug)]
pub struct Orders {
    db: Database,
}

impl Orders {
    pub(super) fn new(db: Database) -> Self {
        Self { db }
    }

    /// The order with this id, if any.
    pub async fn get(&self, id: &str) -> Result<Option<Order>, DbError> {
        let id = id.to_owned();
        self.db.read(move |conn| read_order(conn, &id)).await
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
        let owned_id = id.to_owned();
        let stored = self
            .db
            .read(move |conn| read_validators(conn, &owned_id))
            .await?;
        Ok(stored.and_then(|(etag, modified_ms)| parse_validators(id, &etag, modified_ms)))
    }

    /// Every order, by id.
    pub async fn list(&self) -> Result<Vec<Listed<Order>>, DbError> {
        self.db.read(list).await
    }

    /// Creates an order under a fresh server-chosen id.
    ///
    pub async fn create(&self, body: OrderBody) -> Result<Listed<Order>, DbError> {
        let no_guard = None::<fn(&[Listed<Order>]) -> Result<(), Infallible>>;
        self.create_guarded(body, no_guard)
            .await
            .map_err(|error| match error {
                WriteError::Db(error) => error,
                WriteError::Rejected(never) => match never {},
            })
    }

    /// Like [`create`](Self::create), but `guard`, when given, first sees the whole collection
    /// inside the transaction and may reject the request (preconditions sent with a POST are
    /// evaluated against the collection).
    pub async fn create_guarded<R, G>(
        &self,
        body: OrderBody,
        mut guard: Option<G>,
    ) -> Result<Listed<Order>, WriteError<R>>
    where
        G: FnMut(&[Listed<Order>]) -> Result<(), R> + Send + 'static,
        R: Send + 'static,
    {
        self.db
            .write(move |tx| {
                if let Some(guard) = guard.as_mut() {
                    guard(&list(tx)?).map_err(Abort::Reject)?;
                }
                let now = SystemTime::now();
                let (id, order) = with_fresh_id(tx, |id| {
                    // A fresh random id is practically never a deleted order's; if it is, the
                    // new order is still dated after the old one.
                    let order = Order {
                        body: body.clone(),
                        modified_at: date_of_write(take_tombstone(tx, id)?, now),
                    };
                    store(tx, id, &order, true)?;
                    Ok(order)
                })?;
                Ok(Listed { id, value: order })
            })
            .await
    }

    /// Creates or replaces the order `id` with what `decide` returns for its current state,
    /// dated by the clock ([`Dating::Clock`]).
    ///
    /// `decide` receives `None` when the order does not exist; it rejects by returning `Err`.
    pub async fn upsert<R, F>(&self, id: &str, decide: F) -> Result<Written<Order>, WriteError<R>>
    where
        F: FnMut(Option<&Order>) -> Result<OrderBody, R> + Send + 'static,
        R: Send + 'static,
    {
        self.upsert_dated(id, Dating::Clock, decide).await
    }

    /// [`upsert`](Self::upsert), dated as `dating` says: with [`Dating::DistinctSecond`] a write in
    /// the same second as the state it replaces rolls back, waits for the next second and runs
    /// `decide` again.
    pub async fn upsert_dated<R, F>(
        &self,
        id: &str,
        dating: Dating,
        mut decide: F,
    ) -> Result<Written<Order>, WriteError<R>>
    where
        F: FnMut(Option<&Order>) -> Result<OrderBody, R> + Send + 'static,
        R: Send + 'static,
    {
        let id = id.to_owned();
        self.db
            .write(move |tx| {
                let current = current(tx, &id)?;
                let body = decide(current.as_ref()).map_err(Abort::Reject)?;
                let now = SystemTime::now();
                let replaced = current.as_ref().map(|order| order.modified_at);
                if let Some(wait) = wait_for_a_later_second(dating, replaced, now) {
                    return Err(Abort::RetryAfter(wait));
                }
                let previous = match replaced {
                    Some(date) => Some(date),
                    None => take_tombstone(tx, &id)?,
                };
                let order = Order {
                    body,
                    modified_at: date_of_write(previous, now),
                };
                store(tx, &id, &order, current.is_none())?;
                Ok(Written {
                    value: order,
                    created: current.is_none(),
                })
            })
            .await
    }

    /// Deletes the order `id` if `decide` accepts its current state, leaving a tombstone with its
    /// date; returns what was deleted (`None` when there was nothing and `decide` accepted that).
    pub async fn delete<R, F>(
        &self,
        id: &str,
        mut decide: F,
    ) -> Result<Option<Order>, WriteError<R>>
    where
        F: FnMut(Option<&Order>) -> Result<(), R> + Send + 'static,
        R: Send + 'static,
    {
        let id = id.to_owned();
        self.db
            .write(move |tx| {
                let current = current(tx, &id)?;
                decide(current.as_ref()).map_err(Abort::Reject)?;
                if let Some(order) = &current {
                    tx.execute("DELETE FROM orders WHERE id = ?1", [&id])?;
                    tx.execute(
                        "INSERT INTO order_tombstones (id, modified_ms) VALUES (?1, ?2)
                         ON CONFLICT (id) DO UPDATE SET modified_ms = excluded.modified_ms",
                        params![id, to_millis(order.modified_at)],
                    )?;
                }
                Ok(current)
            })
            .await
    }
}

fn current(tx: &Transaction<'_>, id: &str) -> rusqlite::Result<Option<Order>> {
    read_order(tx, id)
}

/// One order. The statement is cached on the connection: it runs on every read, and compiling
/// it each time costs about as much as the rest of a small order's read.
fn read_order(conn: &rusqlite::Connection, id: &str) -> rusqlite::Result<Option<Order>> {
    conn.prepare_cached(SELECT_ONE)?
        .query_row([id], order_from_row)
        .optional()
}

/// The stored tag text and date of one order.
fn read_validators(
    conn: &rusqlite::Connection,
    id: &str,
) -> rusqlite::Result<Option<(String, i64)>> {
    conn.prepare_cached(SELECT_VALIDATORS)?
        .query_row([id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()
}

/// The validators from the stored columns; `None`, logged, when the tag text does not parse.
///
/// That cannot come from this store, which writes the column from [`Order::etag`] itself, but
/// a file edited by hand could hold anything. Answering from a tag that does not parse is
/// impossible, and failing the GET would punish the client for the database: so the order's
/// GET goes on without a precheck, loading the order and answering from its computed tag.
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

/// For an order about to be (re-)created under `id`: removes the tombstone of the deleted order
/// that had this id, if any, and returns its date. The new row, dated no earlier, takes over.
fn take_tombstone(tx: &Transaction<'_>, id: &str) -> rusqlite::Result<Option<SystemTime>> {
    // SQLite makes a RETURNING statement's whole change on its first step, so reading one row
    // deletes the tombstone.
    tx.prepare_cached("DELETE FROM order_tombstones WHERE id = ?1 RETURNING modified_ms")?
        .query_row([id], |row| row.get(0).map(from_millis))
        .optional()
}

fn list(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<Listed<Order>>> {
    let mut statement = conn
        .prepare_cached("SELECT customer, items, note, modified_ms, id FROM orders ORDER BY id")?;
    let rows = statement.query_map([], |row| {
        Ok(Listed {
            id: row.get(4)?,
            value: order_from_row(row)?,
        })
    })?;
    rows.collect()
}

/// Inserts (`new`) or replaces the row, with the order's entity tag computed here, from the
/// value being stored, in the transaction that stores it (see
/// [stored entity tags](super#stored-entity-tags)).
///
/// A new row is a plain `INSERT`, so a taken id fails with a constraint violation (which
/// [`with_fresh_id`] answers with another id). An existing row is replaced whole rather than
/// updated in place: the schema refuses an in-place `UPDATE` of an order's content, so that no
/// writer (such as a binary from before the tag column) can change an order and leave its tag
/// behind.
fn store(tx: &Transaction<'_>, id: &str, order: &Order, new: bool) -> rusqlite::Result<()> {
    let items = items_to_sql(&order.body.items)?;
    let etag = etag_to_sql(&order.etag())?;
    let values = params![
        id,
        order.body.customer,
        items,
        order.body.note,
        to_millis(order.modified_at),
        etag
    ];
    let sql = if new {
        "INSERT INTO orders (id, customer, items, note, modified_ms, etag)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    } else {
        "REPLACE INTO orders (id, customer, items, note, modified_ms, etag)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    };
    tx.execute(sql, values).map(drop)
}

fn order_from_row(row: &Row<'_>) -> rusqlite::Result<Order> {
    let items: String = row.get(1)?;
    Ok(Order {
        body: OrderBody {
            customer: row.get(0)?,
            items: items_from_sql(1, &items)?,
            note: row.get(2)?,
        },
        modified_at: from_millis(row.get(3)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let text = etag_to_sql(&order.etag()).expect("a hex digest tag is text");
        let validators = parse_validators("o1", &text, 100_000).expect("it parses back");
        assert_eq!(validators.etag(), order.etag());
        assert_eq!(validators.last_modified(), order.last_modified());
    }
}
