//! The request-body timeout: a body must arrive within a time of the application starting to
//! read it, or the request is answered 408 and the connection closed.
//!
//! The handler itself has no timeout, on purpose. Writes run in a database transaction on a
//! blocking thread, and a timeout that answered 408 or 503 while that transaction went on to
//! commit would tell the client a committed write failed (it would retry it, or give up on a
//! change that happened). Reading the request is the part a slow client controls, and every
//! handler reads the whole body before it decides or writes anything, so a timeout on the body
//! can only ever fire before a write started. The database side is bounded on its own: SQLite's
//! busy timeout and a bounded number of retries end in 503 before anything is written.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::response::{IntoResponse, Response};
use etag_core::ProblemDetails;
use http::StatusCode;
use http::header::{CONNECTION, HeaderValue};
use http_body::{Body, Frame, SizeHint};
use hyper::body::{Bytes, Incoming};
use tokio::time::Sleep;

/// A request body that fails with [`BodyTimedOut`] if it is not complete within its timeout,
/// counted from its first poll (so a handler that waits for the database before reading does
/// not eat into the client's time; and a client that sent `Expect: 100-continue` only starts
/// sending at that first poll).
#[derive(Debug)]
pub(crate) struct TimedBody {
    inner: Incoming,
    timeout: Duration,
    sleep: Option<Pin<Box<Sleep>>>,
    expired: Arc<AtomicBool>,
}

impl TimedBody {
    /// Wraps `inner`; `expired` is set when the timeout fires.
    pub(crate) fn new(inner: Incoming, timeout: Duration, expired: Arc<AtomicBool>) -> Self {
        Self {
            inner,
            timeout,
            sleep: None,
            expired,
        }
    }
}

impl Body for TimedBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        let timeout = this.timeout;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match sleep.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => {
                this.expired.store(true, Ordering::Release);
                Poll::Ready(Some(Err(Box::new(BodyTimedOut(timeout)))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The error a [`TimedBody`] ends with when its time ran out.
#[derive(Debug)]
pub(crate) struct BodyTimedOut(Duration);

impl fmt::Display for BodyTimedOut {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "the request body did not arrive within {:?}",
            self.0
        )
    }
}

impl std::error::Error for BodyTimedOut {}

/// The 408 that replaces the rejection a handler gave a body that timed out. It closes the
/// connection: the rest of the body may still be on its way.
pub(crate) fn request_timeout(timeout: Duration) -> Response {
    let mut response = ProblemDetails::new(
        StatusCode::REQUEST_TIMEOUT,
        format!(
            "The request body did not arrive within {} seconds; nothing was changed. Send it again, faster.",
            timeout.as_secs_f64()
        ),
    )
    .into_response();
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}
