//! OpenAPI documentation of conditional requests, for [utoipa] 5 (feature `utoipa`).
//!
//! A `#[conditional]` handler that also carries `#[utoipa::path(…)]` *below* the attribute
//! documents its own conditional handling. `#[conditional]` reads the same options it enforces
//! and adds to the `utoipa::path` attribute:
//!
//! - to `params(…)`, [`ConditionalParams`]: for a read (the handler returns the resource or a
//!   [`Tagged`](crate::Tagged) one), the `If-None-Match` and `If-Modified-Since` request headers;
//!   for a write (it returns a [`Written`](crate::Written)), `If-Match`, `If-Unmodified-Since`
//!   and `If-None-Match` (`*` to create); with `require`, `If-Match` says that a precondition is
//!   required and the 428 is documented (the parameter itself stays optional: `If-None-Match: *`
//!   and `If-Unmodified-Since` satisfy `require` too, and OpenAPI cannot say "one of these");
//! - to `responses(…)`, [`ConditionalResponses`]: a read's 304 with its `ETag` and
//!   `Last-Modified`; a write's 400, 412 and (with `require`) 428, each an
//!   `application/problem+json` [`ProblemDetails`](crate::ProblemDetails);
//! - to each 2xx response listed in `responses(…)`, the `ETag` and `Last-Modified` headers,
//!   unless the handler answers `Written<NoContent>` (204 and 202 carry no representation, and so
//!   no validators of one).
//!
//! The handler states its own success responses, body types and any errors of its own; what the
//! attribute decides is documented by the attribute, so the two cannot drift apart.
//!
//! ```
//! # #[cfg(all(feature = "axum", feature = "derive"))] {
//! use axum::extract::Path;
//! use etag_core::{EntityTag, Preconditions, PreconditionError, Versioned, Written, conditional};
//! use utoipa::OpenApi;
//!
//! #[derive(serde::Serialize)]
//! struct Doc { version: u64 }
//! impl Versioned for Doc {
//!     fn etag(&self) -> EntityTag { EntityTag::from_version(self.version) }
//! }
//! # impl utoipa::PartialSchema for Doc {
//! #     fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
//! #         utoipa::openapi::ObjectBuilder::new().into()
//! #     }
//! # }
//! # impl utoipa::ToSchema for Doc {}
//!
//! /// Replaces a document.
//! #[conditional(require)]
//! #[utoipa::path(put, path = "/docs/{id}", responses((status = 200, body = Doc)))]
//! async fn put_doc(Path(id): Path<u64>, pre: Preconditions) -> Result<Written<Doc>, PreconditionError> {
//!     Ok(pre.check(&Doc { version: id })?.ok(Doc { version: id + 1 }))
//! }
//!
//! #[derive(OpenApi)]
//! #[openapi(paths(put_doc))]
//! struct Api;
//!
//! let spec = serde_json::to_value(Api::openapi()).expect("serializes");
//! let put = &spec["paths"]["/docs/{id}"]["put"];
//! let if_match = put["parameters"].as_array().expect("parameters").iter()
//!     .find(|p| p["name"] == "If-Match").expect("If-Match is documented");
//! assert!(if_match["description"].as_str().expect("text").contains("428"));
//! assert!(put["responses"]["200"]["headers"]["ETag"].is_object());
//! for status in ["400", "412", "428"] {
//!     assert!(put["responses"][status]["content"]["application/problem+json"].is_object());
//! }
//! # }
//! ```
//!
//! Put `#[conditional]` above `#[utoipa::path]`: attributes expand from the outside in, and the
//! one below cannot see what the one above says.

mod headers;
mod params;
mod problem;
mod responses;

pub use params::ConditionalParams;
pub use responses::ConditionalResponses;
