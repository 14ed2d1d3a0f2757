//! The PostgreSQL schema, versioned in the table `shop_schema`.
//!
//! Several shop processes may start at once on an empty database. Each migrates in one
//! transaction that first takes a transaction-level advisory lock
//! (`pg_advisory_xact_lock`), held until that transaction ends: the processes migrate one after
//! the other, and the later ones read the version the first one committed and find nothing to
//! do. (sqlx's own migrator also locks, but it wants migration files or macros; the shop's
//! schema is a few statements, kept here next to the SQLite one it mirrors.)
//!
//! The tables are those of the SQLite schema at its current version (see the SQLite
//! migrations): a PostgreSQL database starts there, with no history to replay.

use sqlx::{PgPool, Row};

/// The advisory lock key of the shop's migrations: "etagshop" in ASCII, so other applications
/// sharing the database are unlikely to pick it.
const MIGRATION_LOCK: i64 = i64::from_be_bytes(*b"etagshop");

/// Each entry moves the schema from version `index` to `index + 1`. Append, never edit: a
/// database remembers which steps it has run.
const MIGRATIONS: &[&str] = &[
    // 1: the three resources, orders with their stored tag and the tombstones of deleted
    // orders, as SQLite's schema version 3 has them. Line items are JSON text, as in SQLite:
    // always read and written with their order or cart, never queried on their own.
    r#"
    CREATE TABLE orders (
        id          TEXT PRIMARY KEY,
        customer    TEXT NOT NULL,
        items       TEXT NOT NULL,
        note        TEXT,
        modified_ms BIGINT NOT NULL,
        etag        TEXT NOT NULL CHECK (etag <> '')
    );
    CREATE TABLE order_tombstones (
        id          TEXT PRIMARY KEY,
        modified_ms BIGINT NOT NULL
    );
    CREATE TABLE carts (
        id      TEXT PRIMARY KEY,
        owner   TEXT,
        items   TEXT,
        version BIGINT NOT NULL CHECK (version > 0),
        deleted BOOLEAN NOT NULL DEFAULT false,
        CHECK (deleted OR (owner IS NOT NULL AND items IS NOT NULL))
    );
    CREATE TABLE products (
        sku        TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        price      DOUBLE PRECISION NOT NULL,
        stock      BIGINT NOT NULL CHECK (stock >= 0),
        modified_s BIGINT NOT NULL
    );
    -- An order's stored tag must move with its content: an UPDATE that changes the content but
    -- keeps the tag comes from a writer that forgot it, and would make conditional GETs answer
    -- 304 for content the client has not seen.
    CREATE FUNCTION orders_keep_their_tag_current() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.etag = OLD.etag
           AND (NEW.customer, NEW.items, NEW.note) IS DISTINCT FROM
               (OLD.customer, OLD.items, OLD.note) THEN
            RAISE EXCEPTION 'orders.etag must be rewritten with the order''s content (order %)',
                OLD.id;
        END IF;
        RETURN NEW;
    END
    $$;
    CREATE TRIGGER orders_are_rewritten_with_their_tag
        BEFORE UPDATE ON orders
        FOR EACH ROW EXECUTE FUNCTION orders_keep_their_tag_current();
    "#,
    // 2: a revision per collection, incremented inside every write's transaction (as SQLite's
    // schema version 5 has it), so the collection's validators cost one row, not a scan.
    r#"
    CREATE TABLE collection_revisions (
        name     TEXT PRIMARY KEY,
        epoch    TEXT NOT NULL,
        revision BIGINT NOT NULL CHECK (revision >= 0)
    );
    INSERT INTO collection_revisions (name, epoch, revision) VALUES
        ('orders', substr(md5(gen_random_uuid()::text), 1, 16), 0),
        ('carts', substr(md5(gen_random_uuid()::text), 1, 16), 0);
    "#,
    // 3: SQLite's schema 6, for the validator cache: the revision of each order id (bumped by
    // every order write, kept across a delete) and the database's random identity.
    r#"
    CREATE TABLE order_revisions (
        id       TEXT PRIMARY KEY,
        revision BIGINT NOT NULL CHECK (revision > 0)
    );
    CREATE TABLE shop_identity (id TEXT NOT NULL);
    INSERT INTO shop_identity (id) VALUES (md5(random()::text || clock_timestamp()::text));
    "#,
];

/// Brings the schema up to date, one process at a time.
pub(super) async fn migrate(pool: &PgPool) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *tx)
        .await?;
    sqlx::raw_sql("CREATE TABLE IF NOT EXISTS shop_schema (version INTEGER NOT NULL)")
        .execute(&mut *tx)
        .await?;
    let current: i32 = sqlx::query("SELECT coalesce(max(version), 0) FROM shop_schema")
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let current = usize::try_from(current).unwrap_or(0);
    for (index, script) in MIGRATIONS.iter().enumerate().skip(current) {
        tracing::info!(version = index + 1, "migrating database schema");
        sqlx::raw_sql(*script).execute(&mut *tx).await?;
    }
    if current < MIGRATIONS.len() {
        let target = i32::try_from(MIGRATIONS.len()).unwrap_or(i32::MAX);
        sqlx::query("DELETE FROM shop_schema")
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO shop_schema (version) VALUES ($1)")
            .bind(target)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}
