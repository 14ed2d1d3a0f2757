//! The axum integration, everything behind the `axum` feature.
//!
//! - `extract`: the conditional headers as extractors ([`Preconditions`](crate::Preconditions),
//!   [`IfMatch`](crate::IfMatch), [`IfNoneMatch`](crate::IfNoneMatch));
//! - `tagged`: [`Tagged`], a JSON response with its validators that answers conditional GETs;
//! - `validators` and `not_modified`: the `ETag` / `Last-Modified` headers and the 304 response;
//! - `error_response`: precondition outcomes and problem details as responses;
//! - `written`: [`Written`], a write's success response, which only a
//!   [`Checked`](crate::Checked) proof builds;
//! - `conditional`: what `#[conditional]` handlers run;
//! - `sql` and `cache` (with `sqlx`, `redis`): those integrations' outcomes as responses and
//!   precheck results.

#[cfg(feature = "redis")]
mod cache;
pub(crate) mod conditional;
mod error_response;
mod extract;
mod not_modified;
#[cfg(feature = "sqlx")]
mod sql;
mod tagged;
mod validators;
mod written;

pub use conditional::{
    ConditionalError, IntoConditionalResponse, PrecheckResult, ReadsNoBody, WriteResponse,
};
pub use tagged::Tagged;
pub use written::{NoContent, Written};
