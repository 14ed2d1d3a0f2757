//! `etag_core::sql` against SQLite (a temporary file, several pooled connections): both write
//! patterns under `#[conditional(require)]`, through a real router, alone and with concurrent
//! writers; and what a check of the wrong state inside the transaction leaves (nothing).

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

/// A pool of `connections` on a new counters database in `dir`.
async fn counters_db(dir: &tempfile::TempDir, connections: u32) -> sqlx::SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(dir.path().join("counters.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // Short, so that lock waits end as SQLITE_BUSY and go through the retry helper.
        .busy_timeout(Duration::from_millis(50));
    let pool = SqlitePoolOptions::new()
        .max_connections(connections)
        .connect_with(options)
        .await
        .expect("open the SQLite file");
    sqlx::query(sql_support::SCHEMA)
        .execute(&pool)
        .await
        .expect("the schema");
    pool
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_patterns_answer_200_412_404_428_and_lose_no_update() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let pool = counters_db(&dir, 4).await;
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

/// The misuse a type cannot catch (issue 9): a handler that writes first and then checks the
/// state it wrote. Inside the transaction pattern it still leaves nothing behind: the failed
/// check returns through `?` before `commit`, and the dropped transaction rolls back, so the
/// client's 412 is true of the database.
#[tokio::test]
async fn a_check_of_the_new_state_inside_the_transaction_writes_nothing() {
    use etag_core::{PreconditionError, Preconditions};
    use http::{HeaderMap, HeaderValue, Method, header::IF_MATCH};
    use sqlx::Row;

    let dir = tempfile::tempdir().expect("a temporary directory");
    let pool = counters_db(&dir, 1).await;
    sqlx::query("INSERT INTO counters (id, count, version) VALUES (1, 5, 2)")
        .execute(&pool)
        .await
        .expect("the row");
    let read = |pool: &sqlx::SqlitePool| {
        let pool = pool.clone();
        async move {
            let row = sqlx::query("SELECT count, version FROM counters WHERE id = 1")
                .fetch_one(&pool)
                .await
                .expect("the row");
            (row.get::<i64, _>("count"), row.get::<i64, _>("version"))
        }
    };

    // The client holds version 2, the current one: a correct handler would let it write.
    let mut headers = HeaderMap::new();
    headers.insert(IF_MATCH, HeaderValue::from_static("\"2\""));
    let pre = Preconditions::parse(&Method::PATCH, &headers).expect("valid headers");
    let misused = async {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("UPDATE counters SET count = count + 1, version = version + 1 WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query("SELECT count, version FROM counters WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let written = sql_support::Counter {
            id: 1,
            count: row.get("count"),
            version: row.get("version"),
        };
        // Checked against the state it just wrote (version 3), not the one it replaced.
        let checked = pre.check(&written)?;
        tx.commit().await?;
        Ok::<_, etag_core::sql::WriteError>(checked)
    }
    .await;

    assert!(
        matches!(
            misused,
            Err(etag_core::sql::WriteError::Precondition(
                PreconditionError::Failed { .. }
            ))
        ),
        "the check of the written state fails"
    );
    assert_eq!(
        read(&pool).await,
        (5, 2),
        "the failed check's write was rolled back"
    );
    pool.close().await;
}
