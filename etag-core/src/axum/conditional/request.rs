//! The handler's arguments: the injected first extractor, which parses the conditional headers
//! before anything reads the body, and the deferred last one, extracted after the precheck.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::request::Parts;

use super::error::{ConditionalError, refusal};
use crate::PreconditionError;
use crate::Preconditions;
use crate::axum::extract::ParsedByConditional;

/// The injected first extractor of a `#[conditional]` handler: parses the conditional headers
/// (400 when malformed) and, with `REQUIRE`, answers 428 when none is usable, before any other
/// extractor reads the body or touches the state. Its refusals go through the handler's error
/// type `E`.
#[doc(hidden)]
pub struct ConditionalRequest<const REQUIRE: bool, E = PreconditionError> {
    pub(super) pre: Preconditions,
    error: PhantomData<fn() -> E>,
}

impl<S, const REQUIRE: bool, E> FromRequestParts<S> for ConditionalRequest<REQUIRE, E>
where
    S: Send + Sync,
    E: ConditionalError,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let parse = || {
            let mut pre = Preconditions::parse(&parts.method, &parts.headers)?;
            if REQUIRE {
                pre = pre.required();
            }
            pre.check_required()?;
            Ok(pre)
        };
        let pre = parse().map_err(refusal::<E>)?;
        parts.extensions.insert(ParsedByConditional(pre.clone()));
        Ok(Self {
            pre,
            error: PhantomData,
        })
    }
}

/// Opaque: the injected argument shows up in whatever needs `Debug` on a handler's arguments
/// (`#[tracing::instrument]` below `#[conditional]`), and a trace line gains nothing from the
/// parsed headers, which the request's own span already records.
impl<const REQUIRE: bool, E> std::fmt::Debug for ConditionalRequest<REQUIRE, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConditionalRequest").finish_non_exhaustive()
    }
}

impl<const REQUIRE: bool, E> ConditionalRequest<REQUIRE, E> {
    /// Whether the request carries a precondition the evaluator will look at; without one a
    /// precheck cannot answer early, so the generated handler does not run it.
    pub fn has_preconditions(&self) -> bool {
        self.pre.is_conditional()
    }
}

/// The last argument of a `#[conditional(precheck = …)]` handler, extracted only after the
/// precheck: a request the precheck answers (a stale write's 412, a poll's 304) never has its
/// body read, buffered or parsed.
///
/// It holds the request until [`extract`](Self::extract) runs the real extractor on it, with the
/// router's state (axum states are `Clone`). `M` is axum's marker of how `T` extracts (from the
/// whole request or from its head), inferred where the handler is routed.
#[doc(hidden)]
pub struct Deferred<T, M> {
    extract: Box<dyn FnOnce() -> DeferredFuture<T> + Send>,
    marker: PhantomData<fn() -> M>,
}

type DeferredFuture<T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, Response>> + Send>>;

impl<S, T, M> axum::extract::FromRequest<S> for Deferred<T, M>
where
    S: Clone + Send + Sync + 'static,
    T: axum::extract::FromRequest<S, M> + 'static,
    M: 'static,
{
    type Rejection = std::convert::Infallible;

    async fn from_request(
        request: axum::extract::Request,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let state = state.clone();
        Ok(Self {
            extract: Box::new(move || {
                Box::pin(async move {
                    T::from_request(request, &state)
                        .await
                        .map_err(IntoResponse::into_response)
                })
            }),
            marker: PhantomData,
        })
    }
}

impl<T, M> Deferred<T, M> {
    /// Runs the extractor the handler declared, now that the precheck let the request through.
    #[allow(clippy::result_large_err)] // a rejection is the `Response` axum would send
    pub async fn extract(self) -> Result<T, Response> {
        (self.extract)().await
    }
}

/// Opaque, like [`ConditionalRequest`]: it shows up where attributes need `Debug` arguments.
impl<T, M> std::fmt::Debug for Deferred<T, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deferred").finish_non_exhaustive()
    }
}
