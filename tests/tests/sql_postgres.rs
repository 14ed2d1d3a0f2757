//! `etag_core::sql` against a real PostgreSQL: both write patterns under
//! `#[conditional(require)]`, through a real router, alone and with concurrent writers.
//!
//! `DATABASE_URL` (default `postgres://root@127.0.0.1:5432/postgres`) names the server; each
//! run creates its own database and drops it after.

mod sql_support;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

counter_app! {
    pool = sqlx::PgPool,
    begin_locked = |pool| pool.begin(),
    versions = |condition| condition.versions().to_vec(),
    select = "SELECT count, version FROM counters WHERE id = $1",
    select_for_update = "SELECT count, version FROM counters WHERE id = $1 FOR UPDATE",
    cas_update = "UPDATE counters SET count = $1, version = version + 1
                  WHERE id = $2 AND (version = ANY($3)) = $4",
    insert_if_absent = "INSERT INTO counters (id, count, version) VALUES ($1, $2, 1)
                        ON CONFLICT (id) DO NOTHING",
    cas_delete = "DELETE FROM counters WHERE id = $1 AND (version = ANY($2)) = $3",
    set = "UPDATE counters SET count = $1, version = $2 WHERE id = $3",
}

/// This run's database, dropped when the test ends, passed or not.
struct FreshDatabase {
    admin: PgConnectOptions,
    name: String,
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Drop runs outside any runtime's async context (or while unwinding): use one of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async {
                let admin = PgPoolOptions::new()
                    .max_connections(1)
                    .connect_with(admin)
                    .await?;
                let drop = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                sqlx::query(sqlx::AssertSqlSafe(drop))
                    .execute(&admin)
                    .await
                    .map(|_| ())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!(
                "could not drop the test database {}: {dropped:?}",
                self.name
            );
        }
    }
}

/// A pool on a fresh database with the schema, or `None` (after saying so) without a server.
async fn fresh_database() -> Option<(PgPool, FreshDatabase)> {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/postgres".to_owned());
    let admin_options = PgConnectOptions::from_str(&url).expect("DATABASE_URL is a PostgreSQL URL");
    let admin = match PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(3))
        .connect_with(admin_options.clone())
        .await
    {
        Ok(admin) => admin,
        Err(error) => {
            sql_support::unreachable(
                "PostgreSQL",
                &url,
                &error,
                "e.g. `pg_ctlcluster 16 main start`",
            );
            return None;
        }
    };
    let name = sql_support::fresh_name();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&admin)
        .await
        .expect("CREATE DATABASE");
    admin.close().await;
    let guard = FreshDatabase {
        admin: admin_options.clone(),
        name: name.clone(),
    };
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(admin_options.database(&name))
        .await
        .expect("connect to the fresh database");
    sqlx::query(sql_support::SCHEMA)
        .execute(&pool)
        .await
        .expect("the schema");
    Some((pool, guard))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_patterns_answer_200_412_404_428_and_lose_no_update() {
    let Some((pool, _guard)) = fresh_database().await else {
        return;
    };
    let router = app::router(pool.clone());

    sql_support::check_contract(&router).await;

    let refused_cas = sql_support::race(&router, "/cas", 100).await;
    let refused_tx = sql_support::race(&router, "/tx", 200).await;
    // 16 writers on one row cannot all win the first round: the race really raced.
    assert!(
        refused_cas > 0 && refused_tx > 0,
        "no conflicts: {refused_cas}, {refused_tx}"
    );
    pool.close().await;
}
