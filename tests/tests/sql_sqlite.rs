//! `etag_core::sql` against SQLite (a temporary file, several pooled connections): both write
//! patterns under `#[conditional(require)]`, through a real router, alone and with concurrent
//! writers.

mod sql_support;

use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

counter_app! {
    pool = sqlx::SqlitePool,
    // The write lock before the read: one writer at a time reads, checks and writes.
    begin_locked = |pool| pool.begin_with("BEGIN IMMEDIATE"),
    versions = |condition| condition.json(),
    select = "SELECT count, version FROM counters WHERE id = ?",
    // BEGIN IMMEDIATE already holds the lock that `FOR UPDATE` would take elsewhere.
    select_for_update = "SELECT count, version FROM counters WHERE id = ?",
    cas_update = "UPDATE counters SET count = ?, version = version + 1
                  WHERE id = ? AND (version IN (SELECT value FROM json_each(?))) = ?",
    insert_if_absent = "INSERT INTO counters (id, count, version) VALUES (?, ?, 1)
                        ON CONFLICT (id) DO NOTHING",
    cas_delete = "DELETE FROM counters WHERE id = ? AND (version IN (SELECT value FROM json_each(?))) = ?",
    set = "UPDATE counters SET count = ?, version = ? WHERE id = ?",
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_patterns_answer_200_412_404_428_and_lose_no_update() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let options = SqliteConnectOptions::new()
        .filename(dir.path().join("counters.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // Short, so that lock waits end as SQLITE_BUSY and go through the retry helper.
        .busy_timeout(Duration::from_millis(50));
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .expect("open the SQLite file");
    sqlx::query(sql_support::SCHEMA)
        .execute(&pool)
        .await
        .expect("the schema");
    let router = app::router(pool.clone());

    sql_support::check_contract(&router).await;

    let refused_cas = sql_support::race(&router, "/cas", 100).await;
    let refused_tx = sql_support::race(&router, "/tx", 200).await;
    assert!(
        refused_cas > 0 && refused_tx > 0,
        "no conflicts: {refused_cas}, {refused_tx}"
    );
    pool.close().await;
}
