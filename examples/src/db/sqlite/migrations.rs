//! The schema, versioned with `PRAGMA user_version`.

mod order_tags;
mod readable_trigger;

use rusqlite::{Connection, Transaction, TransactionBehavior};

/// One step of the schema: SQL alone, or Rust code where a step must compute values SQL cannot
/// (such as an entity tag).
enum Migration {
    Sql(&'static str),
    Code(fn(&Transaction<'_>) -> rusqlite::Result<()>),
}

/// Each entry moves the schema from version `index` to `index + 1`. Append, never edit: a
/// database file remembers which steps it has run.
const MIGRATIONS: &[Migration] = &[
    // 1: the three resources. Line items are stored as JSON text: they are always read and
    // written with their order or cart, never queried on their own.
    Migration::Sql(
        "CREATE TABLE orders (
        id          TEXT PRIMARY KEY NOT NULL,
        customer    TEXT NOT NULL,
        items       TEXT NOT NULL,
        note        TEXT,
        modified_ms INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE carts (
        id      TEXT PRIMARY KEY NOT NULL,
        owner   TEXT,
        items   TEXT,
        version INTEGER NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        CHECK (deleted = 1 OR (owner IS NOT NULL AND items IS NOT NULL))
    ) STRICT;
    CREATE TABLE products (
        sku        TEXT PRIMARY KEY NOT NULL,
        name       TEXT NOT NULL,
        price      REAL NOT NULL,
        stock      INTEGER NOT NULL,
        modified_s INTEGER NOT NULL
    ) STRICT;",
    ),
    // 2: what a deleted order was last modified, so that an order re-created under its id is
    // dated after it and a client's old date can never pass for the new order.
    Migration::Sql(
        "CREATE TABLE order_tombstones (
        id          TEXT PRIMARY KEY NOT NULL,
        modified_ms INTEGER NOT NULL
    ) STRICT;",
    ),
    // 3: each order's entity tag in its row, so that a conditional GET can answer 304 from two
    // columns instead of loading and hashing the order. Existing orders are tagged here.
    Migration::Code(order_tags::store_order_tags),
    // 4: schema 3's trigger without `||` inside `RAISE(...)`, which SQLite before 3.47 cannot
    // parse: with it, older SQLites (the system shell, Python's) reported the file as malformed.
    Migration::Sql(readable_trigger::SQL),
    // 5: a revision per collection, incremented inside every write's transaction, so that the
    // collection's validators (a GET's 304, a POST's precondition) cost one row, not a scan. The
    // epoch, random per database, keeps two databases that reach the same count apart.
    Migration::Sql(
        "CREATE TABLE collection_revisions (
        name     TEXT PRIMARY KEY NOT NULL,
        epoch    TEXT NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 0)
    ) STRICT;
    INSERT INTO collection_revisions (name, epoch, revision) VALUES
        ('orders', lower(hex(randomblob(8))), 0),
        ('carts', lower(hex(randomblob(8))), 0);",
    ),
    // 6: for the validator cache (`shop --cache`): a revision per order id that every order write
    // bumps in its transaction and that outlives a delete (an order without a row has revision 0),
    // and a random identity of this database, which names its keys in Redis.
    Migration::Sql(
        "CREATE TABLE order_revisions (
        id       TEXT PRIMARY KEY NOT NULL,
        revision INTEGER NOT NULL CHECK (revision > 0)
    ) STRICT;
    CREATE TABLE shop_identity (id TEXT NOT NULL) STRICT;
    INSERT INTO shop_identity (id) VALUES (lower(hex(randomblob(16))));",
    ),
];

/// Brings the schema up to date. Runs under `BEGIN IMMEDIATE`, so processes starting together
/// migrate one after the other and the later ones find nothing to do.
pub(crate) fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    migrate_to(conn, MIGRATIONS.len())
}

/// Brings the schema up to version `target` (tests build databases of earlier versions with it).
fn migrate_to(conn: &mut Connection, target: usize) -> rusqlite::Result<()> {
    let tx = Transaction::new(conn, TransactionBehavior::Immediate)?;
    let current: usize = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    for (index, migration) in MIGRATIONS.iter().enumerate().take(target).skip(current) {
        tracing::info!(version = index + 1, "migrating database schema");
        match migration {
            Migration::Sql(script) => tx.execute_batch(script)?,
            Migration::Code(step) => step(&tx)?,
        }
    }
    if current < target {
        tx.pragma_update(None, "user_version", target)?;
    }
    tx.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        migrate(&mut conn).expect("first migration");
        migrate(&mut conn).expect("second migration");
        let version: usize = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .expect("user_version");
        assert_eq!(version, MIGRATIONS.len());
    }
}
