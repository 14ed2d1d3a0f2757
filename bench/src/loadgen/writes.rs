//! Conflicting writes (scenarios 4 and 6). Many writers update one order or cart at once, each
//! doing read → modify → `PUT` with `If-Match`, and retrying from the read whenever the server
//! answers 412.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http::header::{CONTENT_TYPE, ETAG, IF_MATCH};
use http::{Method, Request, StatusCode};
use http_body_util::Full;
use hyper::body::Bytes;
use serde_json::Value;

use super::driver::{BoxError, HttpClient, spawn_workers};
use super::stats::{Recorder, Summary, per_second};

/// A writer that keeps losing races gives up after this many attempts at one update, so a server
/// that always answers 412 fails the run instead of spinning until the run's deadline.
const MAX_ATTEMPTS_PER_UPDATE: usize = 10_000;

/// The resource the writers fight over: where it is and which of its JSON fields a `PUT` sends.
#[derive(Debug, Clone)]
pub(crate) struct WriteTarget {
    pub(crate) path: String,
    writable: &'static [&'static str],
}

impl WriteTarget {
    /// The shop's order `id` (content-hash tags; the write checks under a lock).
    pub(crate) fn order(id: &str) -> Self {
        Self {
            path: format!("/orders/{id}"),
            writable: &["customer", "items", "note"],
        }
    }

    /// The shop's cart `id` (a version column; the write is a compare-and-swap on it).
    pub(crate) fn cart(id: &str) -> Self {
        Self {
            path: format!("/carts/{id}"),
            writable: &["owner", "items"],
        }
    }
}

/// What a conflicting-writes run measured.
#[derive(Debug, Clone)]
pub(crate) struct WriteOutcome {
    pub(crate) writers: usize,
    /// Successful updates per second of wall-clock time.
    pub(crate) updates_per_second: f64,
    /// Every `PUT` sent, won or lost.
    pub(crate) puts: Summary,
    /// Successful updates the final state is missing (must be zero).
    pub(crate) lost_updates: i64,
}

impl WriteOutcome {
    /// The share of `PUT`s that lost the race and got 412.
    pub(crate) fn conflict_share(&self) -> f64 {
        let puts = self.puts.requests as f64;
        if puts > 0.0 {
            self.puts.count(412) as f64 / puts
        } else {
            0.0
        }
    }
}

/// `updates` successful updates of `target`, by `writers` concurrent writers spread round-robin
/// over `clients` (server instances sharing one database). Each update adds one to the quantity of
/// the first item, so the final quantity tells whether any update was lost.
pub(crate) async fn conflicting_writes(
    clients: &[HttpClient],
    target: &WriteTarget,
    writers: usize,
    updates: usize,
) -> Result<WriteOutcome, BoxError> {
    let first = clients.first().ok_or("no server to write to")?;
    let path = target.path.as_str();
    let before = first_quantity(&read(first, path).await?.1)?;
    let remaining = Arc::new(AtomicUsize::new(updates));
    let (recorders, elapsed) = spawn_workers(writers, |writer| {
        let client = clients[writer % clients.len()].clone();
        let (remaining, target) = (Arc::clone(&remaining), target.clone());
        async move {
            let mut puts = Recorder::default();
            while claim(&remaining) {
                update_once(&client, &target, &mut puts).await?;
            }
            Ok(puts)
        }
    })
    .await?;
    let after = first_quantity(&read(first, path).await?.1)?;
    let mut puts = Recorder::default();
    recorders
        .into_iter()
        .for_each(|recorder| puts.merge(recorder));
    Ok(WriteOutcome {
        writers,
        updates_per_second: per_second(updates as u64, elapsed),
        puts: puts.summarize(elapsed),
        lost_updates: before + updates as i64 - after,
    })
}

/// Takes one update from the shared budget; false when none is left.
fn claim(remaining: &AtomicUsize) -> bool {
    remaining
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
            left.checked_sub(1)
        })
        .is_ok()
}

/// One successful update: read, modify, write with `If-Match`; on 412 start over from the read.
async fn update_once(
    client: &HttpClient,
    target: &WriteTarget,
    puts: &mut Recorder,
) -> Result<(), BoxError> {
    let path = target.path.as_str();
    for _ in 0..MAX_ATTEMPTS_PER_UPDATE {
        let (etag, current) = read(client, path).await?;
        let body = serde_json::to_vec(&incremented(current, target.writable)?)?;
        let request = Request::builder()
            .method(Method::PUT)
            .uri(client.uri(path)?)
            .header(IF_MATCH, etag)
            .header(CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body)))?;
        let exchange = client.send(request).await?;
        exchange.record_in(puts);
        match exchange.status {
            status if status.is_success() => return Ok(()),
            StatusCode::PRECONDITION_FAILED => continue,
            status => {
                let body = String::from_utf8_lossy(&exchange.body);
                return Err(format!("PUT {path} answered {status}, not 2xx or 412: {body}").into());
            }
        }
    }
    Err(format!("no update of {path} succeeded in {MAX_ATTEMPTS_PER_UPDATE} attempts").into())
}

/// GETs the resource: its `ETag` and its JSON.
async fn read(client: &HttpClient, path: &str) -> Result<(String, Value), BoxError> {
    let request = Request::get(client.uri(path)?).body(Full::default())?;
    let exchange = client.send(request).await?;
    if exchange.status != StatusCode::OK {
        return Err(format!("GET {path} answered {}", exchange.status).into());
    }
    let etag = exchange
        .headers
        .get(ETAG)
        .ok_or_else(|| format!("GET {path} sent no ETag"))?
        .to_str()?
        .to_owned();
    Ok((etag, serde_json::from_slice(&exchange.body)?))
}

/// The `writable` fields of `current`, with the first item's quantity one higher.
fn incremented(current: Value, writable: &[&str]) -> Result<Value, BoxError> {
    let quantity = first_quantity(&current)?;
    let mut input: Value = writable
        .iter()
        .map(|&field| (field.to_owned(), current[field].clone()))
        .collect::<serde_json::Map<_, _>>()
        .into();
    input["items"][0]["qty"] = Value::from(quantity + 1);
    Ok(input)
}

fn first_quantity(resource: &Value) -> Result<i64, BoxError> {
    resource["items"][0]["qty"]
        .as_i64()
        .ok_or_else(|| format!("no items[0].qty in {resource}").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increment_keeps_only_writable_fields() {
        let order = serde_json::json!({
            "id": 7, "customer": "ada", "note": null, "updated_at": "x",
            "items": [{"sku": "a", "qty": 2}, {"sku": "b", "qty": 1}],
        });
        let input = incremented(order, WriteTarget::order("7").writable).expect("items");
        assert_eq!(
            input,
            serde_json::json!({
                "customer": "ada", "note": null,
                "items": [{"sku": "a", "qty": 3}, {"sku": "b", "qty": 1}],
            })
        );
        let cart = serde_json::json!({"owner": "ada", "items": [{"sku": "a", "qty": 1}]});
        assert_eq!(
            incremented(cart, WriteTarget::cart("7").writable).expect("items"),
            serde_json::json!({"owner": "ada", "items": [{"sku": "a", "qty": 2}]})
        );
        assert!(incremented(serde_json::json!({"items": []}), &["items"]).is_err());
    }

    #[test]
    fn budget_is_claimed_exactly_once_per_update() {
        let remaining = AtomicUsize::new(2);
        assert!(claim(&remaining));
        assert!(claim(&remaining));
        assert!(!claim(&remaining));
        assert_eq!(remaining.load(Ordering::Relaxed), 0);
    }
}
