//! The README's quick start, whole: orders in memory behind `#[conditional]` GET and PUT.
//!
//! ```text
//! cargo run -p etag-quick-start
//! curl -i -X PUT localhost:3000/orders/1 -H 'If-None-Match: *' \
//!      -H 'Content-Type: application/json' -d '{"customer":"ada","items":["apple"]}'
//! curl -i localhost:3000/orders/1 -H 'If-None-Match: "…the ETag it answered…"'   # 304
//! ```
//!
//! The tests at the end (`cargo test -p etag-quick-start`) check that the code above them and
//! this crate's dependencies are the README's, and that it behaves as the README says.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, routing::get};
use etag_core::{PreconditionError, Preconditions, Versioned, Written, conditional};
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Versioned)]
struct Order {
    #[etag(id)]
    id: u64, // identity, named by the URL: left out of the tag
    customer: String,
    items: Vec<String>, // every other field is hashed (SHA-256, stable encoding)
}

#[derive(Deserialize)]
struct OrderInput {
    customer: String,
    items: Vec<String>,
}

type Db = Arc<Mutex<HashMap<u64, Order>>>;

enum ApiError {
    Poisoned,
    NotFound,
    Precondition(PreconditionError),
}

impl From<PreconditionError> for ApiError {
    fn from(error: PreconditionError) -> Self {
        Self::Precondition(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            Self::Poisoned => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            Self::NotFound => StatusCode::NOT_FOUND.into_response(),
            Self::Precondition(error) => error.into_response(), // 304, or 400/412/428 problem+json
        }
    }
}

/// GET/HEAD: 200 with `ETag`; an empty 304 when `If-None-Match` matches (no serialization).
#[conditional]
async fn get_order(State(db): State<Db>, Path(id): Path<u64>) -> Result<Order, ApiError> {
    let orders = db.lock().map_err(|_| ApiError::Poisoned)?;
    orders.get(&id).cloned().ok_or(ApiError::NotFound)
}

/// PUT: 428 without a precondition (before the body is read), 412 when the client's copy is
/// stale, 201 when `If-None-Match: *` creates the order.
#[conditional(require, error = ApiError)]
async fn put_order(
    State(db): State<Db>,
    Path(id): Path<u64>,
    pre: Preconditions,
    Json(input): Json<OrderInput>,
) -> Result<Written<Order>, ApiError> {
    let mut orders = db.lock().map_err(|_| ApiError::Poisoned)?;
    let new = Order {
        id,
        customer: input.customer,
        items: input.items,
    };
    // Check and write under one lock: one atomic step.
    let checked = match orders.get(&id) {
        Some(current) => pre.check(current)?, // If-Match against the state it replaces
        None => pre.check_missing()?,         // a create: If-None-Match: * passes
    };
    let created = orders.insert(id, new.clone()).is_none();
    Ok(if created {
        checked.created(new, format!("/orders/{id}"))
    } else {
        checked.ok(new) // sent with its new ETag
    })
}

fn app(db: Db) -> Router {
    Router::new()
        .route("/orders/{id}", get(get_order).put(put_order))
        .with_state(db)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, app(Db::default())).await
}

#[cfg(test)]
mod tests {
    use super::*;

    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    const README: &str = include_str!("../../../README.md");

    /// This file is the README's code block, between its own doc comment and these tests.
    #[test]
    fn the_example_is_the_readme_code() {
        let readme = README;
        let start =
            readme.find("```rust,no_run\n").expect("a rust block") + "```rust,no_run\n".len();
        let end = start + readme[start..].find("```\n").expect("the block ends");
        let example = include_str!("main.rs");
        let code = example
            .split_once("\n\n")
            .filter(|(docs, _)| docs.lines().all(|line| line.starts_with("//!")))
            .and_then(|(_, rest)| rest.split_once("\n#[cfg(test)]\n"))
            .map(|(code, _)| code)
            .expect("a doc comment, a blank line, the code, then the tests");
        assert_eq!(
            code,
            &readme[start..end],
            "examples/quick-start/src/main.rs and README.md's quick start differ: change both"
        );
    }

    /// This crate's `[dependencies]` are the README's lines, with etag-core from this repository:
    /// the quick start builds with what the README tells a user to write, and nothing else.
    #[test]
    fn the_dependencies_are_the_readme_lines() {
        // The table's lines up to the next table (Cargo.toml) or the code block's fence
        // (README), without comments and blank lines.
        let block = |text: &'static str| {
            let start = text
                .find("[dependencies]\n")
                .expect("a [dependencies] table");
            text[start..]
                .lines()
                .enumerate()
                .take_while(|(at, line)| {
                    *at == 0 || !(line.starts_with('[') || line.starts_with("```"))
                })
                .map(|(_, line)| line)
                .filter(|line| !line.is_empty() && !line.starts_with('#'))
                .collect::<Vec<_>>()
        };
        let ours = block(include_str!("../Cargo.toml"));
        let readme = block(README);
        let local = |line: &str| line.replacen("{ path = \"../../etag-core\", ", "{ ", 1);
        assert_eq!(
            ours.iter().map(|line| local(line)).collect::<Vec<_>>(),
            readme,
            "examples/quick-start/Cargo.toml and README.md's dependency lines differ: change both"
        );
    }

    struct Reply {
        status: StatusCode,
        etag: Option<String>,
        body: String,
    }

    async fn send(db: &Db, method: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut request = Request::builder().method(method).uri("/orders/1");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if !body.is_empty() {
            request = request.header("content-type", "application/json");
        }
        let request = request
            .body(Body::from(body.to_owned()))
            .expect("a valid request");
        let response = app(db.clone())
            .oneshot(request)
            .await
            .expect("the router answers");
        let status = response.status();
        let etag = response
            .headers()
            .get("etag")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        Reply {
            status,
            etag,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    #[tokio::test]
    async fn it_behaves_as_the_readme_says() {
        let db = Db::default();
        let ada = r#"{"customer":"ada","items":["apple"]}"#;
        assert_eq!(
            send(&db, "GET", &[], "").await.status,
            StatusCode::NOT_FOUND
        );

        // 428 without a precondition, before the body is read (this one is not even JSON).
        let reply = send(&db, "PUT", &[], "not json").await;
        assert_eq!(
            reply.status,
            StatusCode::PRECONDITION_REQUIRED,
            "{}",
            reply.body
        );

        let created = send(&db, "PUT", &[("if-none-match", "*")], ada).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let tag = created.etag.expect("an ETag on the 201");

        let read = send(&db, "GET", &[], "").await;
        assert_eq!(read.status, StatusCode::OK);
        assert_eq!(read.etag.as_deref(), Some(tag.as_str()));
        assert!(read.body.contains("\"ada\""), "{}", read.body);

        let poll = send(&db, "GET", &[("if-none-match", &tag)], "").await;
        assert_eq!(poll.status, StatusCode::NOT_MODIFIED);
        assert!(poll.body.is_empty());

        // Two clients hold `tag`; the first write wins, the second is refused, not lost.
        let bob = r#"{"customer":"bob","items":["pear"]}"#;
        let first = send(&db, "PUT", &[("if-match", &tag)], bob).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        let new_tag = first.etag.expect("an ETag on the 200");
        assert_ne!(new_tag, tag);
        let second = send(&db, "PUT", &[("if-match", &tag)], ada).await;
        assert_eq!(
            second.status,
            StatusCode::PRECONDITION_FAILED,
            "{}",
            second.body
        );

        let read = send(&db, "GET", &[], "").await;
        assert_eq!(read.etag.as_deref(), Some(new_tag.as_str()));
        assert!(read.body.contains("\"bob\""), "{}", read.body);
    }
}
