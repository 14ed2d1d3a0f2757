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
//!
//! - `request`: the injected [`ConditionalRequest`] and the [`Deferred`] body extractor;
//! - `precheck`: [`PrecheckResult`], what the `precheck` expression may give;
//! - `response`: [`IntoConditionalResponse`], what the handler may return;
//! - `error`: [`ConditionalError`], the handler's own error type;
//! - `checks`: [`WriteResponse`] and [`ReadsNoBody`], which exist for their compile errors.

mod checks;
mod error;
mod precheck;
mod request;
mod response;

pub use checks::{ReadsNoBody, WriteResponse};
pub use error::ConditionalError;
pub use precheck::PrecheckResult;
pub use request::{ConditionalRequest, Deferred};
pub use response::IntoConditionalResponse;

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

/// A value of the handler's return type for the expansion's never-taken `if false` branch, which
/// names the type of the async block the body runs in before rustc checks the body's `return`s.
#[doc(hidden)]
pub fn handler_output<R>() -> R {
    unreachable!("the branch that names the handler's output type is never taken")
}
