//! Entity tags that survive compression: one strong tag per content coding (feature
//! `compression`).
//!
//! # The rule
//!
//! A content coding is a property of the representation (RFC 9110 §8.4): the gzip body and the
//! identity body of the same order are two representations with different bytes. A strong tag
//! promises byte-for-byte equality (§8.8.1, §8.8.3), so the two may not share one: a client or a
//! cache holding the gzip bytes under `"X"` could combine them with ranges of the identity bytes
//! under the same `"X"`, or be handed the wrong body in a 304. tower-http's `CompressionLayer`
//! alone keeps the handler's strong `ETag` on the compressed body, which breaks that promise;
//! nginx with `gzip on` keeps the promise by weakening the tag to `W/"X"`, and then every
//! `If-Match` a client echoes fails, because `If-Match` compares strongly (§13.1.1).
//!
//! [`CodingTagsLayer`] keeps tags strong and distinct instead. It wraps tower-http's compression;
//! put it where you would put `CompressionLayer`:
//!
//! - **Way out.** A response with a strong `ETag: "X"` sent with `Content-Encoding: gzip` gets
//!   `ETag: "X.gz"` (`br` → `"X.br"`, `zstd` → `"X.zst"`, `deflate` → `"X.zz"`); an identity body
//!   keeps `"X"`. A weak tag stays as it is: weak tags may be shared by every coding of a
//!   representation. A coding without a suffix here (`compress`, or two codings in a row)
//!   weakens the tag. Every response with an `ETag`, 304s included, gets `Vary: Accept-Encoding`.
//! - **Way in.** Strong members of `If-Match` and `If-None-Match` that end in one of those
//!   suffixes are rewritten to the identity tag before the handler runs, so handlers, prechecks
//!   and databases only ever compare the identity tags they produce. `If-Match` with the tag of
//!   *any* coding of the current state succeeds: a write is about the state, not about the bytes
//!   the client happened to receive. (Apache appended `-gzip` to its tags and then did not
//!   recognise its own suffix on the way back; every conditional request with such a tag failed.)
//! - **304.** On GET / HEAD an `If-None-Match` member counts only in a coding the request's
//!   `Accept-Encoding` accepts, since a 304 tells the client to use the copy it holds; the 304's
//!   `ETag` is the tag of the first member that matched, so the client and every cache on the way
//!   confirm the copy they hold in the coding they hold it in.
//!
//! Only these exact suffixes are read back, never a suffix someone else appended (`"X-gzip"`,
//! `"X.lz"` stay as sent and fail to match). The scheme cannot confuse a coded tag with an
//! untouched one: a handler's identity tag that itself ends in one of the suffixes (`"v.gz"`) is
//! sent as `"v.gz.id"`, and `.id` is read back like the others, so no two (tag, coding) pairs
//! share a tag. `If-Range` is not rewritten: a coded `If-Range` does not match, and the client
//! gets the whole representation, which is always correct.
//!
//! The rewrite allocates nothing unless a member carries a suffix.
//!
//! Behind a compressing proxy, compress at least every body the proxy would: it weakens the tag
//! of each response it compresses itself. nginx's `gzip_min_length` is 20 bytes by default and
//! tower-http's threshold 32, so pass a lower one with [`CodingTagsLayer::with_compression`]
//! (`SizeAbove::new(1)`).
//!
//! # Weakened echoes: compress in the application
//!
//! A weak `If-Match: W/"X"` where `"X"` is the current strong tag fails: RFC 9110 compares
//! `If-Match` strongly, and this crate does not relax that, because a weak tag says only
//! "semantically equivalent" and cannot prove the client saw the current bytes. Such a tag is
//! almost always the work of a proxy that compressed the response (nginx `gzip on`). The fix is
//! to compress in the application with this layer: nginx leaves a response that already has a
//! `Content-Encoding` alone, so the strong, coding-specific tag reaches the client unchanged and
//! comes back unchanged.
//!
//! # Example
//!
//! ```
//! use etag_core::CodingTagsLayer;
//! use http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, ETAG, IF_MATCH};
//! use http::{Request, Response, StatusCode};
//! use tower::{ServiceBuilder, ServiceExt, service_fn};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! // A handler that knows only its identity tag, `"7"`.
//! let handler = service_fn(|request: Request<String>| async move {
//!     let status = match request.headers().get(IF_MATCH) {
//!         Some(tag) if tag != "\"7\"" => StatusCode::PRECONDITION_FAILED,
//!         _ => StatusCode::OK,
//!     };
//!     let body = r#"{"items": ["apple", "pear", "plum", "quince"]}"#.repeat(4);
//!     Response::builder().status(status).header(ETAG, "\"7\"").body(body)
//! });
//! let app = ServiceBuilder::new().layer(CodingTagsLayer::new()).service(handler);
//!
//! let get = Request::get("/cart").header(ACCEPT_ENCODING, "gzip").body(String::new())?;
//! let response = app.clone().oneshot(get).await?;
//! assert_eq!(response.headers()[CONTENT_ENCODING], "gzip");
//! assert_eq!(response.headers()[ETAG], "\"7.gz\"");
//!
//! // The client echoes the tag it received; the handler sees `"7"`.
//! let put = Request::put("/cart").header(IF_MATCH, "\"7.gz\"").body(String::new())?;
//! assert_eq!(app.oneshot(put).await?.status(), StatusCode::OK);
//! # Ok(())
//! # }
//! ```
//!
//! With axum: `Router::new().route(…).layer(CodingTagsLayer::new())`, outside any middleware
//! that reads response bodies.

mod accept;
mod layer;
mod request;
mod response;
mod suffix;

pub use layer::{CodingTags, CodingTagsLayer, HasBody, ResponseFuture};
