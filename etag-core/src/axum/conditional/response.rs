//! What a handler returns: a read's state or a write's proof, turned into the response.

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Serialize;

use super::ConditionalRequest;
use super::error::{ConditionalError, refusal};
use super::sealed;
use crate::axum::error_response::not_found;
use crate::axum::{Tagged, Written};
use crate::method::{ignores_preconditions, is_get_or_head};
use crate::{PreconditionError, Preconditions, ProblemDetails, Versioned};

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
                    // A 404 whatever the preconditions say (RFC 9110 §13.2.1: they apply to a
                    // response that would otherwise be a 2xx).
                    None => not_found(),
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
