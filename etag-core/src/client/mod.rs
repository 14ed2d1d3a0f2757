//! The client side of optimistic concurrency, over reqwest (feature `client`).
//!
//! A server that answers stale writes with 412 only prevents lost updates if its clients react
//! correctly: read the resource with its tag, change it, write it back with `If-Match: <tag>`,
//! and on 412 read the *new* state and apply the change to that. Kubernetes' client-go calls this
//! `RetryOnConflict`. Written by hand, the loop tends to go wrong in known ways; this module's
//! [`Update`] loop does not:
//!
//! - it is **bounded**: at most [`RetryPolicy::max_attempts`] attempts, with jittered exponential
//!   backoff in between, then [`ClientError::ConflictExhausted`];
//! - on 412 it **re-reads and re-runs the change** on the current state; it never re-sends the
//!   body computed from the stale one;
//! - it **never retries a 404 or a 428**: [`ClientError::NotFound`],
//!   [`ClientError::PreconditionRequired`];
//! - it **never writes without a tag** unless told to ([`Update::allow_unconditional`]): a read
//!   without an `ETag` is [`ClientError::MissingETag`], a weak one [`ClientError::WeakETag`] (it
//!   could never match), a malformed one [`ClientError::InvalidETag`] (tags are parsed strictly
//!   as [`EntityTag`](crate::EntityTag));
//! - it **honours `Retry-After`** on 503, in seconds or as an HTTP-date, capped by
//!   [`RetryPolicy::with_max_retry_after`], and re-sends the same request (a 503 did nothing);
//! - it **does not retry transport failures**: after a write was sent and the answer lost, nobody
//!   knows whether it landed, and re-applying the change could apply it twice.
//!   [`ClientError::Transport`] says whether the write may have been applied.
//!
//! Next to it: [`ConditionalClient::get`] (a value with its tag, as a [`Snapshot`]),
//! [`ConditionalClient::create`] (`If-None-Match: *`; a 412 is
//! [`ClientError::AlreadyExists`]) and [`ConditionalClient::delete_if_unchanged`] (`If-Match`;
//! a 412 is [`ClientError::Changed`]).
//!
//! # Incrementing a counter that many clients increment
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use etag_core::client::{ConditionalClient, RetryPolicy};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Counter { count: u64 }
//!
//! let client = ConditionalClient::new(reqwest::Client::new()).with_retry(
//!     RetryPolicy::default()
//!         .with_max_attempts(20)
//!         .with_delays(Duration::from_millis(5), Duration::from_millis(500)),
//! );
//! let written = client
//!     .update::<Counter>("http://127.0.0.1:3000/counters/visits")
//!     .apply(|mut counter| {
//!         counter.count += 1; // runs again on the fresh state after every 412
//!         Ok::<_, std::convert::Infallible>(counter)
//!     })
//!     .await?;
//! println!("now {:?} ({} attempts)", written.value.map(|c| c.count), written.attempts);
//! # Ok(()) }
//! ```
//!
//! # Caching reads: `http-cache-reqwest`
//!
//! Caching GETs by their tag (store the body, revalidate with `If-None-Match`, serve it again on
//! 304) is what [`http-cache-reqwest`](https://docs.rs/http-cache-reqwest) does, following the
//! HTTP caching rules; this module does not do it again. The two fit together like this:
//!
//! - read through the caching client (a `reqwest_middleware::ClientWithMiddleware` with the
//!   `Cache` middleware). A server that sends `Cache-Control: no-cache` (as this crate's
//!   examples do) gets a revalidation on each read, answered by an empty 304 while nothing
//!   changed, so the cached body and its `ETag` are current;
//! - write through a [`ConditionalClient`] on a plain `reqwest::Client`, starting from what the
//!   cache returned: `update(url).starting_from(Snapshot::new(value, etag))`. The first write
//!   then costs no extra read; if the cached copy was stale the server answers 412 and the loop
//!   re-reads over the plain client, which no cache can answer from a stale entry.
//!
//! # TLS, HTTP/2 and other transport features
//!
//! This crate depends on reqwest with its default features off (plain HTTP/1.1, JSON), so it
//! adds no TLS stack or HTTP/2 to your build. Enable what you need on your own reqwest
//! dependency (`reqwest = { version = "0.13", features = ["rustls"] }`): Cargo unifies the
//! features, and [`ConditionalClient::new`] takes the `reqwest::Client` you build with them.
//! reqwest is re-exported as [`reqwest`] so the versions always match.

// The jittered backoff and the bound on attempts.
mod backoff;
// `Retry-After` in both its forms.
mod retry_after;
// Problem details read from error responses.
mod problem;
// `ClientError`: every way a request or a loop ends other than success.
mod error;
// `Snapshot` and `Written`: what reads and writes return.
mod snapshot;
// Sending one request and sorting the answer.
mod response;
// `ConditionalClient`: the reqwest client and the policy, and the 503 retry they share.
mod conditional_client;
// The operations, one per file.
mod create;
mod delete;
mod read;
mod update;

pub use backoff::RetryPolicy;
pub use conditional_client::ConditionalClient;
pub use error::ClientError;
pub use problem::Problem;
pub use reqwest;
pub use snapshot::{Snapshot, Written};
pub use update::Update;
