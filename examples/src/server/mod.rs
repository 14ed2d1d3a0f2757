//! Running the service: bind, serve within [`Limits`], shut down gracefully.
//!
//! The shop is served by hyper's HTTP/1 connection builder rather than `axum::serve`, for the
//! settings `axum::serve` does not offer:
//! - **half-close**: a client may send its request and shut down its sending side (`SHUT_WR`);
//!   it still gets its answer. Without it hyper dropped such a connection, and with it the
//!   answer to a write that had committed;
//! - the timeouts and bounds of [`Limits`], each of which logs a line (at most one per kind
//!   every ten seconds, with the count of the hits it stands for) when a client hits it.

mod bind;
mod body_timeout;
mod idle;
mod limits;
mod throttle;

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

pub use bind::{BindError, bind};
pub use limits::Limits;

use crate::http::router;
use crate::store::Store;
use body_timeout::TimedBody;
use idle::{Activity, IdleTimeout};
use throttle::Warnings;

/// How long to pause accepting after an error such as running out of file descriptors, which
/// would otherwise repeat at once.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// Serves the shop on `listener` with the default [`Limits`] until `shutdown` completes, then
/// stops accepting connections and lets requests in flight finish.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use etag_examples::{server, store::Store};
///
/// let dir = tempfile::tempdir()?;
/// let store = Store::open(dir.path().join("shop.db")).await?;
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// // Shut down at once: a real program passes `server::shutdown_signal()`.
/// server::serve(listener, store, async {}).await?;
/// # Ok(())
/// # }
/// ```
pub async fn serve(
    listener: TcpListener,
    store: Store,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    serve_with(listener, router(store), Limits::default(), shutdown).await
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes, then stops accepting
/// connections and lets requests in flight finish (idle connections close at once).
///
/// Fails only if the listener does; a failing connection is logged and closed.
pub async fn serve_with(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .half_close(true)
        .max_buf_size(limits.max_buf_size);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let warnings = Arc::new(Warnings::default());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = wait_for_slot(&slots, &limits, &warnings) => slot?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(&error, &warnings).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let connection = Connection {
            app: app.clone(),
            limits: limits.clone(),
            warnings: Arc::clone(&warnings),
            peer,
        };
        tokio::spawn(connection.run(stream, &http, &graceful, slot));
    }
    // Stop accepting: new clients are refused by the kernel instead of waiting in the backlog.
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Takes a connection slot, waiting (and saying so) while all are in use. Waiting rather than
/// refusing: a refused client has to retry anyway, while one left in the kernel's listen backlog
/// is served as soon as any connection closes, and the timeouts bound how long that can take.
async fn wait_for_slot(
    slots: &Arc<Semaphore>,
    limits: &Limits,
    warnings: &Warnings,
) -> io::Result<OwnedSemaphorePermit> {
    if let Ok(slot) = Arc::clone(slots).try_acquire_owned() {
        return Ok(slot);
    }
    if let Some(unlogged) = warnings.connection_limit.hit() {
        tracing::warn!(
            max_connections = limits.max_connections,
            unlogged,
            "connection limit reached: new connections wait until one closes"
        );
    }
    Arc::clone(slots)
        .acquire_owned()
        .await
        .map_err(|_| io::Error::other("the connection semaphore was closed"))
}

/// Logs a failed accept and pauses briefly: errors such as `EMFILE` repeat until a descriptor is
/// freed, and retrying at once would spin.
async fn accept_failed(error: &io::Error, warnings: &Warnings) {
    if let Some(unlogged) = warnings.accept_error.hit() {
        tracing::warn!(%error, unlogged, "cannot accept a connection");
    }
    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
}

/// What serving one connection needs.
struct Connection {
    app: Router,
    limits: Limits,
    warnings: Arc<Warnings>,
    peer: SocketAddr,
}

impl Connection {
    /// Serves the connection to its end; `slot` is given back when it closes.
    fn run(
        self,
        stream: TcpStream,
        http: &http1::Builder,
        graceful: &GracefulShutdown,
        slot: OwnedSemaphorePermit,
    ) -> impl Future<Output = ()> + Send + 'static {
        let activity = Arc::new(Activity::default());
        let io = TokioIo::new(IdleTimeout::new(
            stream,
            self.limits.idle_timeout,
            Arc::clone(&activity),
        ));
        let app = self.app.clone();
        let body_read_timeout = self.limits.body_read_timeout;
        let warnings = Arc::clone(&self.warnings);
        let service_activity = Arc::clone(&activity);
        let service = hyper::service::service_fn(move |request| {
            handle(
                app.clone(),
                request,
                body_read_timeout,
                Arc::clone(&service_activity),
                Arc::clone(&warnings),
            )
        });
        let served = graceful.watch(http.serve_connection(io, service));
        async move {
            let served = served.await;
            self.report(served.err().as_ref(), &activity);
            drop(slot);
        }
    }

    /// Logs why a connection ended early: a limit (one throttled line per kind), or the client
    /// (reset, malformed request: hyper already answered what it could).
    /// hyper ends a connection that fails while idle without an error, so the idle timeout is
    /// told by `activity`, not by the result.
    fn report(&self, error: Option<&hyper::Error>, activity: &Activity) {
        let peer = self.peer;
        if activity.timed_out() {
            if let Some(unlogged) = self.warnings.idle_timeout.hit() {
                tracing::warn!(
                    %peer,
                    timeout = ?self.limits.idle_timeout,
                    unlogged,
                    "idle timeout: closed a connection on which nothing moved"
                );
            }
        } else if error.is_some_and(hyper::Error::is_timeout) {
            if let Some(unlogged) = self.warnings.header_read_timeout.hit() {
                tracing::warn!(
                    %peer,
                    timeout = ?self.limits.header_read_timeout,
                    unlogged,
                    "header read timeout: closed a connection that sent no complete request head in time"
                );
            }
        } else if let Some(error) = error {
            tracing::debug!(%peer, %error, "connection ended with an error");
        }
    }
}

/// Handles one request: its body under the body-read timeout, the handler under none.
async fn handle(
    app: Router,
    request: http::Request<Incoming>,
    body_read_timeout: Duration,
    activity: Arc<Activity>,
    warnings: Arc<Warnings>,
) -> Result<Response, Infallible> {
    let _handling = activity.handling();
    let expired = Arc::new(AtomicBool::new(false));
    let request = request.map(|body| {
        Body::new(TimedBody::new(
            body,
            body_read_timeout,
            Arc::clone(&expired),
        ))
    });
    let response = app.oneshot(request).await?;
    // A handler rejects a body it could not read completely before deciding anything, so a
    // client error after the timeout fired is that rejection: nothing was written.
    if expired.load(Ordering::Acquire) && response.status().is_client_error() {
        if let Some(unlogged) = warnings.body_read_timeout.hit() {
            tracing::warn!(
                timeout = ?body_read_timeout,
                unlogged,
                "body read timeout: answered 408 to a request whose body did not arrive in time"
            );
        }
        return Ok(body_timeout::request_timeout(body_read_timeout));
    }
    Ok(response)
}

/// Completes on Ctrl-C or, on Unix, SIGTERM (what `kill` and process managers send).
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("Ctrl-C received; shutting down"),
        () = terminate => tracing::info!("SIGTERM received; shutting down"),
    }
}
