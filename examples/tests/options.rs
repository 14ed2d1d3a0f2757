//! OPTIONS on every resource: 204 with `Allow`, whatever the preconditions (RFC 9110 §9.3.7,
//! §13.2.1).

mod support;

use std::collections::BTreeSet;
use std::process::Command;

use http::{Method, StatusCode};
use serde_json::json;
use support::{DbArg, Reply, Shop, TestDb, on_both_backends};

/// The methods a header such as `Allow` lists, as a set.
fn methods(list: &str) -> BTreeSet<String> {
    list.split(',')
        .map(|method| method.trim().to_owned())
        .filter(|method| !method.is_empty())
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|&name| name.to_owned()).collect()
}

/// Asserts a 204 answer to OPTIONS allowing exactly `allowed`, and returns it.
#[track_caller]
fn assert_options(reply: &Reply, allowed: &BTreeSet<String>) {
    reply.assert_status(StatusCode::NO_CONTENT);
    assert!(reply.body.is_empty(), "no body: {reply:?}");
    let allow = reply.header("allow").expect("an Allow header");
    assert_eq!(&methods(allow), allowed, "Allow: {allow}");
}

/// The shop with one order, one cart and one product; returns the paths of each kind of route
/// with the methods each allows, and a method each refuses.
async fn populated(shop: &Shop) -> Vec<(String, BTreeSet<String>, Method)> {
    let order = shop
        .json(
            Method::POST,
            "/orders",
            &[],
            &json!({"customer": "ada", "items": []}),
        )
        .await;
    order.assert_status(StatusCode::CREATED);
    let cart = shop
        .json(
            Method::POST,
            "/carts",
            &[],
            &json!({"owner": "ada", "items": []}),
        )
        .await;
    cart.assert_status(StatusCode::CREATED);
    shop.json(
        Method::PUT,
        "/products/apple",
        &[("if-none-match", "*")],
        &json!({"name": "Apple", "price": 0.5, "stock": 3}),
    )
    .await
    .assert_status(StatusCode::CREATED);

    let item = set(&["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"]);
    let collection = set(&["GET", "HEAD", "POST", "OPTIONS"]);
    let product = set(&["GET", "HEAD", "PUT", "OPTIONS"]);
    let location = |reply: &Reply| reply.header("location").expect("a Location").to_owned();
    vec![
        ("/orders".into(), collection.clone(), Method::DELETE),
        (location(&order), item.clone(), Method::POST),
        ("/orders/missing".into(), item.clone(), Method::POST),
        ("/carts".into(), collection, Method::PUT),
        (location(&cart), item.clone(), Method::POST),
        ("/carts/missing".into(), item, Method::POST),
        ("/products/apple".into(), product.clone(), Method::DELETE),
        ("/products/missing".into(), product, Method::PATCH),
    ]
}

async fn options_lists_the_allowed_methods_on_every_route(db: TestDb) {
    let shop = Shop::start(&db);
    for (path, allowed, refused) in populated(&shop).await {
        let reply = shop.send(Method::OPTIONS, &path, &[], None).await;
        assert_options(&reply, &allowed);
        // PATCH is advertised with the patch format it takes (RFC 5789 §3.1).
        let accept_patch = reply.header("accept-patch");
        if allowed.contains("PATCH") {
            assert_eq!(accept_patch, Some("application/merge-patch+json"), "{path}");
        } else {
            assert_eq!(accept_patch, None, "{path}");
        }
        // A 405 on the same route names the same methods.
        let not_allowed = shop.send(refused, &path, &[], None).await;
        not_allowed.assert_problem(StatusCode::METHOD_NOT_ALLOWED);
        let allow = not_allowed.header("allow").expect("Allow on a 405");
        assert_eq!(methods(allow), allowed, "{path}: 405 Allow: {allow}");
    }
}

async fn options_ignores_every_precondition_even_malformed_ones(db: TestDb) {
    let shop = Shop::start(&db);
    for (path, allowed, _) in populated(&shop).await {
        let before = shop.get(&path, &[]).await;
        for headers in [
            vec![("if-match", "\"stale\"")],
            vec![("if-match", "no-quotes")],
            vec![("if-none-match", "*")],
            vec![("if-none-match", "bare")],
            vec![("if-unmodified-since", "Sun, 06 Nov 1994 08:49:37 GMT")],
            vec![("if-unmodified-since", "not a date")],
            vec![("if-modified-since", "Sun, 06 Nov 2994 08:49:37 GMT")],
        ] {
            let reply = shop.send(Method::OPTIONS, &path, &headers, None).await;
            assert_options(&reply, &allowed);
        }
        // And it changed nothing.
        let after = shop.get(&path, &[]).await;
        assert_eq!(after.status, before.status, "{path}");
        assert_eq!(after.body, before.body, "{path}");
    }
}

async fn options_on_an_unknown_path_is_404(db: TestDb) {
    let shop = Shop::start(&db);
    shop.send(Method::OPTIONS, "/nowhere", &[], None)
        .await
        .assert_problem(StatusCode::NOT_FOUND);
}

/// With `--cors-origin`, a CORS preflight is the CORS layer's to answer, and any other OPTIONS is
/// still the route's own: tower-http's layer would otherwise answer every OPTIONS itself.
async fn behind_cors_a_plain_options_is_still_the_routes_own(db: TestDb) {
    const PAGE: &str = "https://page.example";
    let mut command = Command::new(env!("CARGO_BIN_EXE_shop"));
    command
        .args(["--addr", "127.0.0.1:0", "--cors-origin", PAGE, "--db"])
        .arg(db.db_arg());
    let shop = Shop::spawn(command);
    let collection = set(&["GET", "HEAD", "POST", "OPTIONS"]);
    for headers in [vec![], vec![("origin", PAGE)]] {
        let plain = shop.send(Method::OPTIONS, "/orders", &headers, None).await;
        assert_options(&plain, &collection);
    }
    let preflight = shop
        .send(
            Method::OPTIONS,
            "/orders",
            &[
                ("origin", PAGE),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", "content-type"),
            ],
            None,
        )
        .await;
    assert!(preflight.status.is_success(), "{preflight:?}");
    assert_eq!(preflight.header("access-control-allow-origin"), Some(PAGE));
    assert_eq!(
        preflight.header("allow"),
        None,
        "the layer's answer, not the route's"
    );
    let read = shop.get("/orders", &[("origin", PAGE)]).await;
    read.assert_status(StatusCode::OK);
    assert_eq!(read.header("access-control-allow-origin"), Some(PAGE));
    let exposed = read
        .header("access-control-expose-headers")
        .unwrap_or_default();
    assert!(exposed.to_ascii_lowercase().contains("etag"), "{exposed}");
}

on_both_backends!(
    behind_cors_a_plain_options_is_still_the_routes_own,
    options_lists_the_allowed_methods_on_every_route,
    options_ignores_every_precondition_even_malformed_ones,
    options_on_an_unknown_path_is_404,
);
