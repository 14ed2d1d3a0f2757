//! The example shop: a real service built on `etag-core`, and the workload its tests and
//! benchmarks run against.
//!
//! Orders, carts and products over HTTP with JSON bodies, stored in SQLite or PostgreSQL. Every
//! read carries an `ETag` (and, where the resource has one, `Last-Modified`) and answers 304 when
//! the client's copy is current; every write to an existing resource must be conditional (428 otherwise) and
//! is refused with 412 when the client's copy is stale. The check and the write happen in one
//! transaction (`BEGIN IMMEDIATE` on SQLite; a row lock or a version compare-and-swap on
//! PostgreSQL), so two clients racing through different server processes on the same database
//! cannot both win: the loser gets 412, never a lost update.
//!
//! Run it with `cargo run --release -p etag-examples --bin shop` (see `examples/README.md`).
//!
//! The layers, each behind a small public API:
//! - [`model`]: the resources, their validation and their validators;
//! - [`store`]: persistence, with writes that decide inside their transaction;
//! - [`db`]: which database, neutral errors, and bounded retries, over SQLite and PostgreSQL;
//! - [`http`]: routes and handlers; [`error`]: problem+json for every failure;
//! - [`cache`]: the validator cache in Redis (`--cache`), kept by the handlers;
//! - [`merge_patch`]: RFC 7396 for PATCH; [`config`] and [`server`]: running it.

pub mod cache;
pub mod config;
pub mod db;
pub mod error;
pub mod http;
pub mod merge_patch;
pub mod model;
pub mod server;
pub mod store;
