//! The single-field extractors `IfMatch` / `IfNoneMatch`, required and optional.

mod support;

use http::{Method, StatusCode};
use support::app::{Shop, router};
use support::client::{get, send};

#[tokio::test]
async fn optional_tag_fields_are_none_when_absent_and_parsed_over_all_lines() {
    let app = router(Shop::new());
    let reply = get(&app, "/plain/tag-fields", &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, b"None | None");

    let reply = get(
        &app,
        "/plain/tag-fields",
        &[
            ("if-match", "\"a\""),
            ("if-match", "W/\"b\", \"c,d\""),
            ("if-none-match", "*"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let text = String::from_utf8(reply.body).expect("utf-8");
    assert_eq!(
        text,
        "Some(IfMatch(Tags([EntityTag(\"a\"), EntityTag(W/\"b\"), EntityTag(\"c,d\")]))) \
         | Some(IfNoneMatch(Any))"
    );
}

#[tokio::test]
async fn malformed_tag_fields_are_400_even_when_optional() {
    let app = router(Shop::new());
    for (method, name, value, header) in [
        (Method::GET, "if-match", "abc", "If-Match"),
        (Method::PUT, "if-match", "abc", "If-Match"),
        (Method::PUT, "if-none-match", "\"a\", *", "If-None-Match"),
        (Method::PUT, "if-none-match", "", "If-None-Match"),
    ] {
        let reply = send(
            &app,
            method.clone(),
            "/plain/tag-fields",
            &[(name, value)],
            None,
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{method} {name}: {value:?}"
        );
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json")
        );
        assert_eq!(reply.json()["header"], header);
    }
}

#[tokio::test]
async fn on_a_get_unparsable_if_none_match_members_are_skipped() {
    // Serving 200 is never wrong, so a read does not fail over a bad cache validator.
    let app = router(Shop::new());
    for (value, expected) in [
        (
            "junk, \"a\"",
            "None | Some(IfNoneMatch(Tags([EntityTag(\"a\")])))",
        ),
        (
            "\"a\", *",
            "None | Some(IfNoneMatch(Tags([EntityTag(\"a\")])))",
        ),
        ("", "None | None"),
    ] {
        let reply = get(&app, "/plain/tag-fields", &[("if-none-match", value)]).await;
        assert_eq!(reply.status, StatusCode::OK, "{value:?}");
        assert_eq!(String::from_utf8(reply.body).expect("utf-8"), expected);
    }
}

#[tokio::test]
async fn a_required_tag_field_is_428_when_absent() {
    let app = router(Shop::new());
    let reply = get(&app, "/plain/if-match", &[]).await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(reply.json()["status"], 428);
    let reply = get(&app, "/plain/if-match", &[("if-match", "*")]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, b"Any");
}
