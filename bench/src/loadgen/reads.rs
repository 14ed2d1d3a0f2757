//! Scenarios 1–3: conditional GETs, each a set of variants compared side by side on the same data.

use axum::http::header::IF_NONE_MATCH;
use axum::http::{HeaderValue, Request, StatusCode, Uri};
use http_body_util::Full;

use super::bench_app::{Fixture, Seeded};
use super::compare::Variant;
use super::driver::{BoxError, HttpClient};

/// A scenario before it runs: its name and its variants, baseline first.
pub(crate) struct ReadScenario {
    pub(crate) name: String,
    pub(crate) variants: Vec<Variant>,
}

/// All read scenarios over the fixture, in the order the report shows them.
pub(crate) fn scenarios(
    client: &HttpClient,
    data: &Fixture,
) -> Result<Vec<ReadScenario>, BoxError> {
    let orders = [&data.small_order, &data.large_order];
    let carts = [&data.small_cart, &data.large_cart];
    let mut scenarios = Vec::new();
    for order in orders {
        scenarios.push(attribute_vs_hand_written(client, order)?);
    }
    for order in orders {
        scenarios.push(not_modified_vs_full(client, order)?);
    }
    for cart in carts {
        scenarios.push(early_tag_vs_loading(client, cart)?);
    }
    Ok(scenarios)
}

/// (1) The same GET answered by a hand-written axum handler that loads the order, computes its tag
/// and sets the headers itself, and by a `#[conditional]` handler that only loads it (no precheck
/// on either: both load the full order and compute its tag); then, for reference, the
/// hand-written handler with axum's `Json` instead of `serde_json::to_vec`.
fn attribute_vs_hand_written(
    client: &HttpClient,
    order: &Seeded,
) -> Result<ReadScenario, BoxError> {
    let id = &order.id;
    Ok(ReadScenario {
        name: format!(
            "1. GET order, {} items: attribute vs hand-written",
            order.items
        ),
        variants: vec![
            get(
                "hand-written, to_vec",
                client.uri(&format!("/bench/hand-written/orders/{id}"))?,
                None,
            ),
            get(
                "#[conditional]",
                client.uri(&format!("/bench/conditional/orders/{id}"))?,
                None,
            ),
            get(
                "hand-written, axum Json",
                client.uri(&format!("/bench/hand-written-json/orders/{id}"))?,
                None,
            ),
        ],
    })
}

/// (2) What a matching `If-None-Match` saves on an order: the full 200 against the 304 the
/// attribute alone gives (decided after loading the order and computing its tag), and against the
/// 304 decided by the stored-validator precheck the shop's `GET /orders/{id}` has; last, the 200
/// through that precheck, which reads the validators before the order.
fn not_modified_vs_full(client: &HttpClient, order: &Seeded) -> Result<ReadScenario, BoxError> {
    let loading = client.uri(&format!("/bench/conditional/orders/{}", order.id))?;
    let prechecked = client.uri(&format!("/bench/precheck/orders/{}", order.id))?;
    Ok(ReadScenario {
        name: format!("2. GET order, {} items: 200 vs 304", order.items),
        variants: vec![
            get("200, no precheck", loading.clone(), None),
            get(
                "304 after loading the order",
                loading,
                Some(order.etag.clone()),
            ),
            get(
                "304 from stored validators (precheck)",
                prechecked.clone(),
                Some(order.etag.clone()),
            ),
            get("200 with the precheck", prechecked, None),
        ],
    })
}

/// (3) A cart's 304 decided by the early tag function (its version column) before the handler
/// runs, against the same 304 decided after loading the whole cart.
fn early_tag_vs_loading(client: &HttpClient, cart: &Seeded) -> Result<ReadScenario, BoxError> {
    let id = &cart.id;
    Ok(ReadScenario {
        name: format!("3. GET cart, {} items: 304 loaded vs 304 early", cart.items),
        variants: vec![
            get(
                "304 after loading the cart",
                client.uri(&format!("/bench/conditional/carts/{id}"))?,
                Some(cart.etag.clone()),
            ),
            get(
                "304 from precheck (version only)",
                client.uri(&format!("/bench/early-tag/carts/{id}"))?,
                Some(cart.etag.clone()),
            ),
        ],
    })
}

/// A variant that GETs `uri`, with `If-None-Match` when given.
/// Expects 304 when the tag is sent (it is the current one), 200 otherwise.
pub(crate) fn get(label: &'static str, uri: Uri, if_none_match: Option<HeaderValue>) -> Variant {
    get_spread(label, vec![uri], if_none_match)
}

/// [`get`] with its requests spread over `uris` in turn (several instances of one server).
pub(crate) fn get_spread(
    label: &'static str,
    uris: Vec<Uri>,
    if_none_match: Option<HeaderValue>,
) -> Variant {
    let expected = if if_none_match.is_some() {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    Variant::new(label, expected, move |index| {
        let mut request = Request::get(uris[index % uris.len()].clone());
        if let Some(tag) = &if_none_match {
            request = request.header(IF_NONE_MATCH, tag.clone());
        }
        Ok(request.body(Full::default())?)
    })
}
