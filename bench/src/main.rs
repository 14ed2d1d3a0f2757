//! Load generator for the example shop: measures what conditional handling costs and what a 304
//! saves, side by side, on loopback.
//!
//! ```text
//! cargo run --release -p etag-bench --bin loadgen            # the full run (BENCHMARKS.md)
//! cargo run --release -p etag-bench --bin loadgen -- --quick # a fast smoke run
//! cargo run --release -p etag-bench --bin loadgen -- --only 5.  # normal traffic vs hostile clients
//! cargo run --release -p etag-bench --bin loadgen -- --only 6.  # conflicting writes on PostgreSQL
//! cargo run --release -p etag-bench --bin loadgen -- --only 7.  # 304s from Redis vs the database
//! cargo run --release -p etag-bench --bin loadgen -- --only 8.  # against a body-hash middleware
//! ```
//!
//! Scenarios 1 to 5 and 8 need nothing but this process; 6 and 7 need PostgreSQL (and pgbench)
//! or Redis and run only when `--only` names them.
//!
//! It starts two instances of the shop in this process on `127.0.0.1` (ports the OS picks) over
//! one fresh SQLite database in a temporary directory, seeds a small and a large order and cart,
//! and then runs each scenario: a fixed number of requests at a fixed concurrency per run, the
//! variants of a scenario interleaved round by round after a warm-up, each reported as its median
//! round, and every response checked for the status the variant expects. Scenario 6 runs four
//! instances on a fresh PostgreSQL database of its own on the server `DATABASE_URL` names, next to
//! `pgbench` on the same database; scenario 7 puts the shop's validator cache in the Redis that
//! `REDIS_URL` names, under a key prefix of its own. It prints Markdown tables and exits; nothing
//! is left behind.
//! BENCHMARKS.md explains the scenarios and the numbers.

mod loadgen {
    pub(crate) mod bench_app;
    pub(crate) mod bench_routes;
    pub(crate) mod bench_writes;
    pub(crate) mod body_hash;
    pub(crate) mod cache;
    pub(crate) mod cache_app;
    pub(crate) mod compare;
    pub(crate) mod cpu;
    pub(crate) mod driver;
    pub(crate) mod hostile;
    pub(crate) mod peers;
    pub(crate) mod pg_app;
    pub(crate) mod pgbench;
    pub(crate) mod postgres;
    pub(crate) mod reads;
    pub(crate) mod report;
    pub(crate) mod server;
    pub(crate) mod stats;
    pub(crate) mod writes;
}

use clap::Parser;

use loadgen::bench_app::{BenchApp, LARGE_ITEMS};
use loadgen::cache::{CachePlan, cache_scenarios};
use loadgen::compare::{Plan, compare};
use loadgen::driver::{BoxError, Load};
use loadgen::hostile::{HostilePlan, hostile_clients};
use loadgen::peers::StaleTargets;
use loadgen::postgres::{PgPlan, postgres_writes};
use loadgen::report::{ComparisonRow, comparison_table, write_table};
use loadgen::writes::conflicting_writes;

/// Command-line options; the defaults are the run recorded in BENCHMARKS.md.
#[derive(Debug, Parser)]
#[command(about = "Benchmarks the example shop's conditional requests on loopback")]
struct Options {
    /// Requests per timed run of each read variant.
    #[arg(long, default_value_t = 10_000)]
    requests: usize,
    /// Requests in flight at once during the read scenarios.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Timed runs per read variant; the report shows the median run. Many short rounds resist
    /// bursts of load from other processes better than a few long ones.
    #[arg(long, default_value_t = 9)]
    rounds: usize,
    /// Requests per read variant sent before timing starts.
    #[arg(long, default_value_t = 2_000)]
    warmup: usize,
    /// Successful updates per conflicting-writes run.
    #[arg(long, default_value_t = 2_000)]
    updates: usize,
    /// Runs only the scenarios whose name contains this text (for example `150 items`, `2.` or
    /// `writes`); every scenario by default.
    #[arg(long)]
    only: Option<String>,
    /// Runs only the variants whose label contains this text (for example `hand-written`), to
    /// profile one side of a comparison on its own.
    #[arg(long)]
    variant: Option<String>,
    /// Seconds per phase of the hostile-clients scenario.
    #[arg(long, default_value_t = 10)]
    hostile_seconds: u64,
    /// Orders in the collection the hostile POSTs send preconditions about.
    #[arg(long, default_value_t = 20_000)]
    hostile_orders: usize,
    /// Concurrent `If-Match: *` writers of one product in the hostile phase.
    #[arg(long, default_value_t = 600)]
    storm: usize,
    /// The PostgreSQL server of scenarios 6 and 7, as a URL to a database that exists; they make
    /// a fresh database of their own there and drop it at the end. pgbench gets the URL on its
    /// command line, where other users of the machine can see a password: keep that in
    /// `PGPASSWORD` or `~/.pgpass` instead.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://root@127.0.0.1:5432/postgres"
    )]
    database_url: String,
    /// The Redis of scenario 7, which keys its entries under a prefix of its own and deletes them
    /// at the end.
    #[arg(long, env = "REDIS_URL", default_value = "redis://127.0.0.1:6379")]
    redis_url: String,
    /// Runs scenario 7 on SQLite only, without PostgreSQL.
    #[arg(long)]
    cache_on_sqlite_only: bool,
    /// Seconds per pgbench run in scenario 6.
    #[arg(long, default_value_t = 10)]
    pgbench_seconds: u64,
    /// A fast smoke run (a tenth of the requests and updates, three rounds); its numbers are noisy.
    #[arg(long)]
    quick: bool,
}

impl Options {
    /// Applies `--quick` and keeps counts that must be positive at least 1.
    fn effective(mut self) -> Self {
        if self.quick {
            self.requests = (self.requests / 10).max(1);
            self.warmup = (self.warmup / 10).max(1);
            self.updates = (self.updates / 10).max(1);
            self.rounds = self.rounds.min(3);
            self.hostile_seconds = self.hostile_seconds.min(2);
            self.hostile_orders = (self.hostile_orders / 10).max(1);
            self.storm = (self.storm / 6).max(1);
            self.pgbench_seconds = self.pgbench_seconds.min(2);
        }
        self.rounds = self.rounds.max(1);
        self.concurrency = self.concurrency.max(1);
        self
    }

    /// Whether the variant labelled `label` is to run.
    fn selects_variant(&self, label: &str) -> bool {
        self.variant
            .as_ref()
            .is_none_or(|only| label.contains(only.as_str()))
    }

    /// Whether `--only` names the scenario called `name`: scenarios that need services beyond
    /// this process (PostgreSQL and pgbench, Redis) run only when asked for.
    fn selects_by_name(&self, name: &str) -> bool {
        self.only
            .as_ref()
            .is_some_and(|only| name.contains(only.as_str()))
    }

    /// Whether the scenario called `name` is to run.
    fn selects(&self, name: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|only| name.contains(only.as_str()))
    }
}

/// The name of the peer scenario, as `--only` matches it.
const PEERS_SCENARIO: &str = "8. peers";

/// The name of the conflicting-writes scenario, as `--only` matches it.
const WRITES_SCENARIO: &str = "4. conflicting writes";

/// The name of the hostile-clients scenario, as `--only` matches it.
const HOSTILE_SCENARIO: &str = "5. hostile clients";

/// The name of the PostgreSQL scenario, as `--only` matches it.
const POSTGRES_SCENARIO: &str = "6. conflicting writes on PostgreSQL";

/// The name of the validator-cache scenario, as `--only` matches it.
const CACHE_SCENARIO: &str = "7. GET order: 304 from Redis vs the database";

/// Writer counts of the conflicting-writes scenarios.
const WRITERS: [usize; 2] = [16, 64];

fn main() -> Result<(), BoxError> {
    let options = Options::parse().effective();
    // The client gets one thread; the server under test gets its own runtime (see `server`).
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(run(options))
}

async fn run(options: Options) -> Result<(), BoxError> {
    let app = BenchApp::start().await?;
    let fixture = app.fixture();
    let client = app.client(options.concurrency)?;
    let plan = Plan {
        load: Load {
            requests: options.requests,
            concurrency: options.concurrency,
        },
        warmup: options.warmup,
        rounds: options.rounds,
    };
    println!(
        "loadgen: {} requests per run, concurrency {}, median of {} interleaved rounds after {} \
         warm-up requests\n",
        plan.load.requests, plan.load.concurrency, plan.rounds, plan.warmup
    );

    let mut rows = Vec::new();
    let mut reads = loadgen::reads::scenarios(&client, fixture)?;
    // Built whatever `--only` says (one GET learns the middleware's tag), then filtered by name
    // with the others, so that `--only` can pick the 200 or the 304 comparison alone.
    let stale = StaleTargets {
        refused: app.fresh_order_of(LARGE_ITEMS).await?,
        overwritten: app.fresh_order_of(LARGE_ITEMS).await?,
    };
    reads.extend(
        loadgen::peers::scenarios(&client, PEERS_SCENARIO, &fixture.large_order, &stale).await?,
    );
    for mut scenario in reads
        .into_iter()
        .filter(|scenario| options.selects(&scenario.name))
    {
        scenario
            .variants
            .retain(|variant| options.selects_variant(variant.label));
        if scenario.variants.is_empty() {
            continue;
        }
        let outcomes = compare(&client, plan, &scenario.variants).await?;
        rows.push(ComparisonRow {
            scenario: scenario.name,
            outcomes,
        });
    }
    if !rows.is_empty() {
        println!("{}", comparison_table(&rows));
    }
    if options.selects(PEERS_SCENARIO) {
        let order = app.fresh_order().await?;
        println!("{PEERS_SCENARIO}: a PUT with a stale If-Match\n");
        println!("| route | status | the order then holds the stale write |\n|---|--:|---|");
        for (route, status, overwritten) in loadgen::peers::stale_puts(&client, &order).await? {
            println!(
                "| {route} | {} | {} |",
                status.as_u16(),
                if overwritten {
                    "yes: a lost update"
                } else {
                    "no"
                }
            );
        }
        println!();
    }
    if options.selects(WRITES_SCENARIO) {
        conflicting(&app, &options).await?;
    }
    if options.selects(HOSTILE_SCENARIO) {
        let plan = HostilePlan {
            phase: std::time::Duration::from_secs(options.hostile_seconds.max(1)),
            normal_clients: 8,
            orders: options.hostile_orders,
            posters: 4,
            storm: options.storm,
        };
        println!("{}", hostile_clients(plan).await?);
    }
    if options.selects_by_name(POSTGRES_SCENARIO) {
        let plan = PgPlan {
            admin_url: options.database_url.clone(),
            writers: WRITERS.to_vec(),
            updates: options.updates,
            pgbench: std::time::Duration::from_secs(options.pgbench_seconds.max(1)),
        };
        println!("{}", postgres_writes(&plan).await?);
    }
    if options.selects_by_name(CACHE_SCENARIO) {
        let plan = CachePlan {
            redis_url: options.redis_url.clone(),
            postgres: (!options.cache_on_sqlite_only).then(|| options.database_url.clone()),
            reads: plan,
        };
        let rows = cache_scenarios(&plan, CACHE_SCENARIO).await?;
        println!("{CACHE_SCENARIO}\n\n{}", comparison_table(&rows));
    }
    Ok(())
}

/// Scenario 4, with every writer count.
async fn conflicting(app: &BenchApp, options: &Options) -> Result<(), BoxError> {
    let writers = app.write_clients(WRITERS[WRITERS.len() - 1])?;
    let mut writes = Vec::new();
    for count in WRITERS {
        let target = app.fresh_write_target().await?;
        writes.push(conflicting_writes(&writers, &target, count, options.updates).await?);
    }
    println!(
        "{WRITES_SCENARIO}\n\n{}",
        write_table(&writes, writers.len())
    );
    Ok(())
}
