//! Scenario 6: conflicting writes on PostgreSQL, four shop instances on one database, next to the
//! ceiling `pgbench` gives for updating one row on the same server at the same concurrency.
//!
//! The `pgbench` runs go first, before the shops open their pools: 64 `pgbench` connections and
//! four pools of ten would not fit in the server's default `max_connections` (100) at once.

use std::fmt::Write as _;
use std::time::Duration;

use super::driver::BoxError;
use super::pg_app::{FreshDatabase, INSTANCES, PgApp};
use super::pgbench::{self, Ceiling, Script};
use super::report::{millis, statuses, unknown};
use super::stats::Summary;
use super::writes::{WriteOutcome, conflicting_writes};

/// How the scenario runs.
#[derive(Debug, Clone)]
pub(crate) struct PgPlan {
    /// The server, as a URL to a database that exists (`DATABASE_URL`); the scenario makes and
    /// drops its own database there.
    pub(crate) admin_url: String,
    /// The writer counts, each measured for every writer kind.
    pub(crate) writers: Vec<usize>,
    /// Successful updates per shop run.
    pub(crate) updates: usize,
    /// How long each `pgbench` run lasts.
    pub(crate) pgbench: Duration,
}

/// One line of the report: a shop run or a `pgbench` run.
struct Line {
    writers: usize,
    label: &'static str,
    updates_per_second: f64,
    attempts_per_second: f64,
    conflict_share: f64,
    /// The shop's `PUT`s: p50, p99 and statuses; `pgbench` reports none of these per statement.
    puts: Option<Summary>,
    lost_updates: Option<i64>,
}

impl Line {
    fn of_ceiling(ceiling: &Ceiling) -> Self {
        Self {
            writers: ceiling.clients,
            label: ceiling.script.label(),
            updates_per_second: ceiling.updates_per_second,
            attempts_per_second: ceiling.transactions_per_second,
            conflict_share: ceiling.conflict_share,
            puts: None,
            lost_updates: None,
        }
    }

    fn of_shop(label: &'static str, outcome: WriteOutcome) -> Self {
        Self {
            writers: outcome.writers,
            label,
            updates_per_second: outcome.updates_per_second,
            attempts_per_second: outcome.puts.requests_per_second(),
            conflict_share: outcome.conflict_share(),
            puts: Some(outcome.puts),
            lost_updates: Some(outcome.lost_updates),
        }
    }
}

/// Runs the scenario on a database made for it, dropped afterwards whatever happened, and returns
/// its Markdown report.
pub(crate) async fn postgres_writes(plan: &PgPlan) -> Result<String, BoxError> {
    let database = FreshDatabase::create(&plan.admin_url).await?;
    // Without the ceiling the shop's numbers have nothing to be measured against: stop first.
    let ceilings = match ceilings(&database.url, plan).await {
        Ok(ceilings) => ceilings,
        Err(error) => {
            database.drop_database().await?;
            return Err(error);
        }
    };
    let app = match PgApp::start(database.clone()).await {
        Ok(app) => app,
        Err(error) => {
            database.drop_database().await?;
            return Err(error);
        }
    };
    let shops = shop_runs(&app, plan).await;
    app.remove().await?;
    Ok(report(plan, &ceilings, &shops?))
}

async fn ceilings(url: &str, plan: &PgPlan) -> Result<Vec<Line>, BoxError> {
    pgbench::prepare(url).await?;
    let mut lines = Vec::new();
    for &clients in &plan.writers {
        for script in [Script::Update, Script::ReadThenSwap] {
            let ceiling = pgbench::ceiling(url, script, clients, plan.pgbench).await?;
            lines.push(Line::of_ceiling(&ceiling));
        }
    }
    Ok(lines)
}

async fn shop_runs(app: &PgApp, plan: &PgPlan) -> Result<Vec<Line>, BoxError> {
    let most = plan.writers.iter().copied().max().unwrap_or(1);
    let clients = app.clients(most)?;
    let mut lines = Vec::new();
    for &writers in &plan.writers {
        let order = app.fresh_order().await?;
        let outcome = conflicting_writes(&clients, &order, writers, plan.updates).await?;
        lines.push(Line::of_shop(
            "shop `PUT /orders/{id}` (check under `FOR UPDATE`)",
            outcome,
        ));
        let cart = app.fresh_cart().await?;
        let outcome = conflicting_writes(&clients, &cart, writers, plan.updates).await?;
        lines.push(Line::of_shop(
            "shop `PUT /carts/{id}` (`UPDATE … WHERE version = $n`)",
            outcome,
        ));
    }
    Ok(lines)
}

/// The report: per writer count, the `pgbench` lines, then the shop's, each rate also as a ratio
/// to `pgbench`'s plain `UPDATE` at the same count.
fn report(plan: &PgPlan, ceilings: &[Line], shops: &[Line]) -> String {
    let mut out = format!(
        "6. conflicting writes on PostgreSQL: {INSTANCES} shop instances on one database, \
         {} successful updates per shop run, pgbench runs of {} s\n\n\
         | writers | writer | updates/s | vs pgbench UPDATE | vs pgbench SELECT + swap | \
         attempts/s | conflicts | PUT p50 | PUT p99 | statuses | lost updates |\n\
         |--:|---|--:|--:|--:|--:|--:|--:|--:|---|--:|\n",
        plan.updates,
        plan.pgbench.as_secs()
    );
    for &writers in &plan.writers {
        let at_count = |line: &&Line| line.writers == writers;
        let rate_of = |script: Script| {
            ceilings
                .iter()
                .filter(at_count)
                .find(|line| line.label == script.label())
                .map(|line| line.updates_per_second)
        };
        let (update, swap) = (rate_of(Script::Update), rate_of(Script::ReadThenSwap));
        for (index, line) in ceilings
            .iter()
            .filter(at_count)
            .chain(shops.iter().filter(at_count))
            .enumerate()
        {
            let ratio = |ceiling: Option<f64>| match ceiling {
                Some(ceiling) if ceiling > 0.0 => {
                    format!("{:.3}", line.updates_per_second / ceiling)
                }
                _ => unknown(),
            };
            let (p50, p99, statuses) = line.puts.as_ref().map_or_else(
                || (unknown(), unknown(), unknown()),
                |puts| (millis(puts.p50), millis(puts.p99), statuses(&puts.statuses)),
            );
            let _ = writeln!(
                out,
                "| {} | {} | {:.0} | {} | {} | {:.0} | {:.1}% | {p50} | {p99} | {statuses} | {} |",
                if index == 0 {
                    writers.to_string()
                } else {
                    String::new()
                },
                line.label,
                line.updates_per_second,
                ratio(update),
                ratio(swap),
                line.attempts_per_second,
                line.conflict_share * 100.0,
                line.lost_updates
                    .map_or_else(unknown, |lost| lost.to_string()),
            );
        }
    }
    out
}
