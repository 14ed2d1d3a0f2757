//! What `#[conditional]` handlers run: the first extractor, the early check, and the response.
//!
//! The attribute turns
//!
//! ```text
//! #[conditional(require, precheck = db.version_of(id).await)]
//! async fn put_order(State(db): State<Db>, Path(id): Path<u64>, pre: Preconditions, …) -> R { body }
//! ```
//!
//! into a plain axum handler that takes a [`ConditionalRequest`] before every other argument,
//! evaluates the `precheck` expression (if any) before the body, and turns `R` into the response
//! with [`respond`].

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{Method, StatusCode, Uri};
use serde::Serialize;

use super::extract::ParsedByConditional;
use super::tagged::Tagged;
use crate::method::{ignores_preconditions, is_get_or_head};
use crate::precondition::probe::{EvaluationProbe, LastEvaluation};
use crate::precondition::{PreconditionError, Preconditions, ResourceState};
use crate::problem::ProblemDetails;
use crate::versioned::Versioned;

/// The injected first extractor of a `#[conditional]` handler: parses the conditional headers
/// (400 when malformed) and, with `REQUIRE`, answers 428 when none is usable, before any other
/// extractor reads the body or touches the state.
#[doc(hidden)]
pub struct ConditionalRequest<const REQUIRE: bool> {
    pre: Preconditions,
    uri: Uri,
}

impl<S: Send + Sync, const REQUIRE: bool> FromRequestParts<S> for ConditionalRequest<REQUIRE> {
    type Rejection = PreconditionError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let mut pre = Preconditions::parse(&parts.method, &parts.headers)?;
        if REQUIRE {
            pre = pre.required();
        }
        pre.check_required()?;
        // Only a write has to prove it checked; reads are decided from the returned value.
        if !is_get_or_head(&parts.method) && !ignores_preconditions(&parts.method) {
            pre.probe = EvaluationProbe::armed();
        }
        parts.extensions.insert(ParsedByConditional(pre.clone()));
        Ok(Self {
            pre,
            uri: parts.uri.clone(),
        })
    }
}

/// Opaque: the injected argument shows up in whatever needs `Debug` on a handler's arguments
/// (`#[tracing::instrument]` below `#[conditional]`), and a trace line gains nothing from the
/// parsed headers, which the request's own span already records.
impl<const REQUIRE: bool> std::fmt::Debug for ConditionalRequest<REQUIRE> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConditionalRequest").finish_non_exhaustive()
    }
}

impl<const REQUIRE: bool> ConditionalRequest<REQUIRE> {
    /// Whether the request carries a precondition the evaluator will look at; without one a
    /// precheck cannot answer early, so the generated handler does not run it.
    pub fn has_preconditions(&self) -> bool {
        self.pre.is_conditional()
    }
}

/// What a `precheck = …` expression of `#[conditional]` may evaluate to: the current state of the
/// resource, read cheaply (a version column, an `updated_at`), before the handler runs.
///
/// - `Option<V>` with `V: Versioned`: `Some` is the current state; `None` means the resource was
///   not found, and the handler runs to answer that (usually 404).
/// - [`ResourceState`]: use `ResourceState::Missing` only where the method would create the
///   resource, so that `If-Match` fails (412) and `If-None-Match: *` passes.
/// - `Result<X, E>` with `E: IntoResponse`: an error is answered as is, without the handler.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a result a `#[conditional]` precheck can use",
    label = "the precheck must give the resource's current state",
    note = "return `Option<V>` where `V: Versioned`, such as `Option<EntityTag>` (`None` when the \
            resource does not exist), a `ResourceState`, or a `Result` of either whose error \
            implements `IntoResponse`"
)]
pub trait PrecheckResult {
    /// The current state, `None` to let the handler decide, or a response to send as is.
    // A `Response` by value is what axum handlers produce; the error path is the rare one.
    #[allow(clippy::result_large_err)]
    fn into_current_state(self) -> Result<Option<ResourceState>, Response>;
}

impl<V: Versioned> PrecheckResult for Option<V> {
    fn into_current_state(self) -> Result<Option<ResourceState>, Response> {
        Ok(self.as_ref().map(ResourceState::of))
    }
}

impl PrecheckResult for ResourceState {
    fn into_current_state(self) -> Result<Option<ResourceState>, Response> {
        Ok(Some(self))
    }
}

impl<X: PrecheckResult, E: IntoResponse> PrecheckResult for Result<X, E> {
    fn into_current_state(self) -> Result<Option<ResourceState>, Response> {
        self.map_err(IntoResponse::into_response)?
            .into_current_state()
    }
}

/// What a `#[conditional]` handler may return: a value with validators that serializes to JSON,
/// a [`Tagged`] value (to set the status or headers), or a `Result` of either whose error is an
/// `IntoResponse`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a `#[conditional]` handler",
    label = "the response must carry the resource's validators",
    note = "return a value that implements `Versioned + Serialize`, a `Tagged<T>` of one, or a \
            `Result` of either whose error implements `IntoResponse`"
)]
pub trait IntoConditionalResponse {
    /// The value whose validators and JSON form make the response.
    type Value: Versioned + Serialize;

    /// The tagged response, or an error response to send as is.
    #[allow(clippy::result_large_err)]
    fn into_tagged(self) -> Result<Tagged<Self::Value>, Response>;
}

impl<T: Versioned + Serialize> IntoConditionalResponse for T {
    type Value = T;

    fn into_tagged(self) -> Result<Tagged<T>, Response> {
        Ok(Tagged::new(self))
    }
}

impl<T: Versioned + Serialize> IntoConditionalResponse for Tagged<T> {
    type Value = T;

    fn into_tagged(self) -> Result<Tagged<T>, Response> {
        Ok(self)
    }
}

impl<X: IntoConditionalResponse, E: IntoResponse> IntoConditionalResponse for Result<X, E> {
    type Value = X::Value;

    fn into_tagged(self) -> Result<Tagged<X::Value>, Response> {
        self.map_err(IntoResponse::into_response)?.into_tagged()
    }
}

/// Runs the `precheck` result against the request's preconditions: `Some(response)` (304, 412,
/// 428 or the precheck's own error) means the handler body must not run.
///
/// This evaluation is not the write's check: it is not recorded, so an unsafe method's handler
/// still has to call [`Preconditions::check`] inside its write.
#[doc(hidden)]
pub fn precheck<const REQUIRE: bool>(
    request: &ConditionalRequest<REQUIRE>,
    result: impl PrecheckResult,
) -> Option<Response> {
    match result.into_current_state() {
        Err(response) => Some(response),
        Ok(None) => None,
        Ok(Some(state)) => request
            .pre
            .evaluate_unrecorded(&state)
            .err()
            .map(IntoResponse::into_response),
    }
}

/// Turns the handler's output into the response.
///
/// - GET/HEAD: the returned value is the current state; a matching `If-None-Match` /
///   `If-Modified-Since` gives 304 without serializing it, a failed `If-Match` gives 412.
/// - OPTIONS, CONNECT, TRACE: preconditions do not apply.
/// - Any other method: the handler must have evaluated the preconditions against the state its
///   write replaced, and the last evaluation must have passed. A success response from a handler
///   that never checked, or that went on after a failed check, is replaced by a 500 and logged,
///   because the write may have overwritten a concurrent change the client never saw.
#[doc(hidden)]
pub fn respond<const REQUIRE: bool>(
    request: ConditionalRequest<REQUIRE>,
    output: impl IntoConditionalResponse,
) -> Response {
    let tagged = match output.into_tagged() {
        Ok(tagged) => tagged,
        Err(response) => return response,
    };
    let method = request.pre.method();
    if is_get_or_head(method) {
        return tagged.evaluate(&request.pre).into_response();
    }
    if ignores_preconditions(method) || !tagged.status().is_success() {
        return tagged.into_response();
    }
    match request.pre.probe.last() {
        LastEvaluation::Passed => tagged.into_response(),
        LastEvaluation::None => unchecked_write(
            method,
            &request.uri,
            tagged.status(),
            "without evaluating the request's preconditions: take `pre: Preconditions` as an \
             argument and call `pre.check(&current)` (or `pre.check_missing()` for a create) inside \
             the write",
        ),
        LastEvaluation::Failed => unchecked_write(
            method,
            &request.uri,
            tagged.status(),
            "although the last evaluation of its preconditions failed: return the error of \
             `pre.check(&current)` (with `?`) instead of going on with the write",
        ),
    }
}

/// [`respond`] for a handler spelled `-> Result<T, E>`: the same, with the bounds on `T` and `E`
/// apart, so a compile error names the type at fault.
#[doc(hidden)]
pub fn respond_result<const REQUIRE: bool, T, E>(
    request: ConditionalRequest<REQUIRE>,
    output: Result<T, E>,
) -> Response
where
    T: IntoConditionalResponse,
    E: IntoResponse,
{
    respond(request, output)
}

/// A 500 for a write that succeeded without a passing check; `fault` says what the handler did.
fn unchecked_write(method: &Method, uri: &Uri, status: StatusCode, fault: &str) -> Response {
    tracing::error!(
        %method,
        %uri,
        %status,
        "a #[conditional] handler answered a write with success {fault}; the response was \
         replaced by a 500"
    );
    ProblemDetails::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "The server did not verify this request's preconditions, so it cannot confirm that the \
         change was applied to the state you read. GET the resource to see its current state.",
    )
    .into_response()
}
