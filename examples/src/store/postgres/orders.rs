//! Orders in PostgreSQL: every write holds the order's row (`SELECT … FOR UPDATE`).
//!
//! The row lock serializes writers of one order: a second writer waits on it until the first
//! commits, then reads (READ COMMITTED reads the latest committed row after the wait) the state
//! the first wrote and decides on that. A missing order has no row to lock: its creator deletes
//! the tombstone (locking that row, if any) and inserts with `ON CONFLICT DO NOTHING`, so of two
//! creators the second inserts nothing and runs again, deciding on the order the first created.

use std::time::SystemTime;

use etag_core::{CollectionRevision, Versioned};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgExecutor, Row};

use super::super::codec::{from_millis, to_millis, version_from_sql};
use super::super::orders::{decide_order, new_order};
use super::super::{Deleted, Written};
use super::{
    Collection, FRESH_ID_ATTEMPTS, changed_one, etag_to_pg, fresh_id, items_from_pg, items_to_pg,
};
use crate::db::postgres::{Database, Retrier, commit, lost_race};
use crate::db::{Abort, DbError, WriteError};
use crate::model::{Listed, Order, OrderBody, Page, PageBounds};

pub(in crate::store) async fn get(db: &Database, id: &str) -> Result<Option<Order>, DbError> {
    db.read(|| read_order(db.pool(), id, false)).await
}

/// The order with this id and its revision, read together (one statement, one snapshot).
pub(in crate::store) async fn get_revised(
    db: &Database,
    id: &str,
) -> Result<Option<(Order, u64)>, DbError> {
    db.read(|| async {
        let row = sqlx::query(
            "SELECT o.customer, o.items, o.note, o.modified_ms, coalesce(r.revision, 0)
             FROM orders o LEFT JOIN order_revisions r ON r.id = o.id WHERE o.id = $1",
        )
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
        row.as_ref()
            .map(|row| Ok((order_from_row(row)?, version_from_sql(row.try_get(4)?))))
            .transpose()
    })
    .await
}

/// The stored tag text and date of one order.
pub(in crate::store) async fn validators(
    db: &Database,
    id: &str,
) -> Result<Option<(String, i64)>, DbError> {
    db.read(|| {
        sqlx::query_as("SELECT etag, modified_ms FROM orders WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
    })
    .await
}

pub(in crate::store) async fn list(db: &Database) -> Result<Vec<Listed<Order>>, DbError> {
    db.read(|| list_all(db.pool())).await
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
    let mut retrier = Retrier::new();
    loop {
        match create_once(db, &body, &mut guard).await {
            Ok(created) => return Ok(created),
            Err(abort) => retrier.after(abort).await?,
        }
    }
}

async fn create_once<P, R, G>(
    db: &Database,
    body: &OrderBody,
    guard: &mut Option<G>,
) -> Result<(Listed<Order>, Option<P>, u64), Abort<R>>
where
    G: FnMut(&CollectionRevision) -> Result<P, R>,
{
    let mut tx = db.begin().await?;
    // A guarded POST holds the counter row from its check to its commit, so no other write of
    // the collection commits in between; every write bumps the counter just before it commits.
    let proof = match guard.as_mut() {
        Some(guard) => {
            let revision = Collection::Orders.revision(&mut *tx, true).await?;
            Some(guard(&revision).map_err(Abort::Reject)?)
        }
        None => None,
    };
    let now = SystemTime::now();
    for _ in 0..FRESH_ID_ATTEMPTS {
        let id = fresh_id(&mut tx).await?;
        let order = new_order(body.clone(), take_tombstone(&mut tx, &id).await?, now);
        if insert_if_absent(&mut tx, &id, &order).await? {
            let revision = bump_revision(&mut tx, &id).await?;
            Collection::Orders.bump(&mut tx).await?;
            commit(tx).await?;
            return Ok((Listed { id, value: order }, proof, revision));
        }
    }
    Err(DbError::Internal("no free order id after several random tries".into()).into())
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
    let mut retrier = Retrier::new();
    loop {
        match upsert_once(db, id, &mut decide).await {
            Ok(written) => return Ok(written),
            Err(abort) => retrier.after(abort).await?,
        }
    }
}

async fn upsert_once<P, R>(
    db: &Database,
    id: &str,
    decide: &mut impl FnMut(Option<&Order>) -> Result<(OrderBody, P), R>,
) -> Result<(Written<Order, P>, u64), Abort<R>> {
    let mut tx = db.begin().await?;
    let current = read_order(&mut *tx, id, true).await?;
    let now = SystemTime::now();
    let decided = decide_order(current.as_ref(), decide)?;
    let tombstone = if decided.creates() {
        take_tombstone(&mut tx, id).await?
    } else {
        None
    };
    let written = decided.into_written(tombstone, now);
    if written.created {
        if !insert_if_absent(&mut tx, id, &written.value).await? {
            return Err(lost_race().into());
        }
    } else {
        replace(&mut tx, id, &written.value).await?;
    }
    let revision = bump_revision(&mut tx, id).await?;
    Collection::Orders.bump(&mut tx).await?;
    commit(tx).await?;
    Ok((written, revision))
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
    let mut retrier = Retrier::new();
    loop {
        match delete_once(db, id, &mut decide).await {
            Ok(deleted) => return Ok(deleted),
            Err(abort) => retrier.after(abort).await?,
        }
    }
}

async fn delete_once<P, R>(
    db: &Database,
    id: &str,
    decide: &mut impl FnMut(Option<&Order>) -> Result<P, R>,
) -> Result<(Deleted<Order, P>, Option<u64>), Abort<R>> {
    let mut tx = db.begin().await?;
    let current = read_order(&mut *tx, id, true).await?;
    let proof = decide(current.as_ref()).map_err(Abort::Reject)?;
    let mut revision = None;
    if let Some(order) = &current {
        revision = Some(bump_revision(&mut tx, id).await?);
        sqlx::query("DELETE FROM orders WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO order_tombstones (id, modified_ms) VALUES ($1, $2)
             ON CONFLICT (id) DO UPDATE SET modified_ms = excluded.modified_ms",
        )
        .bind(id)
        .bind(to_millis(order.modified_at))
        .execute(&mut *tx)
        .await?;
        Collection::Orders.bump(&mut tx).await?;
    }
    commit(tx).await?;
    Ok((
        Deleted {
            value: current,
            proof,
        },
        revision,
    ))
}

/// One order; with `for_update`, its row stays locked until the transaction ends.
async fn read_order<'e>(
    conn: impl PgExecutor<'e>,
    id: &str,
    for_update: bool,
) -> Result<Option<Order>, sqlx::Error> {
    let sql = if for_update {
        "SELECT customer, items, note, modified_ms FROM orders WHERE id = $1 FOR UPDATE"
    } else {
        "SELECT customer, items, note, modified_ms FROM orders WHERE id = $1"
    };
    let row = sqlx::query(sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(order_from_row).transpose()
}

/// Moves the order's revision on by one (from 0, when it has none yet) inside the write's
/// transaction, and returns it. The row stays locked until the transaction ends, so writers of
/// one id bump it one after the other.
async fn bump_revision(tx: &mut PgConnection, id: &str) -> Result<u64, sqlx::Error> {
    let revision: i64 = sqlx::query_scalar(
        "INSERT INTO order_revisions (id, revision) VALUES ($1, 1)
         ON CONFLICT (id) DO UPDATE SET revision = order_revisions.revision + 1
         RETURNING revision",
    )
    .bind(id)
    .fetch_one(tx)
    .await?;
    Ok(version_from_sql(revision))
}

/// Removes the tombstone of a deleted order `id`, returning its date, when an order is created
/// under that id. The delete locks the tombstone row, so re-creators of one id queue here.
async fn take_tombstone(
    tx: &mut PgConnection,
    id: &str,
) -> Result<Option<SystemTime>, sqlx::Error> {
    let millis: Option<i64> =
        sqlx::query_scalar("DELETE FROM order_tombstones WHERE id = $1 RETURNING modified_ms")
            .bind(id)
            .fetch_optional(tx)
            .await?;
    Ok(millis.map(from_millis))
}

/// Every order, in byte order of the id (as SQLite orders them).
async fn list_all<'e>(conn: impl PgExecutor<'e>) -> Result<Vec<Listed<Order>>, sqlx::Error> {
    let rows = sqlx::query(
        r#"SELECT customer, items, note, modified_ms, id FROM orders ORDER BY id COLLATE "C""#,
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Listed {
                id: row.try_get(4)?,
                value: order_from_row(row)?,
            })
        })
        .collect()
}

/// Inserts the order with its entity tag, computed here from the value being stored (see
/// [stored entity tags](crate::store#stored-entity-tags)), unless a row for `id` exists;
/// `false` when one does, or a concurrent creator inserted it first.
async fn insert_if_absent(
    tx: &mut PgConnection,
    id: &str,
    order: &Order,
) -> Result<bool, sqlx::Error> {
    let insert = sqlx::query(
        "INSERT INTO orders (id, customer, items, note, modified_ms, etag)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(&order.body.customer)
    .bind(items_to_pg(&order.body.items)?)
    .bind(&order.body.note)
    .bind(to_millis(order.modified_at))
    .bind(etag_to_pg(&order.etag())?);
    changed_one(insert, tx).await
}

/// Rewrites the locked row whole, with the order's tag in the same statement.
async fn replace(tx: &mut PgConnection, id: &str, order: &Order) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE orders SET customer = $2, items = $3, note = $4, modified_ms = $5, etag = $6
         WHERE id = $1",
    )
    .bind(id)
    .bind(&order.body.customer)
    .bind(items_to_pg(&order.body.items)?)
    .bind(&order.body.note)
    .bind(to_millis(order.modified_at))
    .bind(etag_to_pg(&order.etag())?)
    .execute(tx)
    .await
    .map(drop)
}

fn order_from_row(row: &PgRow) -> Result<Order, sqlx::Error> {
    let items: String = row.try_get(1)?;
    Ok(Order {
        body: OrderBody {
            customer: row.try_get(0)?,
            items: items_from_pg(&items)?,
            note: row.try_get(2)?,
        },
        modified_at: from_millis(row.try_get(3)?),
    })
}

/// The collection's revision: one row.
pub(in crate::store) async fn revision(db: &Database) -> Result<CollectionRevision, DbError> {
    db.read(|| Collection::Orders.revision(db.pool(), false))
        .await
}

/// One page, read in one snapshot with the revision it is tagged by.
pub(in crate::store) async fn page(
    db: &Database,
    bounds: PageBounds,
) -> Result<Page<Order>, DbError> {
    db.read(|| page_once(db, &bounds)).await
}

async fn page_once(db: &Database, bounds: &PageBounds) -> Result<Page<Order>, sqlx::Error> {
    // REPEATABLE READ: the revision and the entries come from one snapshot.
    let mut tx = db
        .pool()
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await?;
    let revision = Collection::Orders.revision(&mut *tx, false).await?;
    let limit = i64::try_from(bounds.limit.saturating_add(1)).unwrap_or(i64::MAX);
    let rows = sqlx::query(
        r#"SELECT customer, items, note, modified_ms, id FROM orders
           WHERE $1::text IS NULL OR id COLLATE "C" > $1 ORDER BY id COLLATE "C" LIMIT $2"#,
    )
    .bind(bounds.after.as_deref())
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut entries = rows
        .iter()
        .map(|row| {
            Ok(Listed {
                id: row.try_get(4)?,
                value: order_from_row(row)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let more = entries.len() > bounds.limit;
    entries.truncate(bounds.limit);
    Ok(Page {
        revision,
        bounds: bounds.clone(),
        entries,
        more,
    })
}
