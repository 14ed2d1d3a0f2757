//! The single-field extractors `IfMatch` / `IfNoneMatch`, required and optional.

mod support;

use http::StatusCode;
use support::app::{Shop, router};
use support::client::get;

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
    for (name, value, header) in [
        ("if-match", "abc", "If-Match"),
        ("if-none-match", "\"a\", *", "If-None-Match"),
        ("if-none-match", "", "If-None-Match"),
    ] {
        let reply = get(&app, "/plain/tag-fields", &[(name, value)]).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{name}: {value:?}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json")
        );
        assert_eq!(reply.json()["header"], header);
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
