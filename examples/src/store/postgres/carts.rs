//! Carts in PostgreSQL: every replace and delete is one compare-and-swap statement on the
//! versions the client named (`… WHERE id = $1 AND NOT deleted AND (version = ANY($4)) = $5`).
//!
//! Two writers holding the same version both send it; the first `UPDATE` moves the row on, and
//! the second waits for its row lock, re-evaluates the `WHERE` on the committed row (READ
//! COMMITTED) and matches nothing: a 412, decided by the database in the statement that writes.
//! Creating is a tombstone revival or an `INSERT … ON CONFLICT DO NOTHING`, which tells a
//! second creator that it lost.

use std::convert::Infallible;

use etag_core::{Checked, ExpectedVersion, SwapRefused};
use sqlx::{PgConnection, PgExecutor, Row};

use super::super::carts::{CartRow, new_cart, sql_versions};
use super::super::codec::{version_from_sql, version_to_sql};
use super::{Collection, FRESH_ID_ATTEMPTS, changed_one, fresh_id, items_from_pg, items_to_pg};
use crate::db::postgres::{Database, Retrier, commit};
use crate::db::{Abort, DbError, WriteError};
use crate::model::{Cart, CartBody, Listed, Page, PageBounds};
use etag_core::CollectionRevision;

pub(in crate::store) async fn get(db: &Database, id: &str) -> Result<Option<Cart>, DbError> {
    let row = db.read(|| read_row(db.pool(), id)).await?;
    Ok(row.and_then(|row| row.cart))
}

pub(in crate::store) async fn version(db: &Database, id: &str) -> Result<Option<u64>, DbError> {
    let version: Option<i64> = db
        .read(|| {
            sqlx::query_scalar("SELECT version FROM carts WHERE id = $1 AND NOT deleted")
                .bind(id)
                .fetch_optional(db.pool())
        })
        .await?;
    Ok(version.map(version_from_sql))
}

pub(in crate::store) async fn list(db: &Database) -> Result<Vec<Listed<Cart>>, DbError> {
    db.read(|| list_all(db.pool())).await
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
    let mut retrier = Retrier::new();
    loop {
        match create_once(db, &cart, &mut guard).await {
            Ok(created) => return Ok(created),
            Err(abort) => retrier.after(abort).await?,
        }
    }
}

async fn create_once<P, R, G>(
    db: &Database,
    cart: &Cart,
    guard: &mut Option<G>,
) -> Result<(Listed<Cart>, Option<P>), Abort<R>>
where
    G: FnMut(&CollectionRevision) -> Result<P, R>,
{
    let mut tx = db.begin().await?;
    Collection::Carts.lock(&mut tx, guard.is_some()).await?;
    let proof = match guard.as_mut() {
        Some(guard) => {
            let revision = Collection::Carts.revision(&mut *tx, true).await?;
            Some(guard(&revision).map_err(Abort::Reject)?)
        }
        None => None,
    };
    for _ in 0..FRESH_ID_ATTEMPTS {
        let id = fresh_id(&mut tx).await?;
        if insert_if_absent(&mut tx, &id, cart).await? {
            Collection::Carts.bump(&mut tx).await?;
            commit(tx).await?;
            let value = cart.clone();
            return Ok((Listed { id, value }, proof));
        }
    }
    Err(DbError::Internal("no free cart id after several random tries".into()).into())
}

pub(in crate::store) async fn swap(
    db: &Database,
    id: &str,
    expected: &ExpectedVersion<u64>,
    body: CartBody,
) -> Result<(Cart, Checked), WriteError<SwapRefused>> {
    let mut retrier = Retrier::new();
    loop {
        match swap_once(db, id, expected, &body).await {
            Ok(swapped) => return Ok(swapped),
            Err(abort) => retrier.after(abort).await?,
        }
    }
}

/// One attempt: the compare-and-swap on the client's versions, and only when it wrote nothing,
/// whether a live cart is there (412) or not (missing).
async fn swap_once(
    db: &Database,
    id: &str,
    expected: &ExpectedVersion<u64>,
    body: &CartBody,
) -> Result<(Cart, Checked), Abort<SwapRefused>> {
    let (versions, member) = sql_versions(expected);
    let mut tx = db.begin().await?;
    Collection::Carts.lock(&mut tx, false).await?;
    let version: Option<i64> = sqlx::query_scalar(
        "UPDATE carts SET owner = $2, items = $3, version = version + 1
         WHERE id = $1 AND NOT deleted AND (version = ANY($4)) = $5
         RETURNING version",
    )
    .bind(id)
    .bind(&body.owner)
    .bind(items_to_pg(&body.items)?)
    .bind(&versions)
    .bind(member)
    .fetch_optional(&mut *tx)
    .await?;
    let written = u64::from(version.is_some());
    let exists = written == 1 || live_version(&mut *tx, id).await?.is_some();
    let checked = expected.conclude(written, exists).map_err(Abort::Reject)?;
    Collection::Carts.bump(&mut tx).await?;
    commit(tx).await?;
    let cart = Cart {
        body: body.clone(),
        version: version.map_or(1, version_from_sql),
    };
    Ok((cart, checked))
}

pub(in crate::store) async fn swap_delete(
    db: &Database,
    id: &str,
    expected: &ExpectedVersion<u64>,
) -> Result<Checked, WriteError<SwapRefused>> {
    let mut retrier = Retrier::new();
    loop {
        match swap_delete_once(db, id, expected).await {
            Ok(checked) => return Ok(checked),
            Err(abort) => retrier.after(abort).await?,
        }
    }
}

async fn swap_delete_once(
    db: &Database,
    id: &str,
    expected: &ExpectedVersion<u64>,
) -> Result<Checked, Abort<SwapRefused>> {
    let (versions, member) = sql_versions(expected);
    let mut tx = db.begin().await?;
    Collection::Carts.lock(&mut tx, false).await?;
    let deleted = sqlx::query(
        "UPDATE carts SET deleted = true, owner = NULL, items = NULL, version = version + 1
         WHERE id = $1 AND NOT deleted AND (version = ANY($2)) = $3",
    )
    .bind(id)
    .bind(&versions)
    .bind(member)
    .execute(&mut *tx)
    .await?;
    let written = deleted.rows_affected();
    let exists = written > 0 || live_version(&mut *tx, id).await?.is_some();
    let checked = expected.conclude(written, exists).map_err(Abort::Reject)?;
    Collection::Carts.bump(&mut tx).await?;
    commit(tx).await?;
    Ok(checked)
}

pub(in crate::store) async fn create_at(
    db: &Database,
    id: &str,
    body: CartBody,
) -> Result<Option<Cart>, DbError> {
    let mut retrier = Retrier::new();
    loop {
        match create_at_once(db, id, &body).await {
            Ok(created) => return Ok(created),
            Err(abort) => match retrier.after::<Infallible>(abort).await {
                Ok(()) => {}
                Err(WriteError::Db(error)) => return Err(error),
                Err(WriteError::Rejected(never)) => match never {},
            },
        }
    }
}

/// Revives a tombstone (its version continues) or inserts a new row; `None` when a live cart
/// is there. Either statement matches nothing when another writer got there first: a reviver
/// waits for the other's row lock and then finds the row live, an inserter's `ON CONFLICT DO
/// NOTHING` finds the row inserted.
async fn create_at_once(
    db: &Database,
    id: &str,
    body: &CartBody,
) -> Result<Option<Cart>, Abort<Infallible>> {
    let mut tx = db.begin().await?;
    Collection::Carts.lock(&mut tx, false).await?;
    let revived: Option<i64> = sqlx::query_scalar(
        "UPDATE carts SET owner = $2, items = $3, deleted = false, version = version + 1
         WHERE id = $1 AND deleted
         RETURNING version",
    )
    .bind(id)
    .bind(&body.owner)
    .bind(items_to_pg(&body.items)?)
    .fetch_optional(&mut *tx)
    .await?;
    let cart = match revived {
        Some(version) => Some(Cart {
            body: body.clone(),
            version: version_from_sql(version),
        }),
        None => {
            let cart = new_cart(body.clone());
            insert_if_absent(&mut tx, id, &cart).await?.then_some(cart)
        }
    };
    if cart.is_some() {
        Collection::Carts.bump(&mut tx).await?;
    }
    commit(tx).await?;
    Ok(cart)
}

/// The live cart's version, if there is one: what tells a stale compare-and-swap (412) from a
/// missing cart.
async fn live_version<'e>(conn: impl PgExecutor<'e>, id: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT version FROM carts WHERE id = $1 AND NOT deleted")
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// One cart row, live or tombstone.
async fn read_row<'e>(conn: impl PgExecutor<'e>, id: &str) -> Result<Option<CartRow>, sqlx::Error> {
    let row = sqlx::query("SELECT version, deleted, owner, items FROM carts WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let version = version_from_sql(row.try_get(0)?);
    let deleted: bool = row.try_get(1)?;
    let cart = if deleted {
        None
    } else {
        let items: String = row.try_get(3)?;
        Some(Cart {
            body: CartBody {
                owner: row.try_get(2)?,
                items: items_from_pg(&items)?,
            },
            version,
        })
    };
    Ok(Some(CartRow { cart, version }))
}

/// Every live cart, in byte order of the id (as SQLite orders them).
async fn list_all<'e>(conn: impl PgExecutor<'e>) -> Result<Vec<Listed<Cart>>, sqlx::Error> {
    let rows = sqlx::query(
        r#"SELECT id, version, owner, items FROM carts WHERE NOT deleted ORDER BY id COLLATE "C""#,
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            let items: String = row.try_get(3)?;
            Ok(Listed {
                id: row.try_get(0)?,
                value: Cart {
                    body: CartBody {
                        owner: row.try_get(2)?,
                        items: items_from_pg(&items)?,
                    },
                    version: version_from_sql(row.try_get(1)?),
                },
            })
        })
        .collect()
}

/// Inserts the row for `id` unless one exists (live or tombstone); `false` when one does, or a
/// concurrent creator inserted it first.
async fn insert_if_absent(
    tx: &mut PgConnection,
    id: &str,
    cart: &Cart,
) -> Result<bool, sqlx::Error> {
    let insert = sqlx::query(
        "INSERT INTO carts (id, owner, items, version, deleted) VALUES ($1, $2, $3, $4, false)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(&cart.body.owner)
    .bind(items_to_pg(&cart.body.items)?)
    .bind(version_to_sql(cart.version));
    changed_one(insert, tx).await
}

/// The collection's revision: one row.
pub(in crate::store) async fn revision(db: &Database) -> Result<CollectionRevision, DbError> {
    db.read(|| Collection::Carts.revision(db.pool(), false))
        .await
}

/// One page of live carts, read in one snapshot with the revision it is tagged by.
pub(in crate::store) async fn page(
    db: &Database,
    bounds: PageBounds,
) -> Result<Page<Cart>, DbError> {
    db.read(|| page_once(db, &bounds)).await
}

async fn page_once(db: &Database, bounds: &PageBounds) -> Result<Page<Cart>, sqlx::Error> {
    // REPEATABLE READ: the revision and the entries come from one snapshot.
    let mut tx = db
        .pool()
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await?;
    let revision = Collection::Carts.revision(&mut *tx, false).await?;
    let limit = i64::try_from(bounds.limit.saturating_add(1)).unwrap_or(i64::MAX);
    let rows = sqlx::query(
        r#"SELECT id, version, owner, items FROM carts
           WHERE NOT deleted AND ($1::text IS NULL OR id COLLATE "C" > $1)
           ORDER BY id COLLATE "C" LIMIT $2"#,
    )
    .bind(bounds.after.as_deref())
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        let items: String = row.try_get(3)?;
        entries.push(Listed {
            id: row.try_get(0)?,
            value: Cart {
                body: CartBody {
                    owner: row.try_get(2)?,
                    items: items_from_pg(&items)?,
                },
                version: version_from_sql(row.try_get(1)?),
            },
        });
    }
    let more = entries.len() > bounds.limit;
    entries.truncate(bounds.limit);
    Ok(Page {
        revision,
        bounds: bounds.clone(),
        entries,
        more,
    })
}
