//! The precondition model: the conditional headers of one request, parsed with the method-aware
//! policy, and the methods that evaluate them against the resource's current state.
//!
//! `evaluate` holds the RFC 9110 algorithm, `state` what it compares against, `error` the outcomes
//! that stop a request, `checked` the proof a write gets when its check passes, and
//! `expected_version` the same check done by the database (a compare-and-swap).

mod checked;
mod error;
pub(crate) mod evaluate;
mod expected_version;
mod state;

use std::str::FromStr;
use std::sync::Arc;
use std::time::SystemTime;

use http::{HeaderMap, Method, header};

pub use checked::Checked;
pub use error::{FailureContext, PreconditionError};
pub use expected_version::{ExpectedVersion, SwapRefused};
pub use state::ResourceState;

use self::evaluate::Conditions;
use crate::header::{IfRange, ParsedTagList, TagCondition, single_date};
use crate::method::{ignores_preconditions, is_get_or_head};
use crate::version::Version;
use crate::versioned::Versioned;

/// The preconditions of one request, parsed before any other work is done.
///
/// Build it with [`Preconditions::parse`] (or, with the `axum` feature, take it as an extractor),
/// then evaluate it against the current state of the resource with [`check`](Self::check),
/// [`check_missing`](Self::check_missing) or [`evaluate`](Self::evaluate).
///
/// Parsing applies the policy that keeps writes safe:
/// - a malformed `If-Match` is an error (400) whatever the method, because ignoring it would
///   switch off the lost-update guard;
/// - a malformed `If-None-Match` is an error on unsafe methods; on GET/HEAD its invalid members
///   are skipped, since serving 200 is never wrong;
/// - `If-Modified-Since` / `If-Unmodified-Since` with an invalid date, or with more than one field
///   line, are ignored (RFC 9110 §13.1.3-4);
/// - OPTIONS, CONNECT and TRACE ignore every precondition (§13.2.1).
///
/// ```
/// use etag_core::{EntityTag, Preconditions, PreconditionError, ResourceState};
/// use http::{HeaderMap, HeaderValue, Method, header::IF_MATCH};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(IF_MATCH, HeaderValue::from_static("\"7\""));
/// let pre = Preconditions::parse(&Method::PUT, &headers)?;
///
/// let current = ResourceState::present(EntityTag::from_version(7_u64), None);
/// assert_eq!(pre.evaluate(&current), Ok(()));
///
/// let changed = ResourceState::present(EntityTag::from_version(8_u64), None);
/// assert!(matches!(pre.evaluate(&changed), Err(PreconditionError::Failed { .. })));
/// # Ok::<(), PreconditionError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Preconditions {
    conditions: Conditions,
}

impl Preconditions {
    /// Parses the conditional headers of a request with the given method.
    ///
    /// Errors only with [`PreconditionError::Malformed`] (400), per the policy above.
    pub fn parse(method: &Method, headers: &HeaderMap) -> Result<Self, PreconditionError> {
        let mut pre = Self::none(method.clone());
        if ignores_preconditions(method) {
            return Ok(pre);
        }
        let conditions = &mut pre.conditions;
        if let Some(parsed) = ParsedTagList::from_headers(headers, &header::IF_MATCH) {
            conditions.if_match = Some(Arc::new(parsed.strict(&header::IF_MATCH)?));
        }
        if let Some(parsed) = ParsedTagList::from_headers(headers, &header::IF_NONE_MATCH) {
            conditions.if_none_match = if is_get_or_head(method) {
                parsed.lenient().map(Arc::new)
            } else {
                Some(Arc::new(parsed.strict(&header::IF_NONE_MATCH)?))
            };
        }
        conditions.if_modified_since = single_date(headers, &header::IF_MODIFIED_SINCE);
        conditions.if_unmodified_since = single_date(headers, &header::IF_UNMODIFIED_SINCE);
        conditions.if_range = headers
            .get(header::IF_RANGE)
            .map(|value| IfRange::parse(value.as_bytes()));
        conditions.has_range = headers.contains_key(header::RANGE);
        Ok(pre)
    }

    /// A request with the given method and no preconditions at all.
    pub fn none(method: Method) -> Self {
        Self {
            conditions: Conditions {
                method,
                if_match: None,
                if_none_match: None,
                if_modified_since: None,
                if_unmodified_since: None,
                if_range: None,
                has_range: false,
                required: false,
            },
        }
    }

    /// Marks this request as one that must be conditional: evaluation answers 428 when it carries
    /// no usable precondition.
    #[must_use]
    pub fn required(mut self) -> Self {
        self.conditions.required = true;
        self
    }

    /// Whether a precondition is required of this request.
    pub fn is_required(&self) -> bool {
        self.conditions.required
    }

    /// Answers 428 early, before any work, when a precondition is required and the request carries
    /// none of `If-Match`, `If-None-Match` or an `If-Unmodified-Since` with a valid date.
    ///
    /// An `If-Unmodified-Since` passes this check but may still be unusable against a resource that
    /// has no modification time; [`evaluate`](Self::evaluate) then answers 428 too.
    pub fn check_required(&self) -> Result<(), PreconditionError> {
        evaluate::check_required(&self.conditions)
    }

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
        evaluate::evaluate(&self.conditions, state)
    }

    /// Checks a write against the current value, the state it is about to replace, and gives
    /// the [`Checked`] proof the write's success response is built from.
    ///
    /// Call it inside the write (in the transaction that holds the row, or under the lock that
    /// guards the value), so that check and write are one atomic step. The evaluation is
    /// [`evaluate`](Self::evaluate)'s, against `ResourceState::of(current)`.
    ///
    /// ```
    /// use etag_core::{EntityTag, PreconditionError, Preconditions};
    /// use http::{HeaderMap, HeaderValue, Method, header::IF_MATCH};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert(IF_MATCH, HeaderValue::from_static("\"3\""));
    /// let pre = Preconditions::parse(&Method::PATCH, &headers)?;
    ///
    /// let current = EntityTag::from_version(3_u32); // any `Versioned` value
    /// let checked = pre.check(&current)?;             // the client read version 3: go ahead
    /// # drop(checked);
    /// assert!(pre.check(&EntityTag::from_version(4_u32)).is_err()); // 412: it changed
    /// # Ok::<(), PreconditionError>(())
    /// ```
    pub fn check<T: Versioned + ?Sized>(&self, current: &T) -> Result<Checked, PreconditionError> {
        self.check_state(&ResourceState::of(current))
    }

    /// Checks a write that creates the resource (a PUT to a missing one): `If-Match` fails (412),
    /// `If-None-Match: *` passes.
    pub fn check_missing(&self) -> Result<Checked, PreconditionError> {
        self.check_state(&ResourceState::Missing)
    }

    /// Checks a write against a state given by its validators (a version column read in the
    /// transaction, a collection's revision for a POST to it).
    pub fn check_state(&self, state: &ResourceState) -> Result<Checked, PreconditionError> {
        self.evaluate(state).map(|()| Checked::issue())
    }

    /// The proof for a write whose request carries no precondition and needs none: any current
    /// state passes, so there is nothing to read. `None` when the request has a precondition to
    /// evaluate against the current state (call [`check`](Self::check) then), or when one is
    /// [required](Self::required) and missing.
    ///
    /// For a POST to a collection, it spares listing the collection for a request that does not
    /// ask about it.
    pub fn check_unconditional(&self) -> Option<Checked> {
        (!self.is_conditional() && self.check_required().is_ok()).then(Checked::issue)
    }

    /// The versions this write may replace, for a compare-and-swap on a version column whose
    /// values are the resource's tags (`#[etag(version)]`, [`EntityTag::from_version`]).
    ///
    /// Errors with 428 when a precondition is [required](Self::required) and the request has
    /// neither `If-Match` nor `If-None-Match`; a date (`If-Unmodified-Since`) is no use to a
    /// version column. `If-Match` and `If-None-Match` together are folded into one condition
    /// (RFC 9110 §13.2.2 needs both to hold).
    ///
    /// [`EntityTag::from_version`]: crate::EntityTag::from_version
    pub fn expected_version<V>(&self) -> Result<ExpectedVersion<V>, PreconditionError>
    where
        V: Version + FromStr + PartialEq,
    {
        ExpectedVersion::from_preconditions(self)
    }

    /// Whether the request could use a `Range` against this state (RFC 9110 §13.1.5): a GET with
    /// `Range`, and either no `If-Range` or one that matches (strong comparison for a tag; for a
    /// date, an exact match of a modification time that is a strong validator, i.e. at least one
    /// second in the past, §8.8.2.2).
    pub fn range_applies(&self, state: &ResourceState) -> bool {
        evaluate::range_applies(&self.conditions, state)
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        &self.conditions.method
    }

    /// The parsed `If-Match` condition, if any.
    pub fn if_match(&self) -> Option<&TagCondition> {
        self.conditions.if_match.as_deref()
    }

    /// The usable `If-None-Match` condition, if any.
    pub fn if_none_match(&self) -> Option<&TagCondition> {
        self.conditions.if_none_match.as_deref()
    }

    /// The `If-Modified-Since` date, if present and valid.
    pub fn if_modified_since(&self) -> Option<SystemTime> {
        self.conditions.if_modified_since
    }

    /// The `If-Unmodified-Since` date, if present and valid.
    pub fn if_unmodified_since(&self) -> Option<SystemTime> {
        self.conditions.if_unmodified_since
    }

    /// The `If-Range` field, if present.
    pub fn if_range(&self) -> Option<&IfRange> {
        self.conditions.if_range.as_ref()
    }

    /// Whether the request carries any precondition the evaluator will look at.
    pub fn is_conditional(&self) -> bool {
        let conditions = &self.conditions;
        conditions.if_match.is_some()
            || conditions.if_none_match.is_some()
            || conditions.if_modified_since.is_some()
            || conditions.if_unmodified_since.is_some()
    }
}
