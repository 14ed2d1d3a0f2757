//! Collections that scale: `GET /orders` and `GET /carts` one page at a time (`?limit=N&after=<id>`,
//! `Link: <…>; rel="next"`), each page with its own tag, and collection validators kept by a
//! revision that every write moves, so a 304 and a POST's precondition read one row.

mod support;

use http::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Reply, Shop, TestDb, on_both_backends, temp_db};

fn order(qty: u32) -> Value {
    json!({"customer": "ada", "items": [{"sku": "apple", "qty": qty}]})
}

async fn post(shop: &Shop, collection: &str, headers: &[(&str, &str)]) -> Reply {
    let body = if collection == "/orders" {
        order(1)
    } else {
        json!({"owner": "ada", "items": []})
    };
    shop.json(Method::POST, collection, headers, &body).await
}

/// The `next` target of a reply's `Link` header, if any.
fn next_link(reply: &Reply) -> Option<String> {
    let link = reply.header("link")?;
    let target = link.strip_prefix('<')?.split_once(">; rel=\"next\"")?.0;
    Some(target.to_owned())
}

fn ids(reply: &Reply) -> Vec<String> {
    reply
        .json()
        .as_array()
        .expect("a page is a JSON array")
        .iter()
        .map(|entry| entry["id"].as_str().expect("an id").to_owned())
        .collect()
}

async fn pages_walk_the_whole_collection_by_their_links(db: TestDb) {
    let shop = Shop::start(&db);
    for collection in ["/orders", "/carts"] {
        let mut created = Vec::new();
        for _ in 0..5 {
            let reply = post(&shop, collection, &[]).await;
            reply.assert_status(StatusCode::CREATED);
            let location = reply.header("location").expect("a Location").to_owned();
            created.push(location.rsplit('/').next().expect("an id").to_owned());
        }
        created.sort();

        let whole = shop.get(collection, &[]).await;
        whole.assert_status(StatusCode::OK);
        assert_eq!(ids(&whole), created, "the default page holds all five");
        assert_eq!(whole.header("link"), None, "nothing follows");

        let mut seen = Vec::new();
        let mut tags = Vec::new();
        let mut next = Some(format!("{collection}?limit=2"));
        while let Some(target) = next {
            let page = shop.get(&target, &[]).await;
            page.assert_status(StatusCode::OK);
            assert!(ids(&page).len() <= 2);
            seen.extend(ids(&page));
            // Each page is revalidated on its own.
            shop.get(&target, &[("if-none-match", &page.etag())])
                .await
                .assert_not_modified(&page.etag());
            tags.push(page.etag());
            next = next_link(&page);
        }
        assert_eq!(
            seen, created,
            "the links visit every entry once, in id order"
        );
        assert_eq!(tags.len(), 3);
        tags.push(whole.etag());
        tags.sort();
        tags.dedup();
        assert_eq!(tags.len(), 4, "every page has its own tag");
    }
}

async fn every_write_moves_the_collection_tag(db: TestDb) {
    let shop = Shop::start(&db);
    let created = post(&shop, "/orders", &[]).await;
    let path = created.header("location").expect("a Location").to_owned();
    let mut tag = shop.get("/orders", &[]).await.etag();
    let mut page_tag = shop.get("/orders?limit=1", &[]).await.etag();
    shop.get("/orders", &[("if-none-match", &tag)])
        .await
        .assert_not_modified(&tag);

    for step in ["put", "patch", "post", "delete"] {
        match step {
            "put" => {
                let current = shop.get(&path, &[]).await.etag();
                shop.json(Method::PUT, &path, &[("if-match", &current)], &order(3))
                    .await
                    .assert_status(StatusCode::OK);
            }
            "patch" => {
                let current = shop.get(&path, &[]).await.etag();
                shop.merge_patch(&path, &[("if-match", &current)], &json!({"note": "y"}))
                    .await
                    .assert_status(StatusCode::OK);
            }
            "post" => {
                post(&shop, "/orders", &[])
                    .await
                    .assert_status(StatusCode::CREATED);
            }
            _ => {
                let current = shop.get(&path, &[]).await.etag();
                shop.send(Method::DELETE, &path, &[("if-match", &current)], None)
                    .await
                    .assert_status(StatusCode::NO_CONTENT);
            }
        }
        let listed = shop.get("/orders", &[("if-none-match", &tag)]).await;
        listed.assert_status(StatusCode::OK);
        assert_ne!(listed.etag(), tag, "after a {step}");
        tag = listed.etag();
        let page = shop
            .get("/orders?limit=1", &[("if-none-match", &page_tag)])
            .await;
        page.assert_status(StatusCode::OK);
        page_tag = page.etag();
    }
}

async fn a_post_precondition_is_checked_against_the_collection_revision(db: TestDb) {
    let shop = Shop::start(&db);
    for collection in ["/orders", "/carts"] {
        let tag = shop.get(collection, &[]).await.etag();
        post(&shop, collection, &[("if-match", &tag)])
            .await
            .assert_status(StatusCode::CREATED);
        // The client's view is stale now: the POST moved the revision.
        post(&shop, collection, &[("if-match", &tag)])
            .await
            .assert_problem(StatusCode::PRECONDITION_FAILED);
        post(&shop, collection, &[("if-none-match", "\"x\"")])
            .await
            .assert_status(StatusCode::CREATED);
        let current = shop.get(collection, &[]).await.etag();
        post(&shop, collection, &[("if-none-match", &current)])
            .await
            .assert_problem(StatusCode::PRECONDITION_FAILED);
        // A page's tag is not the collection's.
        let page = shop.get(&format!("{collection}?limit=1"), &[]).await.etag();
        post(&shop, collection, &[("if-match", &page)])
            .await
            .assert_problem(StatusCode::PRECONDITION_FAILED);
    }
}

async fn cart_writes_move_the_carts_tag(db: TestDb) {
    let shop = Shop::start(&db);
    let created = post(&shop, "/carts", &[]).await;
    let path = created.header("location").expect("a Location").to_owned();
    let mut tag = shop.get("/carts", &[]).await.etag();
    for step in ["put", "patch", "delete"] {
        let current = shop.get(&path, &[]).await.etag();
        let reply = match step {
            "put" => {
                let body = json!({"owner": "ada", "items": [{"sku": "fig", "qty": 1}]});
                shop.json(Method::PUT, &path, &[("if-match", &current)], &body)
                    .await
            }
            "patch" => {
                shop.merge_patch(&path, &[("if-match", &current)], &json!({"owner": "bob"}))
                    .await
            }
            _ => {
                shop.send(Method::DELETE, &path, &[("if-match", &current)], None)
                    .await
            }
        };
        assert!(reply.status.is_success(), "{step}: {reply:?}");
        let listed = shop.get("/carts", &[("if-none-match", &tag)]).await;
        listed.assert_status(StatusCode::OK);
        assert_ne!(listed.etag(), tag, "after a {step}");
        tag = listed.etag();
    }
}

async fn bad_page_queries_are_400(db: TestDb) {
    let shop = Shop::start(&db);
    for query in ["limit=0", "limit=1001", "limit=two", "page=2"] {
        shop.get(&format!("/orders?{query}"), &[])
            .await
            .assert_problem(StatusCode::BAD_REQUEST);
    }
}

/// The collection's validators are read from its revision alone: with an order whose stored
/// items cannot even be decoded, a 304 for `GET /orders` and a conditional POST still succeed,
/// because neither reads an order. (Listing the collection, as before, fails on that order.)
#[tokio::test]
async fn collection_validators_read_no_entries() {
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    post(&shop, "/orders", &[])
        .await
        .assert_status(StatusCode::CREATED);
    let tag = shop.get("/orders", &[]).await.etag();
    rusqlite::Connection::open(&db)
        .expect("the database opens")
        .execute(
            r#"REPLACE INTO orders (id, customer, items, note, modified_ms, etag)
               VALUES ('zz', 'eve', 'not json', NULL, 1, '"x"')"#,
            [],
        )
        .expect("an order the shop cannot decode, written behind its back");
    shop.get("/orders", &[("if-none-match", &tag)])
        .await
        .assert_not_modified(&tag);
    post(&shop, "/orders", &[("if-none-match", "\"other\"")])
        .await
        .assert_status(StatusCode::CREATED);
}

on_both_backends!(
    pages_walk_the_whole_collection_by_their_links,
    every_write_moves_the_collection_tag,
    a_post_precondition_is_checked_against_the_collection_revision,
    cart_writes_move_the_carts_tag,
    bad_page_queries_are_400,
);
