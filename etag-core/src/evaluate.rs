//! The RFC 9110 §13.2.2 evaluation of preconditions against the current state of a resource.

use std::time::{Duration, SystemTime};

use http::header;

use crate::preconditions::{ignores_preconditions, is_get_or_head};
use crate::{EntityTag, IfRange, PreconditionError, Preconditions, Versioned};

/// The current state of the target resource, as the evaluator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceState {
    /// No current representation: the request would create the resource.
    ///
    /// Only evaluate against `Missing` when the method would succeed on a missing resource (a PUT
    /// that creates). A GET, PATCH or DELETE of a missing resource is a 404 whatever the
    /// preconditions say (RFC 9110 §13.2.1): answer it without evaluating them.
    Missing,
    /// A current representation with these validators.
    Present {
        /// Its entity tag.
        etag: EntityTag,
        /// Its modification time, if it has one.
        last_modified: Option<SystemTime>,
    },
}

impl ResourceState {
    /// A present resource with the given validators.
    pub fn present(etag: EntityTag, last_modified: Option<SystemTime>) -> Self {
        Self::Present {
            etag,
            last_modified,
        }
    }

    /// The state of a value: its validators, or `Missing` when it does not
    /// [exist](Versioned::exists) (`None`).
    pub fn of<T: Versioned + ?Sized>(value: &T) -> Self {
        if value.exists() {
            Self::present(value.etag(), value.last_modified())
        } else {
            Self::Missing
        }
    }

    /// `Missing` for `None`, the value's validators for `Some`.
    pub fn of_option<T: Versioned>(value: Option<&T>) -> Self {
        value.map_or(Self::Missing, Self::of)
    }

    fn etag(&self) -> Option<&EntityTag> {
        match self {
            Self::Missing => None,
            Self::Present { etag, .. } => Some(etag),
        }
    }

    /// The modification time, truncated to whole seconds as HTTP dates are.
    /// Whether the modification time can serve as a strong validator (RFC 9110 §8.8.2.2): a
    /// second or more before now, so no later change within the same second can share it.
    fn has_strong_date(&self) -> bool {
        match self {
            Self::Present {
                last_modified: Some(time),
                ..
            } => time
                .checked_add(Duration::from_secs(1))
                .is_some_and(|later| later <= SystemTime::now()),
            _ => false,
        }
    }

    fn last_modified_seconds(&self) -> Option<SystemTime> {
        match self {
            Self::Present {
                last_modified: Some(time),
                ..
            } => Some(truncate_to_seconds(*time)),
            _ => None,
        }
    }
}

fn truncate_to_seconds(time: SystemTime) -> SystemTime {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(since) => SystemTime::UNIX_EPOCH + Duration::from_secs(since.as_secs()),
        // Before 1970: HTTP dates cannot express it anyway; compare as is.
        Err(_) => time,
    }
}

impl Preconditions {
    /// Evaluates the preconditions against the current state, in the order of RFC 9110 §13.2.2:
    ///
    /// 1. `If-Match`: false → 412.
    /// 2. Otherwise `If-Unmodified-Since` (when the resource has a modification time): false → 412.
    /// 3. `If-None-Match`: false → 304 for GET/HEAD, 412 for other methods.
    /// 4. Otherwise, for GET/HEAD, `If-Modified-Since` (when the resource has a modification
    ///    time): false → 304.
    ///
    /// When a precondition is [required](Self::required), a request whose only precondition cannot
    /// be used against this state (an `If-Unmodified-Since` on a resource without a modification
    /// time) is answered with 428. OPTIONS, CONNECT and TRACE always proceed.
    pub fn evaluate(&self, state: &ResourceState) -> Result<(), PreconditionError> {
        let outcome = self.evaluate_unrecorded(state);
        self.probe.record(outcome.is_ok());
        outcome
    }

    /// [`evaluate`](Self::evaluate) without telling the `#[conditional]` runtime: for its own
    /// early and after-the-fact checks, which must not count as the write's check.
    pub(crate) fn evaluate_unrecorded(
        &self,
        state: &ResourceState,
    ) -> Result<(), PreconditionError> {
        if ignores_preconditions(&self.method) {
            return Ok(());
        }
        let current = state.etag();
        let last_modified = state.last_modified_seconds();

        // Step 1 and 2: the client's view must still be current.
        if let Some(if_match) = &self.if_match {
            if !if_match.matches_strong(current) {
                return Err(failed(header::IF_MATCH));
            }
        } else if let (Some(date), Some(modified)) = (self.if_unmodified_since, last_modified)
            && modified > date
        {
            return Err(failed(header::IF_UNMODIFIED_SINCE));
        }

        // Step 3 and 4: is there anything new for the client?
        let safe = is_get_or_head(&self.method);
        if let Some(if_none_match) = &self.if_none_match {
            if if_none_match.matches_weak(current) {
                return Err(if safe {
                    not_modified(state)
                } else {
                    failed(header::IF_NONE_MATCH)
                });
            }
        } else if let (true, Some(date), Some(modified)) =
            (safe, self.if_modified_since, last_modified)
            && modified <= date
        {
            return Err(not_modified(state));
        }

        if self.required && !self.has_usable_precondition(state) {
            return Err(PreconditionError::Required);
        }
        Ok(())
    }

    /// Evaluates against the current value: shorthand for
    /// `evaluate(&ResourceState::of(current))`. An `Option` works too: `None` is evaluated as a
    /// missing resource.
    ///
    /// Call it inside the write, on the state the write is about to replace, so that check and
    /// write are one atomic step.
    pub fn check<T: Versioned + ?Sized>(&self, current: &T) -> Result<(), PreconditionError> {
        self.evaluate(&ResourceState::of(current))
    }

    /// Evaluates against a missing resource (a PUT that would create it): `If-Match` fails,
    /// `If-None-Match: *` passes.
    pub fn check_missing(&self) -> Result<(), PreconditionError> {
        self.evaluate(&ResourceState::Missing)
    }

    /// Whether the request could use a `Range` against this state (RFC 9110 §13.1.5): a GET with
    /// `Range`, and either no `If-Range` or one that matches (strong comparison for a tag; for a
    /// date, an exact match of a modification time that is a strong validator, i.e. at least one
    /// second in the past, §8.8.2.2).
    pub fn range_applies(&self, state: &ResourceState) -> bool {
        if self.method != http::Method::GET || !self.has_range {
            return false;
        }
        match &self.if_range {
            None => true,
            Some(IfRange::Tag(tag)) => state.etag().is_some_and(|current| tag.strong_eq(current)),
            Some(IfRange::Date(date)) => {
                state.last_modified_seconds() == Some(*date) && state.has_strong_date()
            }
            Some(IfRange::Invalid) => false,
        }
    }

    /// A precondition the evaluator could act on for this state: `If-Match`, `If-None-Match`, or
    /// `If-Unmodified-Since` against a resource that has a modification time.
    fn has_usable_precondition(&self, state: &ResourceState) -> bool {
        self.if_match.is_some()
            || self.if_none_match.is_some()
            || (self.if_unmodified_since.is_some() && state.last_modified_seconds().is_some())
    }
}

fn failed(condition: http::HeaderName) -> PreconditionError {
    PreconditionError::Failed { condition }
}

fn not_modified(state: &ResourceState) -> PreconditionError {
    match state {
        ResourceState::Present {
            etag,
            last_modified,
        } => PreconditionError::NotModified {
            etag: etag.clone(),
            last_modified: *last_modified,
        },
        // Unreachable by construction: both 304 paths need a present resource. Answering 412
        // rather than panicking keeps a logic slip from taking the server down.
        ResourceState::Missing => failed(header::IF_NONE_MATCH),
    }
}
