//! Scenario 5: normal traffic measured without and then with hostile clients, in one run.
//!
//! Normal clients each own a cart and an order and loop over GET, then a PUT with the `If-Match`
//! they just read, of each. Hostile clients, in the second phase only, do what issue 17 found
//! harmful: some send `POST /orders` with a collection precondition (`If-None-Match: "x"`) as
//! fast as they can against a collection of many orders, and a storm of writers sends
//! `If-Match: *` PUTs to one product. The report puts the normal traffic's p50 and p99 side by
//! side for both phases, with what the hostile clients were answered.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use etag_examples::model::{LineItem, OrderBody};
use etag_examples::store::Store;
use http::{Method, Request, StatusCode};
use http_body_util::Full;
use hyper::body::Bytes;
use serde_json::{Value, json};

use super::driver::{BoxError, Exchange, HttpClient};
use super::server::RunningServer;
use super::stats::{Recorder, Summary};

/// How the scenario runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HostilePlan {
    /// How long each phase runs.
    pub(crate) phase: Duration,
    /// Normal clients, each with its own cart and order.
    pub(crate) normal_clients: usize,
    /// Orders in the collection before the run (what a collection precondition used to scan).
    pub(crate) orders: usize,
    /// Clients sending `POST /orders` with a collection precondition.
    pub(crate) posters: usize,
    /// Concurrent `If-Match: *` writers of one product.
    pub(crate) storm: usize,
}

/// What one phase measured.
pub(crate) struct Phase {
    name: &'static str,
    reads: Summary,
    writes: Summary,
    posts: BTreeMap<u16, u64>,
    storm: BTreeMap<u16, u64>,
}

/// Runs both phases against a fresh shop and returns the report (Markdown).
pub(crate) async fn hostile_clients(plan: HostilePlan) -> Result<String, BoxError> {
    let dir = tempfile::Builder::new()
        .prefix("etag-loadgen-hostile-")
        .tempdir()?;
    let store = Store::open(dir.path().join("shop.db")).await?;
    let seeded = Instant::now();
    for n in 0..plan.orders {
        let body = OrderBody {
            customer: format!("customer-{n}"),
            items: vec![LineItem {
                sku: "apple".into(),
                qty: 1,
            }],
            note: None,
        };
        store.orders().create(body).await?;
    }
    eprintln!(
        "loadgen: seeded {} orders in {:.1?}",
        plan.orders,
        seeded.elapsed()
    );
    let server = RunningServer::start(etag_examples::http::router(store))?;
    let normal = HttpClient::new(server.addr(), plan.normal_clients.max(1))?;
    let hostile = HttpClient::new(server.addr(), plan.posters + plan.storm + 1)?;
    for client in 0..plan.normal_clients {
        create(&normal, &format!("/carts/normal-{client}"), &cart(0)).await?;
        create(&normal, &format!("/orders/normal-{client}"), &order(0)).await?;
    }
    create(&normal, "/products/storm", &product(0)).await?;

    let mut phases = Vec::new();
    for (name, with_hostile) in [
        ("without hostile clients", false),
        ("with hostile clients", true),
    ] {
        phases.push(run_phase(name, plan, &normal, with_hostile.then_some(&hostile)).await?);
    }
    drop(server);
    Ok(report(plan, &phases))
}

async fn run_phase(
    name: &'static str,
    plan: HostilePlan,
    normal: &HttpClient,
    hostile: Option<&HttpClient>,
) -> Result<Phase, BoxError> {
    let started = Instant::now();
    let deadline = started + plan.phase;
    let mut hostile_tasks = Vec::new();
    if let Some(hostile) = hostile {
        for _ in 0..plan.posters {
            let client = hostile.clone();
            hostile_tasks.push((true, tokio::spawn(post_with_precondition(client, deadline))));
        }
        for writer in 0..plan.storm {
            let client = hostile.clone();
            hostile_tasks.push((false, tokio::spawn(storm_writer(client, writer, deadline))));
        }
    }
    let normal_tasks: Vec<_> = (0..plan.normal_clients)
        .map(|client| tokio::spawn(normal_client(normal.clone(), client, deadline)))
        .collect();

    let (mut reads, mut writes) = (Recorder::default(), Recorder::default());
    for task in normal_tasks {
        let (read, written) = task.await??;
        reads.merge(read);
        writes.merge(written);
    }
    let elapsed = started.elapsed();
    let (mut posts, mut storm) = (BTreeMap::new(), BTreeMap::new());
    for (is_post, task) in hostile_tasks {
        let counts = task.await??;
        let into = if is_post { &mut posts } else { &mut storm };
        for (status, count) in counts {
            *into.entry(status).or_default() += count;
        }
    }
    Ok(Phase {
        name,
        reads: reads.summarize(elapsed),
        writes: writes.summarize(elapsed),
        posts,
        storm,
    })
}

/// One normal client: GET and conditional PUT of its cart, then of its order, until `deadline`;
/// the reads and the writes recorded apart.
async fn normal_client(
    client: HttpClient,
    index: usize,
    deadline: Instant,
) -> Result<(Recorder, Recorder), BoxError> {
    let (mut reads, mut writes) = (Recorder::default(), Recorder::default());
    let cart_path = format!("/carts/normal-{index}");
    let order_path = format!("/orders/normal-{index}");
    let mut round = 0_u32;
    while Instant::now() < deadline {
        round += 1;
        for (path, body) in [(&cart_path, cart(round)), (&order_path, order(round))] {
            let read = client
                .send(request(&client, Method::GET, path, &[], None)?)
                .await?;
            read.record_in(&mut reads);
            let Some(tag) = read.headers.get("etag").and_then(|tag| tag.to_str().ok()) else {
                return Err(format!("GET {path} answered {} without an ETag", read.status).into());
            };
            let tag = tag.to_owned();
            let write = client
                .send(request(
                    &client,
                    Method::PUT,
                    path,
                    &[("if-match", &tag)],
                    Some(&body),
                )?)
                .await?;
            write.record_in(&mut writes);
        }
    }
    Ok((reads, writes))
}

/// A hostile client: `POST /orders` with a precondition on the collection, until `deadline`.
async fn post_with_precondition(
    client: HttpClient,
    deadline: Instant,
) -> Result<BTreeMap<u16, u64>, BoxError> {
    let mut counts = BTreeMap::new();
    while Instant::now() < deadline {
        let headers = [("if-none-match", "\"x\"")];
        let sent = request(&client, Method::POST, "/orders", &headers, Some(&order(1)))?;
        count(&mut counts, client.send(sent).await?);
    }
    Ok(counts)
}

/// A hostile client: `If-Match: *` PUTs to the one product, until `deadline`.
async fn storm_writer(
    client: HttpClient,
    writer: usize,
    deadline: Instant,
) -> Result<BTreeMap<u16, u64>, BoxError> {
    let mut counts = BTreeMap::new();
    while Instant::now() < deadline {
        let body = product(writer);
        let sent = request(
            &client,
            Method::PUT,
            "/products/storm",
            &[("if-match", "*")],
            Some(&body),
        )?;
        count(&mut counts, client.send(sent).await?);
    }
    Ok(counts)
}

fn count(counts: &mut BTreeMap<u16, u64>, exchange: Exchange) {
    *counts.entry(exchange.status.as_u16()).or_default() += 1;
}

async fn create(client: &HttpClient, path: &str, body: &Value) -> Result<(), BoxError> {
    let sent = request(
        client,
        Method::PUT,
        path,
        &[("if-none-match", "*")],
        Some(body),
    )?;
    let created = client.send(sent).await?;
    if created.status != StatusCode::CREATED {
        return Err(format!("creating {path} answered {}", created.status).into());
    }
    Ok(())
}

fn request(
    client: &HttpClient,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Result<Request<Full<Bytes>>, BoxError> {
    let mut builder = Request::builder().method(method).uri(client.uri(path)?);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let bytes = match body {
        Some(body) => {
            builder = builder.header("content-type", "application/json");
            Bytes::from(serde_json::to_vec(body)?)
        }
        None => Bytes::new(),
    };
    Ok(builder.body(Full::new(bytes))?)
}

fn cart(round: u32) -> Value {
    json!({"owner": "normal", "items": [{"sku": "apple", "qty": round % 50 + 1}]})
}

fn order(round: u32) -> Value {
    json!({"customer": "normal", "items": [{"sku": "pear", "qty": round % 50 + 1}]})
}

fn product(writer: usize) -> Value {
    json!({"name": "storm", "price": 1.0, "stock": writer})
}

fn statuses(counts: &BTreeMap<u16, u64>) -> String {
    if counts.is_empty() {
        return "–".to_owned();
    }
    let total: u64 = counts.values().sum();
    let each: Vec<String> = counts
        .iter()
        .map(|(status, count)| format!("{count}× {status}"))
        .collect();
    format!("{total} ({})", each.join(", "))
}

fn report(plan: HostilePlan, phases: &[Phase]) -> String {
    let mut out = format!(
        "5. hostile clients ({} normal clients, {} s per phase; hostile: {} POST /orders with \
         If-None-Match against {} orders, {} concurrent If-Match: * PUTs to one product)\n\n\
         | phase | normal GETs/s | GET p50 | GET p99 | normal PUTs/s | PUT p50 | PUT p99 | normal non-2xx | POST /orders answers | storm PUT answers |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---|---|\n",
        plan.normal_clients,
        plan.phase.as_secs(),
        plan.posters,
        plan.orders,
        plan.storm,
    );
    for phase in phases {
        let (reads, writes) = (&phase.reads, &phase.writes);
        let failed = non_2xx(reads) + non_2xx(writes);
        out.push_str(&format!(
            "| {} | {:.0} | {:.2?} | {:.2?} | {:.0} | {:.2?} | {:.2?} | {} | {} | {} |\n",
            phase.name,
            reads.requests_per_second(),
            reads.p50,
            reads.p99,
            writes.requests_per_second(),
            writes.p50,
            writes.p99,
            failed,
            statuses(&phase.posts),
            statuses(&phase.storm),
        ));
    }
    out
}

/// Responses outside 2xx.
fn non_2xx(summary: &Summary) -> u64 {
    let ok: u64 = summary
        .statuses
        .iter()
        .filter(|(status, _)| (200..300).contains(*status))
        .map(|(_, count)| count)
        .sum();
    summary.requests - ok
}
