//! `/products/{sku}`.

use axum::extract::{Path, State};
use etag_core::{Preconditions, ProblemDetails, Written, conditional};
use http::Uri;

use super::conditions::{check_put, once_dates_settle, put_response};
use super::extract::ValidJson;
use super::openapi::{Busy, JsonBody};
use crate::error::ApiError;
use crate::model::{Product, ProductBody};
use crate::store::Store;

/// `GET /products/{sku}` (and HEAD): a strong tag (name, price and stock) and `Last-Modified`.
#[conditional]
#[utoipa::path(method(get, head), path = "/products/{sku}", tag = "products",
    params(("sku" = String, Path, description = "The product's stock-keeping unit.")),
    responses((status = 200, description = "The product.", body = Product),
        (status = 404, description = "No such product.", body = ProblemDetails, content_type = "application/problem+json"), Busy))]
pub(crate) async fn get(
    State(store): State<Store>,
    Path(sku): Path<String>,
) -> Result<Product, ApiError> {
    let product = store.products().get(&sku).await?;
    product.ok_or_else(|| ApiError::not_found("product", &sku))
}

/// `PUT /products/{sku}`: creates with `If-None-Match: *` (201); replaces with `If-Match` (the
/// current tag, or `*`) or `If-Unmodified-Since`. A write guarded by a date alone that meets a
/// product changed less than a second ago runs again once that second is over
/// ([`once_dates_settle`]).
#[conditional(require)]
#[utoipa::path(put, path = "/products/{sku}", tag = "products",
    params(("sku" = String, Path, description = "The product's stock-keeping unit.")),
    request_body(content = ProductBody, content_type = "application/json"),
    responses((status = 200, description = "Replaced.", body = Product),
        (status = 201, description = "Created (`If-None-Match: *`).", body = Product,
            headers(("Location" = String, description = "The product's URL."))), JsonBody))]
pub(crate) async fn put(
    State(store): State<Store>,
    Path(sku): Path<String>,
    uri: Uri,
    pre: Preconditions,
    ValidJson(body): ValidJson<ProductBody>,
) -> Result<Written<Product>, ApiError> {
    let written = once_dates_settle(|| {
        let (products, sku, pre, body) = (store.products(), sku.clone(), pre.clone(), body.clone());
        async move {
            let written = products
                .upsert(&sku, move |current| {
                    let checked = check_put(&pre, current)?;
                    Ok((body.clone(), checked))
                })
                .await?;
            Ok(written)
        }
    })
    .await?;
    Ok(put_response(written, uri.path()))
}
