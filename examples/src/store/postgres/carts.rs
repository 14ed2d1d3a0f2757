//! Carts in PostgreSQL: a version compare-and-swap ends every write.
//!
//! A write reads the row without locking it, decides, and then writes only if the version is
//! still the one it read (`… WHERE id = $1 AND version = $2`); a row created meanwhile makes the
//! `INSERT … ON CONFLICT DO NOTHING` of a creator insert nothing. Either way zero rows changed
//! means another writer committed first: the attempt rolls back and decides again on what that
//! writer committed.

use sqlx::{PgConnection, PgExecutor, Row};

use super::super::carts::{CartRow, next_cart};
use super::super::codec::{version_from_sql, version_to_sql};
use super::super::{Deleted, Written};
use super::{Collection, FRESH_ID_ATTEMPTS, changed_one, fresh_id, items_from_pg, items_to_pg};
use crate::db::postgres::{Database, Retrier, commit, lost_race};
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

pub(in crate::store) async fn upsert<P, R, F>(
    db: &Database,
    id: &str,
    mut decide: F,
) -> Result<Written<Cart, P>, WriteError<R>>
where
    F: FnMut(Option<&Cart>) -> Result<(CartBody, P), R> + Send + 'static,
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
    decide: &mut impl FnMut(Option<&Cart>) -> Result<(CartBody, P), R>,
) -> Result<Written<Cart, P>, Abort<R>> {
    let mut tx = db.begin().await?;
    Collection::Carts.lock(&mut tx, false).await?;
    let row = read_row(&mut *tx, id).await?;
    let written = next_cart(row.as_ref(), decide).map_err(Abort::Reject)?;
    let stored = match &row {
        Some(row) => swap(&mut tx, id, row.version, &written.value).await?,
        None => insert_if_absent(&mut tx, id, &written.value).await?,
    };
    if !stored {
        return Err(lost_race().into());
    }
    Collection::Carts.bump(&mut tx).await?;
    commit(tx).await?;
    Ok(written)
}

pub(in crate::store) async fn delete<P, R, F>(
    db: &Database,
    id: &str,
    mut decide: F,
) -> Result<Deleted<Cart, P>, WriteError<R>>
where
    F: FnMut(Option<&Cart>) -> Result<P, R> + Send + 'static,
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
    decide: &mut impl FnMut(Option<&Cart>) -> Result<P, R>,
) -> Result<Deleted<Cart, P>, Abort<R>> {
    let mut tx = db.begin().await?;
    Collection::Carts.lock(&mut tx, false).await?;
    let current = read_row(&mut *tx, id).await?.and_then(|row| row.cart);
    let proof = decide(current.as_ref()).map_err(Abort::Reject)?;
    if let Some(cart) = &current {
        let deleted = sqlx::query(
            "UPDATE carts SET deleted = true, owner = NULL, items = NULL, version = version + 1
             WHERE id = $1 AND version = $2 AND NOT deleted",
        )
        .bind(id)
        .bind(version_to_sql(cart.version));
        if !changed_one(deleted, &mut *tx).await? {
            return Err(lost_race().into());
        }
        Collection::Carts.bump(&mut tx).await?;
    }
    commit(tx).await?;
    Ok(Deleted {
        value: current,
        proof,
    })
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

/// Writes `cart` over the row (live or tombstone) if its version is still `expected`; `false`
/// when another writer changed it since it was read.
async fn swap(
    tx: &mut PgConnection,
    id: &str,
    expected: u64,
    cart: &Cart,
) -> Result<bool, sqlx::Error> {
    let update = sqlx::query(
        "UPDATE carts SET owner = $3, items = $4, deleted = false, version = version + 1
         WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(version_to_sql(expected))
    .bind(&cart.body.owner)
    .bind(items_to_pg(&cart.body.items)?);
    changed_one(update, tx).await
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
