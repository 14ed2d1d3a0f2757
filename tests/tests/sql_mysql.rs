//! `etag_core::sql` against a real MariaDB (or MySQL): both write patterns under
//! `#[conditional(require)]`, through a real router, alone and with concurrent writers.
//!
//! `MYSQL_URL` (default `mysql://root@127.0.0.1:3306/test`) names the server; each run creates
//! its own database and drops it after.

mod sql_support;

use std::str::FromStr;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};

counter_app! {
    pool = sqlx::MySqlPool,
    begin_locked = |pool| pool.begin(),
    versions = |condition| condition.json(),
    select = "SELECT count, version FROM counters WHERE id = ?",
    select_for_update = "SELECT count, version FROM counters WHERE id = ? FOR UPDATE",
    // Always bumps the version: a matching row is always changed, found-rows or not.
    cas_update = "UPDATE counters SET count = ?, version = version + 1
                  WHERE id = ? AND JSON_CONTAINS(?, CAST(version AS CHAR)) = ?",
    insert_if_absent = "INSERT IGNORE INTO counters (id, count, version) VALUES (?, ?, 1)",
    cas_delete = "DELETE FROM counters WHERE id = ? AND JSON_CONTAINS(?, CAST(version AS CHAR)) = ?",
    set = "UPDATE counters SET count = ?, version = ? WHERE id = ?",
}

/// This run's database, dropped when the test ends, passed or not.
struct FreshDatabase {
    admin: MySqlConnectOptions,
    name: String,
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async {
                let admin = MySqlPoolOptions::new()
                    .max_connections(1)
                    .connect_with(admin)
                    .await?;
                let drop = format!("DROP DATABASE IF EXISTS `{name}`");
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

async fn fresh_database() -> Option<(MySqlPool, FreshDatabase)> {
    let url = std::env::var("MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".to_owned());
    let admin_options = MySqlConnectOptions::from_str(&url).expect("MYSQL_URL is a MySQL URL");
    let admin = match MySqlPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(3))
        .connect_with(admin_options.clone())
        .await
    {
        Ok(admin) => admin,
        Err(error) => {
            sql_support::unreachable("MariaDB", &url, &error, "e.g. `service mariadb start`");
            return None;
        }
    };
    let name = sql_support::fresh_name();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
        .execute(&admin)
        .await
        .expect("CREATE DATABASE");
    admin.close().await;
    let guard = FreshDatabase {
        admin: admin_options.clone(),
        name: name.clone(),
    };
    let pool = MySqlPoolOptions::new()
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
    assert!(
        refused_cas > 0 && refused_tx > 0,
        "no conflicts: {refused_cas}, {refused_tx}"
    );
    pool.close().await;
}
