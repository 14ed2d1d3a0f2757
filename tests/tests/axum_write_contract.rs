//! The write contract through a real `Router`: every write shape answers from the proof of its
//! check (200, 201 + `Location`, 204, 202), the attribute's own answers go through the user's
//! error type, and two writers holding the same date cannot both win.

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get as route_get, post};
use etag_core::{
    EntityTag, NoContent, PreconditionError, Preconditions, Versioned, Written, conditional,
};
use http::{Method, StatusCode};
use serde::Serialize;
use support::client::{get, send};
use tokio::sync::Mutex;

#[derive(Debug, Clone, Serialize)]
struct Note {
    id: u64,
    text: String,
    #[serde(skip)]
    version: u64,
    #[serde(skip)]
    modified: SystemTime,
}

impl Versioned for Note {
    fn etag(&self) -> EntityTag {
        EntityTag::from_version(self.version)
    }
    fn last_modified(&self) -> Option<SystemTime> {
        Some(self.modified)
    }
}

type Notes = Arc<Mutex<HashMap<u64, Note>>>;

/// The service's own error format: `{"error": …}` and an `x-error` header, to tell its answers
/// from the library's default problem+json.
#[derive(Debug)]
enum AppError {
    NotFound,
    Precondition(PreconditionError),
}

impl From<PreconditionError> for AppError {
    fn from(error: PreconditionError) -> Self {
        Self::Precondition(error)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, what) = match &self {
            Self::NotFound => (StatusCode::NOT_FOUND, "not found".to_owned()),
            Self::Precondition(error) => (error.status(), error.to_string()),
        };
        let body = serde_json::json!({ "error": what }).to_string();
        let mut response = (status, [("x-error", "app")], body).into_response();
        // A date-only write to a state less than a second old: say when to come back.
        if let Self::Precondition(error) = &self
            && let Some(wait) = error.retry_after()
        {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, wait.as_secs().into());
        }
        response
    }
}

/// PUT: replace (200) or create with `If-None-Match: *` (201 + `Location`).
#[conditional(require, error = AppError)]
async fn put_note(
    State(notes): State<Notes>,
    Path(id): Path<u64>,
    pre: Preconditions,
    text: String,
) -> Result<Written<Note>, AppError> {
    let mut notes = notes.lock().await;
    match notes.get_mut(&id) {
        Some(note) => {
            let checked = pre.check(&*note)?;
            note.text = text;
            note.version += 1;
            note.modified = SystemTime::now();
            Ok(checked.ok(note.clone()))
        }
        None => {
            let checked = pre.check_missing()?;
            let note = Note {
                id,
                text,
                version: 1,
                modified: SystemTime::now(),
            };
            notes.insert(id, note.clone());
            Ok(checked.created(note, format!("/notes/{id}")))
        }
    }
}

/// GET: the note, 304 when current.
#[conditional(error = AppError)]
async fn get_note(State(notes): State<Notes>, Path(id): Path<u64>) -> Result<Note, AppError> {
    notes
        .lock()
        .await
        .get(&id)
        .cloned()
        .ok_or(AppError::NotFound)
}

/// DELETE: 204 with no body; a missing note is a 404 whatever the headers.
#[conditional(require, error = AppError)]
async fn delete_note(
    State(notes): State<Notes>,
    Path(id): Path<u64>,
    pre: Preconditions,
) -> Result<Written<NoContent>, AppError> {
    let mut notes = notes.lock().await;
    let note = notes.get(&id).ok_or(AppError::NotFound)?;
    let checked = pre.check(note)?;
    notes.remove(&id);
    Ok(checked.no_content())
}

/// POST: queued for later (202), no representation; any precondition would be about the queue.
#[conditional(error = AppError)]
async fn post_job(pre: Preconditions) -> Result<Written<NoContent>, AppError> {
    let checked = pre
        .check_unconditional()
        .ok_or(AppError::Precondition(PreconditionError::Required))?;
    Ok(checked.accepted())
}

fn app(notes: Notes) -> Router {
    Router::new()
        .route(
            "/notes/{id}",
            route_get(get_note).put(put_note).delete(delete_note),
        )
        .route("/jobs", post(post_job))
        .with_state(notes)
}

async fn put_text(
    app: &Router,
    uri: &str,
    headers: &[(&str, &str)],
    text: &str,
) -> support::client::Reply {
    send(app, Method::PUT, uri, headers, Some(text)).await
}

#[tokio::test]
async fn every_write_shape_answers_from_its_proof() {
    let app = app(Notes::default());

    let created = put_text(&app, "/notes/1", &[("if-none-match", "*")], "first").await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.header("location"), Some("/notes/1"));
    assert_eq!(created.header("etag"), Some("\"1\""));
    assert!(created.header("last-modified").is_some());
    assert_eq!(created.json()["text"], "first");

    let replaced = put_text(&app, "/notes/1", &[("if-match", "\"1\"")], "second").await;
    assert_eq!(replaced.status, StatusCode::OK);
    assert_eq!(replaced.header("etag"), Some("\"2\""));
    assert_eq!(replaced.json()["text"], "second");

    let deleted = send(
        &app,
        Method::DELETE,
        "/notes/1",
        &[("if-match", "\"2\"")],
        None,
    )
    .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert!(deleted.body.is_empty());
    assert!(deleted.header("content-type").is_none());
    assert!(deleted.header("etag").is_none());

    let again = send(
        &app,
        Method::DELETE,
        "/notes/1",
        &[("if-match", "\"2\"")],
        None,
    )
    .await;
    assert_eq!(
        again.status,
        StatusCode::NOT_FOUND,
        "gone whatever the headers"
    );

    let queued = send(&app, Method::POST, "/jobs", &[], None).await;
    assert_eq!(queued.status, StatusCode::ACCEPTED);
    assert!(queued.body.is_empty());
    assert!(queued.header("content-type").is_none());
}

#[tokio::test]
async fn the_attributes_own_answers_go_through_the_users_error_type() {
    let notes = Notes::default();
    let app = app(Arc::clone(&notes));
    put_text(&app, "/notes/1", &[("if-none-match", "*")], "first").await;

    for (headers, status) in [
        (vec![], StatusCode::PRECONDITION_REQUIRED),
        (vec![("if-match", "not-quoted")], StatusCode::BAD_REQUEST),
        (vec![("if-match", "\"7\"")], StatusCode::PRECONDITION_FAILED),
        (
            vec![("if-none-match", "*")],
            StatusCode::PRECONDITION_FAILED,
        ),
    ] {
        let reply = put_text(&app, "/notes/1", &headers, "stale").await;
        assert_eq!(reply.status, status, "{headers:?}");
        assert_eq!(reply.header("x-error"), Some("app"), "{headers:?}");
        assert!(reply.json()["error"].is_string(), "{headers:?}");
    }
    let note = notes.lock().await.get(&1).cloned().expect("still there");
    assert_eq!((note.version, note.text.as_str()), (1, "first"));
}

#[tokio::test]
async fn two_writers_holding_the_same_date_never_both_win() {
    let notes = Notes::default();
    let app = app(Arc::clone(&notes));
    // A note written just now: its date does not yet tell it from a change in the same second.
    let created = put_text(&app, "/notes/1", &[("if-none-match", "*")], "first").await;
    let date = created
        .header("last-modified")
        .expect("a dated note")
        .to_owned();
    let guard = [("if-unmodified-since", date.as_str())];

    let (a, b) = tokio::join!(
        put_text(&app, "/notes/1", &guard, "from a"),
        put_text(&app, "/notes/1", &guard, "from b"),
    );
    let wins = [a.status, b.status]
        .iter()
        .filter(|status| status.is_success())
        .count();
    assert!(
        wins <= 1,
        "both writers holding {date} won: {} and {}",
        a.status,
        b.status
    );
    // Inside the second, a date cannot be trusted: the answer says when to come back.
    for reply in [&a, &b]
        .into_iter()
        .filter(|reply| !reply.status.is_success())
    {
        assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
        let wait: u64 = reply
            .header("retry-after")
            .map(|value| value.parse().expect("seconds"))
            .unwrap_or(0);
        if wins == 0 {
            assert!((1..=2).contains(&wait), "Retry-After: {wait}");
        }
    }

    // A client holding the current date can write once the second has passed, and the next
    // one holding the same date is refused: the write moved the date on.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let first = put_text(&app, "/notes/1", &guard, "later a").await;
    let second = put_text(&app, "/notes/1", &guard, "later b").await;
    assert_eq!(second.status, StatusCode::PRECONDITION_FAILED);
    let note = notes.lock().await.get(&1).cloned().expect("still there");
    if wins == 0 {
        assert_eq!(first.status, StatusCode::OK);
        assert_eq!(note.text, "later a");
    } else {
        // The machine was slow enough for the date to settle before the race: one of them won
        // it, and the date moved on past both later writers.
        assert_eq!(first.status, StatusCode::PRECONDITION_FAILED);
        assert!(note.text.starts_with("from "), "{}", note.text);
    }

    // A read is never refused for a young date: only writes need to tell states apart.
    let fresh = note_date(&note);
    let read = get(&app, "/notes/1", &[("if-unmodified-since", fresh.as_str())]).await;
    assert_eq!(read.status, StatusCode::OK);
}

fn note_date(note: &Note) -> String {
    httpdate::fmt_http_date(note.modified)
}
