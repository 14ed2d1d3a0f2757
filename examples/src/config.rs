//! Command-line and environment configuration.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// How to run the shop: where to listen and which database file to use.
///
/// ```
/// use clap::Parser;
/// use etag_examples::config::Config;
///
/// let config = Config::try_parse_from(["shop", "--addr", "127.0.0.1:8080", "--db", "/tmp/x.db"])?;
/// assert_eq!(config.addr.port(), 8080);
/// # Ok::<(), clap::Error>(())
/// ```
#[derive(Debug, Clone, Parser)]
#[command(
    name = "shop",
    version,
    about = "The etag-rs example shop: orders, carts and products \
    over HTTP with entity tags and conditional requests, on SQLite."
)]
pub struct Config {
    /// The address to listen on (port 0 picks a free port; the log says which).
    #[arg(long, env = "SHOP_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// The SQLite database file, created and migrated on first start. Several processes may
    /// share one file.
    #[arg(long, env = "SHOP_DB", default_value = "shop.db")]
    pub db: PathBuf,
}
