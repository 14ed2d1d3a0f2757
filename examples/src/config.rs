//! Command-line and environment configuration.

use std::time::Duration;

use clap::Parser;
use http::HeaderValue;

use crate::db::Location;
use crate::server::Limits;

/// How to run the shop: where to listen, which database to use, and the limits on clients.
///
/// ```
/// use clap::Parser;
/// use etag_examples::config::Config;
///
/// let config = Config::try_parse_from(["shop", "--addr", "localhost:8080", "--db", "/tmp/x.db"])?;
/// assert_eq!(config.addr, "localhost:8080");
/// assert_eq!(config.limits().max_connections, 512);
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
    over HTTP with entity tags and conditional requests, on SQLite or PostgreSQL.",
    long_about = None
)]
pub struct Config {
    /// The address to listen on, HOST:PORT; the host may be a name such as localhost (port 0
    /// picks a free port; the log says which).
    #[arg(long, env = "SHOP_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: String,

    /// The database: a `postgres://USER@HOST:PORT/DB` URL, or else the path of an SQLite file.
    /// Either is created on first start (a PostgreSQL role needs `CREATEDB` for that). Migrated on start; several processes
    /// may share one database.
    #[arg(long, env = "SHOP_DB", default_value = "shop.db")]
    pub db: Location,

    /// Seconds a connection has to send a complete request head, counted from when it starts
    /// waiting for one (so it also bounds an idle keep-alive connection).
    #[arg(long, env = "SHOP_HEADER_READ_TIMEOUT", default_value = "10", value_parser = seconds)]
    pub header_read_timeout: Duration,

    /// Seconds with no byte moving either way, while no request is being handled, after which a
    /// connection is closed (such as a client that does not read its responses).
    #[arg(long, env = "SHOP_IDLE_TIMEOUT", default_value = "20", value_parser = seconds)]
    pub idle_timeout: Duration,

    /// Seconds a request body has to arrive once the service starts reading it; 408 otherwise.
    /// Handlers themselves have no timeout: a write that started is always answered.
    #[arg(long, env = "SHOP_BODY_READ_TIMEOUT", default_value = "30", value_parser = seconds)]
    pub body_read_timeout: Duration,

    /// Connections served at once; more wait until one closes. Keep it below the process's
    /// file-descriptor limit, with room for the database files.
    #[arg(long, env = "SHOP_MAX_CONNECTIONS", default_value = "512", value_parser = positive)]
    pub max_connections: usize,

    /// A web origin (scheme, host and optional port, as browsers send it in Origin) whose pages
    /// may call the API: they may read ETag and Last-Modified and send If-Match and the other
    /// preconditions. Repeat it for several origins (the variable takes them comma-separated);
    /// without it, no CORS.
    #[arg(long = "cors-origin", env = "SHOP_CORS_ORIGIN", value_delimiter = ',', value_parser = origin)]
    pub cors_origins: Vec<HeaderValue>,

    /// A Redis URL (`redis://HOST:PORT/DB`) where carts' and orders' validators are cached, so
    /// that conditional GETs are answered without the database. Every shop process on one
    /// database must use the same cache (or none). Without it, no cache.
    #[arg(long, env = "SHOP_CACHE", value_parser = redis_url)]
    pub cache: Option<String>,
}

impl Config {
    /// The server limits these flags set.
    pub fn limits(&self) -> Limits {
        Limits {
            header_read_timeout: self.header_read_timeout,
            idle_timeout: self.idle_timeout,
            body_read_timeout: self.body_read_timeout,
            max_connections: self.max_connections,
            ..Limits::default()
        }
    }
}

/// A positive number of seconds, fractions allowed (`0.5`).
fn seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if seconds <= 0.0 {
        return Err("must be more than 0 seconds".to_owned());
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("`{text}` seconds is out of range"))
}

/// A web origin as browsers send it in `Origin`: `scheme://host[:port]`, no path.
fn origin(text: &str) -> Result<HeaderValue, String> {
    let text = text.trim();
    let uri: http::Uri = text
        .parse()
        .map_err(|_| format!("`{text}` is not an origin such as https://shop.example"))?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    let bare = uri.authority().is_some() && uri.path_and_query().is_none_or(|p| p == "/");
    if !scheme_ok || !bare || text.ends_with('/') {
        return Err(format!(
            "`{text}` is not an origin: write scheme://host[:port], such as https://shop.example, without a path"
        ));
    }
    HeaderValue::from_str(text).map_err(|_| format!("`{text}` is not a valid header value"))
}

/// A Redis URL the cache client accepts (checked at start, before anything connects).
fn redis_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    etag_core::cache::redis::Client::open(text)
        .map(|_| text.to_owned())
        .map_err(|error| {
            format!("`{text}` is not a Redis URL such as redis://127.0.0.1:6379/0: {error}")
        })
}

/// A count of at least one.
fn positive(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(count) => Ok(count),
        Err(_) => Err(format!("`{text}` is not a whole number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_positive_seconds() {
        assert_eq!(seconds("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(seconds("10"), Ok(Duration::from_secs(10)));
        assert!(seconds("0").is_err());
        assert!(seconds("-1").is_err());
        assert!(seconds("NaN").is_err());
        assert!(seconds("1e400").is_err());
        assert!(seconds("soon").is_err());
    }

    #[test]
    fn limits_come_from_the_flags() {
        let config = Config::try_parse_from([
            "shop",
            "--header-read-timeout",
            "0.5",
            "--max-connections",
            "3",
        ])
        .expect("valid flags");
        let limits = config.limits();
        assert_eq!(limits.header_read_timeout, Duration::from_millis(500));
        assert_eq!(limits.max_connections, 3);
        assert_eq!(limits.idle_timeout, Limits::default().idle_timeout);
        assert!(Config::try_parse_from(["shop", "--max-connections", "0"]).is_err());
    }

    #[test]
    fn cors_origins_repeat_and_are_checked() {
        let config = Config::try_parse_from([
            "shop",
            "--cors-origin",
            "https://shop.example",
            "--cors-origin",
            "http://localhost:8080",
        ])
        .expect("valid origins");
        assert_eq!(
            config.cors_origins,
            ["https://shop.example", "http://localhost:8080"]
        );
        assert!(
            Config::try_parse_from(["shop"])
                .expect("no flags")
                .cors_origins
                .is_empty()
        );
        for bad in [
            "shop.example",
            "https://shop.example/",
            "https://a.example/app",
            "ftp://a.example",
        ] {
            assert!(origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_cache_is_an_optional_redis_url() {
        let config = Config::try_parse_from(["shop", "--cache", "redis://127.0.0.1:6379/3"])
            .expect("a valid URL");
        assert_eq!(config.cache.as_deref(), Some("redis://127.0.0.1:6379/3"));
        assert_eq!(
            Config::try_parse_from(["shop"]).expect("no flags").cache,
            None
        );
        assert!(Config::try_parse_from(["shop", "--cache", "127.0.0.1:6379"]).is_err());
    }

    #[test]
    fn help_is_plain_text() {
        let help = <Config as clap::CommandFactory>::command()
            .render_long_help()
            .to_string();
        assert!(help.contains("--header-read-timeout"), "{help}");
        assert!(!help.contains("```"), "{help}");
        assert!(!help.contains("try_parse_from"), "{help}");
    }
}
