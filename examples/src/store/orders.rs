//! Orders in SQLite.

use std::convert::Infallible;
use std::time::SystemTime;

use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::Written;
use super::codec::{from_millis, items_from_sql, items_to_sql, to_millis, with_fresh_id};
use crate::db::{Abort, Database, DbError, WriteError};
use crate::model::{Listed, Order, OrderBody};

const SELECT_ONE: &str = "SELECT customer, items, note, modified_ms FROM orders WHERE id = ?1";

/// The orders table. See the [module docs](super) for how writes decide.
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
                let order = Order {
                    body: body.clone(),
                    modified_at: SystemTime::now(),
                };
                let (id, ()) = with_fresh_id(tx, |id| store(tx, id, &order, true))?;
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
                let order = Order {
                    body,
                    modified_at: SystemTime::now(),
                };
                store(tx, &id, &order, current.is_none())?;
                Ok(Written {
                    value: order,
                    created: current.is_none(),
                })
            })
            .await
    }

    /// Deletes the order `id` if `decide` accepts its current state; returns what was deleted
    /// (`None` when there was nothing and `decide` accepted that).
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
                if current.is_some() {
                    tx.execute("DELETE FROM orders WHERE id = ?1", [&id])?;
                }
                Ok(current)
            })
            .await
    }
}

fn current(tx: &Transaction<'_>, id: &str) -> rusqlite::Result<Option<Order>> {
    tx.query_row(SELECT_ONE, [id], order_from_row).optional()
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
