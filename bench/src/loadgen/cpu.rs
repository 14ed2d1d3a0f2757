//! CPU time used by this whole process (client and in-process servers together).
//!
//! On a shared machine, wall-clock throughput moves with whatever else runs; the CPU time the
//! process itself spends per request moves much less, so it is the steadier way to compare two
//! handlers that do almost the same work. Linux only (it reads `/proc`); elsewhere it is unknown.

use std::time::Duration;

/// `/proc` reports CPU time in clock ticks of `USER_HZ`, which Linux fixes at 100 per second for
/// user space on every architecture it exports `/proc/<pid>/stat` on.
const TICKS_PER_SECOND: u64 = 100;

/// User plus system CPU time of this process so far, over all its threads (also those that have
/// exited); `None` where `/proc/self/stat` is unavailable.
pub(crate) fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    parse_stat(&stat)
}

/// Reads `utime` and `stime` (fields 14 and 15) from a `/proc/<pid>/stat` line. The command name
/// (field 2) is in parentheses and may itself contain spaces or parentheses, so fields are
/// counted from the last `)`.
fn parse_stat(stat: &str) -> Option<Duration> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    let ticks = user.checked_add(system)?;
    Some(Duration::from_millis(
        ticks.checked_mul(1000)? / TICKS_PER_SECOND,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_user_and_system_ticks() {
        let stat = "4242 (load gen) (x)) R 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 9";
        assert_eq!(parse_stat(stat), Some(Duration::from_millis(3250)));
        assert_eq!(parse_stat("garbage"), None);
        assert_eq!(parse_stat("1 (x) R 1 2"), None);
    }

    #[test]
    fn this_process_has_a_cpu_time_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(process_cpu_time().is_some());
        }
    }
}
