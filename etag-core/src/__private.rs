//! Not public API: what the macros of `etag-derive` expand to. Paths here may change in any
//! release; only the macros may use them.

pub use crate::EntityTag;
pub use crate::canonical::{FieldHasher, TagField};
pub use crate::last_modified::LastModified;
pub use crate::{Version, Versioned};
pub use std::option::Option;
pub use std::time::SystemTime;

#[cfg(feature = "axum")]
pub use crate::conditional_runtime::{ConditionalRequest, precheck, respond, respond_result};
#[cfg(feature = "axum")]
pub use axum::response::Response;
