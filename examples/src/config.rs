//! Command-line and environment configuration.

use clap::Parser;
use std::net::SocketAddr;

use crate::db::Location;

/// How to run the shop: where to listen and which database to use.
///
/// ```
/// use clap::Parser;
/// use etag_examples::config::Config;
///
/// let config = Config::try_parse_from(["shop", "--addr", "127.0.0.1:8080", "--db", "/tmp/x.db"])?;
/// assert_eq!(config.addr.port(), 8080);
///
/// let config = Config::try_parse_from(["shop", "--db", "postgres://shop@127.0.0.1:5432/shop"])?;
/// assert!(matches!(config.db, etag_examples::db::Location::Postgres(_)));
/// # Ok::<(), clap::Error>(())
/// ```
#[derive(Debug, Clone, Parser)]
#[command(
    name = "shop",
    version,
    about = "The etag-rs example shop: orders, carts and products \
    over HTTP with entity tags and conditional requests, on SQLite or PostgreSQL."
)]
pub struct Config {
    /// The address to listen on (port 0 picks a free port; the log says which).
    #[arg(long, env = "SHOP_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// The database: a `postgres://USER@HOST:PORT/DB` URL (the database must exist), or else the
    /// path of an SQLite file (created on first start). Migrated on start; several processes
    /// may share one database.
    #[arg(long, env = "SHOP_DB", default_value = "shop.db")]
    pub db: Location,
}
