//! Not public API: what the macros of `etag-derive` expand to. Paths here may change in any
//! release; only the macros may use them.

pub use crate::EntityTag;
