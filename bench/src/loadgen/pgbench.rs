//! The ceiling PostgreSQL itself gives on this machine (scenario 6): `pgbench` updating one row at
//! the writer counts the shop is measured at, against the same server and database.

use std::io::Write;
use std::process::Command;
use std::time::Duration;

use sqlx::{Connection, PgConnection};

use super::driver::BoxError;

/// The one-row table the scripts update; created in the scenario's fresh database.
const TABLE: &str = "loadgen_ceiling";

/// What each `pgbench` client does in a loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Script {
    /// `UPDATE … SET v = v + 1`: the database serializes the writers on the row lock, and every
    /// statement is an update. No client reads first, so none can lose a race: the fastest that
    /// one row can be updated at all.
    Update,
    /// `SELECT v` then `UPDATE … SET v = :v + 1 WHERE v = :v`: a hand-written compare-and-swap
    /// with the read and the write in separate statements, as a client reading then writing over
    /// HTTP does. An update whose read went stale changes no row.
    ReadThenSwap,
}

impl Script {
    /// The label in the report.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Update => "pgbench: UPDATE v = v + 1",
            Self::ReadThenSwap => "pgbench: SELECT, then UPDATE … WHERE v = :v",
        }
    }

    fn sql(self) -> String {
        match self {
            Self::Update => format!("UPDATE {TABLE} SET v = v + 1 WHERE id = 1;\n"),
            Self::ReadThenSwap => format!(
                "SELECT v FROM {TABLE} WHERE id = 1 \\gset\n\
                 UPDATE {TABLE} SET v = :v + 1 WHERE id = 1 AND v = :v;\n"
            ),
        }
    }
}

/// What one `pgbench` run measured.
#[derive(Debug, Clone)]
pub(crate) struct Ceiling {
    pub(crate) script: Script,
    pub(crate) clients: usize,
    /// Script iterations per second, as `pgbench` reports them (without connection time).
    pub(crate) transactions_per_second: f64,
    /// Updates that changed the row, per second: the row's value after the run less its value
    /// before, over the time `pgbench` took for its transactions.
    pub(crate) updates_per_second: f64,
    /// The share of iterations whose update changed no row (always 0 for [`Script::Update`]).
    pub(crate) conflict_share: f64,
}

/// Creates the one-row table in the database at `url`.
pub(crate) async fn prepare(url: &str) -> Result<(), BoxError> {
    let mut conn = PgConnection::connect(url).await?;
    let sql = format!(
        "CREATE TABLE {TABLE} (id integer PRIMARY KEY, v bigint NOT NULL); \
         INSERT INTO {TABLE} VALUES (1, 0)"
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

/// Runs `script` with `clients` connections for `duration` against the database at `url`.
pub(crate) async fn ceiling(
    url: &str,
    script: Script,
    clients: usize,
    duration: Duration,
) -> Result<Ceiling, BoxError> {
    let before = row_value(url).await?;
    let mut file = tempfile::Builder::new()
        .prefix("etag-loadgen-")
        .suffix(".sql")
        .tempfile()?;
    file.write_all(script.sql().as_bytes())?;
    let args = [
        "--no-vacuum".to_owned(),
        format!("--client={clients}"),
        // Two threads: the machine's cores, which the shop instances get as well.
        format!("--jobs={}", clients.min(2)),
        format!("--time={}", duration.as_secs().max(1)),
        format!("--file={}", file.path().display()),
        url.to_owned(),
    ];
    let output = tokio::task::spawn_blocking(move || Command::new("pgbench").args(args).output())
        .await?
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => "pgbench is not on PATH (Debian: apt-get install \
                                             postgresql-client)"
                .to_owned(),
            _ => format!("could not run pgbench: {error}"),
        })?;
    let report = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "pgbench failed ({}): {}{report}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let updated = (row_value(url).await? - before) as f64;
    let (transactions, tps) = reported(&report)
        .ok_or_else(|| format!("pgbench reported no transactions and tps:\n{report}"))?;
    Ok(Ceiling {
        script,
        clients,
        transactions_per_second: tps,
        updates_per_second: updated * tps / transactions,
        conflict_share: (1.0 - updated / transactions).max(0.0),
    })
}

async fn row_value(url: &str) -> Result<i64, BoxError> {
    let mut conn = PgConnection::connect(url).await?;
    let sql = format!("SELECT v FROM {TABLE} WHERE id = 1");
    let value = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(&mut conn)
        .await?;
    conn.close().await?;
    Ok(value)
}

/// The transactions pgbench ran (`number of transactions actually processed: 2958`) and their
/// rate (`tps = 996.5 (without initial connection time)`), if it ran any.
fn reported(report: &str) -> Option<(f64, f64)> {
    let field = |prefix: &str| {
        report
            .lines()
            .find_map(|line| line.strip_prefix(prefix))
            .and_then(|rest| rest.split(|c: char| c.is_whitespace() || c == '/').next())
            .and_then(|number| number.parse::<f64>().ok())
    };
    let transactions = field("number of transactions actually processed: ")?;
    (transactions > 0.0).then_some((transactions, field("tps = ")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_pgbench_reports() {
        let report = "number of transactions actually processed: 2958\n\
                      number of failed transactions: 0 (0.000%)\n\
                      latency average = 16.056 ms\n\
                      initial connection time = 103.105 ms\n\
                      tps = 996.518922 (without initial connection time)\n";
        assert_eq!(reported(report), Some((2958.0, 996.518922)));
        let counted = "number of transactions actually processed: 40/40\ntps = 12.5 (x)\n";
        assert_eq!(reported(counted), Some((40.0, 12.5)));
        assert_eq!(
            reported("number of transactions actually processed: 0\ntps = 0"),
            None
        );
        assert_eq!(reported("tps = 3"), None);
    }

    #[test]
    fn the_swap_reads_then_writes_only_what_it_read() {
        let sql = Script::ReadThenSwap.sql();
        assert!(sql.contains("\\gset"), "{sql}");
        assert!(sql.contains("WHERE id = 1 AND v = :v"), "{sql}");
        assert!(!Script::Update.sql().contains("SELECT"));
    }
}
