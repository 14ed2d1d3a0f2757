//! Why a request does not proceed: the precondition outcomes that are not "go ahead", their
//! status codes and their RFC 9457 problem details.

use std::fmt;
use std::time::SystemTime;

use http::{HeaderName, StatusCode, header};

use crate::entity_tag::EntityTag;
use crate::header::MalformedHeader;
use crate::problem::{ProblemDetails, header_display_name};

/// The outcome of a conditional request that does not let the method proceed.
///
/// Each variant maps to a status ([`status`](Self::status)) and, except 304, to an
/// `application/problem+json` body ([`problem`](Self::problem)). With the `axum` feature it is an
/// `IntoResponse`; convert it into your own error type with `From` to answer in your format.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PreconditionError {
    /// 304 Not Modified: the client's cached representation is current (GET/HEAD only).
    NotModified {
        /// The current tag, to send back in `ETag`.
        etag: EntityTag,
        /// The current modification time, to send back in `Last-Modified`.
        last_modified: Option<SystemTime>,
    },
    /// 412 Precondition Failed: the client's view of the resource is stale.
    Failed {
        /// The condition that evaluated to false.
        condition: HeaderName,
    },
    /// 428 Precondition Required: the server requires a conditional request and none usable came.
    Required,
    /// 400 Bad Request: a conditional header is malformed and ignoring it would be unsafe.
    Malformed(MalformedHeader),
}

impl PreconditionError {
    /// The HTTP status code for this outcome.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotModified { .. } => StatusCode::NOT_MODIFIED,
            Self::Failed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::Required => StatusCode::PRECONDITION_REQUIRED,
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// The problem details body (RFC 9457) for this outcome; `None` for 304, which has no body.
    ///
    /// ```
    /// use etag_core::PreconditionError;
    ///
    /// let problem = PreconditionError::Required.problem().expect("428 has a body");
    /// assert_eq!(problem.status, 428);
    /// assert!(problem.detail.contains("If-Match"));
    /// ```
    pub fn problem(&self) -> Option<ProblemDetails> {
        let status = self.status();
        let (detail, header) = match self {
            Self::NotModified { .. } => return None,
            Self::Failed { condition } => (failed_detail(condition), Some(condition.clone())),
            Self::Required => (
                "This request must be conditional, to prevent lost updates. GET the resource and \
                 send its ETag in If-Match (or its Last-Modified in If-Unmodified-Since); to create \
                 a resource that must not exist yet, send If-None-Match: *."
                    .to_owned(),
                None,
            ),
            Self::Malformed(malformed) => (
                format!("{malformed}."),
                Some(malformed.header().clone()),
            ),
        };
        let problem = ProblemDetails::new(status, detail);
        Some(match header {
            Some(header) => problem.for_header(&header),
            None => problem,
        })
    }
}

/// What a 412 tells the client, for the condition that failed.
fn failed_detail(condition: &HeaderName) -> String {
    let retry = "GET the current state, reapply your change to it, and retry";
    match *condition {
        header::IF_MATCH => format!(
            "The resource has changed since you read it: its current ETag is not one listed in \
             If-Match. {retry} with the new ETag in If-Match. (A weak ETag, W/\"…\", never \
             matches If-Match: guard such a resource with If-Unmodified-Since.)"
        ),
        header::IF_UNMODIFIED_SINCE => format!(
            "The resource has been modified since the date in If-Unmodified-Since. {retry} with \
             its new Last-Modified in If-Unmodified-Since (or its ETag in If-Match, when it is a \
             strong one)."
        ),
        header::IF_NONE_MATCH => format!(
            "A current representation matches If-None-Match: the resource already exists (for \
             If-None-Match: *) or is in a state you excluded. {retry} against that state."
        ),
        _ => format!(
            "The {} precondition failed. {retry}.",
            header_display_name(condition)
        ),
    }
}

impl fmt::Display for PreconditionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotModified { .. } => f.write_str("not modified"),
            Self::Failed { condition } => {
                write!(f, "precondition {} failed", header_display_name(condition))
            }
            Self::Required => f.write_str("a precondition is required"),
            Self::Malformed(malformed) => malformed.fmt(f),
        }
    }
}

impl std::error::Error for PreconditionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Malformed(malformed) => Some(malformed),
            _ => None,
        }
    }
}

impl From<MalformedHeader> for PreconditionError {
    fn from(malformed: MalformedHeader) -> Self {
        Self::Malformed(malformed)
    }
}
