//! The RFC 9110 §13.2.2 evaluation of preconditions against the current state of a resource, and
//! the §13.1.5 `If-Range` decision. [`Preconditions`](crate::Preconditions) holds the parsed
//! [`Conditions`] and calls these functions from its methods.

use std::sync::Arc;
use std::time::SystemTime;

use http::{Method, header};

use super::error::{FailureContext, PreconditionError};
use super::state::ResourceState;
use crate::entity_tag::EntityTag;
use crate::header::{IfRange, TagCondition};
use crate::method::{ignores_preconditions, is_get_or_head};

/// The conditional headers of one request as the algorithm reads them, and whether the server
/// requires one.
#[derive(Debug, Clone)]
pub(crate) struct Conditions {
    pub(crate) method: Method,
    // Shared, not copied, when the preconditions are cloned: `#[conditional]` hands the parsed
    // ones to the handler's `Preconditions` and keeps them for the response, and a list may hold
    // a thousand tags.
    pub(crate) if_match: Option<Arc<TagCondition>>,
    pub(crate) if_none_match: Option<Arc<TagCondition>>,
    pub(crate) if_modified_since: Option<SystemTime>,
    pub(crate) if_unmodified_since: Option<SystemTime>,
    pub(crate) if_range: Option<IfRange>,
    pub(crate) has_range: bool,
    pub(crate) required: bool,
}

/// Evaluates `conditions` against the current state, in the order of RFC 9110 §13.2.2 (see
/// [`Preconditions::evaluate`](crate::Preconditions::evaluate)).
pub(crate) fn evaluate(
    conditions: &Conditions,
    state: &ResourceState,
) -> Result<(), PreconditionError> {
    if ignores_preconditions(&conditions.method) {
        return Ok(());
    }
    let current = state.etag();
    let last_modified = state.last_modified_seconds();

    let safe = is_get_or_head(&conditions.method);

    // Step 1 and 2: the client's view must still be current.
    if let Some(if_match) = &conditions.if_match {
        if !if_match.matches_strong(current) {
            let mut context = FailureContext::of(state);
            context.weakened_echo = weakened_echo(if_match, current);
            return Err(failed_with(header::IF_MATCH, context));
        }
    } else if let (Some(date), Some(modified)) = (conditions.if_unmodified_since, last_modified) {
        if modified > date {
            return Err(failed_with(
                header::IF_UNMODIFIED_SINCE,
                FailureContext::of(state),
            ));
        }
        // A date has one-second precision: while the current state is less than a second old,
        // another state may share its date, and two writers holding that date could both pass.
        // A write passes on a date alone only once the date is a strong validator (§8.8.2.2);
        // the state it writes is then dated a later second, which the second writer's date
        // predates.
        if !safe && !state.has_strong_date() {
            let mut context = FailureContext::of(state);
            context.settles_at = state.date_settles_at();
            return Err(failed_with(header::IF_UNMODIFIED_SINCE, context));
        }
    }

    // Step 3 and 4: is there anything new for the client?
    if let Some(if_none_match) = &conditions.if_none_match {
        if if_none_match.matches_weak(current) {
            return Err(if safe {
                not_modified(state)
            } else {
                failed_with(header::IF_NONE_MATCH, FailureContext::of(state))
            });
        }
    } else if let (true, Some(date), Some(modified)) =
        (safe, conditions.if_modified_since, last_modified)
        && modified <= date
    {
        return Err(not_modified(state));
    }

    if conditions.required && !safe && !has_usable_precondition(conditions, state) {
        return Err(PreconditionError::Required);
    }
    Ok(())
}

/// The early 428: a precondition is required and the request carries none of `If-Match`,
/// `If-None-Match` or an `If-Unmodified-Since` with a valid date.
pub(crate) fn check_required(conditions: &Conditions) -> Result<(), PreconditionError> {
    let sent_any = conditions.if_match.is_some()
        || conditions.if_none_match.is_some()
        || conditions.if_unmodified_since.is_some();
    // A read is never refused for want of a precondition: `require` is about writes.
    let applies = !ignores_preconditions(&conditions.method) && !is_get_or_head(&conditions.method);
    if conditions.required && !sent_any && applies {
        Err(PreconditionError::Required)
    } else {
        Ok(())
    }
}

/// Whether the request could use a `Range` against this state (RFC 9110 §13.1.5; see
/// [`Preconditions::range_applies`](crate::Preconditions::range_applies)).
pub(crate) fn range_applies(conditions: &Conditions, state: &ResourceState) -> bool {
    if conditions.method != Method::GET || !conditions.has_range {
        return false;
    }
    match &conditions.if_range {
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
fn has_usable_precondition(conditions: &Conditions, state: &ResourceState) -> bool {
    conditions.if_match.is_some()
        || conditions.if_none_match.is_some()
        || (conditions.if_unmodified_since.is_some() && state.last_modified_seconds().is_some())
}

/// A 412 for `condition`, with no more to say about the current state.
pub(crate) fn failed(condition: http::HeaderName) -> PreconditionError {
    failed_with(condition, FailureContext::default())
}

fn failed_with(condition: http::HeaderName, context: FailureContext) -> PreconditionError {
    PreconditionError::Failed { condition, context }
}

/// Whether `If-Match` lists the current strong tag in weak form (`W/"x"` for `"x"`): what a
/// proxy that compressed the response does to the tag a client then echoes.
fn weakened_echo(if_match: &TagCondition, current: Option<&EntityTag>) -> bool {
    match (if_match, current) {
        (TagCondition::Tags(tags), Some(current)) if !current.is_weak() => {
            tags.iter().any(|tag| tag.is_weak() && tag.weak_eq(current))
        }
        _ => false,
    }
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
