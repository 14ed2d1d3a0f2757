//! What `#[conditional]` handlers run: the first extractor, the admission of the handler's kind,
//! the early check, and the response.
//!
//! The attribute turns
//!
//! ```text
//! #[conditional(require, precheck = db.version_of(id).await, error = ApiError)]
//! async fn put_order(State(db): State<Db>, Path(id): Path<u64>, pre: Preconditions, …) -> R { body }
//! ```
//!
//! into a plain axum handler that takes a [`ConditionalRequest`] before every other argument,
//! refuses (before the body runs) to let a read handler answer an unsafe method, evaluates the
//! `precheck` expression (if any), and turns `R` into the response.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;
use serde::Serialize;

use super::extract::ParsedByConditional;
use super::not_modified::not_modified;
use super::{Tagged, Written};
use crate::method::{ignores_preconditions, is_get_or_head};
use crate::{PreconditionError, Preconditions, ProblemDetails, ResourceState, Versioned};

/// The injected first extractor of a `#[conditional]` handler: parses the conditional headers
/// (400 when malformed) and, with `REQUIRE`, answers 428 when none is usable, before any other
/// extractor reads the body or touches the state. Its refusals go through the handler's error
/// type `E`.
#[doc(hidden)]
pub struct ConditionalRequest<const REQUIRE: bool, E = PreconditionError> {
    pre: Preconditions,
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

/// What `#[conditional(error = E)]` needs of `E`: every answer the attribute makes (400, 412,
/// 428) goes through `From<PreconditionError>` and `IntoResponse`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the error type of a `#[conditional]` handler",
    label = "the attribute sends its 400, 412 and 428 answers through this type",
    note = "implement `From<etag_core::PreconditionError>` and `axum::response::IntoResponse` for \
            `{Self}`; in `into_response`, `PreconditionError::into_response` gives the default \
            problem+json answer"
)]
pub trait ConditionalError {
    /// `E::from(refusal).into_response()`. A method rather than supertraits, so that a type
    /// missing either trait gets this trait's one message: rustc checks a supertrait before the
    /// trait itself.
    /// It takes a token no other crate can name, so no other crate implements this trait: every
    /// error type gets it from the one blanket impl below.
    #[doc(hidden)]
    fn refusal_response(refusal: PreconditionError, sealed: sealed::Token) -> Response;

    /// The compile-time check behind `error = E`, spanned at the type: called through the trait
    /// (`<E as ConditionalError>::…`), so its error names the type and this trait alone.
    #[doc(hidden)]
    fn error_type_is_usable() {}
}

// Not recommended: a type missing both traits gets one error (this trait's), not one per trait.
#[diagnostic::do_not_recommend]
impl<E: From<PreconditionError> + IntoResponse> ConditionalError for E {
    fn refusal_response(refusal: PreconditionError, _sealed: sealed::Token) -> Response {
        E::from(refusal).into_response()
    }
}

/// A refusal, through the handler's error type. A 304 is no error and has no body to format, so
/// it is always the library's own (with the validators RFC 9110 §15.4.5 asks for).
fn refusal<E: ConditionalError>(error: PreconditionError) -> Response {
    match error {
        PreconditionError::NotModified {
            etag,
            last_modified,
        } => not_modified(&etag, last_modified, http::HeaderMap::new()),
        error => E::refusal_response(error, sealed::Token),
    }
}

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

mod sealed {
    /// Only this crate says which types prove a write: a user type could claim to without a
    /// [`Checked`](crate::Checked). A required method takes this type, which no other crate can
    /// name, so no other crate can implement the trait. (A `Sealed` supertrait would do the
    /// same, but rustc checks a supertrait first: a wrong return type would be reported as not
    /// `Sealed` instead of with the trait's own message.)
    #[allow(unreachable_pub)] // public so that it may appear in a public trait's signature
    #[derive(Debug, Clone, Copy)]
    pub struct Token;
}

/// What a `#[conditional]` handler may return.
///
/// - **Reads** (GET, HEAD): the current state, a value that is `Versioned + Serialize` (sent as
///   JSON), or a [`Tagged`] one (to set a status or headers). Its validators decide 304 / 412.
///   An `Option` of either answers `None` with a 404.
/// - **Writes** (PUT, PATCH, POST, DELETE, …): a [`Written`], which only a
///   [`Checked`](crate::Checked) proof can build: the write evaluated the request's
///   preconditions against the state it replaced, and they passed.
/// - A `Result` of either, whose error is an `IntoResponse`.
///
/// A handler that returns a read's type is refused with a 500 before its body runs when it is
/// routed for an unsafe method: it could write without a proof.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a `#[conditional]` handler",
    label = "not a `Versioned + Serialize` resource, a `Tagged` one, or a `Written`",
    note = "a read returns the resource itself (`Order`, a type that is both `Versioned` and \
            `Serialize`, sent as JSON) or `Tagged<Order>` to set the status or headers, or an \
            `Option` of either (`None` is a 404); not `Json<Order>` or `(StatusCode, Order)`",
    note = "a write returns `Written<Order>`, made from the proof its check gives: \
            `pre.check(&current)?.ok(new_order)`, `.created(new_order, location)`, \
            `.no_content()` for a DELETE",
    note = "either may be the `Ok` of a `Result` whose error implements `IntoResponse`"
)]
pub trait IntoConditionalResponse {
    /// Whether this type proves a write (a [`Written`]).
    #[doc(hidden)]
    const PROVES_A_WRITE: bool;

    /// The response, with `refuse` answering a precondition that stops a read.
    #[doc(hidden)]
    fn into_conditional_response(
        self,
        pre: &Preconditions,
        refuse: fn(PreconditionError) -> Response,
        sealed: sealed::Token,
    ) -> Response;

    /// Admits the handler for this request before its body runs, and gives the function that
    /// makes the response from its output. A handler returning a read's type, asked to answer
    /// an unsafe method, is refused here: it could write with no proof that it checked the
    /// preconditions, and refusing after the body ran would come after the write.
    ///
    /// Called through the trait (`<R as IntoConditionalResponse>::admit`), so a return type that
    /// does not fit is reported with this trait's message alone.
    #[doc(hidden)]
    #[allow(clippy::result_large_err)] // a `Response` is what axum handlers give; refusals are rare
    fn admit<const REQUIRE: bool, E: ConditionalError>(
        request: &ConditionalRequest<REQUIRE, E>,
    ) -> Result<Respond<REQUIRE, E, Self>, Response>
    where
        Self: Sized,
    {
        let method = request.pre.method();
        if !Self::PROVES_A_WRITE && !is_get_or_head(method) && !ignores_preconditions(method) {
            tracing::error!(
                %method,
                "a #[conditional] handler that returns a read's type was routed for {method}; it \
                 was not run. Write handlers return `Written<T>`, made from `pre.check(&current)?`"
            );
            return Err(ProblemDetails::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The server is not set up to answer this method on this resource safely; nothing \
                 was changed.",
            )
            .into_response());
        }
        Ok(respond::<Self, REQUIRE, E>)
    }

    /// [`admit`](Self::admit) for a handler spelled `-> Result<T, Er>`, called as
    /// `<T as IntoConditionalResponse>::admit_result`: the same, with the bound on `T` alone, so
    /// a compile error names `T` rather than the whole `Result`.
    #[doc(hidden)]
    #[allow(clippy::result_large_err)]
    fn admit_result<Er: IntoResponse, const REQUIRE: bool, E: ConditionalError>(
        request: &ConditionalRequest<REQUIRE, E>,
    ) -> Result<Respond<REQUIRE, E, Result<Self, Er>>, Response>
    where
        Self: Sized,
    {
        <Result<Self, Er> as IntoConditionalResponse>::admit(request)
    }
}

// Not recommended: `(StatusCode, Order)` gets this trait's one error, not a second about its
// missing `Serialize`.
#[diagnostic::do_not_recommend]
impl<T: Versioned + Serialize> IntoConditionalResponse for T {
    const PROVES_A_WRITE: bool = false;

    fn into_conditional_response(
        self,
        pre: &Preconditions,
        refuse: fn(PreconditionError) -> Response,
        sealed: sealed::Token,
    ) -> Response {
        Tagged::new(self).into_conditional_response(pre, refuse, sealed)
    }
}

impl<T: Versioned + Serialize> IntoConditionalResponse for Tagged<T> {
    const PROVES_A_WRITE: bool = false;

    fn into_conditional_response(
        self,
        pre: &Preconditions,
        refuse: fn(PreconditionError) -> Response,
        _sealed: sealed::Token,
    ) -> Response {
        self.evaluate(pre).into_response_refusing_with(refuse)
    }
}

/// `None` is a 404 whatever the preconditions say (RFC 9110 §13.2.1: they apply to a response
/// that would otherwise be a 2xx).
fn missing() -> Response {
    ProblemDetails::new(StatusCode::NOT_FOUND, "The resource does not exist.").into_response()
}

macro_rules! optional_read {
    ($(impl for $ty:ty;)*) => {$(
        impl<T: Versioned + Serialize> IntoConditionalResponse for Option<$ty> {
            const PROVES_A_WRITE: bool = false;

            fn into_conditional_response(
                self,
                pre: &Preconditions,
                refuse: fn(PreconditionError) -> Response,
                sealed: sealed::Token,
            ) -> Response {
                match self {
                    Some(read) => read.into_conditional_response(pre, refuse, sealed),
                    None => missing(),
                }
            }
        }
    )*};
}

// Neither `Option` nor `Tagged` is `Versioned`, so these do not overlap the impl for `T`.
optional_read! {
    impl for T;
    impl for Tagged<T>;
}

// Every `Written` that is a response (the new state as JSON, or `NoContent`) proves a write.
impl<T> IntoConditionalResponse for Written<T>
where
    Written<T>: IntoResponse,
{
    const PROVES_A_WRITE: bool = true;

    fn into_conditional_response(
        self,
        _pre: &Preconditions,
        _refuse: fn(PreconditionError) -> Response,
        _sealed: sealed::Token,
    ) -> Response {
        self.into_response()
    }
}

impl<X: IntoConditionalResponse, E: IntoResponse> IntoConditionalResponse for Result<X, E> {
    const PROVES_A_WRITE: bool = X::PROVES_A_WRITE;

    fn into_conditional_response(
        self,
        pre: &Preconditions,
        refuse: fn(PreconditionError) -> Response,
        sealed: sealed::Token,
    ) -> Response {
        match self {
            Ok(output) => output.into_conditional_response(pre, refuse, sealed),
            Err(error) => error.into_response(),
        }
    }
}

/// What `#[conditional(require)]` asks of the handler's return type: a write's. Only its compile
/// error is of use, so it is hidden from the docs.
#[diagnostic::on_unimplemented(
    message = "`require` is for write handlers, and `{Self}` is what a read returns",
    label = "`require` answers 428 to a write without a precondition",
    note = "a write handler returns `Written<T>`, made from the proof of its check: \
            `pre.check(&current)?.ok(new_state)` (or `.created(…)`, `.no_content()`)",
    note = "a GET or HEAD handler needs no `require`: remove it; reads are answered 304 from the \
            returned value"
)]
pub trait WriteResponse {
    /// The compile-time check behind `require`, called as `<R as WriteResponse>::…` and spanned
    /// at the option: its error names the return type.
    #[doc(hidden)]
    fn require_is_for_writes()
    where
        Self: Sized,
    {
    }
}

impl<T> WriteResponse for Written<T> {}
impl<X: WriteResponse, E> WriteResponse for Result<X, E> {}

/// A value of the handler's return type for the expansion's never-taken `if false` branch, which
/// names the type of the async block the body runs in before rustc checks the body's `return`s.
#[doc(hidden)]
pub fn handler_output<R>() -> R {
    unreachable!("the branch that names the handler's output type is never taken")
}

/// How the generated handler answers once its body has run.
pub(crate) type Respond<const REQUIRE: bool, E, R> =
    fn(ConditionalRequest<REQUIRE, E>, R) -> Response;

fn respond<R, const REQUIRE: bool, E>(
    request: ConditionalRequest<REQUIRE, E>,
    output: R,
) -> Response
where
    R: IntoConditionalResponse,
    E: ConditionalError,
{
    output.into_conditional_response(&request.pre, refusal::<E>, sealed::Token)
}

/// What every argument of a `#[conditional]` handler but the last must be: an extractor that
/// reads only the request head. Only its compile error is of use, so it is hidden from the docs.
#[diagnostic::on_unimplemented(
    message = "`{Self}` must be the last argument of this `#[conditional]` handler",
    label = "this extractor reads the request body, or is not an extractor for this state",
    note = "only the last argument may read the body (`Json`, `Form`, `String`, `Bytes`, \
            `Request`): move it after the others, after `pre: Preconditions` too",
    note = "an extractor of the request head implements `FromRequestParts<{S}>`"
)]
pub trait ReadsNoBody<S> {
    /// The compile-time check that an argument other than the last reads no body, called as
    /// `<T as ReadsNoBody<S>>::reads_no_body()` and spanned at the argument's type.
    #[doc(hidden)]
    fn reads_no_body()
    where
        Self: Sized,
    {
    }
}

// Not recommended: the error then names this trait, whose message says what to do, instead of
// listing every `FromRequestParts` type.
#[diagnostic::do_not_recommend]
impl<S, T: FromRequestParts<S>> ReadsNoBody<S> for T {}

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
