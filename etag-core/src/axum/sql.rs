//! The SQL helpers' outcomes as responses: a write that stayed busy is a 503 with `Retry-After`,
//! and each [`WriteError`] answers as the client should see it.

use axum::response::{IntoResponse, Response};
use http::header::RETRY_AFTER;
use http::{HeaderValue, StatusCode};

use crate::ProblemDetails;
use crate::axum::error_response::not_found;
use crate::sql::{Busy, WriteError};

/// `503 Service Unavailable` with `Retry-After`, as `application/problem+json`.
///
/// ```
/// use axum::response::IntoResponse;
/// use etag_core::sql::Busy;
/// use std::time::Duration;
///
/// // What `etag_core::sql::retry` ends with when every attempt conflicted.
/// let busy = Busy::new(6, Duration::from_millis(1500));
/// let response = busy.into_response();
/// assert_eq!(response.status(), http::StatusCode::SERVICE_UNAVAILABLE);
/// assert_eq!(response.headers()["retry-after"], "2");
/// ```
impl IntoResponse for Busy {
    fn into_response(self) -> Response {
        let detail = format!(
            "The resource is being changed by many clients at once and the change could \
             not be applied; nothing was written. Send the same request again after \
             {} seconds.",
            self.retry_after_secs()
        );
        let mut response =
            ProblemDetails::new(StatusCode::SERVICE_UNAVAILABLE, detail).into_response();
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(self.retry_after_secs()));
        response
    }
}

impl IntoResponse for WriteError {
    fn into_response(self) -> Response {
        match self {
            Self::Precondition(error) => error.into_response(),
            Self::NotFound => not_found(),
            Self::Busy(busy) => busy.into_response(),
            Self::Conflict => Busy::new(1, std::time::Duration::from_secs(1)).into_response(),
            Self::Database(error) => {
                tracing::error!(%error, "a conditional write failed in the database");
                ProblemDetails::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "The database failed while handling the request.",
                )
                .into_response()
            }
        }
    }
}
