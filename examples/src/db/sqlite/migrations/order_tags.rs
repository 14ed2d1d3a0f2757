//! Migration 3: each order's entity tag, stored in its row.
//!
//! The tag of an order is a hash of its content, so a conditional GET used to load and hash the
//! whole order to decide on a 304. Storing the tag next to `modified_ms` lets it decide from two
//! columns. SQL cannot compute the tag, so this step reads every existing order, computes its tag
//! with [`Order::etag`] (exactly as the store does on every write) and rebuilds the table with a
//! `NOT NULL` column holding it.
//!
//! The rebuild (rather than `ALTER TABLE … ADD COLUMN`) gives the column `NOT NULL` without a
//! default. Together with the trigger below, a `shop` binary from before this migration that is
//! still running on the same file cannot store an order without its tag: its `INSERT` fails on
//! the missing column and its in-place `UPDATE` is refused by the trigger (the current store
//! rewrites an order whole, with its tag). A stale tag would make a conditional GET answer 304
//! for content the client has not seen; a refused write is the safe failure.

use std::time::{Duration, UNIX_EPOCH};

use etag_core::Versioned;
use rusqlite::Transaction;
use rusqlite::types::Type;

use crate::model::{LineItem, Order, OrderBody};
use crate::store::etag_text;

/// Runs the migration inside the migrating transaction.
pub(super) fn store_order_tags(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TABLE orders_with_tags (
            id          TEXT PRIMARY KEY NOT NULL,
            customer    TEXT NOT NULL,
            items       TEXT NOT NULL,
            note        TEXT,
            modified_ms INTEGER NOT NULL,
            etag        TEXT NOT NULL CHECK (etag <> '')
        ) STRICT;",
    )?;
    let tagged = copy_with_tags(tx)?;
    tx.execute_batch(
        "DROP TABLE orders;
        ALTER TABLE orders_with_tags RENAME TO orders;
        CREATE TRIGGER orders_are_rewritten_with_their_tag
        BEFORE UPDATE OF customer, items, note ON orders
        BEGIN
            SELECT RAISE(ABORT, 'orders.etag must be rewritten with the order: the order is '
                || 'replaced whole (INSERT OR REPLACE), never updated in place; is a shop binary '
                || 'older than schema version 3 writing to this database?');
        END;",
    )?;
    tracing::info!(orders = tagged, "stored the entity tag of every order");
    Ok(())
}

/// Copies every order into the new table with its tag; returns how many.
fn copy_with_tags(tx: &Transaction<'_>) -> rusqlite::Result<usize> {
    let mut read = tx.prepare("SELECT id, customer, items, note, modified_ms FROM orders")?;
    let mut write = tx.prepare(
        "INSERT INTO orders_with_tags (id, customer, items, note, modified_ms, etag)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut rows = read.query([])?;
    let mut copied = 0;
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        let customer: String = row.get(1)?;
        let items: String = row.get(2)?;
        let note: Option<String> = row.get(3)?;
        let modified_ms: i64 = row.get(4)?;
        let order = Order {
            body: OrderBody {
                customer: customer.clone(),
                items: items_of_schema_2(&id, &items)?,
                note: note.clone(),
            },
            modified_at: UNIX_EPOCH
                + Duration::from_millis(u64::try_from(modified_ms).unwrap_or(0)),
        };
        let etag = etag_text(&order.etag())
            .map_err(|error| rusqlite::Error::ToSqlConversionFailure(error.into()))?;
        write.execute(rusqlite::params![
            id,
            customer,
            items,
            note,
            modified_ms,
            etag
        ])?;
        copied += 1;
    }
    Ok(copied)
}

/// The line items as schema version 2 stores them: a JSON array. Decoded here rather than with
/// the store's codec, so that this step keeps reading the layout of its own version whatever
/// later versions store. An order that cannot be decoded cannot be tagged: the migration fails,
/// naming it, rather than storing a tag that does not match the order.
fn items_of_schema_2(id: &str, items: &str) -> rusqlite::Result<Vec<LineItem>> {
    serde_json::from_str(items).map_err(|error| {
        tracing::error!(order = id, %error, "cannot decode a stored order's items to tag it");
        rusqlite::Error::FromSqlConversionFailure(2, Type::Text, error.into())
    })
}

#[cfg(test)]
mod tests {
    use super::super::{MIGRATIONS, migrate, migrate_to};
    use super::*;
    use rusqlite::Connection;

    /// A database at schema version 2 holding two orders, as the previous binary stored them.
    fn schema_2_with_orders() -> Connection {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        migrate_to(&mut conn, 2).expect("schema version 2");
        conn.execute_batch(
            r#"INSERT INTO orders (id, customer, items, note, modified_ms) VALUES
                ('a', 'ada', '[{"sku":"apple","qty":2}]', 'ring twice', 1700000000000),
                ('b', 'bob', '[]', NULL, 1700000001000);"#,
        )
        .expect("orders stored the schema-2 way");
        conn
    }

    fn stored_tag(conn: &Connection, id: &str) -> String {
        conn.query_row("SELECT etag FROM orders WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .expect("a stored tag")
    }

    fn user_version(conn: &Connection) -> usize {
        conn.query_row("PRAGMA user_version", [], |row| row.get(0))
            .expect("user_version")
    }

    #[test]
    fn existing_orders_get_the_tag_computed_from_their_content() {
        let mut conn = schema_2_with_orders();
        migrate(&mut conn).expect("migration to the current schema");
        assert_eq!(user_version(&conn), MIGRATIONS.len());

        let ada = Order {
            body: OrderBody {
                customer: "ada".into(),
                items: vec![LineItem {
                    sku: "apple".into(),
                    qty: 2,
                }],
                note: Some("ring twice".into()),
            },
            modified_at: UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        };
        let bob = Order {
            body: OrderBody {
                customer: "bob".into(),
                items: vec![],
                note: None,
            },
            modified_at: UNIX_EPOCH + Duration::from_secs(1_700_000_001),
        };
        assert_eq!(stored_tag(&conn, "a"), ada.etag().to_string());
        assert_eq!(stored_tag(&conn, "b"), bob.etag().to_string());
        assert_ne!(stored_tag(&conn, "a"), stored_tag(&conn, "b"));

        let (customer, note, modified_ms): (String, Option<String>, i64) = conn
            .query_row(
                "SELECT customer, note, modified_ms FROM orders WHERE id = 'a'",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .expect("the order kept its columns");
        assert_eq!(
            (customer.as_str(), note.as_deref(), modified_ms),
            ("ada", Some("ring twice"), 1_700_000_000_000)
        );
    }

    #[test]
    fn writers_that_leave_the_tag_behind_are_refused() {
        let mut conn = schema_2_with_orders();
        migrate(&mut conn).expect("migration to the current schema");
        let insert_without_tag = conn.execute(
            "INSERT INTO orders (id, customer, items, note, modified_ms)
             VALUES ('c', 'cy', '[]', NULL, 1)",
            [],
        );
        assert!(insert_without_tag.is_err(), "the tag column has no default");
        let update_in_place = conn.execute(
            "UPDATE orders SET customer = 'eve', items = '[]', note = NULL, modified_ms = 2
             WHERE id = 'a'",
            [],
        );
        let error = update_in_place.expect_err("the trigger refuses an in-place update");
        assert!(error.to_string().contains("orders.etag"), "{error}");
        let empty_tag = conn.execute(
            "REPLACE INTO orders (id, customer, items, note, modified_ms, etag)
             VALUES ('a', 'eve', '[]', NULL, 2, '')",
            [],
        );
        assert!(empty_tag.is_err(), "an empty tag is refused");
        conn.execute(
            r#"REPLACE INTO orders (id, customer, items, note, modified_ms, etag)
               VALUES ('a', 'eve', '[]', NULL, 2, '"x"')"#,
            [],
        )
        .expect("a whole-row replacement with its tag is how the store writes");
    }

    #[test]
    fn an_order_that_cannot_be_decoded_stops_the_migration_and_changes_nothing() {
        let mut conn = schema_2_with_orders();
        conn.execute(
            "INSERT INTO orders (id, customer, items, note, modified_ms)
             VALUES ('z', 'zed', 'not json', NULL, 1)",
            [],
        )
        .expect("a corrupt order");
        migrate(&mut conn).expect_err("no tag can be computed for a corrupt order");
        assert_eq!(user_version(&conn), 2, "the migration rolled back");
        let orders: i64 = conn
            .query_row("SELECT count(*) FROM orders", [], |row| row.get(0))
            .expect("the old table is still there");
        assert_eq!(orders, 3);
    }
}
