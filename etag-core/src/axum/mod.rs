//! The axum integration, everything behind the `axum` feature.
//!
//! - `extract`: the conditional headers as extractors ([`Preconditions`](crate::Preconditions),
//!   [`IfMatch`](crate::IfMatch), [`IfNoneMatch`](crate::IfNoneMatch));
//! - `tagged`: [`Tagged`], a JSON response with its validators that answers conditional GETs;
//! - `validators` and `not_modified`: the `ETag` / `Last-Modified` headers and the 304 response;
//! - `error_response`: precondition outcomes and problem details as responses;
//! - `conditional`: what `#[conditional]` handlers run.

pub(crate) mod conditional;
mod error_response;
mod extract;
mod not_modified;
mod tagged;
mod validators;

pub use conditional::{IntoConditionalResponse, PrecheckResult};
pub use tagged::Tagged;
