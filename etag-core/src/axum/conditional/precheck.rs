//! The `precheck = …` expression's result: the current state, read before the handler runs.

use axum::response::{IntoResponse, Response};

use super::ConditionalRequest;
use super::error::{ConditionalError, refusal};
use crate::{ResourceState, Versioned};

/// What a `precheck = …` expression of `#[conditional]` may evaluate to: the current state of the
/// resource, read cheaply (a version column, an `updated_at`), before the handler runs.
///
/// - `Option<V>` with `V: Versioned`: `Some` is the current state; `None` means the resource was
///   not found (or the cheap read does not know), and the handler runs to answer.
/// - [`ResourceState`]: use `ResourceState::Missing` only where the method would create the
///   resource, so that `If-Match` fails (412) and `If-None-Match: *` passes. An
///   `Option<ResourceState>` is that state, or `None` to let the handler decide.
/// - `Result<X, E>` with `E: IntoResponse`: an error is answered as is, without the handler.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a result a `#[conditional]` precheck can use",
    label = "the precheck must give the resource's current state",
    note = "return `Option<V>` where `V: Versioned`, such as `Option<EntityTag>` (`None` when the \
            resource does not exist), a `ResourceState` (or an `Option` of one), or a `Result` \
            of any of these whose error implements `IntoResponse`",
    note = "if the expression calls an `async fn`, it gives a future: add `.await`, like \
            `precheck = db.version(id).await`"
)]
pub trait PrecheckResult {
    /// The current state, `None` to let the handler decide, or a response to send as is.
    // A `Response` by value is what axum handlers produce; the error path is the rare one.
    #[allow(clippy::result_large_err)]
    fn into_current_state(self) -> Result<Option<ResourceState>, Response>;

    /// Runs the precheck's result against the request's preconditions: `Some(response)` (304,
    /// 412, 428 or the precheck's own error) means the handler body must not run.
    ///
    /// This evaluation gives no proof: the state can change between the precheck and the
    /// write, so an unsafe method's handler still checks inside its write.
    #[doc(hidden)]
    fn precheck<const REQUIRE: bool, E: ConditionalError>(
        self,
        request: &ConditionalRequest<REQUIRE, E>,
    ) -> Option<Response>
    where
        Self: Sized,
    {
        match self.into_current_state() {
            Err(response) => Some(response),
            Ok(None) => None,
            Ok(Some(state)) => request.pre.evaluate(&state).err().map(refusal::<E>),
        }
    }
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

// `ResourceState` is not `Versioned`, so this does not overlap the impl for `Option<V>`.
impl PrecheckResult for Option<ResourceState> {
    fn into_current_state(self) -> Result<Option<ResourceState>, Response> {
        Ok(self)
    }
}

impl<X: PrecheckResult, E: IntoResponse> PrecheckResult for Result<X, E> {
    fn into_current_state(self) -> Result<Option<ResourceState>, Response> {
        self.map_err(IntoResponse::into_response)?
            .into_current_state()
    }
}
