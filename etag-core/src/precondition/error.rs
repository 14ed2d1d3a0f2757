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
        /// What the current state's validators allow the client to do next, for the advice in
        /// the problem body.
        context: FailureContext,
    },
    /// 428 Precondition Required: the server requires a conditional request and none usable came.
    Required,
    /// 400 Bad Request: a conditional header is malformed and ignoring it would be unsafe.
    Malformed(MalformedHeader),
}

/// What a 412's advice can say about the current state: which validators it has, and why the
/// condition failed when the reason is not simply "it changed".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FailureContext {
    /// The current entity tag is weak, so `If-Match` can never match it.
    pub(crate) weak_tag: bool,
    /// The resource has a `Last-Modified`, so `If-Unmodified-Since` can guard it.
    pub(crate) dated: bool,
    /// The resource has an entity tag `If-Match` can match (strong).
    pub(crate) strong_tag: bool,
    /// `If-Match` held the current strong tag in weak form: an intermediary weakened it.
    pub(crate) weakened_echo: bool,
    /// A date-only precondition met a state less than a second old, which a date cannot tell
    /// from the state before it: when its date becomes a strong validator.
    pub(crate) settles_at: Option<SystemTime>,
}

impl FailureContext {
    /// The context of a failure against `state`.
    pub(crate) fn of(state: &crate::ResourceState) -> Self {
        match state {
            crate::ResourceState::Missing => Self::default(),
            crate::ResourceState::Present {
                etag,
                last_modified,
            } => Self {
                weak_tag: etag.is_weak(),
                strong_tag: !etag.is_weak(),
                dated: last_modified.is_some(),
                ..Self::default()
            },
        }
    }

    /// Whether the date-only precondition failed only because the state is less than a second
    /// old: the same request succeeds once the second has passed.
    pub fn too_recent(&self) -> bool {
        self.settles_at.is_some()
    }

    /// When a date-only precondition that failed as [too recent](Self::too_recent) can be
    /// decided: a second after the current state's modification time.
    pub fn settles_at(&self) -> Option<SystemTime> {
        self.settles_at
    }

    /// Whether `If-Match` carried the current tag in weak form (`W/"x"`), as a proxy that
    /// compressed the response leaves it.
    pub fn weakened_echo(&self) -> bool {
        self.weakened_echo
    }
}

impl PreconditionError {
    /// How long the client should wait before retrying the same request unchanged, when waiting
    /// is all it takes: a date-only write to a state less than a second old. Sent as
    /// `Retry-After`.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        let Self::Failed { context, .. } = self else {
            return None;
        };
        let wait = context
            .settles_at?
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        // `Retry-After` counts whole seconds; round up, and never say "now".
        Some(
            std::time::Duration::from_secs(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
                .max(std::time::Duration::from_secs(1)),
        )
    }

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
            Self::Failed { condition, context } => {
                (failed_detail(condition, context), Some(condition.clone()))
            }
            Self::Required => (
                "This request must be conditional, to prevent lost updates. GET the resource and \
                 send its ETag in If-Match; to create a resource that must not exist yet, send \
                 If-None-Match: *."
                    .to_owned(),
                None,
            ),
            Self::Malformed(malformed) => {
                (format!("{malformed}."), Some(malformed.header().clone()))
            }
        };
        let problem = ProblemDetails::new(status, detail);
        Some(match header {
            Some(header) => problem.for_header(&header),
            None => problem,
        })
    }
}

/// What a 412 tells the client, for the condition that failed and the validators the resource
/// has: advice the client can follow.
fn failed_detail(condition: &HeaderName, context: &FailureContext) -> String {
    let retry = "GET the current state, reapply your change to it, and retry";
    match *condition {
        header::IF_MATCH if context.weakened_echo => format!(
            "If-Match carries the current ETag in weak form (W/\"…\"), and If-Match compares \
             strongly: something between you and the server weakened the tag it sent, as a \
             proxy that compresses responses must. Send the ETag exactly as the server sent it \
             (a service behind such a proxy compresses its responses itself). {retry} with the \
             strong ETag in If-Match."
        ),
        header::IF_MATCH if context.weak_tag && context.dated => format!(
            "This resource's ETag is weak (W/\"…\"), and a weak ETag never matches If-Match. \
             {retry} with its Last-Modified in If-Unmodified-Since."
        ),
        header::IF_MATCH if context.weak_tag => "This resource's ETag is weak (W/\"…\"), and a \
             weak ETag never matches If-Match; only If-Match: * can guard a write to it."
            .to_owned(),
        header::IF_MATCH => format!(
            "The resource has changed since you read it: its current ETag is not one listed in \
             If-Match. {retry} with the new ETag in If-Match."
        ),
        header::IF_UNMODIFIED_SINCE if context.too_recent() => {
            let alternative = if context.strong_tag {
                " or send its ETag in If-Match, which tells every change apart"
            } else {
                ""
            };
            format!(
                "The resource changed less than a second ago, and a date (one-second precision) \
                 cannot tell whether you saw that change. Retry after a second (Retry-After), \
                 with the Last-Modified you hold{alternative}."
            )
        }
        header::IF_UNMODIFIED_SINCE => {
            let alternative = if context.strong_tag {
                " (or its ETag in If-Match)"
            } else {
                ""
            };
            format!(
                "The resource has been modified since the date in If-Unmodified-Since. {retry} \
                 with its new Last-Modified in If-Unmodified-Since{alternative}."
            )
        }
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
            Self::Failed { condition, .. } => {
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
