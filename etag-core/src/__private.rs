//! Not public API: what the macros of `etag-derive` expand to. Paths here may change in any
//! release; only the macros may use them.

pub use crate::EntityTag;

#[cfg(feature = "axum")]
pub use crate::conditional_runtime::{ConditionalRequest, precheck, respond};
#[cfg(feature = "axum")]
pub use axum::response::Response;
