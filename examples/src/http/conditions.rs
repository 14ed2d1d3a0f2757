//! The precondition checks every handler runs inside its write, and the responses built from
//! their proofs, in one place.

use std::future::Future;
use std::time::{Duration, SystemTime};

use etag_core::{Checked, CollectionRevision, PreconditionError, Preconditions, Versioned};
use serde::Serialize;

use crate::error::ApiError;
use crate::model::PageBounds;
use crate::store::Written;

/// For a PUT: checks against the current state, or, when there is none, as a create
/// (`If-Match` fails, `If-None-Match: *` passes).
pub(crate) fn check_put<T: Versioned>(
    pre: &Preconditions,
    current: Option<&T>,
) -> Result<Checked, ApiError> {
    Ok(match current {
        Some(current) => pre.check(current)?,
        None => pre.check_missing()?,
    })
}

/// For a PATCH or DELETE: a missing resource is a 404 whatever the preconditions
/// (RFC 9110 §13.2.1); a present one must pass them.
pub(crate) fn check_existing<'a, T: Versioned>(
    pre: &Preconditions,
    current: Option<&'a T>,
    kind: &'static str,
    id: &str,
) -> Result<(&'a T, Checked), ApiError> {
    let current = current.ok_or_else(|| ApiError::not_found(kind, id))?;
    let checked = pre.check(current)?;
    Ok((current, checked))
}

/// For a POST to a collection: no precondition is required, but those sent are evaluated
/// against the collection's revision (its tag, the `ETag` of `GET` on the collection), inside
/// the create: one row, however large the collection.
///
/// A request without any needs no revision: its proof comes at once, and the store runs no
/// guard. So exactly one of the two is `Some`: the guard for the store, or the proof.
#[expect(
    clippy::type_complexity,
    reason = "the guard is a closure, which has no name to alias"
)]
pub(crate) fn collection_guard(
    pre: Preconditions,
) -> (
    Option<impl FnMut(&CollectionRevision) -> Result<Checked, ApiError> + Send + 'static>,
    Option<Checked>,
) {
    if let Some(checked) = pre.check_unconditional() {
        return (None, Some(checked));
    }
    let guard = move |revision: &CollectionRevision| {
        pre.check_state(&PageBounds::default().state(revision))
            .map_err(ApiError::from)
    };
    (Some(guard), None)
}

/// The proof of a POST: the guard's, or the one given without a guard.
pub(crate) fn collection_proof(
    from_guard: Option<Checked>,
    unconditional: Option<Checked>,
) -> Result<Checked, ApiError> {
    from_guard.or(unconditional).ok_or_else(|| {
        ApiError::Internal("a POST was created with neither a guard nor a proof".to_owned())
    })
}

/// The response to a PUT: 201 with `Location` when it created the resource, else 200; the new
/// validators either way.
pub(crate) fn put_response<T: Versioned + Serialize>(
    written: Written<T, Checked>,
    path: &str,
) -> etag_core::Written<T> {
    let Written {
        value,
        created,
        proof,
    } = written;
    if created {
        created_at(proof, value, path)
    } else {
        proof.ok(value)
    }
}

/// A 201 Created for the resource at `path`.
pub(crate) fn created_at<T: Versioned + Serialize>(
    proof: Checked,
    value: T,
    path: &str,
) -> etag_core::Written<T> {
    proof.created(value, path)
}

/// The longest a write waits for the date of the state it would replace to settle. The store
/// dates states in whole seconds, so a state's date settles at most a second after it was
/// written; a longer wait means a clock that stepped back, and the client is told to retry
/// (`Retry-After`) instead.
const MAX_SETTLE_WAIT: Duration = Duration::from_millis(1_100);

/// Past the moment a date settles, so the retry does not land on the edge of the second.
const SETTLE_MARGIN: Duration = Duration::from_millis(5);

/// Runs `write`, and runs it once more when it was refused only because it is guarded by a date
/// alone (`If-Unmodified-Since`) and the state it would replace is less than a second old
/// ([`etag_core::FailureContext::settles_at`]): a date cannot tell that state from the one
/// before it, so the library refuses the write until the date has settled.
///
/// The wait is an async sleep between two complete writes: it holds no connection, no database
/// thread and no lock, so other requests (and other writers of the same resource) go on
/// meanwhile. The second run checks the preconditions again against whatever state is current
/// then; if that state is again too young (another writer got in), its 412 with `Retry-After`
/// goes to the client. So a client that writes with the `Last-Modified` it just received gets
/// its 200, as it would from a server that kept dates apart by waiting inside the write.
pub(crate) async fn once_dates_settle<T, F, Fut>(mut write: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    match write().await {
        Err(ApiError::Precondition(refused)) => match settle_wait(&refused, SystemTime::now()) {
            Some(wait) => {
                tokio::time::sleep(wait).await;
                write().await
            }
            None => Err(ApiError::Precondition(refused)),
        },
        other => other,
    }
}

/// How long to wait at `now` before a write `refused` as too recent can be decided; `None`
/// when it was refused for another reason, or the wait would be unreasonably long.
fn settle_wait(refused: &PreconditionError, now: SystemTime) -> Option<Duration> {
    let PreconditionError::Failed { context, .. } = refused else {
        return None;
    };
    let settles_at = context.settles_at()?;
    let wait = settles_at.duration_since(now).unwrap_or_default() + SETTLE_MARGIN;
    (wait <= MAX_SETTLE_WAIT + SETTLE_MARGIN).then_some(wait)
}

#[cfg(test)]
mod tests {
    use super::*;
    use etag_core::{EntityTag, ResourceState};
    use http::{HeaderMap, HeaderValue, Method, header};
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn date_only(date: SystemTime) -> Preconditions {
        let mut headers = HeaderMap::new();
        let text = httpdate::fmt_http_date(date);
        let value = HeaderValue::from_str(&text).expect("an HTTP date is a header value");
        headers.insert(header::IF_UNMODIFIED_SINCE, value);
        Preconditions::parse(&Method::PUT, &headers).expect("a valid date")
    }

    fn whole_second(time: SystemTime) -> SystemTime {
        let since = time
            .duration_since(SystemTime::UNIX_EPOCH)
            .expect("after 1970");
        SystemTime::UNIX_EPOCH + Duration::from_secs(since.as_secs())
    }

    #[tokio::test]
    async fn a_date_only_write_to_a_young_state_runs_again_once_its_date_settles() {
        let written_at = whole_second(SystemTime::now());
        let state = ResourceState::present(EntityTag::from_version(1_u32), Some(written_at));
        let pre = date_only(written_at);
        let runs = AtomicUsize::new(0);
        let started = std::time::Instant::now();
        let outcome = once_dates_settle(|| {
            runs.fetch_add(1, Ordering::SeqCst);
            let checked = pre.check_state(&state).map_err(ApiError::from);
            async move { checked }
        })
        .await;
        assert!(outcome.is_ok(), "the second run passes: {outcome:?}");
        // The first run was refused while the state was young (it always is: the state is
        // dated this second), the second one passed.
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        assert!(started.elapsed() <= MAX_SETTLE_WAIT + Duration::from_millis(500));
    }

    #[tokio::test]
    async fn other_refusals_are_answered_at_once() {
        let written_at = whole_second(SystemTime::now()) - Duration::from_secs(10);
        let state = ResourceState::present(EntityTag::from_version(1_u32), Some(written_at));
        // The client holds an older date: stale, not too young.
        let pre = date_only(written_at - Duration::from_secs(5));
        let runs = AtomicUsize::new(0);
        let outcome = once_dates_settle(|| {
            runs.fetch_add(1, Ordering::SeqCst);
            let checked = pre.check_state(&state).map_err(ApiError::from);
            async move { checked }
        })
        .await;
        assert!(matches!(outcome, Err(ApiError::Precondition(_))));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_date_far_in_the_future_is_not_waited_for() {
        let now = SystemTime::now();
        let ahead = whole_second(now) + Duration::from_secs(30);
        let state = ResourceState::present(EntityTag::from_version(1_u32), Some(ahead));
        let refused = date_only(ahead)
            .check_state(&state)
            .expect_err("a state dated ahead of the clock is too young");
        assert!(refused.retry_after().is_some());
        assert_eq!(settle_wait(&refused, now), None);
    }
}
