//! The first start on PostgreSQL: like an SQLite file, a database that does not exist yet is
//! created, also when several shops start on it at once; a role that may not create it is told
//! what to run instead.

mod support;

use std::process::Command;

use http::{Method, StatusCode};
use serde_json::json;
use support::{PgTestDatabase, Shop};

#[tokio::test]
async fn shops_starting_together_create_a_missing_database_once() {
    let Some(db) = PgTestDatabase::missing().await else {
        return;
    };
    // Started at the same moment: they race to create the database and then to migrate it.
    let shops = std::thread::scope(|scope| {
        let starting: Vec<_> = (0..3).map(|_| scope.spawn(|| Shop::start(&db))).collect();
        starting
            .into_iter()
            .map(|shop| shop.join().expect("each shop starts"))
            .collect::<Vec<_>>()
    });
    let cart = json!({"owner": "ada", "items": [{"sku": "apple", "qty": 1}]});
    let created = shops[0]
        .json(Method::PUT, "/carts/c1", &[("If-None-Match", "*")], &cart)
        .await;
    created.assert_status(StatusCode::CREATED);
    for shop in &shops[1..] {
        let read = shop.get("/carts/c1", &[]).await;
        read.assert_status(StatusCode::OK);
        assert_eq!(
            read.etag(),
            created.etag(),
            "every shop serves the one database"
        );
    }
}

#[tokio::test]
async fn a_role_that_may_not_create_the_database_is_told_what_to_run() {
    let Some(db) = PgTestDatabase::missing().await else {
        return;
    };
    let role = format!("{}_role", db.name());
    let mut admin = db.admin().await.expect("the admin connection");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE ROLE {role} LOGIN NOCREATEDB"
    )))
    .execute(&mut admin)
    .await
    .expect("create a role without CREATEDB");
    let url = db.url.replacen("://root@", &format!("://{role}@"), 1);
    assert_ne!(
        url, db.url,
        "the test's URL names the user root: {}",
        db.url
    );

    // The shop gives up at once (no retries for a role's privileges), so waiting is fine here.
    let output = Command::new(env!("CARGO_BIN_EXE_shop"))
        .args(["--addr", "127.0.0.1:0", "--db", &url])
        .output()
        .expect("the shop runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP ROLE {role}")))
        .execute(&mut admin)
        .await
        .expect("drop the role");

    assert!(!output.status.success(), "the shop cannot serve: {stderr}");
    assert!(
        stderr.contains(&format!("`createdb {}`", db.name())) && stderr.contains("CREATEDB"),
        "the error names what to run: {stderr}"
    );
}
