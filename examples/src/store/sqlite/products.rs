//! Products in SQLite: every write under `BEGIN IMMEDIATE`.

use std::time::SystemTime;

use rusqlite::{OptionalExtension, Transaction, params};

use super::super::Written;
use super::super::codec::{from_seconds, to_seconds};
use super::super::products::next_product;
use crate::db::sqlite::Database;
use crate::db::{DbError, WriteError};
use crate::model::{Product, ProductBody};

pub(in crate::store) async fn get(db: &Database, sku: &str) -> Result<Option<Product>, DbError> {
    let sku = sku.to_owned();
    db.read(move |conn| current(conn, &sku)).await
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
    let sku = sku.to_owned();
    db.write(move |tx| {
        let current = current(tx, &sku)?;
        let written = next_product(current.as_ref(), &mut decide, SystemTime::now())?;
        store(tx, &sku, &written.value)?;
        Ok(written)
    })
    .await
}

/// One product. The statement is cached on the connection: it runs on every read and write.
fn current(conn: &rusqlite::Connection, sku: &str) -> rusqlite::Result<Option<Product>> {
    conn.prepare_cached("SELECT name, price, stock, modified_s FROM products WHERE sku = ?1")?
        .query_row([sku], |row| {
            Ok(Product {
                name: row.get(0)?,
                price: row.get(1)?,
                stock: row.get(2)?,
                modified_at: from_seconds(row.get(3)?),
            })
        })
        .optional()
}

/// Inserts or replaces the row; the write lock of `BEGIN IMMEDIATE` makes this the only writer.
fn store(tx: &Transaction<'_>, sku: &str, product: &Product) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO products (sku, name, price, stock, modified_s) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price = excluded.price,
             stock = excluded.stock, modified_s = excluded.modified_s",
        params![
            sku,
            product.name,
            product.price,
            product.stock,
            to_seconds(product.modified_at)
        ],
    )
    .map(drop)
}
