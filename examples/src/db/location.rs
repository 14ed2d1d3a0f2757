//! Where the shop's data lives: an SQLite file or a PostgreSQL server.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// The database to use: `postgres://…` (or `postgresql://…`) names a PostgreSQL database; anything
/// else is the path of an SQLite file.
///
/// ```
/// use etag_examples::db::Location;
///
/// let pg: Location = "postgres://shop:secret@db.internal:5432/shop".parse()?;
/// assert!(matches!(pg, Location::Postgres(_)));
/// // Shown without its password, as the log prints it.
/// assert_eq!(pg.to_string(), "postgres://shop:***@db.internal:5432/shop");
///
/// let file: Location = "data/shop.db".parse()?;
/// assert_eq!(file, Location::Sqlite("data/shop.db".into()));
/// # Ok::<(), etag_examples::db::InvalidLocation>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite database file, created on first start.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL; the database is created on first start if the role may.
    Postgres(String),
}

/// An empty `--db` / `SHOP_DB`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidLocation;

impl fmt::Display for InvalidLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the database is empty: give an SQLite file path or a postgres:// URL")
    }
}

impl std::error::Error for InvalidLocation {}

impl FromStr for Location {
    type Err = InvalidLocation;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.trim().is_empty() {
            return Err(InvalidLocation);
        }
        let lower = text.get(..13).unwrap_or(text).to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Ok(Self::Postgres(text.to_owned()))
        } else {
            Ok(Self::Sqlite(PathBuf::from(text)))
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => path.display().fmt(f),
            Self::Postgres(url) => f.write_str(&without_password(url)),
        }
    }
}

/// The URL of the database `name` on the PostgreSQL server of `url`: `url` with its path
/// replaced, keeping the credentials and any query string. For tools that make a database of
/// their own beside the one they were pointed at (the shop's tests, the load generator).
///
/// ```
/// use etag_examples::db::database_on_server;
///
/// assert_eq!(
///     database_on_server("postgres://root@127.0.0.1:5432/postgres?sslmode=disable", "scratch"),
///     "postgres://root@127.0.0.1:5432/scratch?sslmode=disable"
/// );
/// ```
pub fn database_on_server(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let query = tail.find('?').map_or("", |start| &tail[start..]);
    format!("{scheme}://{authority}/{name}{query}")
}

/// The URL with the password of its user-info part replaced by `***`, so it can be logged.
pub(crate) fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_database_on_the_same_server_replaces_only_the_path() {
        assert_eq!(
            database_on_server("postgres://root@127.0.0.1:5432/postgres", "x"),
            "postgres://root@127.0.0.1:5432/x"
        );
        assert_eq!(
            database_on_server("postgresql://u:p@db/main?sslmode=disable", "x"),
            "postgresql://u:p@db/x?sslmode=disable"
        );
        assert_eq!(database_on_server("postgres://db", "x"), "postgres://db/x");
        assert_eq!(
            database_on_server("postgres://db?a=1", "x"),
            "postgres://db/x?a=1"
        );
    }

    #[test]
    fn urls_are_postgres_and_everything_else_a_file() {
        for url in ["postgres://root@127.0.0.1:5432/shop", "POSTGRESQL://h/db"] {
            assert_eq!(url.parse(), Ok(Location::Postgres(url.to_owned())));
        }
        for path in [
            "shop.db",
            "/var/lib/shop.db",
            "postgres.db",
            "./postgres://x",
        ] {
            assert_eq!(path.parse(), Ok(Location::Sqlite(path.into())));
        }
        assert_eq!("".parse::<Location>(), Err(InvalidLocation));
        assert_eq!("  ".parse::<Location>(), Err(InvalidLocation));
    }

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(
            without_password("postgres://u:p@ss@h:1/db?sslmode=disable"),
            "postgres://u:***@h:1/db?sslmode=disable"
        );
        assert_eq!(without_password("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(without_password("postgres://h/db"), "postgres://h/db");
    }
}
