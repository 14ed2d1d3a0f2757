//! Refuses request targets that no resource here can be named by.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use etag_core::ProblemDetails;
use http::StatusCode;

/// Answers 400 to a path or query holding `%00`, before any handler runs. Ids and page cursors
/// are compared with the database's text, and U+0000 is a character PostgreSQL text cannot
/// hold: without this, such a request would be a database error on PostgreSQL and an ordinary
/// miss or write on SQLite. Refused alike on both, as a NUL in a body's text is (422).
pub(crate) async fn refuse_nul(request: Request, next: Next) -> Response {
    let holds_nul = request
        .uri()
        .path_and_query()
        .is_some_and(|target| target.as_str().contains("%00"));
    if holds_nul {
        return ProblemDetails::new(
            StatusCode::BAD_REQUEST,
            "The URL holds %00 (the character U+0000), which no id or page cursor here may \
             contain.",
        )
        .into_response();
    }
    next.run(request).await
}
