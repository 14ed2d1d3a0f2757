//! axum extractors for the conditional headers: [`Preconditions`], [`IfMatch`], [`IfNoneMatch`].
//!
//! They only read headers (`FromRequestParts`), so they run before any body extractor. Their
//! rejection is a [`PreconditionError`], which answers `400 application/problem+json` naming the
//! malformed header.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;

use crate::header::{IfMatch, IfNoneMatch};
use crate::precondition::{PreconditionError, Preconditions};

/// The preconditions that `#[conditional]` parsed for this request, handed to the handler's own
/// `Preconditions` argument so both share the `require` setting and the evaluation record.
#[derive(Clone)]
pub(crate) struct ParsedByConditional(pub(crate) Preconditions);

/// Parses the conditional headers with the policy described on [`Preconditions`].
///
/// Rejects a malformed `If-Match` (any method) or `If-None-Match` (unsafe methods) with 400. Under
/// `#[conditional]` it yields the preconditions the attribute already parsed, including its
/// `require` setting.
///
/// ```
/// use axum::{Router, routing::put};
/// use etag_core::{Preconditions, PreconditionError};
///
/// async fn put_cart(pre: Preconditions) -> Result<&'static str, PreconditionError> {
///     let pre = pre.required();
///     pre.check_required()?; // 428 without If-Match / If-None-Match / If-Unmodified-Since
///     // … load the cart, `pre.check(&cart)?` inside the write, then write …
///     Ok("stored")
/// }
///
/// let app: Router = Router::new().route("/cart", put(put_cart));
/// ```
impl<S: Send + Sync> FromRequestParts<S> for Preconditions {
    type Rejection = PreconditionError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(ParsedByConditional(pre)) = parts.extensions.get::<ParsedByConditional>() {
            return Ok(pre.clone());
        }
        Self::parse(&parts.method, &parts.headers)
    }
}

macro_rules! tag_field_extractor {
    ($field:ident, $header:literal) => {
        #[doc = concat!("Extracts a required `", $header, "` field, parsed over all its lines.")]
        ///
        /// An absent field is answered with 428 Precondition Required and a malformed one with
        /// 400, with the method-aware policy of `for_method`; take `Option<…>` to accept requests
        /// without it.
        impl<S: Send + Sync> FromRequestParts<S> for $field {
            type Rejection = PreconditionError;

            async fn from_request_parts(
                parts: &mut Parts,
                _state: &S,
            ) -> Result<Self, Self::Rejection> {
                Self::for_method(&parts.method, &parts.headers)?.ok_or(PreconditionError::Required)
            }
        }

        #[doc = concat!("Extracts an optional `", $header, "` field: `None` when absent, 400 when malformed.")]
        impl<S: Send + Sync> OptionalFromRequestParts<S> for $field {
            type Rejection = PreconditionError;

            async fn from_request_parts(
                parts: &mut Parts,
                _state: &S,
            ) -> Result<Option<Self>, Self::Rejection> {
                Ok(Self::for_method(&parts.method, &parts.headers)?)
            }
        }
    };
}

tag_field_extractor!(IfMatch, "If-Match");
tag_field_extractor!(IfNoneMatch, "If-None-Match");
