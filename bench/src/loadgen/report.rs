//! The tables the load generator prints, as Markdown so BENCHMARKS.md can record them verbatim.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use super::compare::{Outcome, Spread};
use super::writes::WriteOutcome;

/// One compared scenario: its name and the outcome of each variant (the first is the baseline).
pub(crate) struct ComparisonRow {
    pub(crate) scenario: String,
    pub(crate) outcomes: Vec<Outcome>,
}

/// The table of side-by-side comparisons: throughput, latency, statuses, size, and each
/// variant's throughput as a ratio of the scenario's baseline in the same round.
pub(crate) fn comparison_table(rows: &[ComparisonRow]) -> String {
    let mut out = String::from(
        "| scenario | variant | req/s | req/s vs first (range) | CPU/req | CPU/req vs first (range) | p50 | p99 | statuses | bytes/resp |\n\
         |---|---|--:|--:|--:|--:|--:|--:|---|--:|\n",
    );
    for row in rows {
        for (index, outcome) in row.outcomes.iter().enumerate() {
            let scenario = if index == 0 {
                row.scenario.as_str()
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "| {scenario} | {} | {:.0} | {} | {} | {} | {} | {} | {} | {} |",
                outcome.label,
                outcome.requests_per_second,
                ratio(&outcome.ratio),
                outcome.cpu_per_request.map_or_else(unknown, micros),
                outcome.cpu_ratio.as_ref().map_or_else(unknown, ratio),
                millis(outcome.p50),
                millis(outcome.p99),
                statuses(&outcome.statuses),
                outcome.bytes_per_response,
            );
        }
    }
    out
}

/// The table of conflicting-write runs.
pub(crate) fn write_table(outcomes: &[WriteOutcome], servers: usize) -> String {
    let mut out = String::from(
        "| writers | servers | updates/s | PUTs | 412 share | PUT p50 | PUT p99 | statuses | bytes/PUT resp | lost updates |\n\
         |--:|--:|--:|--:|--:|--:|--:|---|--:|--:|\n",
    );
    for outcome in outcomes {
        let _ = writeln!(
            out,
            "| {} | {servers} | {:.0} | {} | {:.1}% | {} | {} | {} | {} | {} |",
            outcome.writers,
            outcome.updates_per_second,
            outcome.puts.requests,
            outcome.conflict_share() * 100.0,
            millis(outcome.puts.p50),
            millis(outcome.puts.p99),
            statuses(&outcome.puts.statuses),
            outcome
                .puts
                .bytes
                .checked_div(outcome.puts.requests)
                .unwrap_or(0),
            outcome.lost_updates,
        );
    }
    out
}

/// A latency in milliseconds with microsecond resolution.
pub(crate) fn millis(duration: Duration) -> String {
    format!("{:.3} ms", duration.as_secs_f64() * 1000.0)
}

/// A CPU time per request in microseconds.
fn micros(duration: Duration) -> String {
    format!("{:.1} µs", duration.as_secs_f64() * 1e6)
}

/// The cell for a measurement this platform cannot make.
pub(crate) fn unknown() -> String {
    "–".to_owned()
}

/// Status counts as `200×n 304×m`.
pub(crate) fn statuses(counts: &BTreeMap<u16, u64>) -> String {
    counts
        .iter()
        .map(|(status, count)| format!("{status}×{count}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The median per-round ratio to three places, with its range.
fn ratio(spread: &Spread) -> String {
    format!("{:.3} ({:.3}–{:.3})", spread.median, spread.min, spread.max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_cells() {
        assert_eq!(millis(Duration::from_micros(1_234)), "1.234 ms");
        assert_eq!(
            statuses(&BTreeMap::from([(304, 5), (200, 2)])),
            "200×2 304×5"
        );
        assert_eq!(
            ratio(&Spread {
                median: 0.97,
                min: 0.9,
                max: 1.01
            }),
            "0.970 (0.900–1.010)"
        );
    }

    #[test]
    fn comparison_rows_name_the_scenario_once() {
        let outcome = |label, rate, ratio| Outcome {
            label,
            requests_per_second: rate,
            p50: Duration::from_micros(500),
            p99: Duration::from_millis(2),
            statuses: BTreeMap::from([(200, 10)]),
            bytes_per_response: 321,
            ratio: Spread::of(&[ratio]),
            cpu_per_request: Some(Duration::from_micros(150)),
            cpu_ratio: None,
        };
        let table = comparison_table(&[ComparisonRow {
            scenario: "GET order".to_owned(),
            outcomes: vec![outcome("a", 1000.0, 1.0), outcome("b", 990.0, 0.99)],
        }]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines[2],
            "| GET order | a | 1000 | 1.000 (1.000–1.000) | 150.0 µs | – | 0.500 ms | 2.000 ms | 200×10 | 321 |"
        );
        assert_eq!(
            lines[3],
            "|  | b | 990 | 0.990 (0.990–0.990) | 150.0 µs | – | 0.500 ms | 2.000 ms | 200×10 | 321 |"
        );
    }
}
