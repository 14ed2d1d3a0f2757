use axum::response::IntoResponse;
use etag_core::conditional;

#[conditional]
async fn no_return_type() {}

#[conditional]
async fn opaque_return_type() -> impl IntoResponse {
    "hello"
}

fn main() {}
