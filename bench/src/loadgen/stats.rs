//! What one run measured, and the order statistics the report prints.

use std::collections::BTreeMap;
use std::time::Duration;

/// The raw observations of one run, gathered by one worker or merged from all of them.
#[derive(Debug, Default, Clone)]
pub(crate) struct Recorder {
    latencies: Vec<Duration>,
    statuses: BTreeMap<u16, u64>,
    bytes: u64,
}

impl Recorder {
    /// Records one completed exchange: its latency, status and size on the wire.
    pub(crate) fn record(&mut self, latency: Duration, status: u16, bytes: u64) {
        self.latencies.push(latency);
        *self.statuses.entry(status).or_default() += 1;
        self.bytes += bytes;
    }

    /// Folds another worker's observations into this one.
    pub(crate) fn merge(&mut self, other: Recorder) {
        self.latencies.extend(other.latencies);
        for (status, count) in other.statuses {
            *self.statuses.entry(status).or_default() += count;
        }
        self.bytes += other.bytes;
    }

    /// Turns the observations into a summary, given how long the whole run took.
    pub(crate) fn summarize(mut self, elapsed: Duration) -> Summary {
        self.latencies.sort_unstable();
        let requests = self.latencies.len() as u64;
        Summary {
            requests,
            elapsed,
            p50: percentile(&self.latencies, 50.0),
            p99: percentile(&self.latencies, 99.0),
            statuses: self.statuses,
            bytes: self.bytes,
            cpu: None,
        }
    }
}

/// The summary of one run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Summary {
    pub(crate) requests: u64,
    pub(crate) elapsed: Duration,
    pub(crate) p50: Duration,
    pub(crate) p99: Duration,
    pub(crate) statuses: BTreeMap<u16, u64>,
    pub(crate) bytes: u64,
    /// CPU time the whole process spent during the run, when known (see `cpu`).
    pub(crate) cpu: Option<Duration>,
}

impl Summary {
    /// CPU time per completed request, when known.
    pub(crate) fn cpu_per_request(&self) -> Option<Duration> {
        let requests = u32::try_from(self.requests).ok().filter(|n| *n > 0)?;
        Some(self.cpu? / requests)
    }

    /// Completed requests per second of wall-clock time.
    pub(crate) fn requests_per_second(&self) -> f64 {
        per_second(self.requests, self.elapsed)
    }

    /// How many responses had this status.
    pub(crate) fn count(&self, status: u16) -> u64 {
        self.statuses.get(&status).copied().unwrap_or(0)
    }
}

/// `count` events over `elapsed`, per second; zero for an empty interval.
pub(crate) fn per_second(count: u64, elapsed: Duration) -> f64 {
    let seconds = elapsed.as_secs_f64();
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        0.0
    }
}

/// The nearest-rank percentile of sorted observations: the smallest value with at least `p`% of
/// the observations at or below it. Zero when there are none.
pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median of a few values (the mean of the middle two for an even count); zero when empty.
pub(crate) fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The median of a few durations (see [`median`]).
pub(crate) fn median_duration(values: &[Duration]) -> Duration {
    let seconds: Vec<f64> = values.iter().map(Duration::as_secs_f64).collect();
    Duration::from_secs_f64(median(&seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(values: &[u64]) -> Vec<Duration> {
        values.iter().copied().map(Duration::from_millis).collect()
    }

    #[test]
    fn nearest_rank_percentiles() {
        let sorted = millis(&(1..=100).collect::<Vec<_>>());
        assert_eq!(percentile(&sorted, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&sorted, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&sorted, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&sorted, 0.0), Duration::from_millis(1));

        let few = millis(&[10, 20, 30]);
        assert_eq!(percentile(&few, 50.0), Duration::from_millis(20));
        assert_eq!(percentile(&few, 99.0), Duration::from_millis(30));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
        assert_eq!(
            median_duration(&millis(&[30, 10, 20])),
            Duration::from_millis(20)
        );
    }

    #[test]
    fn merged_workers_summarize_together() {
        let mut first = Recorder::default();
        first.record(Duration::from_millis(3), 200, 100);
        first.record(Duration::from_millis(1), 304, 40);
        let mut second = Recorder::default();
        second.record(Duration::from_millis(2), 200, 100);
        second.record(Duration::from_millis(4), 412, 60);
        first.merge(second);

        let summary = first.summarize(Duration::from_millis(500));
        assert_eq!(summary.requests, 4);
        assert_eq!(summary.requests_per_second(), 8.0);
        assert_eq!(summary.p50, Duration::from_millis(2));
        assert_eq!(summary.p99, Duration::from_millis(4));
        assert_eq!(summary.count(200), 2);
        assert_eq!(summary.count(304), 1);
        assert_eq!(summary.count(500), 0);
        assert_eq!(summary.bytes, 300);
        assert_eq!(summary.cpu_per_request(), None);
        let measured = Summary {
            cpu: Some(Duration::from_millis(10)),
            ..summary
        };
        assert_eq!(
            measured.cpu_per_request(),
            Some(Duration::from_micros(2500))
        );
    }
}
