//! The order validators stored in each row, which `GET /orders/{id}` decides its 304 from:
//! they must always equal what a full GET sends, and databases from before they existed must be
//! upgraded with unchanged tags.

mod support;

use std::path::Path;

use etag_core::Versioned;
use etag_examples::store::Store;
use http::{Method, StatusCode};
use rusqlite::Connection;
use serde_json::json;
use support::{Shop, TestDb, on_both_backends, temp_db};

/// The tag the shop sent for `{"customer":"ada","items":[{"sku":"apple","qty":2}]}` before tags
/// were stored (the README's curl session, recorded against the previous schema).
const ADA_TAG: &str = "\"19989bb927c2f48ac9798d2d0d38e962\"";

/// The stored tag of `id`, read through the store as the precheck reads it.
async fn stored_tag(store: &Store, id: &str) -> String {
    store
        .orders()
        .validators(id)
        .await
        .expect("the validators read")
        .expect("stored validators for an existing order")
        .etag()
        .to_string()
}

/// Asserts that a full GET of `id` sends the stored tag, and returns it.
async fn assert_get_sends_the_stored_tag(shop: &Shop, store: &Store, id: &str) -> String {
    let fetched = shop.get(&format!("/orders/{id}"), &[]).await;
    fetched.assert_status(StatusCode::OK);
    assert_eq!(fetched.etag(), stored_tag(store, id).await, "order {id}");
    let order = store
        .orders()
        .get(id)
        .await
        .expect("the order reads")
        .expect("the order exists");
    assert_eq!(fetched.etag(), order.etag().to_string(), "order {id}");
    fetched.etag()
}

async fn the_stored_tag_follows_every_write(db: TestDb) {
    let shop = Shop::start(&db);
    let store = Store::connect(&db.location())
        .await
        .expect("the shop's database opens");

    let created = shop
        .json(
            Method::POST,
            "/orders",
            &[],
            &json!({"customer": "ada", "items": [{"sku": "apple", "qty": 2}]}),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let id = created
        .header("location")
        .and_then(|location| location.strip_prefix("/orders/"))
        .expect("a Location under /orders/")
        .to_owned();
    let path = format!("/orders/{id}");
    let mut tag = assert_get_sends_the_stored_tag(&shop, &store, &id).await;
    assert_eq!(created.etag(), tag);

    let put = shop
        .json(
            Method::PUT,
            &path,
            &[("if-match", &tag)],
            &json!({"customer": "ada", "items": [{"sku": "pear", "qty": 1}], "note": "soon"}),
        )
        .await;
    put.assert_status(StatusCode::OK);
    let after_put = assert_get_sends_the_stored_tag(&shop, &store, &id).await;
    assert_ne!(
        after_put, tag,
        "a replacement with new content has a new tag"
    );
    assert_eq!(put.etag(), after_put);
    tag = after_put;

    let patched = shop
        .merge_patch(&path, &[("if-match", &tag)], &json!({"note": null}))
        .await;
    patched.assert_status(StatusCode::OK);
    let after_patch = assert_get_sends_the_stored_tag(&shop, &store, &id).await;
    assert_ne!(after_patch, tag, "removing the note changes the tag");
    assert_eq!(patched.etag(), after_patch);

    // A PUT to a new id creates (201) and stores its tag too.
    let created_by_put = shop
        .json(
            Method::PUT,
            "/orders/by-put",
            &[("if-none-match", "*")],
            &json!({"customer": "bob", "items": []}),
        )
        .await;
    created_by_put.assert_status(StatusCode::CREATED);
    let by_put = assert_get_sends_the_stored_tag(&shop, &store, "by-put").await;
    assert_eq!(created_by_put.etag(), by_put);

    // Deleted orders have no validators; a re-created one has its own again.
    shop.send(
        Method::DELETE,
        "/orders/by-put",
        &[("if-match", &by_put)],
        None,
    )
    .await
    .assert_status(StatusCode::NO_CONTENT);
    assert_eq!(
        store.orders().validators("by-put").await.expect("a read"),
        None
    );
}

async fn a_current_tag_gets_304_and_any_change_a_200(db: TestDb) {
    let shop = Shop::start(&db);
    let path = "/orders/o1";
    let created = shop
        .json(
            Method::PUT,
            path,
            &[("if-none-match", "*")],
            &json!({"customer": "ada", "items": [{"sku": "apple", "qty": 2}]}),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let first = created.etag();
    let first_date = shop.get(path, &[]).await.last_modified();

    shop.get(path, &[("if-none-match", &first)])
        .await
        .assert_not_modified(&first);
    let head = shop
        .send(Method::HEAD, path, &[("if-none-match", &first)], None)
        .await;
    head.assert_not_modified(&first);
    assert_eq!(head.last_modified(), first_date);
    shop.get(path, &[("if-modified-since", &first_date)])
        .await
        .assert_not_modified(&first);
    // A failed If-Match on a GET is decided from the stored tag as well.
    shop.get(path, &[("if-match", "\"other\"")])
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);
    shop.get(path, &[("if-match", &first)])
        .await
        .assert_status(StatusCode::OK);

    // After a PATCH, the old tag gets the new state in full.
    let patched = shop
        .merge_patch(
            path,
            &[("if-match", &first)],
            &json!({"items": [{"sku": "apple", "qty": 3}]}),
        )
        .await;
    patched.assert_status(StatusCode::OK);
    let second = patched.etag();
    let full = shop.get(path, &[("if-none-match", &first)]).await;
    full.assert_status(StatusCode::OK);
    assert_eq!(full.etag(), second);
    assert_eq!(
        full.json(),
        json!({"customer": "ada", "items": [{"sku": "apple", "qty": 3}]})
    );
    shop.get(path, &[("if-none-match", &second)])
        .await
        .assert_not_modified(&second);

    // After a PUT too.
    let put = shop
        .json(
            Method::PUT,
            path,
            &[("if-match", &second)],
            &json!({"customer": "ada", "items": []}),
        )
        .await;
    put.assert_status(StatusCode::OK);
    let third = put.etag();
    let full = shop.get(path, &[("if-none-match", &second)]).await;
    full.assert_status(StatusCode::OK);
    assert_eq!(full.etag(), third);
    shop.get(path, &[("if-none-match", &third)])
        .await
        .assert_not_modified(&third);

    // A deleted order is 404 whatever the preconditions, old tag or not.
    shop.send(Method::DELETE, path, &[("if-match", &third)], None)
        .await
        .assert_status(StatusCode::NO_CONTENT);
    for headers in [
        [("if-none-match", third.as_str())],
        [("if-none-match", "*")],
        [("if-match", third.as_str())],
    ] {
        shop.get(path, &headers)
            .await
            .assert_problem(StatusCode::NOT_FOUND);
    }
}

/// The 304 is decided from the stored column, not from the loaded order: a tag planted in the
/// column (by hand; the store never writes one that differs) is what a conditional GET answers.
#[tokio::test]
async fn the_304_is_decided_from_the_stored_tag() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    let path = "/orders/o1";
    shop.json(
        Method::PUT,
        path,
        &[("if-none-match", "*")],
        &json!({"customer": "ada", "items": []}),
    )
    .await
    .assert_status(StatusCode::CREATED);

    set_stored_tag(&db, "o1", "\"planted\"");
    shop.get(path, &[("if-none-match", "\"planted\"")])
        .await
        .assert_not_modified("\"planted\"");
}

/// A stored tag that does not parse never breaks the GET: the precheck steps aside and the
/// handler answers from the order itself (200, or a 304 from the computed tag).
#[tokio::test]
async fn an_unreadable_stored_tag_falls_back_to_the_order() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    let path = "/orders/o1";
    let created = shop
        .json(
            Method::PUT,
            path,
            &[("if-none-match", "*")],
            &json!({"customer": "ada", "items": []}),
        )
        .await;
    created.assert_status(StatusCode::CREATED);
    let tag = created.etag();

    set_stored_tag(&db, "o1", "not a tag");
    let full = shop.get(path, &[]).await;
    full.assert_status(StatusCode::OK);
    assert_eq!(full.etag(), tag);
    shop.get(path, &[("if-none-match", &tag)])
        .await
        .assert_not_modified(&tag);
    shop.get(path, &[("if-none-match", "\"other\"")])
        .await
        .assert_status(StatusCode::OK);
}

/// Writes `tag` into the order's `etag` column directly, as only a hand edit could.
fn set_stored_tag(db: &Path, id: &str, tag: &str) {
    let conn = Connection::open(db).expect("the database file opens");
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .expect("a busy timeout");
    let changed = conn
        .execute(
            "UPDATE orders SET etag = ?2 WHERE id = ?1",
            rusqlite::params![id, tag],
        )
        .expect("the tag column is writable");
    assert_eq!(changed, 1);
}

/// Creates `db` as the previous release did: schema version 2, without the tag column, holding
/// the README's order and one with a note and several items.
fn create_schema_2_database(db: &Path) {
    let conn = Connection::open(db).expect("a new database file");
    conn.execute_batch(
        r#"
        CREATE TABLE orders (
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
        ) STRICT;
        CREATE TABLE order_tombstones (
            id          TEXT PRIMARY KEY NOT NULL,
            modified_ms INTEGER NOT NULL
        ) STRICT;
        INSERT INTO orders (id, customer, items, note, modified_ms) VALUES
            ('1001', 'ada', '[{"sku":"apple","qty":2}]', NULL, 1700000000000),
            ('1002', 'bob', '[{"sku":"pear","qty":1},{"sku":"fig","qty":12}]', 'ring twice',
             1700000005000);
        INSERT INTO carts (id, owner, items, version) VALUES ('c1', 'ada', '[]', 4);
        PRAGMA user_version = 2;
        "#,
    )
    .expect("the schema-2 database");
}

#[tokio::test]
async fn a_database_from_the_previous_schema_is_upgraded_with_unchanged_tags() {
    let (_dir, db) = temp_db();
    create_schema_2_database(&db);
    let shop = Shop::start(&db);
    let store = Store::open(&db).await.expect("the upgraded database opens");

    let version: i64 = Connection::open(&db)
        .expect("the database file opens")
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("user_version");
    assert_eq!(version, 6, "migrated to the current schema");

    // The tag the previous release sent for this order, now read from the stored column.
    assert_eq!(stored_tag(&store, "1001").await, ADA_TAG);
    let fetched = shop.get("/orders/1001", &[]).await;
    fetched.assert_status(StatusCode::OK);
    assert_eq!(fetched.etag(), ADA_TAG);
    assert_eq!(fetched.last_modified(), "Tue, 14 Nov 2023 22:13:20 GMT");
    assert_eq!(
        fetched.json(),
        json!({"customer": "ada", "items": [{"sku": "apple", "qty": 2}]})
    );
    shop.get("/orders/1001", &[("if-none-match", ADA_TAG)])
        .await
        .assert_not_modified(ADA_TAG);
    shop.get("/orders/1001", &[("if-none-match", "\"other\"")])
        .await
        .assert_status(StatusCode::OK);

    let bob = assert_get_sends_the_stored_tag(&shop, &store, "1002").await;
    shop.get("/orders/1002", &[("if-none-match", &bob)])
        .await
        .assert_not_modified(&bob);

    // The upgraded rows take writes, and the stored tag follows them.
    let patched = shop
        .merge_patch(
            "/orders/1001",
            &[("if-match", ADA_TAG)],
            &json!({"note": "leave at the door"}),
        )
        .await;
    patched.assert_status(StatusCode::OK);
    let new_tag = assert_get_sends_the_stored_tag(&shop, &store, "1001").await;
    assert_eq!(patched.etag(), new_tag);
    assert_ne!(new_tag, ADA_TAG);
    shop.get("/orders/1001", &[("if-none-match", ADA_TAG)])
        .await
        .assert_status(StatusCode::OK);

    // Other resources came through untouched.
    let cart = shop.get("/carts/c1", &[]).await;
    cart.assert_status(StatusCode::OK);
    assert_eq!(cart.etag(), "\"4\"");
}

on_both_backends!(
    the_stored_tag_follows_every_write,
    a_current_tag_gets_304_and_any_change_a_200,
);
