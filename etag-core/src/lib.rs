//! Entity tags and RFC 9110 conditional requests for Rust web services.
//!
//! Two clients read the same order, both change it, both write it back: without a precondition
//! the second write silently erases the first. A client polls an order every second and downloads
//! the same body each time. Entity tags solve both: the server labels each representation with a
//! tag, writes carry `If-Match: <tag>` and fail with 412 when the tag is stale, and reads carry
//! `If-None-Match: <tag>` and get an empty 304 when nothing changed.
//!
//! This crate holds the runtime:
//! - [`EntityTag`]: parsing, printing, strong and weak comparison (RFC 9110 §8.8.3);
//! - [`Versioned`]: what a resource's validators are (derive it with the `derive` feature);
//! - [`Preconditions`]: the conditional headers of a request, parsed with a safe policy, and
//!   evaluated against the current [`ResourceState`] in the order of RFC 9110 §13.2.2;
//! - [`Checked`]: the proof that a write's check passed, which its success response needs;
//!   [`ExpectedVersion`] lets the database do that check (`UPDATE … WHERE version = ?`);
//! - [`PreconditionError`]: 304 / 400 / 412 / 428 outcomes with RFC 9457 [`ProblemDetails`].
//!
//! # Evaluating a write
//!
//! ```
//! use etag_core::{EntityTag, Preconditions, PreconditionError, Versioned};
//! use http::{HeaderMap, HeaderValue, Method, StatusCode, header::IF_MATCH};
//!
//! struct Cart { version: u64, items: Vec<String> }
//!
//! impl Versioned for Cart {
//!     fn etag(&self) -> EntityTag { EntityTag::from_version(self.version) }
//! }
//!
//! let mut headers = HeaderMap::new();
//! headers.insert(IF_MATCH, HeaderValue::from_static("\"1\""));
//! let pre = Preconditions::parse(&Method::PUT, &headers)?.required();
//! pre.check_required()?; // 428 before any work when the client sent no precondition
//!
//! let mut cart = Cart { version: 2, items: vec![] };
//! // Inside the write (a transaction, or under the lock that guards the cart). A passing check
//! // gives the `Checked` proof a write's success response is built from.
//! let outcome = pre.check(&cart).map(|checked| {
//!     cart.items.push("apple".into());
//!     cart.version += 1;
//!     checked
//! });
//! let err = outcome.expect_err("the client read version 1; the cart is at version 2");
//! assert_eq!(err.status(), StatusCode::PRECONDITION_FAILED);
//! # Ok::<(), PreconditionError>(())
//! ```
//!
//! # Tags from your types
//!
//! With the `derive` feature, `#[derive(Versioned)]` computes a strong tag from the fields that
//! make up a value's state (`#[etag(id)]` leaves the identity the URL names out, `#[etag(skip)]`
//! what the body does not show), or takes it from
//! a version column (`#[etag(version)]`); `#[etag(weak)]` makes it weak and
//! `#[etag(last_modified)]` names the modification time. Selected fields are hashed through the
//! [`canonical`] encoding, a documented, stable contract: the same value has the same tag in every
//! process, on every platform, in every release. Features `chrono` and `time` accept their
//! date types as [`LastModified`] fields. Nested types that also derive
//! [`canonical::Encode`] (next to `Serialize`) are hashed without serde's visitor machinery,
//! with the same bytes.
//!
//! # Features
//!
//! Nothing is on by default: the core (tags, [`Versioned`], [`Preconditions`], [`Checked`],
//! [`ProblemDetails`]) needs only `http`, `httpdate`, `serde` and `sha2`.
//!
//! | feature | what it adds |
//! |---|---|
//! | `derive` | `#[derive(Versioned)]` (and, with `axum`, `#[conditional]`) |
//! | `axum` | extractors, `Written` / `Tagged` responses and the `#[conditional]` runtime for axum 0.8 (turns on `json`) |
//! | `json` | `ProblemDetails::to_json` through `serde_json` |
//! | `chrono`, `time` | `chrono::DateTime` / `time::OffsetDateTime` as [`LastModified`] fields |
//! | `redis` | `cache::ValidatorCache`: validators in Redis for prechecks, never stale after a write's response |
//! | `sqlx` | `sql`: compare-and-swap outcomes as proofs, serialization failures and lock timeouts as retryable, over sqlx 0.9 (turns on `json`) |
//! | `sqlx-postgres`, `sqlx-sqlite`, `sqlx-mysql` | `sql::RowsWritten` for that database's query result (and its retryable errors) |
//! | `compression` | `coding::CodingTagsLayer`: tower-http compression with a strong tag per content coding |
//! | `cors` | `cors::conditional_cors`: a CORS layer that lets browsers make conditional requests |
//! | `utoipa` | `openapi`: `#[conditional]` documents its headers and 304 / 400 / 412 / 428 answers (utoipa 5; turns on `axum`) |
//! | `client` | `client`: a reqwest read-change-write loop with `If-Match`, retried on 412 (turns on `json`) |
//!
//! On docs.rs every item shows the features it needs.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(all(feature = "axum", feature = "derive"), doc = include_str!("../docs/axum.md"))]
#![cfg_attr(
    all(feature = "axum", feature = "derive", feature = "sqlx-postgres", feature = "sqlx-sqlite", feature = "sqlx-mysql"),
    doc = include_str!("../docs/sql.md")
)]

// The architecture, from the entity tag up. Each module depends only on those listed above it.

// `EntityTag`: the validator itself, its syntax and comparisons (RFC 9110 §8.8.3).
mod entity_tag;
// `Version`: version numbers as tags (`#[etag(version)]`).
mod version;
// `LastModified`: the date types a modification time may have (`#[etag(last_modified)]`).
mod last_modified;
// The stable canonical encoding behind derived tags, and the collection tag.
pub mod canonical;
// `Versioned`: what a value's validators are; impls for pointers and sequences.
mod versioned;
// RFC 9457 problem details, the body of every 4xx this crate answers.
mod problem;
// Which methods preconditions apply to (RFC 9110 §13.2.1).
mod method;
// The syntax of the conditional request headers, one header per file.
mod header;
// `Preconditions`: a request's conditions, evaluated in the order of RFC 9110 §13.2.2.
mod precondition;
// `CollectionRevision`: O(1) validators for collections and their pages, kept by revision.
mod collection;
// The axum integration: extractors, responses, and the `#[conditional]` runtime.
#[cfg(feature = "axum")]
mod axum;
// The validator cache in Redis that prechecks can answer from.
#[cfg(feature = "redis")]
pub mod cache;
// The client side over reqwest: read-change-write loops with `If-Match`.
#[cfg(feature = "client")]
pub mod client;
// Between server and client: a strong tag per content coding, and CORS for conditional requests.
#[cfg(feature = "compression")]
pub mod coding;
#[cfg(feature = "cors")]
pub mod cors;
// OpenAPI (utoipa): the conditional headers and answers of `#[conditional]` handlers.
#[cfg(feature = "utoipa")]
pub mod openapi;
// Conditional writes on SQL databases through sqlx: compare-and-swap, proofs, retries.
#[cfg(feature = "sqlx")]
pub mod sql;

pub use collection::CollectionRevision;
pub use entity_tag::{EntityTag, InvalidEntityTag};
pub use header::{IfMatch, IfNoneMatch, IfRange, MalformedHeader, TagCondition, TagListProblem};
pub use last_modified::LastModified;
pub use precondition::{
    Checked, ExpectedVersion, FailureContext, PreconditionError, Preconditions, ResourceState,
    SwapRefused,
};
pub use problem::{PROBLEM_JSON, ProblemDetails};
pub use version::Version;
pub use versioned::Versioned;

#[cfg(feature = "axum")]
pub use self::axum::{
    ConditionalError, IntoConditionalResponse, NoContent, PrecheckResult, Tagged, Written,
};
// Named in compile errors (so at the root, where rustc prints them by their bare names), never
// used by hand: hidden from the docs.
#[cfg(feature = "axum")]
#[doc(hidden)]
pub use self::axum::{ReadsNoBody, WriteResponse};

// The same for the derive's checks: a hashed field's type (and an unordered set, however it is
// spelled), and a field left out of the tag but shown in the body; the probe's two arms that
// carry those bounds are named in the errors' notes.
#[doc(hidden)]
pub use canonical::{
    field_hasher::{SortedForTags, TagField, ViaSerde, ViaUnordered},
    left_out::NotShownInTheBody,
};

#[cfg(feature = "compression")]
pub use coding::{CodingTags, CodingTagsLayer};
#[cfg(feature = "cors")]
pub use cors::conditional_cors;

#[cfg(feature = "derive")]
pub use etag_derive::Versioned;

#[cfg(all(feature = "derive", feature = "axum"))]
pub use etag_derive::conditional;

#[doc(hidden)]
pub mod __private;

/// The README's examples, compiled and run as doctests so the quick start cannot rot.
#[cfg(all(doctest, feature = "derive", feature = "axum"))]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
