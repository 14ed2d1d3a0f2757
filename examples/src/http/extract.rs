//! Request-body extractors whose every rejection is a problem+json [`ApiError`].

use axum::Json;
use axum::extract::{FromRequest, Request};
use http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, MERGE_PATCH_JSON};
use crate::model::Validate;

/// A JSON body that deserialized into `T` and passed `T`'s validation.
///
/// Rejections: 415 without a JSON content type, 400 for malformed JSON, 413 past the body limit,
/// 422 for a wrong shape or an out-of-range value.
#[derive(Debug, Clone)]
pub struct ValidJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Validate> FromRequest<S> for ValidJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(value) = Json::<T>::from_request(request, state).await?;
        value.validate()?;
        Ok(Self(value))
    }
}

/// A JSON merge patch (RFC 7396): any JSON value sent as `application/merge-patch+json`.
///
/// Rejections: 415 (with `Accept-Patch`) for any other content type, 400 for malformed JSON, 413
/// past the body limit.
#[derive(Debug, Clone)]
pub struct MergePatch(pub Value);

impl<S: Send + Sync> FromRequest<S> for MergePatch {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_merge_patch = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(is_merge_patch_type);
        if !is_merge_patch {
            return Err(ApiError::NotMergePatch);
        }
        let Json(patch) = Json::<Value>::from_request(request, state).await?;
        Ok(Self(patch))
    }
}

/// `application/merge-patch+json`, in any case, with or without parameters.
fn is_merge_patch_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case(MERGE_PATCH_JSON)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_the_merge_patch_media_type() {
        assert!(is_merge_patch_type("application/merge-patch+json"));
        assert!(is_merge_patch_type(
            "Application/Merge-Patch+JSON; charset=utf-8"
        ));
        assert!(!is_merge_patch_type("application/json"));
        assert!(!is_merge_patch_type("application/json-patch+json"));
        assert!(!is_merge_patch_type(""));
    }
}
