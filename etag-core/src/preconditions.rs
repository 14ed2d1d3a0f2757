//! The conditional headers of one request, parsed with the method-aware policy.

use std::time::SystemTime;

use http::{HeaderMap, HeaderName, Method, header};

use crate::probe::EvaluationProbe;
use crate::tag_list::{ParsedTagList, TagCondition, trim_ows};
use crate::{EntityTag, PreconditionError};

/// The `If-Range` field (RFC 9110 §13.1.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfRange {
    /// An entity tag: the range applies only if it strongly matches the current tag.
    Tag(EntityTag),
    /// An HTTP date: the range applies only if it equals the current modification time.
    Date(SystemTime),
    /// A value that is neither; the range never applies.
    Invalid,
}

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
    pub(crate) method: Method,
    pub(crate) if_match: Option<TagCondition>,
    pub(crate) if_none_match: Option<TagCondition>,
    pub(crate) if_modified_since: Option<SystemTime>,
    pub(crate) if_unmodified_since: Option<SystemTime>,
    pub(crate) if_range: Option<IfRange>,
    pub(crate) has_range: bool,
    pub(crate) required: bool,
    /// Whether an evaluation happened; armed only under `#[conditional]`.
    pub(crate) probe: EvaluationProbe,
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
        if let Some(parsed) = ParsedTagList::from_headers(headers, &header::IF_MATCH) {
            pre.if_match = Some(parsed.strict(&header::IF_MATCH)?);
        }
        if let Some(parsed) = ParsedTagList::from_headers(headers, &header::IF_NONE_MATCH) {
            pre.if_none_match = if is_get_or_head(method) {
                parsed.lenient()
            } else {
                Some(parsed.strict(&header::IF_NONE_MATCH)?)
            };
        }
        pre.if_modified_since = single_date(headers, &header::IF_MODIFIED_SINCE);
        pre.if_unmodified_since = single_date(headers, &header::IF_UNMODIFIED_SINCE);
        pre.if_range = headers
            .get(header::IF_RANGE)
            .map(|value| parse_if_range(value.as_bytes()));
        pre.has_range = headers.contains_key(header::RANGE);
        Ok(pre)
    }

    /// A request with the given method and no preconditions at all.
    pub fn none(method: Method) -> Self {
        Self {
            method,
            if_match: None,
            if_none_match: None,
            if_modified_since: None,
            if_unmodified_since: None,
            if_range: None,
            has_range: false,
            required: false,
            probe: EvaluationProbe::default(),
        }
    }

    /// Marks this request as one that must be conditional: evaluation answers 428 when it carries
    /// no usable precondition.
    #[must_use]
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Whether a precondition is required of this request.
    pub fn is_required(&self) -> bool {
        self.required
    }

    /// Answers 428 early, before any work, when a precondition is required and the request carries
    /// none of `If-Match`, `If-None-Match` or an `If-Unmodified-Since` with a valid date.
    ///
    /// An `If-Unmodified-Since` passes this check but may still be unusable against a resource that
    /// has no modification time; [`evaluate`](Self::evaluate) then answers 428 too.
    pub fn check_required(&self) -> Result<(), PreconditionError> {
        let sent_any = self.if_match.is_some()
            || self.if_none_match.is_some()
            || self.if_unmodified_since.is_some();
        if self.required && !sent_any && !ignores_preconditions(&self.method) {
            Err(PreconditionError::Required)
        } else {
            Ok(())
        }
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The parsed `If-Match` condition, if any.
    pub fn if_match(&self) -> Option<&TagCondition> {
        self.if_match.as_ref()
    }

    /// The usable `If-None-Match` condition, if any.
    pub fn if_none_match(&self) -> Option<&TagCondition> {
        self.if_none_match.as_ref()
    }

    /// The `If-Modified-Since` date, if present and valid.
    pub fn if_modified_since(&self) -> Option<SystemTime> {
        self.if_modified_since
    }

    /// The `If-Unmodified-Since` date, if present and valid.
    pub fn if_unmodified_since(&self) -> Option<SystemTime> {
        self.if_unmodified_since
    }

    /// The `If-Range` field, if present.
    pub fn if_range(&self) -> Option<&IfRange> {
        self.if_range.as_ref()
    }

    /// Whether the request carries any precondition the evaluator will look at.
    pub fn is_conditional(&self) -> bool {
        self.if_match.is_some()
            || self.if_none_match.is_some()
            || self.if_modified_since.is_some()
            || self.if_unmodified_since.is_some()
    }
}

/// OPTIONS, CONNECT and TRACE ignore preconditions (RFC 9110 §13.2.1).
pub(crate) fn ignores_preconditions(method: &Method) -> bool {
    matches!(*method, Method::OPTIONS | Method::CONNECT | Method::TRACE)
}

pub(crate) fn is_get_or_head(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD)
}

/// A date field with exactly one line holding a valid HTTP-date (any of the three forms);
/// otherwise the field is ignored (RFC 9110 §13.1.3-4).
fn single_date(headers: &HeaderMap, name: &HeaderName) -> Option<SystemTime> {
    let mut lines = headers.get_all(name).iter();
    let line = lines.next()?;
    if lines.next().is_some() {
        return None;
    }
    let text = std::str::from_utf8(trim_ows(line.as_bytes())).ok()?;
    httpdate::parse_http_date(text).ok()
}

fn parse_if_range(value: &[u8]) -> IfRange {
    let value = trim_ows(value);
    if value.starts_with(b"\"") || value.starts_with(b"W/") {
        return EntityTag::parse(value).map_or(IfRange::Invalid, IfRange::Tag);
    }
    std::str::from_utf8(value)
        .ok()
        .and_then(|text| httpdate::parse_http_date(text).ok())
        .map_or(IfRange::Invalid, IfRange::Date)
}
