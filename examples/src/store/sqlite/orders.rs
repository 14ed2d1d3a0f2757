//! Orders in SQLite: every write under `BEGIN IMMEDIATE`.

use std::time::SystemTime;

use etag_core::{CollectionRevision, Versioned};
use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::super::codec::{from_millis, to_millis, version_from_sql};
use super::super::orders::{decide_order, new_order};
use super::super::{Deleted, Written};
use super::{
    bump_revision, etag_to_sql, items_from_sql, items_to_sql, read_revision, with_fresh_id,
};
use crate::db::sqlite::Database;
use crate::db::{Abort, DbError, WriteError};
use crate::model::{Listed, Order, OrderBody, Page, PageBounds};

const COLLECTION: &str = "orders";

const SELECT_ONE: &str = "SELECT customer, items, note, modified_ms FROM orders WHERE id = ?1";

const SELECT_VALIDATORS: &str = "SELECT etag, modified_ms FROM orders WHERE id = ?1";

/// One order with its revision, in one statement and so from one snapshot.
const SELECT_REVISED: &str = "SELECT o.customer, o.items, o.note, o.modified_ms,
    coalesce(r.revision, 0) FROM orders o LEFT JOIN order_revisions r ON r.id = o.id
    WHERE o.id = ?1";

/// Moves the order's revision on by one (from 0, when it has none yet) and returns it.
const BUMP_REVISION: &str = "INSERT INTO order_revisions (id, revision) VALUES (?1, 1)
    ON CONFLICT (id) DO UPDATE SET revision = revision + 1 RETURNING revision";

pub(in crate::store) async fn get(db: &Database, id: &str) -> Result<Option<Order>, DbError> {
    let id = id.to_owned();
    db.read(move |conn| read_order(conn, &id)).await
}

/// The order with this id and its revision, read together.
pub(in crate::store) async fn get_revised(
    db: &Database,
    id: &str,
) -> Result<Option<(Order, u64)>, DbError> {
    let id = id.to_owned();
    db.read(move |conn| {
        conn.prepare_cached(SELECT_REVISED)?
            .query_row([&id], |row| {
                Ok((order_from_row(row)?, version_from_sql(row.get(4)?)))
            })
            .optional()
    })
    .await
}

/// The stored tag text and date of one order.
pub(in crate::store) async fn validators(
    db: &Database,
    id: &str,
) -> Result<Option<(String, i64)>, DbError> {
    let id = id.to_owned();
    db.read(move |conn| {
        conn.prepare_cached(SELECT_VALIDATORS)?
            .query_row([&id], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()
    })
    .await
}

pub(in crate::store) async fn list(db: &Database) -> Result<Vec<Listed<Order>>, DbError> {
    db.read(list_all).await
}

/// The collection's revision: one row.
pub(in crate::store) async fn revision(db: &Database) -> Result<CollectionRevision, DbError> {
    db.read(|conn| read_revision(conn, COLLECTION)).await
}

/// One page, read in one snapshot with the revision it is tagged by.
pub(in crate::store) async fn page(
    db: &Database,
    bounds: PageBounds,
) -> Result<Page<Order>, DbError> {
    db.read(move |conn| {
        // A read transaction: the revision and the entries come from one snapshot.
        let tx = conn.unchecked_transaction()?;
        let revision = read_revision(&tx, COLLECTION)?;
        let mut entries = {
            let mut statement = tx.prepare_cached(
                "SELECT customer, items, note, modified_ms, id FROM orders
                 WHERE ?1 IS NULL OR id > ?1 ORDER BY id LIMIT ?2",
            )?;
            let limit = i64::try_from(bounds.limit.saturating_add(1)).unwrap_or(i64::MAX);
            let rows = statement.query_map(params![bounds.after, limit], |row| {
                Ok(Listed {
                    id: row.get(4)?,
                    value: order_from_row(row)?,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let more = entries.len() > bounds.limit;
        entries.truncate(bounds.limit);
        Ok(Page {
            revision,
            bounds: bounds.clone(),
            entries,
            more,
        })
    })
    .await
}

pub(in crate::store) async fn create<P, R, G>(
    db: &Database,
    body: OrderBody,
    mut guard: Option<G>,
) -> Result<(Listed<Order>, Option<P>, u64), WriteError<R>>
where
    G: FnMut(&CollectionRevision) -> Result<P, R> + Send + 'static,
    P: Send + 'static,
    R: Send + 'static,
{
    db.write(move |tx| {
        let proof = match guard.as_mut() {
            Some(guard) => Some(guard(&read_revision(tx, COLLECTION)?).map_err(Abort::Reject)?),
            None => None,
        };
        let now = SystemTime::now();
        let (id, (order, revision)) = with_fresh_id(tx, |id| {
            let order = new_order(body.clone(), take_tombstone(tx, id)?, now);
            store(tx, id, &order, true)?;
            Ok((order, bump_order_revision(tx, id)?))
        })?;
        bump_revision(tx, COLLECTION)?;
        Ok((Listed { id, value: order }, proof, revision))
    })
    .await
}

pub(in crate::store) async fn upsert<P, R, F>(
    db: &Database,
    id: &str,
    mut decide: F,
) -> Result<(Written<Order, P>, u64), WriteError<R>>
where
    F: FnMut(Option<&Order>) -> Result<(OrderBody, P), R> + Send + 'static,
    P: Send + 'static,
    R: Send + 'static,
{
    let id = id.to_owned();
    db.write(move |tx| {
        let current = read_order(tx, &id)?;
        let now = SystemTime::now();
        let decided = decide_order(current.as_ref(), &mut decide)?;
        let tombstone = if decided.creates() {
            take_tombstone(tx, &id)?
        } else {
            None
        };
        let written = decided.into_written(tombstone, now);
        store(tx, &id, &written.value, written.created)?;
        bump_revision(tx, COLLECTION)?;
        Ok((written, bump_order_revision(tx, &id)?))
    })
    .await
}

pub(in crate::store) async fn delete<P, R, F>(
    db: &Database,
    id: &str,
    mut decide: F,
) -> Result<(Deleted<Order, P>, Option<u64>), WriteError<R>>
where
    F: FnMut(Option<&Order>) -> Result<P, R> + Send + 'static,
    P: Send + 'static,
    R: Send + 'static,
{
    let id = id.to_owned();
    db.write(move |tx| {
        let current = read_order(tx, &id)?;
        let proof = decide(current.as_ref()).map_err(Abort::Reject)?;
        let mut revision = None;
        if let Some(order) = &current {
            revision = Some(bump_order_revision(tx, &id)?);
            tx.execute("DELETE FROM orders WHERE id = ?1", [&id])?;
            tx.execute(
                "INSERT INTO order_tombstones (id, modified_ms) VALUES (?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET modified_ms = excluded.modified_ms",
                params![id, to_millis(order.modified_at)],
            )?;
            bump_revision(tx, COLLECTION)?;
        }
        Ok((
            Deleted {
                value: current,
                proof,
            },
            revision,
        ))
    })
    .await
}

/// One order. The statement is cached on the connection: it runs on every read, and compiling
/// it each time costs about as much as the rest of a small order's read.
fn read_order(conn: &rusqlite::Connection, id: &str) -> rusqlite::Result<Option<Order>> {
    conn.prepare_cached(SELECT_ONE)?
        .query_row([id], order_from_row)
        .optional()
}

/// Bumps the order's revision inside the write's transaction (see [`BUMP_REVISION`]).
fn bump_order_revision(tx: &Transaction<'_>, id: &str) -> rusqlite::Result<u64> {
    tx.prepare_cached(BUMP_REVISION)?
        .query_row([id], |row| row.get(0).map(version_from_sql))
}

/// Removes the tombstone of a deleted order `id`, returning its date, when an order is created
/// under that id.
fn take_tombstone(tx: &Transaction<'_>, id: &str) -> rusqlite::Result<Option<SystemTime>> {
    // SQLite makes a RETURNING statement's whole change on its first step, so reading one row
    // deletes the tombstone.
    tx.prepare_cached("DELETE FROM order_tombstones WHERE id = ?1 RETURNING modified_ms")?
        .query_row([id], |row| row.get(0).map(from_millis))
        .optional()
}

fn list_all(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<Listed<Order>>> {
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
/// [stored entity tags](crate::store#stored-entity-tags)).
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
