//! Carts in SQLite, with a version column and tombstones for deleted carts.

use std::convert::Infallible;

use rusqlite::{OptionalExtension, Transaction, params};

use super::Written;
use super::codec::{items_from_sql, items_to_sql, with_fresh_id};
use crate::db::{Abort, Database, DbError, WriteError};
use crate::model::{Cart, CartBody, CartVersion, Listed};

/// A cart row: the live cart, or the version a deleted cart reached (its tombstone), so that a
/// re-created cart continues from there and old tags never match it.
struct Row {
    cart: Option<Cart>,
    version: u64,
}

/// The carts table. See the [module docs](super) for how writes decide.
#[derive(Clone, Debug)]
pub struct Carts {
    db: Database,
}

impl Carts {
    pub(super) fn new(db: Database) -> Self {
        Self { db }
    }

    /// The cart with this id, if any.
    pub async fn get(&self, id: &str) -> Result<Option<Cart>, DbError> {
        let id = id.to_owned();
        self.db
            .read(move |conn| Ok(read_row(conn, &id)?.and_then(|row| row.cart)))
            .await
    }

    /// The version of the cart with this id, if any: a cheap read for conditional GETs.
    pub async fn version(&self, id: &str) -> Result<Option<CartVersion>, DbError> {
        let id = id.to_owned();
        self.db
            .read(move |conn| {
                conn.prepare_cached("SELECT version FROM carts WHERE id = ?1 AND deleted = 0")?
                    .query_row([&id], |row| row.get::<_, i64>(0))
                    .optional()
                    .map(|version| {
                        version.map(|version| CartVersion {
                            version: u64::try_from(version).unwrap_or(0),
                        })
                    })
            })
            .await
    }

    /// Every live cart, by id.
    pub async fn list(&self) -> Result<Vec<Listed<Cart>>, DbError> {
        self.db.read(list).await
    }

    /// Creates a cart (version 1) under a fresh server-chosen id.
    ///
    pub async fn create(&self, body: CartBody) -> Result<Listed<Cart>, DbError> {
        let no_guard = None::<fn(&[Listed<Cart>]) -> Result<(), Infallible>>;
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
        body: CartBody,
        mut guard: Option<G>,
    ) -> Result<Listed<Cart>, WriteError<R>>
    where
        G: FnMut(&[Listed<Cart>]) -> Result<(), R> + Send + 'static,
        R: Send + 'static,
    {
        self.db
            .write(move |tx| {
                if let Some(guard) = guard.as_mut() {
                    guard(&list(tx)?).map_err(Abort::Reject)?;
                }
                let cart = Cart {
                    body: body.clone(),
                    version: 1,
                };
                let (id, ()) = with_fresh_id(tx, |id| insert_new(tx, id, &cart))?;
                Ok(Listed { id, value: cart })
            })
            .await
    }

    /// Creates or replaces the cart `id` with what `decide` returns for its current state; the
    /// version goes up by one.
    pub async fn upsert<R, F>(
        &self,
        id: &str,
        mut decide: F,
    ) -> Result<Written<Cart>, WriteError<R>>
    where
        F: FnMut(Option<&Cart>) -> Result<CartBody, R> + Send + 'static,
        R: Send + 'static,
    {
        let id = id.to_owned();
        self.db
            .write(move |tx| {
                let row = read_row(tx, &id)?;
                let current = row.as_ref().and_then(|row| row.cart.as_ref());
                let body = decide(current).map_err(Abort::Reject)?;
                let cart = Cart {
                    body,
                    version: row.as_ref().map_or(1, |row| row.version.saturating_add(1)),
                };
                let created = current.is_none();
                store(tx, &id, &cart)?;
                Ok(Written {
                    value: cart,
                    created,
                })
            })
            .await
    }

    /// Deletes the cart `id` if `decide` accepts its current state, leaving a tombstone with the
    /// next version; returns what was deleted.
    pub async fn delete<R, F>(&self, id: &str, mut decide: F) -> Result<Option<Cart>, WriteError<R>>
    where
        F: FnMut(Option<&Cart>) -> Result<(), R> + Send + 'static,
        R: Send + 'static,
    {
        let id = id.to_owned();
        self.db
            .write(move |tx| {
                let current = read_row(tx, &id)?.and_then(|row| row.cart);
                decide(current.as_ref()).map_err(Abort::Reject)?;
                if current.is_some() {
                    tx.execute(
                        "UPDATE carts SET deleted = 1, owner = NULL, items = NULL,
                         version = version + 1 WHERE id = ?1",
                        [&id],
                    )?;
                }
                Ok(current)
            })
            .await
    }
}

/// One cart row, live or tombstone. The statement is cached on the connection: it runs on every
/// read and every write, and compiling it each time is a large share of a small cart's read.
fn read_row(conn: &rusqlite::Connection, id: &str) -> rusqlite::Result<Option<Row>> {
    conn.prepare_cached("SELECT version, deleted, owner, items FROM carts WHERE id = ?1")?
        .query_row([id], |row| {
            let version: i64 = row.get(0)?;
            let version = u64::try_from(version).unwrap_or(0);
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
            Ok(Row { cart, version })
        })
        .optional()
}

fn list(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<Listed<Cart>>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, version, owner, items FROM carts WHERE deleted = 0 ORDER BY id",
    )?;
    let rows = statement.query_map([], |row| {
        let version: i64 = row.get(1)?;
        let items: String = row.get(3)?;
        Ok(Listed {
            id: row.get(0)?,
            value: Cart {
                body: CartBody {
                    owner: row.get(2)?,
                    items: items_from_sql(3, &items)?,
                },
                version: u64::try_from(version).unwrap_or(0),
            },
        })
    })?;
    rows.collect()
}

/// Inserts the row, or revives / replaces an existing one (live or tombstone).
fn store(tx: &Transaction<'_>, id: &str, cart: &Cart) -> rusqlite::Result<()> {
    let items = items_to_sql(&cart.body.items)?;
    let version = i64::try_from(cart.version).unwrap_or(i64::MAX);
    tx.execute(
        "INSERT INTO carts (id, owner, items, version, deleted) VALUES (?1, ?2, ?3, ?4, 0)
         ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, items = excluded.items,
             version = excluded.version, deleted = 0",
        params![id, cart.body.owner, items, version],
    )
    .map(drop)
}

/// Inserts a row for a fresh id; fails with a constraint violation if the id is taken (even by a
/// tombstone), which [`with_fresh_id`] answers with another id.
fn insert_new(tx: &Transaction<'_>, id: &str, cart: &Cart) -> rusqlite::Result<()> {
    let items = items_to_sql(&cart.body.items)?;
    let version = i64::try_from(cart.version).unwrap_or(i64::MAX);
    tx.execute(
        "INSERT INTO carts (id, owner, items, version, deleted) VALUES (?1, ?2, ?3, ?4, 0)",
        params![id, cart.body.owner, items, version],
    )
    .map(drop)
}
