//! A fresh database per test, on SQLite or PostgreSQL, removed when the test ends (also when it
//! fails).
//!
//! PostgreSQL is the server at `DATABASE_URL` (default `postgres://root@127.0.0.1:5432/postgres`);
//! each test creates a database with a random name there and drops it afterwards. Without a
//! server, PostgreSQL tests fail under `CI=true` and elsewhere say loudly that they were skipped.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// The server the PostgreSQL tests use unless `DATABASE_URL` says otherwise.
const DEFAULT_DATABASE_URL: &str = "postgres://root@127.0.0.1:5432/postgres";

/// What `--db` / `SHOP_DB` is given.
pub trait DbArg {
    /// The argument naming this database.
    fn db_arg(&self) -> OsString;
}

impl DbArg for Path {
    fn db_arg(&self) -> OsString {
        self.as_os_str().to_owned()
    }
}

impl DbArg for PathBuf {
    fn db_arg(&self) -> OsString {
        self.as_os_str().to_owned()
    }
}

/// One test's database.
pub enum TestDb {
    /// A file in a temporary directory.
    Sqlite {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    /// A database created for this test on the PostgreSQL server.
    Postgres(PgTestDatabase),
}

impl TestDb {
    /// A fresh SQLite file.
    pub fn sqlite() -> Self {
        let (_dir, path) = super::temp_db();
        Self::Sqlite { _dir, path }
    }

    /// A fresh PostgreSQL database, or `None` (after saying so) when no server is reachable and
    /// this is not CI.
    pub async fn postgres() -> Option<Self> {
        let admin = admin_url();
        match PgTestDatabase::create(&admin).await {
            Ok(db) => Some(Self::Postgres(db)),
            Err(error) => {
                unreachable(&admin, &error);
                None
            }
        }
    }

    /// The SQLite file, for tests that look at it.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Self::Sqlite { path, .. } => Some(path),
            Self::Postgres(_) => None,
        }
    }

    /// The database as the store names it.
    pub fn location(&self) -> etag_examples::db::Location {
        match self {
            Self::Sqlite { path, .. } => etag_examples::db::Location::Sqlite(path.clone()),
            Self::Postgres(db) => etag_examples::db::Location::Postgres(db.url.clone()),
        }
    }
}

impl DbArg for TestDb {
    fn db_arg(&self) -> OsString {
        match self {
            Self::Sqlite { path, .. } => path.as_os_str().to_owned(),
            Self::Postgres(db) => db.url.clone().into(),
        }
    }
}

impl DbArg for PgTestDatabase {
    fn db_arg(&self) -> OsString {
        self.url.clone().into()
    }
}

/// A database created on the server for one test, dropped (with any connections the shops
/// left) when this is dropped.
pub struct PgTestDatabase {
    admin: String,
    name: String,
    /// The URL of the test's database.
    pub url: String,
}

impl PgTestDatabase {
    async fn create(admin: &str) -> Result<Self, sqlx::Error> {
        let db = Self::named(admin);
        let mut conn = PgConnection::connect(admin).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {}", db.name)))
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        Ok(db)
    }

    /// A fresh name and its URL on a reachable server, for a database that does not exist yet;
    /// dropped (if something created it) when this is dropped. `None` (after saying so) as
    /// [`TestDb::postgres`].
    pub async fn missing() -> Option<Self> {
        let admin = admin_url();
        match PgConnection::connect(&admin).await {
            Ok(conn) => {
                let _ = conn.close().await;
                Some(Self::named(&admin))
            }
            Err(error) => {
                unreachable(&admin, &error);
                None
            }
        }
    }

    /// A connection to the server's administrative database, for statements a test needs there
    /// (creating a role, say).
    pub async fn admin(&self) -> Result<PgConnection, sqlx::Error> {
        PgConnection::connect(&self.admin).await
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn named(admin: &str) -> Self {
        let name = format!("etag_test_{}", random_suffix());
        Self {
            admin: admin.to_owned(),
            url: etag_examples::db::database_on_server(admin, &name),
            name,
        }
    }
}

/// The server the PostgreSQL tests use.
fn admin_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.into())
}

/// Reports a server that cannot be reached: a failure under `CI=true`, else a loud skip.
fn unreachable(admin: &str, error: &sqlx::Error) {
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!(
            "PostgreSQL at {admin} is unreachable ({error}); CI=true requires it. \
             Start it (pg_ctlcluster 15 main start) or set DATABASE_URL."
        );
    }
    eprintln!(
        "\n!!!!!!!! SKIPPED: this PostgreSQL test did not run !!!!!!!!\n\
         PostgreSQL at {admin} is unreachable: {error}\n\
         Start a server (for example `pg_ctlcluster 15 main start`, or\n\
         `docker run -e POSTGRES_HOST_AUTH_METHOD=trust -p 5432:5432 postgres`)\n\
         or point DATABASE_URL at one. Under CI=true this is a failure.\n"
    );
}

impl Drop for PgTestDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Drop runs inside the test's runtime (or while unwinding out of it), where blocking on
        // a future is not allowed: drop the database from a thread with a runtime of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| error.to_string())?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&admin)
                    .await
                    .map_err(|error| error.to_string())?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut conn)
                    .await
                    .map_err(|error| error.to_string())?;
                conn.close().await.map_err(|error| error.to_string())
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(error)) => eprintln!("could not drop test database {}: {error}", self.name),
            Err(_) => eprintln!("dropping test database {} panicked", self.name),
        }
    }
}

/// 64 bits that differ between tests, processes and runs: a database name no one else has.
fn random_suffix() -> String {
    use std::hash::{BuildHasher, RandomState};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let mixed =
        RandomState::new().hash_one((nanos, std::process::id(), std::thread::current().id()));
    format!("{mixed:016x}")
}

/// Runs each listed `async fn name(db: TestDb)` twice: as `sqlite::name` on a fresh file and as
/// `postgres::name` on a fresh PostgreSQL database. `multi_thread:` first gives each a
/// two-worker runtime.
#[allow(unused_macros)] // the client's tests run on SQLite alone
macro_rules! on_both_backends {
    (multi_thread: $($name:ident),+ $(,)?) => {
        $crate::support::on_both_backends!(@each (flavor = "multi_thread", worker_threads = 2) $($name),+);
    };
    ($($name:ident),+ $(,)?) => {
        $crate::support::on_both_backends!(@each (flavor = "current_thread") $($name),+);
    };
    (@each $flavor:tt $($name:ident),+) => {
        mod sqlite {
            $(
                #[tokio::test $flavor]
                async fn $name() {
                    super::$name($crate::support::TestDb::sqlite()).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test $flavor]
                async fn $name() {
                    if let Some(db) = $crate::support::TestDb::postgres().await {
                        super::$name(db).await;
                    }
                }
            )+
        }
    };
}
pub(crate) use on_both_backends;
