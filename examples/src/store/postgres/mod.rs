//! The store's SQL for PostgreSQL: each write is one `READ COMMITTED` transaction, run again
//! from the start when it fails transiently (see [`Retrier`]).
//!
//! Why these transactions cannot lose an update is in the [store's docs](super#why-no-update-is-lost).
//!
//! [`Retrier`]: crate::db::postgres::Retrier

pub(super) mod carts;
pub(super) mod orders;
pub(super) mod products;

use etag_core::{CollectionRevision, EntityTag};
use sqlx::{PgConnection, PgExecutor};

use super::codec::{etag_text, items_from_json, items_to_json};
use crate::db::DbError;
use crate::db::postgres::Database;
use crate::model::LineItem;

/// The database's identity (`shop_identity`), which names its keys in the validator cache.
pub(super) async fn database_id(db: &Database) -> Result<String, DbError> {
    db.read(|| sqlx::query_scalar("SELECT id FROM shop_identity").fetch_one(db.pool()))
        .await
}

/// One collection: its revision counter (which every write bumps before it commits, and a POST
/// with preconditions reads `FOR UPDATE`), and an advisory lock that cart writes still take
/// (shared, exclusive for a guarded POST) from when a guarded POST listed the collection.
#[derive(Debug, Clone, Copy)]
enum Collection {
    Orders,
    Carts,
}

impl Collection {
    /// Lock keys in the same space as the migration lock, spelled in ASCII so that other
    /// applications on the database are unlikely to pick them.
    fn key(self) -> i64 {
        match self {
            Self::Orders => i64::from_be_bytes(*b"etag:ord"),
            Self::Carts => i64::from_be_bytes(*b"etag:crt"),
        }
    }

    /// The row of this collection in `collection_revisions`.
    fn name(self) -> &'static str {
        match self {
            Self::Orders => "orders",
            Self::Carts => "carts",
        }
    }

    /// Counts a write of this collection in the transaction that makes it. Run it last, just
    /// before the commit: it locks the collection's counter row, and every writer of the
    /// collection queues on that lock only for the commit itself.
    async fn bump(self, tx: &mut PgConnection) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE collection_revisions SET revision = revision + 1 WHERE name = $1")
            .bind(self.name())
            .execute(tx)
            .await
            .map(drop)
    }

    /// The current revision; with `for_update`, the counter row stays locked until the
    /// transaction ends, so no other write of the collection commits meanwhile (for a POST whose
    /// precondition is checked against it).
    async fn revision<'e>(
        self,
        conn: impl PgExecutor<'e>,
        for_update: bool,
    ) -> Result<CollectionRevision, sqlx::Error> {
        let sql = if for_update {
            "SELECT epoch, revision FROM collection_revisions WHERE name = $1 FOR UPDATE"
        } else {
            "SELECT epoch, revision FROM collection_revisions WHERE name = $1"
        };
        let (epoch, revision): (String, i64) = sqlx::query_as(sql)
            .bind(self.name())
            .fetch_one(conn)
            .await?;
        Ok(CollectionRevision::new(
            epoch,
            u64::try_from(revision).unwrap_or(0),
        ))
    }

    /// Takes the lock until the end of the transaction: exclusive for a write that reads the
    /// whole collection, shared for one that changes an entry.
    async fn lock(self, tx: &mut PgConnection, exclusive: bool) -> Result<(), sqlx::Error> {
        let sql = if exclusive {
            "SELECT pg_advisory_xact_lock($1)"
        } else {
            "SELECT pg_advisory_xact_lock_shared($1)"
        };
        sqlx::query(sql)
            .bind(self.key())
            .execute(tx)
            .await
            .map(drop)
    }
}

/// A fresh random id: 64 bits, as 16 hex digits like SQLite's. `gen_random_uuid` is built in
/// since PostgreSQL 13; hashing it spreads its random bits over every digit.
async fn fresh_id(tx: &mut PgConnection) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT substr(md5(gen_random_uuid()::text), 1, 16)")
        .fetch_one(tx)
        .await
}

/// How many fresh ids a create tries before giving up (a collision is practically impossible;
/// the loop only keeps one from surfacing as an error).
const FRESH_ID_ATTEMPTS: usize = 4;

/// Line items as a column value.
fn items_to_pg(items: &[LineItem]) -> Result<String, sqlx::Error> {
    items_to_json(items).map_err(|error| sqlx::Error::Encode(error.into()))
}

/// Decodes stored line items; a corrupt value is a database error, not a panic.
fn items_from_pg(text: &str) -> Result<Vec<LineItem>, sqlx::Error> {
    items_from_json(text).map_err(|error| sqlx::Error::Decode(error.into()))
}

/// An entity tag as a column value.
fn etag_to_pg(tag: &EntityTag) -> Result<String, sqlx::Error> {
    etag_text(tag).map_err(|error| sqlx::Error::Encode(error.into()))
}

/// Whether a statement changed a row: a compare-and-swap or `INSERT … ON CONFLICT DO NOTHING`
/// that changed none lost to another writer.
async fn changed_one<'e>(
    query: sqlx::query::Query<'e, sqlx::Postgres, sqlx::postgres::PgArguments>,
    executor: impl PgExecutor<'e>,
) -> Result<bool, sqlx::Error> {
    Ok(query.execute(executor).await?.rows_affected() == 1)
}
