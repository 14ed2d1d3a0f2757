//! Carts in SQLite: every write under `BEGIN IMMEDIATE`, and a replace or delete is one
//! compare-and-swap statement on the versions the client named, like on PostgreSQL.

use std::convert::Infallible;

use etag_core::{Checked, CollectionRevision, ExpectedVersion, SwapRefused};
use rusqlite::{OptionalExtension, Transaction, params};

use super::super::carts::{CartRow, new_cart, sql_versions};
use super::super::codec::{version_from_sql, version_to_sql};
use super::{bump_revision, items_from_sql, items_to_sql, read_revision, with_fresh_id};
use crate::db::sqlite::Database;
use crate::db::{Abort, DbError, WriteError};
use crate::model::{Cart, CartBody, Listed, Page, PageBounds};

pub(in crate::store) async fn get(db: &Database, id: &str) -> Result<Option<Cart>, DbError> {
    let id = id.to_owned();
    db.read(move |conn| Ok(read_row(conn, &id)?.and_then(|row| row.cart)))
        .await
}

pub(in crate::store) async fn version(db: &Database, id: &str) -> Result<Option<u64>, DbError> {
    let id = id.to_owned();
    db.read(move |conn| {
        conn.prepare_cached("SELECT version FROM carts WHERE id = ?1 AND deleted = 0")?
            .query_row([&id], |row| row.get::<_, i64>(0))
            .optional()
            .map(|version| version.map(version_from_sql))
    })
    .await
}

pub(in crate::store) async fn list(db: &Database) -> Result<Vec<Listed<Cart>>, DbError> {
    db.read(list_all).await
}

pub(in crate::store) async fn create<P, R, G>(
    db: &Database,
    cart: Cart,
    mut guard: Option<G>,
) -> Result<(Listed<Cart>, Option<P>), WriteError<R>>
where
    G: FnMut(&CollectionRevision) -> Result<P, R> + Send + 'static,
    P: Send + 'static,
    R: Send + 'static,
{
    db.write(move |tx| {
        let proof = match guard.as_mut() {
            Some(guard) => Some(guard(&read_revision(tx, "carts")?).map_err(Abort::Reject)?),
            None => None,
        };
        let (id, ()) = with_fresh_id(tx, |id| insert_new(tx, id, &cart))?;
        bump_revision(tx, "carts")?;
        Ok((
            Listed {
                id,
                value: cart.clone(),
            },
            proof,
        ))
    })
    .await
}

pub(in crate::store) async fn swap(
    db: &Database,
    id: &str,
    expected: &ExpectedVersion<u64>,
    body: CartBody,
) -> Result<(Cart, Checked), WriteError<SwapRefused>> {
    let (id, expected) = (id.to_owned(), expected.clone());
    let (versions, member) = sql_versions(&expected);
    db.write(move |tx| {
        let items = items_to_sql(&body.items)?;
        let version: Option<i64> = tx
            .prepare_cached(
                "UPDATE carts SET owner = ?2, items = ?3, version = version + 1
                 WHERE id = ?1 AND deleted = 0
                   AND (version IN (SELECT value FROM json_each(?4))) = ?5
                 RETURNING version",
            )?
            .query_row(
                params![id, body.owner, items, versions_json(&versions), member],
                |row| row.get(0),
            )
            .optional()?;
        let written = u64::from(version.is_some());
        let exists = written == 1 || live_version(tx, &id)?.is_some();
        let checked = expected.conclude(written, exists).map_err(Abort::Reject)?;
        bump_revision(tx, "carts")?;
        let cart = Cart {
            body: body.clone(),
            version: version.map_or(1, version_from_sql),
        };
        Ok((cart, checked))
    })
    .await
}

pub(in crate::store) async fn swap_delete(
    db: &Database,
    id: &str,
    expected: &ExpectedVersion<u64>,
) -> Result<Checked, WriteError<SwapRefused>> {
    let (id, expected) = (id.to_owned(), expected.clone());
    let (versions, member) = sql_versions(&expected);
    db.write(move |tx| {
        let written = tx.execute(
            "UPDATE carts SET deleted = 1, owner = NULL, items = NULL, version = version + 1
             WHERE id = ?1 AND deleted = 0
               AND (version IN (SELECT value FROM json_each(?2))) = ?3",
            params![id, versions_json(&versions), member],
        )?;
        let written = u64::try_from(written).unwrap_or(u64::MAX);
        let exists = written > 0 || live_version(tx, &id)?.is_some();
        let checked = expected.conclude(written, exists).map_err(Abort::Reject)?;
        bump_revision(tx, "carts")?;
        Ok(checked)
    })
    .await
}

pub(in crate::store) async fn create_at(
    db: &Database,
    id: &str,
    body: CartBody,
) -> Result<Option<Cart>, DbError> {
    let id = id.to_owned();
    let created = db
        .write(move |tx| -> Result<Option<Cart>, Abort<Infallible>> {
            // `BEGIN IMMEDIATE` holds the write lock: the row read is the row written over.
            let cart = match read_row(tx, &id)? {
                Some(CartRow { cart: Some(_), .. }) => return Ok(None),
                Some(CartRow {
                    cart: None,
                    version,
                }) => Cart {
                    body: body.clone(),
                    version: version.saturating_add(1),
                },
                None => new_cart(body.clone()),
            };
            store(tx, &id, &cart)?;
            bump_revision(tx, "carts")?;
            Ok(Some(cart))
        })
        .await;
    match created {
        Ok(created) => Ok(created),
        Err(WriteError::Db(error)) => Err(error),
        Err(WriteError::Rejected(never)) => match never {},
    }
}

/// The live cart's version, if there is one: what tells a stale compare-and-swap (412) from a
/// missing cart.
fn live_version(conn: &rusqlite::Connection, id: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT version FROM carts WHERE id = ?1 AND deleted = 0")?
        .query_row([id], |row| row.get(0))
        .optional()
}

/// The versions as the JSON array `json_each` reads.
fn versions_json(versions: &[i64]) -> String {
    serde_json::to_string(versions).unwrap_or_else(|_| "[]".to_owned())
}

/// One cart row, live or tombstone. The statement is cached on the connection: it runs on every
/// read and every write, and compiling it each time is a large share of a small cart's read.
fn read_row(conn: &rusqlite::Connection, id: &str) -> rusqlite::Result<Option<CartRow>> {
    conn.prepare_cached("SELECT version, deleted, owner, items FROM carts WHERE id = ?1")?
        .query_row([id], |row| {
            let version = version_from_sql(row.get(0)?);
            let deleted: bool = row.get(1)?;
            let cart = if deleted {
                None
            } else {
                let items: String = row.get(3)?;
                Some(Cart {
                    body: CartBody {
                        owner: row.get(2)?,
                        items: items_from_sql(3, &items)?,
                    },
                    version,
                })
            };
            Ok(CartRow { cart, version })
        })
        .optional()
}

fn list_all(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<Listed<Cart>>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, version, owner, items FROM carts WHERE deleted = 0 ORDER BY id",
    )?;
    let rows = statement.query_map([], |row| {
        let items: String = row.get(3)?;
        Ok(Listed {
            id: row.get(0)?,
            value: Cart {
                body: CartBody {
                    owner: row.get(2)?,
                    items: items_from_sql(3, &items)?,
                },
                version: version_from_sql(row.get(1)?),
            },
        })
    })?;
    rows.collect()
}

/// Inserts the row, or revives / replaces an existing one (live or tombstone); the write lock
/// of `BEGIN IMMEDIATE` makes this the only writer.
fn store(tx: &Transaction<'_>, id: &str, cart: &Cart) -> rusqlite::Result<()> {
    let items = items_to_sql(&cart.body.items)?;
    tx.execute(
        "INSERT INTO carts (id, owner, items, version, deleted) VALUES (?1, ?2, ?3, ?4, 0)
         ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, items = excluded.items,
             version = excluded.version, deleted = 0",
        params![id, cart.body.owner, items, version_to_sql(cart.version)],
    )
    .map(drop)
}

/// Inserts a row for a fresh id; fails with a constraint violation if the id is taken (even by a
/// tombstone), which [`with_fresh_id`] answers with another id.
fn insert_new(tx: &Transaction<'_>, id: &str, cart: &Cart) -> rusqlite::Result<()> {
    let items = items_to_sql(&cart.body.items)?;
    tx.execute(
        "INSERT INTO carts (id, owner, items, version, deleted) VALUES (?1, ?2, ?3, ?4, 0)",
        params![id, cart.body.owner, items, version_to_sql(cart.version)],
    )
    .map(drop)
}

/// The collection's revision: one row.
pub(in crate::store) async fn revision(db: &Database) -> Result<CollectionRevision, DbError> {
    db.read(|conn| read_revision(conn, "carts")).await
}

/// One page of live carts, read in one snapshot with the revision it is tagged by.
pub(in crate::store) async fn page(
    db: &Database,
    bounds: PageBounds,
) -> Result<Page<Cart>, DbError> {
    db.read(move |conn| {
        let tx = conn.unchecked_transaction()?;
        let revision = read_revision(&tx, "carts")?;
        let mut entries = {
            let mut statement = tx.prepare_cached(
                "SELECT id, version, owner, items FROM carts
                 WHERE deleted = 0 AND (?1 IS NULL OR id > ?1) ORDER BY id LIMIT ?2",
            )?;
            let limit = i64::try_from(bounds.limit.saturating_add(1)).unwrap_or(i64::MAX);
            let rows = statement.query_map(params![bounds.after, limit], |row| {
                let items: String = row.get(3)?;
                Ok(Listed {
                    id: row.get(0)?,
                    value: Cart {
                        body: CartBody {
                            owner: row.get(2)?,
                            items: items_from_sql(3, &items)?,
                        },
                        version: version_from_sql(row.get(1)?),
                    },
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
