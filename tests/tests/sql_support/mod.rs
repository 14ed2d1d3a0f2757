//! What the SQL tests share: a counter service written once for every database (a macro fills
//! in each one's SQL), the HTTP script every backend must pass, the concurrent-writer race, and
//! how a test finds its server.

#![allow(dead_code)] // each backend's test uses the part it needs

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde::{Deserialize, Serialize};
use tower::ServiceExt;

/// The resource: a counter whose tag is its version column.
#[derive(Debug, Clone, Serialize, Deserialize, etag_core::Versioned)]
pub(crate) struct Counter {
    #[etag(skip)]
    pub(crate) id: i64,
    #[etag(version)]
    pub(crate) version: i64,
    pub(crate) count: i64,
}

/// PUT's body.
#[derive(Debug, Deserialize)]
pub(crate) struct SetCount {
    pub(crate) count: i64,
}

/// PATCH's body.
#[derive(Debug, Deserialize)]
pub(crate) struct AddCount {
    pub(crate) add: i64,
}

/// The schema, the same text on every database.
pub(crate) const SCHEMA: &str = "CREATE TABLE counters (
    id BIGINT PRIMARY KEY, count BIGINT NOT NULL, version BIGINT NOT NULL)";

/// The counter service on one database: `GET`, a version compare-and-swap `PUT` (creating with
/// `If-None-Match: *`) and `DELETE` under `/cas/{id}`, and a transaction-guarded `PATCH` (lock,
/// check, write) under `/tx/{id}`. The statements bind their parameters in one order on every
/// database, so `?` and `$n` placeholders both work.
#[macro_export]
macro_rules! counter_app {
    (
        pool = $Pool:ty,
        begin_locked = |$bp:ident| $begin_locked:expr,
        versions = |$c:ident| $versions:expr,
        select = $select:literal,
        select_for_update = $select_for_update:literal,
        cas_update = $cas_update:literal,
        insert_if_absent = $insert:literal,
        cas_delete = $cas_delete:literal,
        set = $set:literal $(,)?
    ) => {
        mod app {
            use axum::extract::{Path, State};
            use axum::routing::get;
            use axum::{Json, Router};
            use etag_core::sql::{RetryPolicy, WriteError, conclude, retry};
            use etag_core::{NoContent, Preconditions, Written, conditional};

            use super::sql_support::{AddCount, Counter, SetCount};

            type Pool = $Pool;

            fn policy() -> RetryPolicy {
                RetryPolicy {
                    attempts: 20,
                    ..RetryPolicy::default()
                }
            }

            async fn read(pool: &Pool, id: i64) -> Result<Option<Counter>, sqlx::Error> {
                let row: Option<(i64, i64)> = sqlx::query_as($select)
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
                Ok(row.map(|(count, version)| Counter { id, version, count }))
            }

            #[conditional]
            async fn get_counter(
                State(pool): State<Pool>,
                Path(id): Path<i64>,
            ) -> Result<Counter, WriteError> {
                read(&pool, id).await?.ok_or(WriteError::NotFound)
            }

            /// Pattern 1: the database checks the version the client named.
            #[conditional(require)]
            async fn put_counter(
                State(pool): State<Pool>,
                Path(id): Path<i64>,
                pre: Preconditions,
                Json(input): Json<SetCount>,
            ) -> Result<Written<Counter>, WriteError> {
                let expected = pre.expected_version::<i64>()?;
                let $c = expected.version_match();
                let (pool, pre, expected, input, $c) = (&pool, &pre, &expected, &input, &$c);
                retry(&policy(), || async move {
                    let mut tx = pool.begin().await?;
                    let updated = sqlx::query($cas_update)
                        .bind(input.count)
                        .bind(id)
                        .bind($versions)
                        .bind($c.member())
                        .execute(&mut *tx)
                        .await?;
                    let lookup = sqlx::query($select).bind(id).fetch_optional(&mut *tx);
                    match conclude(expected, &updated, lookup).await {
                        Ok(checked) => {
                            let (count, version): (i64, i64) =
                                sqlx::query_as($select).bind(id).fetch_one(&mut *tx).await?;
                            tx.commit().await?;
                            Ok(checked.ok(Counter { id, version, count }))
                        }
                        Err(WriteError::NotFound) => {
                            let checked = pre.check_missing()?;
                            let inserted = sqlx::query($insert)
                                .bind(id)
                                .bind(input.count)
                                .execute(&mut *tx)
                                .await?;
                            if inserted.rows_affected() == 0 {
                                return Err(WriteError::Conflict);
                            }
                            tx.commit().await?;
                            let counter = Counter {
                                id,
                                version: 1,
                                count: input.count,
                            };
                            Ok(checked.created(counter, format!("/cas/{id}")))
                        }
                        Err(refused) => Err(refused),
                    }
                })
                .await
            }

            #[conditional(require)]
            async fn delete_counter(
                State(pool): State<Pool>,
                Path(id): Path<i64>,
                pre: Preconditions,
            ) -> Result<Written<NoContent>, WriteError> {
                let expected = pre.expected_version::<i64>()?;
                let $c = expected.version_match();
                let (pool, expected, $c) = (&pool, &expected, &$c);
                retry(&policy(), || async move {
                    let mut tx = pool.begin().await?;
                    let deleted = sqlx::query($cas_delete)
                        .bind(id)
                        .bind($versions)
                        .bind($c.member())
                        .execute(&mut *tx)
                        .await?;
                    let lookup = sqlx::query($select).bind(id).fetch_optional(&mut *tx);
                    let checked = conclude(expected, &deleted, lookup).await?;
                    tx.commit().await?;
                    Ok(checked.no_content())
                })
                .await
            }

            /// Pattern 2: lock the row, check it, write, inside one transaction.
            #[conditional(require)]
            async fn patch_counter(
                State(pool): State<Pool>,
                Path(id): Path<i64>,
                pre: Preconditions,
                Json(input): Json<AddCount>,
            ) -> Result<Written<Counter>, WriteError> {
                let (pool, pre, input) = (&pool, &pre, &input);
                retry(&policy(), || async move {
                    let $bp = pool;
                    let mut tx = $begin_locked.await?;
                    let row: Option<(i64, i64)> = sqlx::query_as($select_for_update)
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let (count, version) = row.ok_or(WriteError::NotFound)?;
                    let checked = pre.check(&Counter { id, version, count })?;
                    let next = Counter {
                        id,
                        version: version + 1,
                        count: count + input.add,
                    };
                    sqlx::query($set)
                        .bind(next.count)
                        .bind(next.version)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(checked.ok(next))
                })
                .await
            }

            pub(crate) fn router(pool: Pool) -> Router {
                Router::new()
                    .route(
                        "/cas/{id}",
                        get(get_counter).put(put_counter).delete(delete_counter),
                    )
                    .route("/tx/{id}", get(get_counter).patch(patch_counter))
                    .with_state(pool)
            }
        }
    };
}

/// One response, read whole.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) etag: Option<String>,
    pub(crate) location: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn counter(&self) -> Counter {
        serde_json::from_slice(&self.body).expect("a counter as JSON")
    }
}

/// Sends one request through the real router.
pub(crate) async fn send(
    app: &Router,
    method: Method,
    path: &str,
    precondition: Option<(header::HeaderName, &str)>,
    body: Option<serde_json::Value>,
) -> Reply {
    let mut request = Request::builder().method(method).uri(path);
    if let Some((name, value)) = precondition {
        request = request.header(name, value);
    }
    let body = match body {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let response = app
        .clone()
        .oneshot(request.body(body).expect("a valid request"))
        .await
        .expect("the router is infallible");
    let (parts, body) = response.into_parts();
    let text = |name| {
        parts
            .headers
            .get(name)
            .map(|value: &http::HeaderValue| value.to_str().expect("ASCII").to_owned())
    };
    let (etag, location, content_type) = (
        text(header::ETAG),
        text(header::LOCATION),
        text(header::CONTENT_TYPE),
    );
    let status = parts.status;
    let body = body.collect().await.expect("the body").to_bytes().to_vec();
    Reply {
        status,
        etag,
        location,
        content_type,
        body,
    }
}

fn if_match(tag: &str) -> Option<(header::HeaderName, &str)> {
    Some((header::IF_MATCH, tag))
}

/// Every answer both patterns owe a client, in one script.
pub(crate) async fn check_contract(app: &Router) {
    use serde_json::json;
    let put = Method::PUT;

    // 428 before anything is read; nothing was created.
    let reply = send(app, put.clone(), "/cas/1", None, Some(json!({"count": 0}))).await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_REQUIRED);
    let reply = send(app, Method::GET, "/cas/1", None, None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // Create with If-None-Match: *: 201, Location, version 1; a second create is a 412.
    let create = Some((header::IF_NONE_MATCH, "*"));
    let reply = send(
        app,
        put.clone(),
        "/cas/1",
        create.clone(),
        Some(json!({"count": 3})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.etag.as_deref(), Some("\"1\""));
    assert_eq!(reply.location.as_deref(), Some("/cas/1"));
    let reply = send(
        app,
        put.clone(),
        "/cas/1",
        create,
        Some(json!({"count": 9})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);

    // Replace against the current version: 200 with the new tag; the old tag is now a 412.
    let reply = send(
        app,
        put.clone(),
        "/cas/1",
        if_match("\"1\""),
        Some(json!({"count": 5})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.etag.as_deref(), Some("\"2\""));
    assert_eq!(reply.counter().count, 5);
    let reply = send(
        app,
        put.clone(),
        "/cas/1",
        if_match("\"1\""),
        Some(json!({"count": 7})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
    let reply = send(
        app,
        put.clone(),
        "/cas/1",
        if_match("W/\"2\""),
        Some(json!({"count": 7})),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::PRECONDITION_FAILED,
        "a weak tag never matches If-Match"
    );
    // A list naming the current version, and `*`, pass.
    let reply = send(
        app,
        put.clone(),
        "/cas/1",
        if_match("\"9\", \"2\""),
        Some(json!({"count": 6})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = send(
        app,
        put.clone(),
        "/cas/1",
        if_match("*"),
        Some(json!({"count": 6})),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "a write that changes nothing but the version"
    );
    assert_eq!(reply.etag.as_deref(), Some("\"4\""));
    let reply = send(app, Method::GET, "/cas/1", None, None).await;
    assert_eq!(
        (reply.counter().count, reply.counter().version),
        (6, 4),
        "stale writes left no trace"
    );

    // If-Match on a missing row: a PUT is a 412 (RFC 9110 §13.1.1), PATCH and DELETE 404.
    let reply = send(
        app,
        put.clone(),
        "/cas/404",
        if_match("\"1\""),
        Some(json!({"count": 0})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
    let reply = send(
        app,
        Method::PATCH,
        "/tx/404",
        if_match("\"1\""),
        Some(json!({"add": 1})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = send(app, Method::DELETE, "/cas/404", if_match("\"1\""), None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // The transaction-guarded PATCH: 428, 200, then 412 for the tag it replaced.
    let reply = send(app, Method::PATCH, "/tx/1", None, Some(json!({"add": 1}))).await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_REQUIRED);
    let reply = send(
        app,
        Method::PATCH,
        "/tx/1",
        if_match("\"4\""),
        Some(json!({"add": 10})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.etag.as_deref(), Some("\"5\""));
    assert_eq!(reply.counter().count, 16);
    let reply = send(
        app,
        Method::PATCH,
        "/tx/1",
        if_match("\"4\""),
        Some(json!({"add": 10})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        reply.content_type.as_deref(),
        Some("application/problem+json")
    );

    // DELETE: 428, 412 for a stale tag, then 204 with no body and no Content-Type.
    let reply = send(app, Method::DELETE, "/cas/1", None, None).await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_REQUIRED);
    let reply = send(app, Method::DELETE, "/cas/1", if_match("\"4\""), None).await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
    let reply = send(app, Method::DELETE, "/cas/1", if_match("\"5\""), None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert!(reply.body.is_empty() && reply.content_type.is_none());
    let reply = send(app, Method::GET, "/cas/1", None, None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

/// Writers × increments per writer in the race.
pub(crate) const WRITERS: u64 = 16;
pub(crate) const INCREMENTS: u64 = 5;

/// 16 writers each add 1 five times to one counter, through `prefix` (`/cas` with PUT of the
/// count read plus one, `/tx` with PATCH `add: 1`), re-reading after every 412. Returns the
/// number of 412s; the final count must be exact, and any other status fails the test.
pub(crate) async fn race(app: &Router, prefix: &str, id: i64) -> u64 {
    use serde_json::json;
    let path = format!("{prefix}/{id}");
    let reply = send(
        app,
        Method::PUT,
        &format!("/cas/{id}"),
        Some((header::IF_NONE_MATCH, "*")),
        Some(json!({"count": 0})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED);

    let refused = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut writers = Vec::new();
    for _ in 0..WRITERS {
        let (app, path, refused) = (app.clone(), path.clone(), Arc::clone(&refused));
        let prefix = prefix.to_owned();
        writers.push(tokio::spawn(async move {
            for _ in 0..INCREMENTS {
                loop {
                    assert!(Instant::now() < deadline, "the race took too long");
                    let current = send(&app, Method::GET, &path, None, None).await;
                    assert_eq!(current.status, StatusCode::OK);
                    let tag = current.etag.clone().expect("a tag");
                    let reply = if prefix == "/cas" {
                        let count = current.counter().count + 1;
                        send(
                            &app,
                            Method::PUT,
                            &path,
                            if_match(&tag),
                            Some(json!({"count": count})),
                        )
                        .await
                    } else {
                        send(
                            &app,
                            Method::PATCH,
                            &path,
                            if_match(&tag),
                            Some(json!({"add": 1})),
                        )
                        .await
                    };
                    match reply.status {
                        StatusCode::OK => break,
                        StatusCode::PRECONDITION_FAILED => {
                            refused.fetch_add(1, Ordering::Relaxed);
                        }
                        other => panic!(
                            "a conflicting write must be 200 or 412, got {other}: {}",
                            String::from_utf8_lossy(&reply.body)
                        ),
                    }
                }
            }
        }));
    }
    for writer in writers {
        writer.await.expect("a writer panicked");
    }
    let last = send(app, Method::GET, &path, None, None).await;
    assert_eq!(
        last.counter().count as u64,
        WRITERS * INCREMENTS,
        "an update was lost"
    );
    refused.load(Ordering::Relaxed)
}

/// A unique name for this run's database.
pub(crate) fn fresh_name() -> String {
    use std::hash::{BuildHasher, RandomState};
    let salt = RandomState::new().hash_one((std::process::id(), Instant::now()));
    format!("etag_sql_{}_{salt:016x}", std::process::id())
}

/// A server that cannot be reached: a failure under CI, a loud skip elsewhere.
pub(crate) fn unreachable(what: &str, url: &str, error: &dyn std::fmt::Display, start: &str) {
    if std::env::var("CI").is_ok_and(|value| value == "true") {
        panic!("{what} at {url} is unreachable under CI=true: {error}");
    }
    eprintln!(
        "\n==== SKIPPED: {what} at {url} is unreachable ({error}).\n     Start one ({start}) or \
         set the URL; under CI=true this is a failure. ====\n"
    );
}
