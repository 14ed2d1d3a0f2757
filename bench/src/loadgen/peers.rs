//! Scenario 8: the peer table. The large order's GET answered by the hand-written handler, by a
//! body-hashing ETag middleware around `Json(order)` (what an axum user builds without this
//! library, `body_hash`), by `#[conditional]` and by `#[conditional(precheck = …)]`; once as a
//! 200 and once as a 304. Then a `PUT` of a large order with a stale `If-Match` through the same
//! four (`bench_writes`): what refusing it costs, and that the middleware overwrites instead.
//! Last, one stale `PUT` to the middleware's route and to the shop's, each followed by a read:
//! what each does with a lost update.

use axum::http::header::{CONTENT_TYPE, ETAG, IF_MATCH};
use axum::http::{HeaderValue, Method, Request, StatusCode, Uri};
use http_body_util::Full;
use hyper::body::Bytes;

use super::bench_app::{Seeded, order_body};
use super::compare::Variant;
use super::driver::{BoxError, HttpClient};
use super::reads::{ReadScenario, get};

/// The `If-Match` of every stale write: a tag no order has.
const STALE_TAG: &str = "\"a-tag-from-an-older-read\"";

/// The targets of the stale-`PUT` comparison: orders no other scenario touches, one for the three
/// routes that refuse the write and one for the middleware's, which overwrites it every time.
pub(crate) struct StaleTargets {
    pub(crate) refused: Seeded,
    pub(crate) overwritten: Seeded,
}

/// The 200 and the 304 comparisons for `order`, then the stale `PUT` one on `stale`.
pub(crate) async fn scenarios(
    client: &HttpClient,
    name: &str,
    order: &Seeded,
    stale: &StaleTargets,
) -> Result<Vec<ReadScenario>, BoxError> {
    let id = &order.id;
    let uri = |route: &str| client.uri(&format!("/bench/{route}/orders/{id}"));
    let routes = [
        ("hand-written", uri("hand-written")?, order.etag.clone()),
        (
            "body-hash middleware",
            uri("body-hash")?,
            etag_of(client, uri("body-hash")?).await?,
        ),
        ("#[conditional]", uri("conditional")?, order.etag.clone()),
        (
            "#[conditional(precheck)]",
            uri("precheck")?,
            order.etag.clone(),
        ),
    ];
    let variants = |with_tag: bool| {
        routes
            .iter()
            .map(|(label, uri, tag)| get(label, uri.clone(), with_tag.then(|| tag.clone())))
            .collect()
    };
    Ok(vec![
        ReadScenario {
            name: format!("{name}, order of {} items: 200", order.items),
            variants: variants(false),
        },
        ReadScenario {
            name: format!("{name}, order of {} items: 304", order.items),
            variants: variants(true),
        },
        stale_put_scenario(client, name, stale)?,
    ])
}

/// A `PUT` replacing an order of as many items with a stale `If-Match`: 412 from the three
/// routes that check, 200 (an overwrite) from the middleware's.
fn stale_put_scenario(
    client: &HttpClient,
    name: &str,
    stale: &StaleTargets,
) -> Result<ReadScenario, BoxError> {
    let body = Bytes::from(serde_json::to_vec(&order_body(stale.refused.items))?);
    let put = |label: &'static str, route: &str, target: &Seeded, expected: StatusCode| {
        let uri = client.uri(&format!("/bench/{route}/orders/{}", target.id))?;
        let body = body.clone();
        Ok::<_, BoxError>(Variant::new(label, expected, move |_| {
            Ok(Request::builder()
                .method(Method::PUT)
                .uri(uri.clone())
                .header(IF_MATCH, STALE_TAG)
                .header(CONTENT_TYPE, "application/json")
                .body(Full::new(body.clone()))?)
        }))
    };
    let refused = StatusCode::PRECONDITION_FAILED;
    Ok(ReadScenario {
        name: format!("{name}, order of {} items: stale PUT", stale.refused.items),
        variants: vec![
            put("hand-written", "hand-written", &stale.refused, refused)?,
            put(
                "body-hash middleware",
                "body-hash",
                &stale.overwritten,
                StatusCode::OK,
            )?,
            put("#[conditional]", "conditional", &stale.refused, refused)?,
            put(
                "#[conditional(precheck)]",
                "precheck",
                &stale.refused,
                refused,
            )?,
        ],
    })
}

/// What a `PUT` with a stale `If-Match` did to the order `order_id`, sent first to the shop's own
/// route and then to the middleware's: `(route, status, whether the order then held the stale
/// write)`.
pub(crate) async fn stale_puts(
    client: &HttpClient,
    order_id: &str,
) -> Result<Vec<(&'static str, StatusCode, bool)>, BoxError> {
    let stale_customer = "a stale writer";
    let body = serde_json::json!({
        "customer": stale_customer,
        "items": [{"sku": "STALE", "qty": 1}],
    });
    let mut outcomes = Vec::new();
    for (label, path) in [
        (
            "the shop's `PUT /orders/{id}`",
            format!("/orders/{order_id}"),
        ),
        (
            "body-hash middleware",
            format!("/bench/body-hash/orders/{order_id}"),
        ),
    ] {
        let request = Request::builder()
            .method(Method::PUT)
            .uri(client.uri(&path)?)
            .header(IF_MATCH, STALE_TAG)
            .header(CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(serde_json::to_vec(&body)?)))?;
        let status = client.send(request).await?.status;
        let read =
            Request::get(client.uri(&format!("/orders/{order_id}"))?).body(Full::default())?;
        let now: serde_json::Value = serde_json::from_slice(&client.send(read).await?.body)?;
        outcomes.push((label, status, now["customer"] == stale_customer));
    }
    Ok(outcomes)
}

/// The `ETag` a GET of `uri` answers.
async fn etag_of(client: &HttpClient, uri: Uri) -> Result<HeaderValue, BoxError> {
    let exchange = client
        .send(Request::get(uri).body(Full::default())?)
        .await?;
    exchange
        .headers
        .get(ETAG)
        .cloned()
        .ok_or_else(|| "the body-hash route sent no ETag".into())
}
