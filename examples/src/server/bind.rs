//! Binding the listener, with an error that says which address could not be had.

use std::fmt;
use std::io;

use tokio::net::TcpListener;

/// Binds `addr`, a `host:port` whose host may be a name (`localhost:3000`) or an address
/// (`127.0.0.1:3000`, `[::1]:3000`). A name is resolved and each of its addresses tried in turn.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let listener = etag_examples::server::bind("localhost:0").await?;
/// assert!(listener.local_addr()?.ip().is_loopback());
/// # Ok(())
/// # }
/// ```
pub async fn bind(addr: &str) -> Result<TcpListener, BindError> {
    TcpListener::bind(addr).await.map_err(|source| BindError {
        addr: addr.to_owned(),
        source,
    })
}

/// The listener could not be bound: the address is taken, not local, or does not resolve.
#[derive(Debug)]
pub struct BindError {
    addr: String,
    source: io::Error,
}

impl BindError {
    /// The address as given.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// What the operating system (or the resolver) said.
    pub fn io_error(&self) -> &io::Error {
        &self.source
    }
}

impl fmt::Display for BindError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hint = match self.source.kind() {
            io::ErrorKind::AddrInUse => {
                " (another process is listening there; pick another --addr)"
            }
            io::ErrorKind::AddrNotAvailable => " (that address is not one of this machine's)",
            _ => "",
        };
        write!(
            formatter,
            "cannot listen on {}: {}{hint}",
            self.addr, self.source
        )
    }
}

impl std::error::Error for BindError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}
