//! The idle timeout: a connection on which nothing moves while no request is being handled is
//! closed. hyper has a timeout for reading a request head but none for writing, so a client that
//! sends requests and never reads the answers would otherwise keep its connection, and the
//! response buffered for it, for as long as it likes.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// What the service tells the connection: whether a request is being handled, and whether the
/// idle timeout closed the connection (so the log can say which limit was hit).
#[derive(Debug, Default)]
pub(crate) struct Activity {
    handling: AtomicUsize,
    handled: AtomicBool,
    timed_out: AtomicBool,
}

impl Activity {
    /// Marks a request as being handled until the returned guard is dropped.
    pub(crate) fn handling(self: &Arc<Self>) -> Handling {
        self.handling.fetch_add(1, Ordering::AcqRel);
        Handling(Arc::clone(self))
    }

    /// Whether the idle timeout closed the connection.
    pub(crate) fn timed_out(&self) -> bool {
        self.timed_out.load(Ordering::Acquire)
    }
}

/// A request being handled: while any exists, the connection is never idle, however long the
/// handler takes (a write commits and is answered whatever the clock says).
#[derive(Debug)]
pub(crate) struct Handling(Arc<Activity>);

impl Drop for Handling {
    fn drop(&mut self) {
        // The idle clock restarts when the response is ready, not when the request arrived.
        self.0.handled.store(true, Ordering::Release);
        self.0.handling.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A connection's socket with the idle timeout applied: reads and writes fail with
/// `TimedOut` once no byte has moved for `timeout` and no request is being handled.
#[derive(Debug)]
pub(crate) struct IdleTimeout<T> {
    inner: T,
    timeout: Duration,
    activity: Arc<Activity>,
    last_progress: Instant,
    sleep: Pin<Box<Sleep>>,
}

impl<T> IdleTimeout<T> {
    pub(crate) fn new(inner: T, timeout: Duration, activity: Arc<Activity>) -> Self {
        let now = Instant::now();
        Self {
            inner,
            timeout,
            activity,
            last_progress: now,
            sleep: Box::pin(tokio::time::sleep_until(now + timeout)),
        }
    }

    fn progressed(&mut self) {
        self.last_progress = Instant::now();
    }

    /// Called when the socket is not ready: arms the timer, or fails once it has run out.
    fn check(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        if self.activity.handled.swap(false, Ordering::AcqRel) {
            self.progressed();
        }
        if self.activity.handling.load(Ordering::Acquire) > 0 {
            // hyper polls the socket again when the response is ready; the clock starts then.
            return Ok(());
        }
        let deadline = self.last_progress + self.timeout;
        if self.sleep.deadline() != deadline {
            self.sleep.as_mut().reset(deadline);
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Pending => Ok(()),
            Poll::Ready(()) => {
                self.activity.timed_out.store(true, Ordering::Release);
                Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no byte moved on the connection within the idle timeout",
                ))
            }
        }
    }

    /// Passes a socket result through, recording progress or applying the timeout.
    fn track<R>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<R>>,
        moved: bool,
    ) -> Poll<io::Result<R>> {
        match poll {
            Poll::Ready(Ok(value)) => {
                if moved {
                    self.progressed();
                }
                Poll::Ready(Ok(value))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => match self.check(cx) {
                Ok(()) => Poll::Pending,
                Err(error) => Poll::Ready(Err(error)),
            },
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for IdleTimeout<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        let moved = buf.filled().len() > before;
        this.track(cx, poll, moved)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for IdleTimeout<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, buf);
        let moved = matches!(poll, Poll::Ready(Ok(written)) if written > 0);
        this.track(cx, poll, moved)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        let moved = matches!(poll, Poll::Ready(Ok(written)) if written > 0);
        this.track(cx, poll, moved)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_flush(cx);
        this.track(cx, poll, false)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.track(cx, poll, false)
    }
}
