//! Scenario 7: a poll's 304 answered from the Redis validator cache, against the same 304 from
//! the database precheck and against the full load, for a small and a large order, through two
//! instances of the shop of each kind on one database, on SQLite and on PostgreSQL.
//!
//! Every variant is the shop's own `GET /orders/{id}` (its router, middleware and all), its
//! requests spread round-robin over the two instances of its kind.

use std::net::SocketAddr;

use axum::http::{Request, StatusCode, Uri};
use etag_examples::db::Location;
use http_body_util::Full;

use super::bench_app::Seeded;
use super::cache_app::{CacheApp, INSTANCES_EACH};
use super::compare::{Plan, Variant, compare};
use super::driver::{BoxError, HttpClient};
use super::pg_app::FreshDatabase;
use super::reads::get_spread;
use super::report::ComparisonRow;

/// Where the scenario runs.
#[derive(Debug, Clone)]
pub(crate) struct CachePlan {
    /// Redis, as `redis://host:port/db`.
    pub(crate) redis_url: String,
    /// The PostgreSQL server, as for scenario 6; `None` runs the scenario on SQLite only.
    pub(crate) postgres: Option<String>,
    /// Requests, concurrency, warm-up and rounds, as in the other read scenarios.
    pub(crate) reads: Plan,
}

/// The scenario's comparisons: for each backend, one per order size.
pub(crate) async fn cache_scenarios(
    plan: &CachePlan,
    name: &str,
) -> Result<Vec<ComparisonRow>, BoxError> {
    let mut rows = Vec::new();
    let dir = tempfile::Builder::new().prefix("etag-loadgen-").tempdir()?;
    let sqlite = Location::Sqlite(dir.path().join("cached.db"));
    rows.extend(on_backend(plan, name, "SQLite", &sqlite).await?);
    if let Some(admin_url) = &plan.postgres {
        let database = FreshDatabase::create(admin_url).await?;
        let location = Location::Postgres(database.url.clone());
        let measured = on_backend(plan, name, "PostgreSQL", &location).await;
        database.drop_database().await?;
        rows.extend(measured?);
    }
    Ok(rows)
}

async fn on_backend(
    plan: &CachePlan,
    name: &str,
    backend: &str,
    location: &Location,
) -> Result<Vec<ComparisonRow>, BoxError> {
    let app = CacheApp::start(location, &plan.redis_url).await?;
    let measured = measure(&app, plan, name, backend).await;
    app.remove().await?;
    measured
}

async fn measure(
    app: &CacheApp,
    plan: &CachePlan,
    name: &str,
    backend: &str,
) -> Result<Vec<ComparisonRow>, BoxError> {
    // One pooled client reaches every instance: connections are pooled per address.
    let client = HttpClient::new(app.uncached()[0], plan.reads.load.concurrency)?;
    let mut rows = Vec::new();
    for order in &app.orders {
        ensure_cached(app, &client, order).await?;
        let variants = variants(app, order)?;
        let outcomes = compare(&client, plan.reads, &variants).await?;
        // Still there after the run (nothing since has filled it): the timed 304s were hits,
        // not database prechecks behind an entry that expired on the way.
        still_cached(app, order).await?;
        rows.push(ComparisonRow {
            scenario: format!(
                "{name}, {backend}, order of {} items, {INSTANCES_EACH} instances per variant",
                order.items
            ),
            outcomes,
        });
    }
    Ok(rows)
}

/// GETs the order through each cached instance, so that Redis holds its current tag and the
/// timed 304s are hits: the first GET misses and fills.
async fn ensure_cached(
    app: &CacheApp,
    client: &HttpClient,
    order: &Seeded,
) -> Result<(), BoxError> {
    for addr in app.cached() {
        let uri: Uri = format!("http://{addr}/orders/{}", order.id).parse()?;
        let exchange = client
            .send(Request::get(uri).body(Full::default())?)
            .await?;
        if exchange.status != StatusCode::OK {
            return Err(format!("GET order {} answered {}", order.id, exchange.status).into());
        }
    }
    still_cached(app, order).await
}

/// Whether Redis holds the order's current tag.
async fn still_cached(app: &CacheApp, order: &Seeded) -> Result<(), BoxError> {
    let expected = order.etag.to_str()?;
    match app.cached_tag(&order.id).await? {
        Some(tag) if tag == expected => Ok(()),
        other => Err(format!(
            "Redis holds {other:?} for order {}, not its tag {expected}",
            order.id
        )
        .into()),
    }
}

/// The full 200 first (the baseline), then the 304 each way, then the 200 through the cache.
fn variants(app: &CacheApp, order: &Seeded) -> Result<Vec<Variant>, BoxError> {
    let path = format!("/orders/{}", order.id);
    let (uncached, cached) = (uris(&app.uncached(), &path)?, uris(&app.cached(), &path)?);
    Ok(vec![
        get_spread("200, full load (no cache)", uncached.clone(), None),
        get_spread(
            "304 from the database precheck (no cache)",
            uncached,
            Some(order.etag.clone()),
        ),
        get_spread("304 from Redis", cached.clone(), Some(order.etag.clone())),
        get_spread("200 with the cache (hit, then full load)", cached, None),
    ])
}

fn uris(addrs: &[SocketAddr], path: &str) -> Result<Vec<Uri>, BoxError> {
    addrs
        .iter()
        .map(|addr| Ok(format!("http://{addr}{path}").parse()?))
        .collect()
}
