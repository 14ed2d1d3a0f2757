//! A strong tag per content coding, through tower-http's real compression (gzip, br, zstd) in
//! front of `#[conditional]` handlers: what a client receives, and that echoing it works.

mod support;

use std::io::Read;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::Path;
use axum::routing;
use etag_core::{CodingTagsLayer, EntityTag, Versioned, conditional};
use http::StatusCode;
use serde::Serialize;
use support::app::{ApiError, Shop, router};
use support::client::{Reply, get, put};

const ORDER: &str = "/orders/1";
const PRECHECKED: &str = "/prechecked/orders/1";
const NEW_ITEMS: &str = r#"{"items": ["pear", "plum", "quince", "apricot"]}"#;

/// The test service with order 1 at version 3, behind the coding layer.
fn app(shop: &Shop) -> Router {
    router(shop.clone()).layer(CodingTagsLayer::new())
}

fn order_at(version: u64) -> Shop {
    Shop::with_order(1, version)
}

/// The body, decoded as its `Content-Encoding` says.
fn decoded(reply: &Reply) -> serde_json::Value {
    let mut bytes = Vec::new();
    match reply.header("content-encoding") {
        None => bytes.clone_from(&reply.body),
        Some("gzip") => {
            flate2::read::GzDecoder::new(&reply.body[..])
                .read_to_end(&mut bytes)
                .expect("a gzip body");
        }
        Some("br") => {
            brotli_decompressor::Decompressor::new(&reply.body[..], 4096)
                .read_to_end(&mut bytes)
                .expect("a brotli body");
        }
        Some("zstd") => bytes = zstd::decode_all(&reply.body[..]).expect("a zstd body"),
        Some(other) => panic!("unexpected coding {other}"),
    }
    serde_json::from_slice(&bytes).expect("JSON inside")
}

#[track_caller]
fn assert_varies_with_accept_encoding(reply: &Reply) {
    let vary: Vec<&str> = reply
        .headers
        .get_all("vary")
        .iter()
        .map(|value| value.to_str().expect("ASCII"))
        .collect();
    assert!(
        vary.iter()
            .any(|line| line.to_ascii_lowercase().contains("accept-encoding")),
        "Vary: {vary:?}"
    );
}

#[tokio::test]
async fn each_coding_is_sent_with_its_own_strong_tag() {
    let shop = order_at(3);
    let app = app(&shop);
    let expected = serde_json::json!({"id": 1, "version": 3, "items": ["apple"]});
    for (accept, coding, tag) in [
        ("gzip", Some("gzip"), "\"3.gz\""),
        ("br", Some("br"), "\"3.br\""),
        ("zstd", Some("zstd"), "\"3.zst\""),
        ("identity", None, "\"3\""),
    ] {
        let reply = get(&app, ORDER, &[("accept-encoding", accept)]).await;
        assert_eq!(reply.status, StatusCode::OK, "Accept-Encoding: {accept}");
        assert_eq!(reply.header("content-encoding"), coding);
        assert_eq!(reply.header("etag"), Some(tag));
        assert_varies_with_accept_encoding(&reply);
        assert_eq!(decoded(&reply), expected, "Accept-Encoding: {accept}");
    }
    let plain = get(&app, ORDER, &[]).await;
    assert_eq!(plain.header("etag"), Some("\"3\""));
    assert_eq!(plain.header("content-encoding"), None);
}

#[tokio::test]
async fn a_304_confirms_the_coding_the_client_holds() {
    let shop = order_at(3);
    let app = app(&shop);
    for (accept, held, answered) in [
        ("gzip", "\"3.gz\"", "\"3.gz\""),
        ("br", "\"3.br\"", "\"3.br\""),
        ("gzip, br", "\"3.br\"", "\"3.br\""),
        // A cache holding several copies names them all; the first this request accepts wins.
        ("br", "\"3.gz\", \"3.br\"", "\"3.br\""),
        ("gzip", "\"2.br\", \"3.gz\"", "\"3.gz\""),
        ("gzip", "\"3\"", "\"3\""),
    ] {
        let reply = get(
            &app,
            ORDER,
            &[("accept-encoding", accept), ("if-none-match", held)],
        )
        .await;
        assert_eq!(reply.status, StatusCode::NOT_MODIFIED, "{accept} / {held}");
        assert_eq!(reply.header("etag"), Some(answered), "{accept} / {held}");
        assert!(
            reply.body.is_empty(),
            "{accept} / {held}: {:?} {:?}",
            reply.headers,
            reply.body
        );
        assert_eq!(reply.header("content-encoding"), None);
        assert_varies_with_accept_encoding(&reply);
    }
}

#[tokio::test]
async fn a_copy_the_request_does_not_accept_or_a_stale_one_gets_the_body() {
    let shop = order_at(3);
    let app = app(&shop);
    for (accept, held, sent, tag) in [
        ("br", "\"3.gz\"", Some("br"), "\"3.br\""),
        ("gzip", "\"2.gz\"", Some("gzip"), "\"3.gz\""),
        ("gzip", "W/\"3.gz\"", Some("gzip"), "\"3.gz\""),
    ] {
        let reply = get(
            &app,
            ORDER,
            &[("accept-encoding", accept), ("if-none-match", held)],
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{accept} / {held}");
        assert_eq!(reply.header("content-encoding"), sent);
        assert_eq!(reply.header("etag"), Some(tag));
    }
}

#[tokio::test]
async fn a_precheck_answers_the_304_with_the_coded_tag_too() {
    let shop = order_at(3);
    let app = app(&shop);
    let reply = get(
        &app,
        PRECHECKED,
        &[("accept-encoding", "gzip"), ("if-none-match", "\"3.gz\"")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_MODIFIED);
    assert_eq!(reply.header("etag"), Some("\"3.gz\""));
    assert_eq!(Shop::count(&shop.counters.handler_runs), 0);
}

#[tokio::test]
async fn if_match_with_any_codings_tag_of_the_current_state_writes() {
    for held in ["\"3.gz\"", "\"3.br\"", "\"3.zst\"", "\"3\""] {
        let shop = order_at(3);
        let app = app(&shop);
        let reply = put(
            &app,
            ORDER,
            &[("if-match", held), ("accept-encoding", "gzip")],
            NEW_ITEMS,
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "If-Match: {held}");
        assert_eq!(reply.header("etag"), Some("\"4.gz\""), "If-Match: {held}");
        assert_eq!(decoded(&reply)["version"], 4);
        // The new tag of the coding the client received works for the next write.
        let next = put(&app, ORDER, &[("if-match", "\"4.gz\"")], NEW_ITEMS).await;
        assert_eq!(next.status, StatusCode::OK, "after If-Match: {held}");
        assert_eq!(next.header("etag"), Some("\"5\""));
    }
}

#[tokio::test]
async fn stale_weakened_and_foreign_tags_fail() {
    for held in [
        "\"2.gz\"",
        "\"2.br\"",
        // Weak tags never satisfy If-Match (RFC 9110 §13.1.1), whoever weakened them.
        "W/\"3\"",
        "W/\"3.gz\"",
        // Suffixes this layer does not send are not read back.
        "\"3-gzip\"",
        "\"3.lz\"",
        "\"3gz\"",
        "\"3.gz.gz\"",
    ] {
        let shop = order_at(3);
        let app = app(&shop);
        let reply = put(&app, ORDER, &[("if-match", held)], NEW_ITEMS).await;
        assert_eq!(
            reply.status,
            StatusCode::PRECONDITION_FAILED,
            "If-Match: {held}"
        );
        assert_eq!(Shop::count(&shop.counters.handler_runs), 1, "{held}");
        let unchanged = get(&app, ORDER, &[]).await;
        assert_eq!(unchanged.header("etag"), Some("\"3\""), "{held}");
    }
}

#[tokio::test]
async fn if_none_match_on_a_write_is_about_the_state() {
    let shop = order_at(3);
    let app = app(&shop);
    // The client holds the br copy and asks for gzip: for a write that does not matter.
    let reply = put(
        &app,
        ORDER,
        &[("if-none-match", "\"3.br\""), ("accept-encoding", "gzip")],
        NEW_ITEMS,
    )
    .await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
}

/// A resource whose tag is whatever the path says, to test tags a handler may choose.
#[derive(Serialize)]
struct Note {
    text: &'static str,
    #[serde(skip)]
    tag: EntityTag,
}

impl Versioned for Note {
    fn etag(&self) -> EntityTag {
        self.tag.clone()
    }
}

const NOTE_TEXT: &str = "a note long enough to be worth compressing, twice over";

#[conditional]
async fn weak_note() -> Result<Note, ApiError> {
    Ok(Note {
        text: NOTE_TEXT,
        tag: EntityTag::weak("n1").expect("a valid tag"),
    })
}

#[conditional]
async fn strong_note(Path(tag): Path<String>) -> Result<Note, ApiError> {
    Ok(Note {
        text: NOTE_TEXT,
        tag: EntityTag::strong(tag).expect("a valid tag"),
    })
}

fn notes() -> Router {
    Router::new()
        .route("/weak", routing::get(weak_note))
        .route("/strong/{tag}", routing::get(strong_note))
        .with_state(Shop::new())
        .layer(CodingTagsLayer::new())
}

#[tokio::test]
async fn weak_tags_are_shared_by_every_coding() {
    let app = notes();
    let reply = get(&app, "/weak", &[("accept-encoding", "gzip")]).await;
    assert_eq!(reply.header("content-encoding"), Some("gzip"));
    assert_eq!(reply.header("etag"), Some("W/\"n1\""));
    assert_varies_with_accept_encoding(&reply);
    let revalidated = get(
        &app,
        "/weak",
        &[("accept-encoding", "br"), ("if-none-match", "W/\"n1\"")],
    )
    .await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert_eq!(revalidated.header("etag"), Some("W/\"n1\""));
}

#[tokio::test]
async fn a_handler_tag_that_looks_coded_is_escaped_and_read_back() {
    let app = notes();
    let identity = get(&app, "/strong/v.gz", &[]).await;
    assert_eq!(identity.header("etag"), Some("\"v.gz.id\""));
    let gzip = get(&app, "/strong/v.gz", &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzip.header("etag"), Some("\"v.gz.gz\""));
    for (accept, held) in [("identity", "\"v.gz.id\""), ("gzip", "\"v.gz.gz\"")] {
        let reply = get(
            &app,
            "/strong/v.gz",
            &[("accept-encoding", accept), ("if-none-match", held)],
        )
        .await;
        assert_eq!(reply.status, StatusCode::NOT_MODIFIED, "{held}");
        assert_eq!(reply.header("etag"), Some(held));
    }
    // The identity tag the handler produced is not what this layer sends, so it does not match.
    let untouched = get(&app, "/strong/v.gz", &[("if-none-match", "\"v\"")]).await;
    assert_eq!(untouched.status, StatusCode::OK);
}

#[tokio::test]
async fn the_precheck_counter_is_real() {
    // Guards a_precheck_answers_the_304_with_the_coded_tag_too: a plain GET runs the handler.
    let shop = order_at(3);
    let reply = get(&app(&shop), PRECHECKED, &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(shop.counters.handler_runs.load(Ordering::SeqCst), 1);
}
