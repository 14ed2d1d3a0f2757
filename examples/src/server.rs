//! Running the service: bind, serve, shut down gracefully.

use std::future::Future;
use std::io;

use tokio::net::TcpListener;

use crate::http::router;
use crate::store::Store;

/// Serves the shop on `listener` until `shutdown` completes, then stops accepting connections
/// and lets requests in flight finish.
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
    axum::serve(listener, router(store))
        .with_graceful_shutdown(shutdown)
        .await
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
