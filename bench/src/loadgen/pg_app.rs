//! Scenario 6's system under test: four instances of the shop, each with its own connection pool,
//! on one fresh PostgreSQL database, as four hosts behind a load balancer would be.

use std::sync::atomic::{AtomicUsize, Ordering};

use etag_examples::db::{Location, database_on_server};
use etag_examples::store::Store;
use sqlx::{Connection, PgConnection};

use super::bench_app::{SMALL_ITEMS, put_cart, put_order};
use super::driver::{BoxError, HttpClient};
use super::server::RunningServer;
use super::writes::WriteTarget;

/// Shop instances on the database.
pub(crate) const INSTANCES: usize = 4;

/// A database made for this run on the server that `admin_url` names, dropped by
/// [`FreshDatabase::drop_database`] (or [`PgApp::remove`]).
#[derive(Debug, Clone)]
pub(crate) struct FreshDatabase {
    admin_url: String,
    name: String,
    /// The URL of the fresh database.
    pub(crate) url: String,
}

impl FreshDatabase {
    /// Creates a database with a name no other run uses on the server of `admin_url`.
    pub(crate) async fn create(admin_url: &str) -> Result<Self, BoxError> {
        let mut admin = PgConnection::connect(admin_url).await.map_err(|error| {
            format!(
                "PostgreSQL at {admin_url} is unreachable ({error}); start it or point \
                 --database-url (DATABASE_URL) at one"
            )
        })?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.subsec_nanos());
        let name = format!("etag_loadgen_{}_{nanos}", std::process::id());
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        Ok(Self {
            admin_url: admin_url.to_owned(),
            url: database_on_server(admin_url, &name),
            name,
        })
    }

    /// Drops the database, closing any connection still open to it.
    pub(crate) async fn drop_database(&self) -> Result<(), BoxError> {
        let mut admin = PgConnection::connect(&self.admin_url).await?;
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        Ok(())
    }
}

/// The four running instances.
pub(crate) struct PgApp {
    servers: Vec<RunningServer>,
    store: Store,
    database: FreshDatabase,
    write_targets: AtomicUsize,
}

impl PgApp {
    /// Starts the instances on `database`, which the first migrates as a shop does on first
    /// start; each has its own pool.
    pub(crate) async fn start(database: FreshDatabase) -> Result<Self, BoxError> {
        let location = Location::Postgres(database.url.clone());
        let store = Store::connect(&location).await?;
        let mut servers = Vec::with_capacity(INSTANCES);
        for _ in 0..INSTANCES {
            let own_pool = Store::connect(&location).await?;
            servers.push(RunningServer::start(etag_examples::http::router(own_pool))?);
        }
        Ok(Self {
            servers,
            store,
            database,
            write_targets: AtomicUsize::new(0),
        })
    }

    /// One client per instance, for writers spread over all of them.
    pub(crate) fn clients(&self, connections: usize) -> Result<Vec<HttpClient>, BoxError> {
        self.servers
            .iter()
            .map(|server| HttpClient::new(server.addr(), connections))
            .collect()
    }

    /// A new small order, so that each run starts from the same state.
    pub(crate) async fn fresh_order(&self) -> Result<WriteTarget, BoxError> {
        let id = self.next_id();
        put_order(&self.store, &id, SMALL_ITEMS).await?;
        Ok(WriteTarget::order(&id))
    }

    /// A new small cart, so that each run starts from the same state.
    pub(crate) async fn fresh_cart(&self) -> Result<WriteTarget, BoxError> {
        let id = self.next_id();
        put_cart(&self.store, &id, SMALL_ITEMS).await?;
        Ok(WriteTarget::cart(&id))
    }

    fn next_id(&self) -> String {
        let run = self.write_targets.fetch_add(1, Ordering::Relaxed);
        format!("pg-writes-{run}")
    }

    /// Stops the instances, then drops the database.
    pub(crate) async fn remove(self) -> Result<(), BoxError> {
        let Self {
            servers,
            store,
            database,
            ..
        } = self;
        drop(servers);
        drop(store);
        database.drop_database().await
    }
}
