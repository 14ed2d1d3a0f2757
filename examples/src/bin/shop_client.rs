//! Adds to a cart's items in a running shop through `etag_core::client`, and says what happened.
//!
//! ```console
//! $ shop_client http://127.0.0.1:3000 c1 --sku apple --times 3
//! ```
//!
//! Each increment is a read-change-write loop with `If-Match`: run several of these at once
//! against the same cart and every increment lands exactly once. A missing cart is created
//! (create-only, `If-None-Match: *`) with one of the item.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use etag_core::client::{ClientError, ConditionalClient, RetryPolicy, reqwest};
use etag_examples::model::{CartBody, LineItem};

/// Increment the quantity of one item in a shop cart, conflict-safely.
#[derive(Debug, Parser)]
struct Args {
    /// The shop's base URL, such as `http://127.0.0.1:3000`.
    base_url: String,
    /// The cart's id.
    cart: String,
    /// The item to add one of.
    #[arg(long, default_value = "apple")]
    sku: String,
    /// How many increments to make, one write each.
    #[arg(long, default_value_t = 1)]
    times: u32,
    /// The bound on attempts per increment.
    #[arg(long, default_value_t = 50)]
    max_attempts: u32,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("shop_client: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let client = ConditionalClient::new(http).with_retry(
        RetryPolicy::default()
            .with_max_attempts(args.max_attempts)
            .with_delays(Duration::from_millis(5), Duration::from_millis(500)),
    );
    let url = format!(
        "{}/carts/{}",
        args.base_url.trim_end_matches('/'),
        args.cart
    );
    for _ in 0..args.times {
        increment(&client, &url, &args.sku)
            .await
            .map_err(|error| error.to_string())?;
    }
    Ok(())
}

/// One increment: the update loop, or a create when the cart does not exist yet.
async fn increment(
    client: &ConditionalClient,
    url: &str,
    sku: &str,
) -> Result<(), ClientError<String>> {
    let updated = client
        .update::<CartBody>(url)
        .apply(|cart| add_one(cart, sku))
        .await;
    match updated {
        Ok(written) => {
            let qty = written.value.as_ref().and_then(|cart| quantity(cart, sku));
            let tag = written.etag.map(|tag| tag.to_string());
            println!(
                "{url}: {sku} now {} (ETag {}, {} attempt(s))",
                qty.map_or_else(|| "?".to_owned(), |qty| qty.to_string()),
                tag.as_deref().unwrap_or("none"),
                written.attempts
            );
            Ok(())
        }
        Err(ClientError::NotFound { .. }) => create(client, url, sku).await,
        Err(error) => Err(error),
    }
}

/// The change: one more of `sku`, or a first one.
fn add_one(mut cart: CartBody, sku: &str) -> Result<CartBody, String> {
    match cart.items.iter_mut().find(|item| item.sku == sku) {
        Some(item) => {
            item.qty = item
                .qty
                .checked_add(1)
                .ok_or_else(|| format!("{sku} is already at the largest quantity"))?;
        }
        None => cart.items.push(LineItem {
            sku: sku.to_owned(),
            qty: 1,
        }),
    }
    Ok(cart)
}

fn quantity(cart: &CartBody, sku: &str) -> Option<u32> {
    cart.items
        .iter()
        .find(|item| item.sku == sku)
        .map(|item| item.qty)
}

/// Creates the cart with one `sku`; if another client created it first, increments theirs.
async fn create(
    client: &ConditionalClient,
    url: &str,
    sku: &str,
) -> Result<(), ClientError<String>> {
    let cart = CartBody {
        owner: "shop_client".to_owned(),
        items: vec![LineItem {
            sku: sku.to_owned(),
            qty: 1,
        }],
    };
    match client.create::<_, CartBody>(url, &cart).await {
        Ok(created) => {
            let tag = created.etag.map(|tag| tag.to_string());
            println!(
                "{url}: created with one {sku} (ETag {})",
                tag.as_deref().unwrap_or("none")
            );
            Ok(())
        }
        Err(ClientError::AlreadyExists { .. }) => {
            println!("{url}: created by someone else meanwhile; incrementing theirs");
            Box::pin(increment(client, url, sku)).await
        }
        Err(error) => Err(error.widen()),
    }
}
