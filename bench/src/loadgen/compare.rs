//! Side-by-side runs on a noisy machine: warm every variant up, then interleave them round by
//! round (alternating which goes first) and keep the median of the rounds.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use http::{Request, StatusCode};
use http_body_util::Full;
use hyper::body::Bytes;

use super::driver::{self, BoxError, HttpClient, Load};
use super::stats::{Summary, median, median_duration};

/// Builds the i-th request of a run.
pub(crate) type MakeRequest =
    Arc<dyn Fn(usize) -> Result<Request<Full<Bytes>>, BoxError> + Send + Sync>;

/// One side of a comparison: a label, the requests it sends, and the one status every response
/// must have (a variant that measured errors would be measuring the wrong thing).
#[derive(Clone)]
pub(crate) struct Variant {
    pub(crate) label: &'static str,
    pub(crate) expected: StatusCode,
    pub(crate) make: MakeRequest,
}

impl Variant {
    /// A variant whose requests `make` builds, all to be answered with `expected`.
    pub(crate) fn new<F>(label: &'static str, expected: StatusCode, make: F) -> Self
    where
        F: Fn(usize) -> Result<Request<Full<Bytes>>, BoxError> + Send + Sync + 'static,
    {
        Self {
            label,
            expected,
            make: Arc::new(make),
        }
    }

    /// Fails unless every response counted in `statuses` had the expected status.
    fn check(&self, statuses: &BTreeMap<u16, u64>) -> Result<(), BoxError> {
        let expected = self.expected.as_u16();
        if statuses.keys().all(|status| *status == expected) {
            Ok(())
        } else {
            Err(format!(
                "variant \"{}\" expected only {expected} responses, got {statuses:?}",
                self.label
            )
            .into())
        }
    }
}

/// How a comparison is run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    /// Each timed run of each variant.
    pub(crate) load: Load,
    /// Requests per variant thrown away before timing (connection setup, caches, allocator).
    pub(crate) warmup: usize,
    /// Timed runs per variant, interleaved with the other variants' runs.
    pub(crate) rounds: usize,
}

/// The median outcome of one variant over the rounds.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) label: &'static str,
    pub(crate) requests_per_second: f64,
    pub(crate) p50: Duration,
    pub(crate) p99: Duration,
    /// Status counts summed over all timed rounds.
    pub(crate) statuses: BTreeMap<u16, u64>,
    pub(crate) bytes_per_response: u64,
    /// This variant's throughput over the baseline's in the same round: the median over the
    /// rounds, and the lowest and highest (their spread shows how noisy the machine was).
    pub(crate) ratio: Spread,
    /// CPU time of the whole process per request (median round), when known.
    pub(crate) cpu_per_request: Option<Duration>,
    /// This variant's CPU time per request over the baseline's in the same round, when known.
    pub(crate) cpu_ratio: Option<Spread>,
}

/// The median, lowest and highest of a few per-round values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Spread {
    pub(crate) median: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
}

impl Spread {
    /// The spread of `values`; all zero when there are none.
    pub(crate) fn of(values: &[f64]) -> Self {
        let min = values.iter().copied().reduce(f64::min).unwrap_or(0.0);
        let max = values.iter().copied().reduce(f64::max).unwrap_or(0.0);
        Self {
            median: median(values),
            min,
            max,
        }
    }
}

/// Runs every variant `plan.rounds` times, interleaved, after a warm-up, and reduces each to its
/// median round. The first variant is the baseline the report compares the others with.
pub(crate) async fn compare(
    client: &HttpClient,
    plan: Plan,
    variants: &[Variant],
) -> Result<Vec<Outcome>, BoxError> {
    let warmup = Load {
        requests: plan.warmup,
        concurrency: plan.load.concurrency,
    };
    for variant in variants {
        let warm = driver::run(client, warmup, Arc::clone(&variant.make)).await?;
        variant.check(&warm.statuses)?;
    }
    let mut runs: Vec<Vec<Summary>> = vec![Vec::with_capacity(plan.rounds); variants.len()];
    for round in 0..plan.rounds {
        for index in round_order(variants.len(), round) {
            let summary = driver::run(client, plan.load, Arc::clone(&variants[index].make)).await?;
            runs[index].push(summary);
        }
    }
    let baseline = runs.first().cloned().unwrap_or_default();
    let outcomes: Vec<Outcome> = variants
        .iter()
        .zip(runs)
        .map(|(variant, summaries)| reduce(variant.label, &summaries, &baseline))
        .collect();
    for (variant, outcome) in variants.iter().zip(&outcomes) {
        variant.check(&outcome.statuses)?;
    }
    Ok(outcomes)
}

/// The order in which the variants run in a round: forwards in even rounds, backwards in odd
/// ones, so no variant always runs right after the same neighbour (A B, B A, A B, …).
pub(crate) fn round_order(variants: usize, round: usize) -> Vec<usize> {
    if round.is_multiple_of(2) {
        (0..variants).collect()
    } else {
        (0..variants).rev().collect()
    }
}

/// The medians of a variant's rounds, and its per-round ratios to the baseline's rounds.
pub(crate) fn reduce(label: &'static str, summaries: &[Summary], baseline: &[Summary]) -> Outcome {
    let rates: Vec<f64> = summaries.iter().map(Summary::requests_per_second).collect();
    let ratios = paired_ratios(summaries, baseline, |summary| {
        Some(summary.requests_per_second())
    });
    let cpu_seconds = |summary: &Summary| summary.cpu_per_request().map(|cpu| cpu.as_secs_f64());
    let cpus: Option<Vec<f64>> = summaries.iter().map(cpu_seconds).collect();
    let cpu_ratios = paired_ratios(summaries, baseline, cpu_seconds);
    let p50s: Vec<Duration> = summaries.iter().map(|summary| summary.p50).collect();
    let p99s: Vec<Duration> = summaries.iter().map(|summary| summary.p99).collect();
    let mut statuses = BTreeMap::new();
    for summary in summaries {
        for (status, count) in &summary.statuses {
            *statuses.entry(*status).or_default() += count;
        }
    }
    let requests: u64 = summaries.iter().map(|summary| summary.requests).sum();
    let bytes: u64 = summaries.iter().map(|summary| summary.bytes).sum();
    Outcome {
        label,
        requests_per_second: median(&rates),
        p50: median_duration(&p50s),
        p99: median_duration(&p99s),
        statuses,
        bytes_per_response: bytes.checked_div(requests).unwrap_or(0),
        ratio: Spread::of(&ratios),
        cpu_per_request: cpus
            .filter(|cpus| !cpus.is_empty())
            .map(|cpus| Duration::from_secs_f64(median(&cpus))),
        cpu_ratio: (!cpu_ratios.is_empty() && cpu_ratios.len() == summaries.len())
            .then(|| Spread::of(&cpu_ratios)),
    }
}

/// `measure(variant) / measure(baseline)` round by round, skipping rounds where either is unknown
/// or the baseline is zero.
fn paired_ratios(
    summaries: &[Summary],
    baseline: &[Summary],
    measure: impl Fn(&Summary) -> Option<f64>,
) -> Vec<f64> {
    summaries
        .iter()
        .zip(baseline)
        .filter_map(|(variant, base)| {
            let base = measure(base).filter(|base| *base > 0.0)?;
            Some(measure(variant)? / base)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(requests: u64, millis: u64, p50: u64, status: u16, bytes: u64) -> Summary {
        Summary {
            cpu: Some(Duration::from_millis(millis / 10)),
            requests,
            elapsed: Duration::from_millis(millis),
            p50: Duration::from_millis(p50),
            p99: Duration::from_millis(p50 * 2),
            statuses: BTreeMap::from([(status, requests)]),
            bytes,
        }
    }

    #[test]
    fn a_variant_accepts_only_its_expected_status() {
        let variant = Variant::new("v", StatusCode::NOT_MODIFIED, |_| {
            Ok(Request::new(Full::default()))
        });
        assert!(variant.check(&BTreeMap::from([(304, 10)])).is_ok());
        assert!(
            variant
                .check(&BTreeMap::from([(304, 9), (500, 1)]))
                .is_err()
        );
        assert!(variant.check(&BTreeMap::from([(200, 10)])).is_err());
    }

    #[test]
    fn rounds_alternate_direction() {
        assert_eq!(round_order(2, 0), vec![0, 1]);
        assert_eq!(round_order(2, 1), vec![1, 0]);
        assert_eq!(round_order(3, 2), vec![0, 1, 2]);
    }

    #[test]
    fn outcome_is_the_median_round() {
        let rounds = [
            summary(100, 1000, 5, 200, 10_000),
            summary(100, 500, 3, 200, 10_000),
            summary(100, 240, 1, 304, 4_000),
        ];
        let baseline = [
            summary(100, 2000, 1, 200, 0),
            summary(100, 250, 1, 200, 0),
            summary(100, 120, 1, 200, 0),
        ];
        let outcome = reduce("x", &rounds, &baseline);
        assert_eq!(outcome.requests_per_second, 200.0);
        assert_eq!(outcome.p50, Duration::from_millis(3));
        assert_eq!(outcome.p99, Duration::from_millis(6));
        assert_eq!(outcome.statuses, BTreeMap::from([(200, 200), (304, 100)]));
        assert_eq!(outcome.bytes_per_response, 80);
        // CPU per request 1 ms, 0.5 ms and 0.24 ms; against 2 ms, 0.25 ms, 0.12 ms: 0.5, 2, 2.
        assert_eq!(outcome.cpu_per_request, Some(Duration::from_micros(500)));
        assert_eq!(
            outcome.cpu_ratio,
            Some(Spread {
                median: 2.0,
                min: 0.5,
                max: 2.0
            })
        );
        // Rates 100, 200, 416.7 against 50, 400, 833.3 in the same rounds: ratios 2, 0.5, 0.5.
        assert_eq!(
            outcome.ratio,
            Spread {
                median: 0.5,
                min: 0.5,
                max: 2.0
            }
        );
    }
}
