//! Not public API: what the macros of `etag-derive` expand to. Paths here may change in any
//! release; only the macros may use them.

pub use crate::canonical::Encode;
pub use crate::canonical::field_hasher::{
    FieldHasher, FieldValue, Open, Probe, TagField, ViaEncode, ViaSerde, ViaUnordered, encode_end,
    encode_open, encode_value_via,
};
pub use crate::canonical::left_out::{LeftOut, NotShown, NotShownInTheBody, ShownIfSerialize};
pub use crate::canonical::sink::Sink;
pub use crate::entity_tag::EntityTag;
pub use crate::last_modified::LastModified;
pub use crate::version::Version;
pub use crate::versioned::Versioned;
pub use std::option::Option;
pub use std::time::SystemTime;

#[cfg(feature = "axum")]
pub use crate::axum::conditional::{
    ConditionalError, ConditionalRequest, Deferred, IntoConditionalResponse, PrecheckResult,
    ReadsNoBody, WriteResponse, handler_output,
};
#[cfg(feature = "axum")]
pub use crate::precondition::PreconditionError;
#[cfg(feature = "axum")]
pub use axum::response::Response;
