//! Products in PostgreSQL: every write holds the product's row (`SELECT … FOR UPDATE`); a
//! missing product is created with `INSERT … ON CONFLICT DO NOTHING`, so of two creators the
//! second inserts nothing and runs again on the product the first created.

use std::time::SystemTime;

use sqlx::{PgConnection, PgExecutor, Row};

use super::super::Written;
use super::super::codec::{from_seconds, to_seconds};
use super::super::products::next_product;
use super::changed_one;
use crate::db::postgres::{Database, Retrier, commit, lost_race};
use crate::db::{Abort, DbError, WriteError};
use crate::model::{Product, ProductBody};

pub(in crate::store) async fn get(db: &Database, sku: &str) -> Result<Option<Product>, DbError> {
    db.read(|| current(db.pool(), sku, false)).await
}

pub(in crate::store) async fn upsert<P, R, F>(
    db: &Database,
    sku: &str,
    mut decide: F,
) -> Result<Written<Product, P>, WriteError<R>>
where
    F: FnMut(Option<&Product>) -> Result<(ProductBody, P), R> + Send + 'static,
    P: Send + 'static,
    R: Send + 'static,
{
    let mut retrier = Retrier::new();
    loop {
        match upsert_once(db, sku, &mut decide).await {
            Ok(written) => return Ok(written),
            Err(abort) => retrier.after(abort).await?,
        }
    }
}

async fn upsert_once<P, R>(
    db: &Database,
    sku: &str,
    decide: &mut impl FnMut(Option<&Product>) -> Result<(ProductBody, P), R>,
) -> Result<Written<Product, P>, Abort<R>> {
    let mut tx = db.begin().await?;
    let current = current(&mut *tx, sku, true).await?;
    let written = next_product(current.as_ref(), decide, SystemTime::now())?;
    if !store(&mut tx, sku, &written.value, written.created).await? {
        return Err(lost_race().into());
    }
    commit(tx).await?;
    Ok(written)
}

/// One product; with `for_update`, its row stays locked until the transaction ends.
async fn current<'e>(
    conn: impl PgExecutor<'e>,
    sku: &str,
    for_update: bool,
) -> Result<Option<Product>, sqlx::Error> {
    let sql = if for_update {
        "SELECT name, price, stock, modified_s FROM products WHERE sku = $1 FOR UPDATE"
    } else {
        "SELECT name, price, stock, modified_s FROM products WHERE sku = $1"
    };
    let Some(row) = sqlx::query(sql).bind(sku).fetch_optional(conn).await? else {
        return Ok(None);
    };
    let stock: i64 = row.try_get(2)?;
    Ok(Some(Product {
        name: row.try_get(0)?,
        price: row.try_get(1)?,
        stock: u32::try_from(stock).map_err(|error| sqlx::Error::Decode(error.into()))?,
        modified_at: from_seconds(row.try_get(3)?),
    }))
}

/// Inserts the product (`new`, unless a concurrent creator did first) or rewrites its locked
/// row; `false` when the insert found the row taken.
async fn store(
    tx: &mut PgConnection,
    sku: &str,
    product: &Product,
    new: bool,
) -> Result<bool, sqlx::Error> {
    let sql = if new {
        "INSERT INTO products (sku, name, price, stock, modified_s) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (sku) DO NOTHING"
    } else {
        "UPDATE products SET name = $2, price = $3, stock = $4, modified_s = $5 WHERE sku = $1"
    };
    let query = sqlx::query(sql)
        .bind(sku)
        .bind(&product.name)
        .bind(product.price)
        .bind(i64::from(product.stock))
        .bind(to_seconds(product.modified_at));
    changed_one(query, tx).await
}
