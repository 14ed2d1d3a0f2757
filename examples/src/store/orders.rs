//! Orders in SQLite, each write dated a second after the previous one.

use std::convert::Infallible;
use std::time::SystemTime;

use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::Written;
use super::codec::{
    from_millis, from_seconds, items_from_sql, items_to_sql, to_millis, to_seconds, with_fresh_id,
};
use crate::db::{Abort, Database, DbError, WriteError};
use crate::model::{Listed, Order, OrderBody};

const SELECT_ONE: &str = "SELECT customer, items, note, modified_ms FROM orders WHERE id = ?1";

/// The orders table. See the [module docs](super) for how writes decide.
///
/// Every write of an order is dated in whole seconds, strictly after the order's previous date
/// (or, for an order re-created under the id of a deleted one, after the deleted order's):
/// `max(now, previous + 1s)`. So each state of an order has its own `Last-Modified` second and
/// date preconditions tell them apart, without making writers wait. See the
/// [module docs](super#modification-dates) for why a date ahead of the clock is safe.
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
        self.db
            .read(move |conn| conn.query_row(SELECT_ONE, [&id], order_from_row).optional())
            .await
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
                        modified_at: next_modified(take_tombstone(tx, id)?, now),
                    };
                    store(tx, id, &order, true)?;
                    Ok(order)
                })?;
                Ok(Listed { id, value: order })
            })
            .await
    }

    /// Creates or replaces the order `id` with what `decide` returns for its current state.
    ///
    /// `decide` receives `None` when the order does not exist; it rejects by returning `Err`.
    pub async fn upsert<R, F>(
        &self,
        id: &str,
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
                let previous = match &current {
                    Some(order) => Some(order.modified_at),
                    None => take_tombstone(tx, &id)?,
                };
                let order = Order {
                    body,
                    modified_at: next_modified(previous, SystemTime::now()),
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
    tx.query_row(SELECT_ONE, [id], order_from_row).optional()
}

/// The date of a write at `now`: `now` in whole seconds, but at least one second after
/// `previous`, the date of the state it replaces (or of the deleted order it re-creates).
///
/// Within a burst of writes this runs ahead of the clock; it catches up once the writes slow
/// down to fewer than one per second.
fn next_modified(previous: Option<SystemTime>, now: SystemTime) -> SystemTime {
    let now = to_seconds(now);
    let after_previous = previous.map(|previous| to_seconds(previous).saturating_add(1));
    from_seconds(after_previous.map_or(now, |after| after.max(now)))
}

/// For an order about to be (re-)created under `id`: removes the tombstone of the deleted order
/// that had this id, if any, and returns its date. The new row, dated after it, takes over.
fn take_tombstone(tx: &Transaction<'_>, id: &str) -> rusqlite::Result<Option<SystemTime>> {
    tx.query_row(
        "DELETE FROM order_tombstones WHERE id = ?1 RETURNING modified_ms",
        [id],
        |row| row.get(0).map(from_millis),
    )
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

/// Inserts (`new`) or updates the row.
fn store(tx: &Transaction<'_>, id: &str, order: &Order, new: bool) -> rusqlite::Result<()> {
    let items = items_to_sql(&order.body.items)?;
    let values = params![
        id,
        order.body.customer,
        items,
        order.body.note,
        to_millis(order.modified_at)
    ];
    let sql = if new {
        "INSERT INTO orders (id, customer, items, note, modified_ms) VALUES (?1, ?2, ?3, ?4, ?5)"
    } else {
        "UPDATE orders SET customer = ?2, items = ?3, note = ?4, modified_ms = ?5 WHERE id = ?1"
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
    fn a_first_write_is_dated_now_in_whole_seconds() {
        assert_eq!(next_modified(None, at_millis(100_750)), at_millis(100_000));
    }

    #[test]
    fn a_write_in_a_later_second_is_dated_now() {
        let previous = Some(at_millis(100_000));
        assert_eq!(
            next_modified(previous, at_millis(105_250)),
            at_millis(105_000)
        );
        assert_eq!(
            next_modified(previous, at_millis(101_000)),
            at_millis(101_000)
        );
    }

    #[test]
    fn a_write_in_the_same_second_is_dated_a_second_later() {
        assert_eq!(
            next_modified(Some(at_millis(100_000)), at_millis(100_999)),
            at_millis(101_000)
        );
        // A date stored with milliseconds (before writes were dated in whole seconds) too.
        assert_eq!(
            next_modified(Some(at_millis(100_400)), at_millis(100_900)),
            at_millis(101_000)
        );
    }

    #[test]
    fn a_burst_runs_ahead_of_the_clock_and_never_back() {
        let now = at_millis(100_500);
        let mut date = next_modified(None, now);
        for expected in 101..110 {
            date = next_modified(Some(date), now);
            assert_eq!(date, at_millis(expected * 1_000));
        }
        // A clock that stepped back does not take the date back with it.
        assert_eq!(
            next_modified(Some(date), at_millis(50_000)),
            at_millis(110_000)
        );
    }
}
