//! Every way a conditional request can end other than success, as one typed error.

use std::convert::Infallible;
use std::fmt;

use http::StatusCode;

use super::Problem;
use crate::{EntityTag, InvalidEntityTag};

/// Why a conditional request, or a whole update loop, did not succeed.
///
/// `E` is the error of the caller's change function ([`Refused`](Self::Refused)); requests
/// without one use `ClientError<Infallible>`.
///
/// Which errors leave the resource changed: only [`Transport`](Self::Transport) with
/// `write_may_have_applied`, and [`InvalidETag`](Self::InvalidETag) or
/// [`Decode`](Self::Decode) read from a write's 2xx response (the write was applied, its
/// answer is unusable). Every other variant means no write of this call was applied.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientError<E = Infallible> {
    /// Every attempt of an update loop was answered 412: others kept changing the resource.
    ConflictExhausted {
        /// How many attempts were used (the policy's bound).
        attempts: u32,
    },
    /// The server stayed unavailable (503) through every attempt.
    Unavailable {
        /// How many attempts were used (the policy's bound).
        attempts: u32,
        /// The last 503's problem details, if it sent any.
        problem: Option<Problem>,
    },
    /// 404: there is no such resource. Never retried.
    NotFound {
        /// The server's problem details, if any.
        problem: Option<Problem>,
    },
    /// 428: the server requires a precondition this request did not carry. Never retried: the
    /// request would carry the same headers again.
    PreconditionRequired {
        /// The server's problem details, if any.
        problem: Option<Problem>,
    },
    /// A create-only write (`If-None-Match: *`) was answered 412: the resource already exists.
    AlreadyExists {
        /// The server's problem details, if any.
        problem: Option<Problem>,
    },
    /// A delete-if-unchanged was answered 412: the resource changed since the tag was read.
    Changed {
        /// The server's problem details, if any.
        problem: Option<Problem>,
    },
    /// Any other status that is not success.
    Status {
        /// The status.
        status: StatusCode,
        /// The server's problem details, if it sent `application/problem+json`.
        problem: Option<Problem>,
    },
    /// A read the client means to write back came without an `ETag`, so the write could not be
    /// conditional (see `Update::allow_unconditional` to write anyway).
    MissingETag,
    /// The server's tag is weak (`W/"…"`). `If-Match` compares strongly, so a weak tag never
    /// matches and every write would be refused; guard such a resource with its date instead.
    WeakETag {
        /// The tag the server sent.
        tag: EntityTag,
    },
    /// The server sent an `ETag` that is not a valid entity tag.
    InvalidETag {
        /// The header's text (lossily decoded).
        value: String,
        /// What is wrong with it.
        source: InvalidEntityTag,
    },
    /// The body of a response could not be decoded as the expected JSON type.
    Decode {
        /// The JSON error.
        source: serde_json::Error,
    },
    /// The caller's body could not be encoded as JSON.
    Encode {
        /// The JSON error.
        source: serde_json::Error,
    },
    /// The URL was not valid.
    InvalidUrl {
        /// reqwest's error.
        source: reqwest::Error,
    },
    /// The request did not complete (connection refused or reset, timeout, a body cut short).
    /// Never retried: once a write has been sent, nobody knows whether it landed, and re-applying
    /// a change after a lost answer could apply it twice.
    Transport {
        /// reqwest's error.
        source: reqwest::Error,
        /// Whether the failed request was a write that may have reached the server (false when
        /// the connection could not even be opened, or the request was a read).
        write_may_have_applied: bool,
    },
    /// The caller's change function refused to change the current value.
    Refused(E),
}

impl<E> ClientError<E> {
    /// The HTTP status behind this error, when it came from one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::ConflictExhausted { .. } | Self::AlreadyExists { .. } | Self::Changed { .. } => {
                Some(StatusCode::PRECONDITION_FAILED)
            }
            Self::Unavailable { .. } => Some(StatusCode::SERVICE_UNAVAILABLE),
            Self::NotFound { .. } => Some(StatusCode::NOT_FOUND),
            Self::PreconditionRequired { .. } => Some(StatusCode::PRECONDITION_REQUIRED),
            Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's problem details, when the error status came with some.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Self::Unavailable { problem, .. }
            | Self::NotFound { problem }
            | Self::PreconditionRequired { problem }
            | Self::AlreadyExists { problem }
            | Self::Changed { problem }
            | Self::Status { problem, .. } => problem.as_ref(),
            _ => None,
        }
    }
}

impl ClientError<Infallible> {
    /// The same error, typed for a caller whose change functions fail with `E` (so one error type
    /// covers a create and an update loop).
    pub fn widen<E>(self) -> ClientError<E> {
        match self {
            ClientError::ConflictExhausted { attempts } => {
                ClientError::ConflictExhausted { attempts }
            }
            ClientError::Unavailable { attempts, problem } => {
                ClientError::Unavailable { attempts, problem }
            }
            ClientError::NotFound { problem } => ClientError::NotFound { problem },
            ClientError::PreconditionRequired { problem } => {
                ClientError::PreconditionRequired { problem }
            }
            ClientError::AlreadyExists { problem } => ClientError::AlreadyExists { problem },
            ClientError::Changed { problem } => ClientError::Changed { problem },
            ClientError::Status { status, problem } => ClientError::Status { status, problem },
            ClientError::MissingETag => ClientError::MissingETag,
            ClientError::WeakETag { tag } => ClientError::WeakETag { tag },
            ClientError::InvalidETag { value, source } => {
                ClientError::InvalidETag { value, source }
            }
            ClientError::Decode { source } => ClientError::Decode { source },
            ClientError::Encode { source } => ClientError::Encode { source },
            ClientError::InvalidUrl { source } => ClientError::InvalidUrl { source },
            ClientError::Transport {
                source,
                write_may_have_applied,
            } => ClientError::Transport {
                source,
                write_may_have_applied,
            },
            ClientError::Refused(never) => match never {},
        }
    }
}

impl<E: fmt::Display> fmt::Display for ClientError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ConflictExhausted { attempts } => write!(
                f,
                "the resource kept changing: all {attempts} attempts were answered 412"
            ),
            Self::Unavailable { attempts, .. } => {
                write!(
                    f,
                    "the server stayed unavailable (503) for {attempts} attempts"
                )
            }
            Self::NotFound { .. } => f.write_str("the resource does not exist (404)"),
            Self::PreconditionRequired { .. } => {
                f.write_str("the server requires a precondition on this request (428)")
            }
            Self::AlreadyExists { .. } => {
                f.write_str("the resource already exists (412 to If-None-Match: *)")
            }
            Self::Changed { .. } => {
                f.write_str("the resource changed since its tag was read (412 to If-Match)")
            }
            Self::Status { status, problem } => {
                write!(f, "the server answered {status}")?;
                match problem
                    .as_ref()
                    .and_then(|problem| problem.detail.as_deref())
                {
                    Some(detail) => write!(f, ": {detail}"),
                    None => Ok(()),
                }
            }
            Self::MissingETag => {
                f.write_str("the response has no ETag, so a write of it could not be conditional")
            }
            Self::WeakETag { tag } => write!(
                f,
                "the server's ETag {tag} is weak, and a weak tag never satisfies If-Match"
            ),
            Self::InvalidETag { value, source } => {
                write!(f, "the server sent an invalid ETag {value:?}: {source}")
            }
            Self::Decode { source } => {
                write!(f, "the response body is not the expected JSON: {source}")
            }
            Self::Encode { source } => write!(f, "the request body could not be encoded: {source}"),
            Self::InvalidUrl { source } => write!(f, "invalid URL: {source}"),
            Self::Transport {
                source,
                write_may_have_applied,
            } => {
                write!(f, "the request failed: {source}")?;
                if *write_may_have_applied {
                    f.write_str(" (the write may have been applied)")?;
                }
                Ok(())
            }
            Self::Refused(error) => write!(f, "the change was refused: {error}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for ClientError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::InvalidETag { source, .. } => Some(source),
            Self::Decode { source } | Self::Encode { source } => Some(source),
            Self::InvalidUrl { source } | Self::Transport { source, .. } => Some(source),
            Self::Refused(error) => Some(error),
            _ => None,
        }
    }
}
