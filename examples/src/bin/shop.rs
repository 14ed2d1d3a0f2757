//! The example shop service. `shop --help` lists the options.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use etag_examples::cache::ShopCache;
use etag_examples::config::Config;
use etag_examples::http::router_with_cors;
use etag_examples::server::{bind, serve_with, shutdown_signal};
use etag_examples::store::Store;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    init_logging();
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "shop stopped");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    // Bind before opening the database: a taken port must not leave a new database file behind.
    let listener = bind(&config.addr).await?;
    let addr = listener.local_addr()?;
    let mut store = Store::connect(&config.db).await?;
    if let Some(url) = &config.cache {
        let cache = ShopCache::open(url, &store.database_id().await?).await?;
        tracing::info!(prefix = cache.prefix(), "validator cache in Redis");
        store = store.with_cache(cache);
    }
    let limits = config.limits();
    tracing::info!(%addr, db = %config.db, ?limits, "listening");
    let app = router_with_cors(store, config.cors_origins.clone());
    serve_with(listener, app, limits, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`), colored only on a terminal.
fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
