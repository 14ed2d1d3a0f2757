//! Precondition outcomes and problem details as axum responses.
//!
//! Handlers answer with precondition outcomes in the standard format, or map them into their own.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::HeaderMap;
use http::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};

use super::not_modified::not_modified;
use crate::precondition::PreconditionError;
use crate::problem::{PROBLEM_JSON, ProblemDetails};

/// 304 Not Modified with `ETag` and `Last-Modified` and no body; 400, 412 and 428 as
/// `application/problem+json` bodies built from [`PreconditionError::problem`].
///
/// [`PreconditionError`] is an [`IntoResponse`]: a handler can return it (or `?` it into a
/// `Result<_, PreconditionError>`) and the client gets the right status with an RFC 9457 body.
/// To answer in your own error format, wrap it in your error type and delegate:
///
/// ```
/// use axum::response::{IntoResponse, Response};
/// use etag_core::PreconditionError;
/// use http::StatusCode;
///
/// enum ApiError {
///     NotFound,
///     Precondition(PreconditionError),
/// }
///
/// // `?` on a `Result<_, PreconditionError>` now works in handlers returning `ApiError`.
/// impl From<PreconditionError> for ApiError {
///     fn from(error: PreconditionError) -> Self {
///         Self::Precondition(error)
///     }
/// }
///
/// impl IntoResponse for ApiError {
///     fn into_response(self) -> Response {
///         match self {
///             Self::NotFound => StatusCode::NOT_FOUND.into_response(),
///             // 304 with its validators, or 400 / 412 / 428 as application/problem+json.
///             // (Or build your own body from `error.status()` and `error.problem()`.)
///             Self::Precondition(error) => error.into_response(),
///         }
///     }
/// }
///
/// let response = ApiError::from(PreconditionError::Required).into_response();
/// assert_eq!(response.status(), StatusCode::PRECONDITION_REQUIRED);
/// ```
impl IntoResponse for PreconditionError {
    fn into_response(self) -> Response {
        match self {
            Self::NotModified {
                etag,
                last_modified,
            } => not_modified(&etag, last_modified, HeaderMap::new()),
            other => {
                let mut response = match other.problem() {
                    Some(problem) => problem.into_response(),
                    // Every outcome but 304 has a problem body; keep the status if that changes.
                    None => other.status().into_response(),
                };
                if let Some(wait) = other.retry_after() {
                    response
                        .headers_mut()
                        .insert(RETRY_AFTER, HeaderValue::from(wait.as_secs()));
                }
                response
            }
        }
    }
}

/// The problem as an `application/problem+json` response with its status.
impl IntoResponse for ProblemDetails {
    fn into_response(self) -> Response {
        let status = http::StatusCode::from_u16(self.status)
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = Response::new(Body::from(self.to_json()));
        *response.status_mut() = status;
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}

/// The 404 the attribute answers for a missing resource (`None`) and `sql::WriteError` for a
/// write that found no row.
pub(crate) fn not_found() -> Response {
    ProblemDetails::new(http::StatusCode::NOT_FOUND, "The resource does not exist.").into_response()
}
