//! The system under test: the shop on a fresh temporary database, seeded with the scenarios' data,
//! served on loopback by two instances sharing the database file (as two processes would).

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::HeaderValue;
use etag_core::{ExpectedVersion, Versioned};
use etag_examples::model::{CartBody, LineItem, OrderBody};
use etag_examples::store::Store;
use tempfile::TempDir;

use super::bench_routes::{self, BenchState};
use super::driver::{BoxError, HttpClient};
use super::server::RunningServer;
use super::writes::WriteTarget;

/// Items in the small order and cart.
pub(crate) const SMALL_ITEMS: usize = 3;
/// Items in the large order and cart (the design asks for at least 100).
pub(crate) const LARGE_ITEMS: usize = 150;

/// A seeded resource: its id, how many items it holds, and its current tag.
#[derive(Debug, Clone)]
pub(crate) struct Seeded {
    pub(crate) id: String,
    pub(crate) items: usize,
    pub(crate) etag: HeaderValue,
}

/// The data every read scenario runs against.
#[derive(Debug, Clone)]
pub(crate) struct Fixture {
    pub(crate) small_order: Seeded,
    pub(crate) large_order: Seeded,
    pub(crate) small_cart: Seeded,
    pub(crate) large_cart: Seeded,
}

/// The running shop. Dropping it stops the servers, then deletes the database.
pub(crate) struct BenchApp {
    // Field order is drop order: the servers must stop before their database directory goes.
    primary: RunningServer,
    secondary: RunningServer,
    store: Store,
    fixture: Fixture,
    write_targets: AtomicUsize,
    _dir: TempDir,
}

impl BenchApp {
    /// Creates the database, seeds it, and starts both instances.
    pub(crate) async fn start() -> Result<Self, BoxError> {
        let dir = tempfile::Builder::new().prefix("etag-loadgen-").tempdir()?;
        let path = dir.path().join("shop.db");
        let store = Store::open(&path).await?;
        let fixture = seed(&store).await?;
        let bench = BenchState {
            store: store.clone(),
        };
        let primary = RunningServer::start(
            etag_examples::http::router(store.clone()).merge(bench_routes::routes(bench)),
        )?;
        // A second instance with its own connections to the same file: conflicting writes race
        // across instances, not just across tasks of one process.
        let secondary =
            RunningServer::start(etag_examples::http::router(Store::open(&path).await?))?;
        Ok(Self {
            primary,
            secondary,
            store,
            fixture,
            write_targets: AtomicUsize::new(0),
            _dir: dir,
        })
    }

    /// The seeded data.
    pub(crate) fn fixture(&self) -> &Fixture {
        &self.fixture
    }

    /// A client for the instance that serves the bench routes.
    pub(crate) fn client(&self, connections: usize) -> Result<HttpClient, BoxError> {
        HttpClient::new(self.primary.addr(), connections)
    }

    /// One client per instance, for writers spread over both.
    pub(crate) fn write_clients(&self, connections: usize) -> Result<Vec<HttpClient>, BoxError> {
        [&self.primary, &self.secondary]
            .into_iter()
            .map(|server| HttpClient::new(server.addr(), connections))
            .collect()
    }

    /// Creates a new small order for one conflicting-writes run, so that each run starts from the
    /// same state whatever ran before.
    pub(crate) async fn fresh_write_target(&self) -> Result<WriteTarget, BoxError> {
        Ok(WriteTarget::order(&self.fresh_order().await?))
    }

    /// Creates a new small order no other scenario touches, and returns its id.
    pub(crate) async fn fresh_order(&self) -> Result<String, BoxError> {
        Ok(self.fresh_order_of(SMALL_ITEMS).await?.id)
    }

    /// Creates a new order of `items` line items that no other scenario touches.
    pub(crate) async fn fresh_order_of(&self, items: usize) -> Result<Seeded, BoxError> {
        let run = self.write_targets.fetch_add(1, Ordering::Relaxed);
        put_order(&self.store, &format!("bench-writes-{run}"), items).await
    }
}

/// Seeds a small and a large order and cart with the same items.
async fn seed(store: &Store) -> Result<Fixture, BoxError> {
    Ok(Fixture {
        small_order: put_order(store, "bench-small", SMALL_ITEMS).await?,
        large_order: put_order(store, "bench-large", LARGE_ITEMS).await?,
        small_cart: put_cart(store, "bench-small", SMALL_ITEMS).await?,
        large_cart: put_cart(store, "bench-large", LARGE_ITEMS).await?,
    })
}

pub(crate) async fn put_order(store: &Store, id: &str, items: usize) -> Result<Seeded, BoxError> {
    let body = order_body(items);
    let written = store
        .orders()
        .upsert(id, move |_| Ok::<_, Infallible>((body.clone(), ())))
        .await
        .map_err(|error| format!("seeding order {id}: {error}"))?;
    Ok(seeded(id, items, &written.value))
}

/// The body every seeded order has, with `items` line items.
pub(crate) fn order_body(items: usize) -> OrderBody {
    OrderBody {
        customer: "bench customer".to_owned(),
        items: line_items(items),
        note: Some("leave at the door".to_owned()),
    }
}

pub(crate) async fn put_cart(store: &Store, id: &str, items: usize) -> Result<Seeded, BoxError> {
    let body = CartBody {
        owner: "bench customer".to_owned(),
        items: line_items(items),
    };
    let carts = store.carts();
    let failed = |error: &dyn std::fmt::Display| format!("seeding cart {id}: {error}");
    // Seeding replaces whatever is there: an unconditional swap, or a create when there is none.
    let cart = match carts
        .swap(id, &ExpectedVersion::Unconditional, body.clone())
        .await
    {
        Ok((cart, _checked)) => cart,
        Err(_) => carts
            .create_at(id, body)
            .await
            .map_err(|error| failed(&error))?
            .ok_or_else(|| failed(&"created by another writer while seeding"))?,
    };
    Ok(seeded(id, items, &cart))
}

fn seeded(id: &str, items: usize, value: &impl Versioned) -> Seeded {
    Seeded {
        id: id.to_owned(),
        items,
        etag: value.etag().to_header_value(),
    }
}

/// `count` distinct lines with realistic SKUs and quantities.
fn line_items(count: usize) -> Vec<LineItem> {
    (0..count)
        .map(|index| LineItem {
            sku: format!("SKU-{index:05}-BLUE-M"),
            qty: u32::try_from(index % 7 + 1).unwrap_or(1),
        })
        .collect()
}
