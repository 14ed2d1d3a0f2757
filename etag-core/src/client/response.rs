//! Sending one request and sorting its answer into what the loops act on.

use std::time::{Duration, SystemTime};

use http::header::{CONTENT_TYPE, ETAG, RETRY_AFTER};
use http::{HeaderMap, StatusCode};
use reqwest::{RequestBuilder, Response};
use serde::de::DeserializeOwned;

use super::{ClientError, Problem, retry_after};
use crate::{EntityTag, PROBLEM_JSON};

/// The most of an error body the client reads for its problem details; a server (or a proxy)
/// answering an error with megabytes must not make the client buffer them.
const MAX_PROBLEM_BODY: usize = 64 * 1024;

/// What one request came back with.
pub(crate) enum Answer {
    /// A 2xx, with its whole body.
    Success(Success),
    /// 412.
    Conflict(Option<Problem>),
    /// 503, with how long the server asked to wait.
    Unavailable {
        retry_after: Option<Duration>,
        problem: Option<Problem>,
    },
}

/// A 2xx response, read completely.
pub(crate) struct Success {
    pub(crate) status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Success {
    /// The response's entity tag, parsed strictly; `None` when it sent none.
    pub(crate) fn etag(&self) -> Result<Option<EntityTag>, ClientError> {
        let Some(value) = self.headers.get(ETAG) else {
            return Ok(None);
        };
        EntityTag::try_from(value)
            .map(Some)
            .map_err(|source| ClientError::InvalidETag {
                value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
                source,
            })
    }

    /// The body as JSON; `None` when the body is empty (a 204, or a 200 without content).
    pub(crate) fn decode<T: DeserializeOwned>(&self) -> Result<Option<T>, ClientError> {
        if self.body.is_empty() {
            return Ok(None);
        }
        serde_json::from_slice(&self.body)
            .map(Some)
            .map_err(|source| ClientError::Decode { source })
    }
}

/// Sends `request` and sorts the answer: 2xx, 412 and 503 for the caller to act on, everything
/// else an error. `is_write` says whether a transport failure may have left a write applied.
pub(crate) async fn send(request: RequestBuilder, is_write: bool) -> Result<Answer, ClientError> {
    let transport = |source: reqwest::Error| ClientError::Transport {
        // A connection that never opened carried nothing; any later failure may have come after
        // the server received (and applied) the request.
        write_may_have_applied: is_write && !source.is_connect() && !source.is_builder(),
        source,
    };
    let response = request.send().await.map_err(transport)?;
    let status = response.status();
    if status.is_success() {
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(transport)?.to_vec();
        return Ok(Answer::Success(Success {
            status,
            headers,
            body,
        }));
    }
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|value| retry_after::parse(value, SystemTime::now()));
    let problem = read_problem(response).await;
    match status {
        StatusCode::PRECONDITION_FAILED => Ok(Answer::Conflict(problem)),
        StatusCode::SERVICE_UNAVAILABLE => Ok(Answer::Unavailable {
            retry_after,
            problem,
        }),
        StatusCode::NOT_FOUND => Err(ClientError::NotFound { problem }),
        StatusCode::PRECONDITION_REQUIRED => Err(ClientError::PreconditionRequired { problem }),
        status => Err(ClientError::Status { status, problem }),
    }
}

/// The problem details of an error response: only from `application/problem+json`, only the first
/// [`MAX_PROBLEM_BODY`] bytes, and `None` when the body cannot be read (the status is what counts).
async fn read_problem(mut response: Response) -> Option<Problem> {
    let is_problem = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case(PROBLEM_JSON));
    if !is_problem {
        return None;
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.ok()? {
        if body.len() + chunk.len() > MAX_PROBLEM_BODY {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    Problem::from_body(&body)
}
