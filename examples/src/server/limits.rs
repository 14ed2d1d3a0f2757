//! What one client may hold: time, connections and buffer space.

use std::time::Duration;

/// The server's bounds on careless and hostile clients. [`Limits::default`] is what `shop` runs
/// with unless its flags say otherwise.
///
/// None of them ever cuts a request the application has started handling: a write runs to its
/// commit and is answered whatever the clock says (see [`body_read_timeout`](Self::body_read_timeout)).
///
/// ```
/// use std::time::Duration;
/// use etag_examples::server::Limits;
///
/// let limits = Limits {
///     max_connections: 64,
///     ..Limits::default()
/// };
/// assert_eq!(limits.header_read_timeout, Duration::from_secs(10));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// A connection must deliver a complete request head within this time of starting to wait
    /// for one: from the accept, and on a keep-alive connection from the end of the previous
    /// response. Bounds clients that trickle their headers (slowloris) and, with it, how long a
    /// keep-alive connection may sit idle between requests.
    pub header_read_timeout: Duration,
    /// A connection on which no byte moves in either direction for this long, while no request
    /// is being handled, is closed. This is what frees a client that sends requests and never
    /// reads the responses (hyper itself has no write timeout).
    pub idle_timeout: Duration,
    /// The whole request body must arrive within this time of the application starting to read
    /// it, or the request is answered 408 and the connection closed. The body is read before any
    /// handler decides or writes anything, so this can never cut a write that started.
    pub body_read_timeout: Duration,
    /// At most this many connections are served at once. Beyond it the server stops accepting:
    /// new connections wait in the kernel's listen backlog until one closes (see the crate
    /// README for why waiting rather than refusing).
    pub max_connections: usize,
    /// The most bytes hyper buffers per connection, reading (pipelined requests not yet handled)
    /// and writing. hyper handles one request of a connection at a time and does not read the
    /// next until the previous response is written, so this bounds pipelined work too.
    pub max_buf_size: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(20),
            body_read_timeout: Duration::from_secs(30),
            max_connections: 512,
            max_buf_size: 64 * 1024,
        }
    }
}
