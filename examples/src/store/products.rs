//! Products in SQLite, with one distinct modification second per write.

use std::time::SystemTime;

use rusqlite::{OptionalExtension, Transaction, params};

use super::Written;
use super::codec::{from_seconds, to_seconds};
use super::dating::{Dating, wait_for_a_later_second};
use crate::db::{Abort, Database, DbError, WriteError};
use crate::model::{Product, ProductBody};

/// The products table. See the [module docs](super) for how writes decide.
///
/// Products may be guarded by dates (`If-Unmodified-Since`) as well as by tags, and HTTP dates have
/// one-second resolution. Two writes within the same second would leave `Last-Modified`
/// unchanged, and a client holding the older state could then pass `If-Unmodified-Since` and
/// overwrite the newer one. So a write that lands in the same second as the previous write of the
/// same product waits for the next second (rolling back and retrying, so the check is redone on
/// the state it will replace). Each product thus takes at most one write per second; that is the
/// price of exact date-based preconditions.
#[derive(Clone, Debug)]
pub struct Products {
    db: Database,
}

impl Products {
    pub(super) fn new(db: Database) -> Self {
        Self { db }
    }

    /// The product with this SKU, if any.
    pub async fn get(&self, sku: &str) -> Result<Option<Product>, DbError> {
        let sku = sku.to_owned();
        self.db.read(move |conn| current(conn, &sku)).await
    }

    /// Creates or replaces the product `sku` with what `decide` returns for its current state.
    pub async fn upsert<R, F>(
        &self,
        sku: &str,
        mut decide: F,
    ) -> Result<Written<Product>, WriteError<R>>
    where
        F: FnMut(Option<&Product>) -> Result<ProductBody, R> + Send + 'static,
        R: Send + 'static,
    {
        let sku = sku.to_owned();
        self.db
            .write(move |tx| {
                let current = current(tx, &sku)?;
                let body = decide(current.as_ref()).map_err(Abort::Reject)?;
                let now = SystemTime::now();
                let previous = current.as_ref().map(|product| product.modified_at);
                if let Some(wait) = wait_for_a_later_second(Dating::DistinctSecond, previous, now) {
                    return Err(Abort::RetryAfter(wait));
                }
                let product = Product::new(body, from_seconds(to_seconds(now)));
                store(tx, &sku, &product)?;
                Ok(Written {
                    value: product,
                    created: current.is_none(),
                })
            })
            .await
    }
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
