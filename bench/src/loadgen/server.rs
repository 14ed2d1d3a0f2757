//! The server under test, run in this process on its own runtime and threads, so that the load
//! generator's client work and the server's work do not share one scheduler.

use std::net::{Ipv4Addr, SocketAddr};
use std::thread::JoinHandle;

use axum::Router;
use tokio::sync::oneshot;

use super::driver::BoxError;

/// Worker threads of the server's runtime: the machine's cores, as a deployed server would use.
const SERVER_THREADS: usize = 2;

/// A server listening on `127.0.0.1` on a port the OS chose; stopped when dropped.
pub(crate) struct RunningServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl RunningServer {
    /// Starts serving `router` on `127.0.0.1:0` on a new runtime in a background thread.
    pub(crate) fn start(router: Router) -> Result<Self, BoxError> {
        // Bound here, with std, so the address is known before the thread starts; callers may be
        // inside another runtime, where building this one's listener with tokio is not allowed.
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (shutdown, stopped) = oneshot::channel::<()>();
        let (ready, started) = std::sync::mpsc::channel::<std::io::Result<()>>();
        let thread = std::thread::Builder::new()
            .name("loadgen-server".to_owned())
            .spawn(move || {
                // The runtime is built and dropped on this thread: dropping a runtime inside the
                // caller's async context would panic.
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(SERVER_THREADS)
                    .thread_name("loadgen-server")
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = ready.send(Err(error));
                        return;
                    }
                };
                let served = runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)?;
                    let _ = ready.send(Ok(()));
                    axum::serve(listener, router)
                        .with_graceful_shutdown(async {
                            // Either a send or a dropped sender means stop.
                            let _ = stopped.await;
                        })
                        .await
                });
                if let Err(error) = served {
                    eprintln!("loadgen: the server under test failed: {error}");
                }
            })?;
        started
            .recv()
            .map_err(|_| "the server thread stopped before listening")??;
        Ok(Self {
            addr,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// Where the server listens.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
