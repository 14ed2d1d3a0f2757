//! Traits that exist for their compile errors: `require` on a read, a body extractor before the
//! last argument.

use axum::extract::FromRequestParts;

use crate::axum::Written;

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
