//! The service's error type: every refusal becomes an RFC 9457 `application/problem+json` body.

use axum::extract::rejection::JsonRejection;
use axum::response::{IntoResponse, Response};
use etag_core::{PreconditionError, ProblemDetails};
use http::StatusCode;
use http::header::{HeaderName, HeaderValue, RETRY_AFTER};

use crate::db::{DbError, WriteError};
use crate::model::Invalid;

/// The media type PATCH accepts (RFC 7396).
pub const MERGE_PATCH_JSON: &str = "application/merge-patch+json";

/// `Accept-Patch` (RFC 5789 §3.1): the patch formats a resource accepts.
pub(crate) const ACCEPT_PATCH: HeaderName = HeaderName::from_static("accept-patch");

/// Why a request failed. Converts from the errors of every layer below, so handlers use `?`.
///
/// ```
/// use axum::response::IntoResponse;
/// use etag_examples::error::ApiError;
/// use http::StatusCode;
///
/// let response = ApiError::not_found("order", "42").into_response();
/// assert_eq!(response.status(), StatusCode::NOT_FOUND);
/// assert_eq!(response.headers()["content-type"], "application/problem+json");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum ApiError {
    /// 304, 400, 412 or 428 from the conditional headers.
    Precondition(PreconditionError),
    /// 404: no such resource.
    NotFound {
        /// What kind of resource ("order").
        kind: &'static str,
        /// The id from the URL.
        id: String,
    },
    /// 404: no route for this path.
    NoRoute {
        /// The request path.
        path: String,
    },
    /// 422: the body has the right shape but a value is out of range.
    Invalid(Invalid),
    /// 400, 413, 415 or 422: the body could not be read as the expected JSON.
    Body {
        /// The status axum's extractor chose.
        status: StatusCode,
        /// What was wrong, from the extractor.
        detail: String,
    },
    /// 400: the query string asks for something the resource cannot give (a page limit out of
    /// range, an unknown parameter).
    Query {
        /// What was wrong.
        detail: String,
    },
    /// 415 for a PATCH that is not `application/merge-patch+json`.
    NotMergePatch,
    /// 503: the database stayed locked through every retry.
    Unavailable,
    /// 500: a failure of the server itself (logged; the client sees no internals).
    Internal(String),
}

impl ApiError {
    /// A 404 for the resource `kind` with this id.
    pub fn not_found(kind: &'static str, id: impl Into<String>) -> Self {
        Self::NotFound {
            kind,
            id: id.into(),
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Precondition(error) => error.status(),
            Self::NotFound { .. } | Self::NoRoute { .. } => StatusCode::NOT_FOUND,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Body { status, .. } => *status,
            Self::Query { .. } => StatusCode::BAD_REQUEST,
            Self::NotMergePatch => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Precondition(error) => error.to_string(),
            Self::NotFound { kind, id } => format!("There is no {kind} with id `{id}`."),
            Self::NoRoute { path } => format!("There is no resource at `{path}`."),
            Self::Invalid(invalid) => format!("The request body is not valid: {invalid}."),
            Self::Body { detail, .. } | Self::Query { detail } => detail.clone(),
            Self::NotMergePatch => format!(
                "PATCH takes a JSON merge patch (RFC 7396): send it with Content-Type: \
                 {MERGE_PATCH_JSON}."
            ),
            Self::Unavailable => "The database is busy; retry the request in a moment.".to_owned(),
            Self::Internal(_) => "The server failed to handle the request.".to_owned(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let problem = match self {
            Self::Precondition(error) => return error.into_response(),
            Self::Internal(ref message) => {
                tracing::error!(%message, "internal error");
                ProblemDetails::new(status, self.detail())
            }
            ref other => ProblemDetails::new(status, other.detail()),
        };
        let mut response = problem.into_response();
        match self {
            Self::NotMergePatch => {
                response
                    .headers_mut()
                    .insert(ACCEPT_PATCH, HeaderValue::from_static(MERGE_PATCH_JSON));
            }
            Self::Unavailable => {
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        response
    }
}

impl From<PreconditionError> for ApiError {
    fn from(error: PreconditionError) -> Self {
        Self::Precondition(error)
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        Self::Invalid(invalid)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        Self::Body {
            status: rejection.status(),
            detail: rejection.body_text(),
        }
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Busy => Self::Unavailable,
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<WriteError<ApiError>> for ApiError {
    fn from(error: WriteError<ApiError>) -> Self {
        match error {
            WriteError::Rejected(error) => error,
            WriteError::Db(error) => error.into(),
        }
    }
}
