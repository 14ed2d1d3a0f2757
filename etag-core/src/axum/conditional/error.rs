//! The handler's error type: every refusal the attribute makes goes through it.

use axum::response::{IntoResponse, Response};

use super::sealed;
use crate::PreconditionError;
use crate::axum::not_modified::not_modified;

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
pub(super) fn refusal<E: ConditionalError>(error: PreconditionError) -> Response {
    match error {
        PreconditionError::NotModified {
            etag,
            last_modified,
        } => not_modified(&etag, last_modified, http::HeaderMap::new()),
        error => E::refusal_response(error, sealed::Token),
    }
}
