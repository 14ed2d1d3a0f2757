//! How writes date the states they store, given that HTTP dates have one-second resolution.
//!
//! Every write is dated by the clock in whole seconds, never before the state it replaces, and
//! never waits: two writes within one second share a date, exactly as RFC 9110's second-precision
//! comparisons see them. What keeps two clients holding the same date from both writing is the
//! library's date policy: a write guarded by `If-Unmodified-Since` alone is refused while the state
//! it would replace is less than a second old ([`etag_core::FailureContext::settles_at`]), and the
//! HTTP layer waits for that second asynchronously, holding no connection and no lock, before it
//! runs the write once more.

use std::time::SystemTime;

use super::codec::{from_seconds, to_seconds};

/// The date of a write at `now` replacing a state dated `previous`: `now` in whole seconds, never
/// before `previous` (a clock that steps back does not make a newer state look older).
pub(super) fn date_of_write(previous: Option<SystemTime>, now: SystemTime) -> SystemTime {
    let now = to_seconds(now);
    from_seconds(previous.map_or(now, |previous| to_seconds(previous).max(now)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn at_millis(millis: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(millis)
    }

    #[test]
    fn a_write_is_dated_now_in_whole_seconds_never_before_what_it_replaces() {
        assert_eq!(date_of_write(None, at_millis(100_750)), at_millis(100_000));
        let previous = Some(at_millis(100_000));
        assert_eq!(
            date_of_write(previous, at_millis(100_999)),
            at_millis(100_000)
        );
        assert_eq!(
            date_of_write(previous, at_millis(105_250)),
            at_millis(105_000)
        );
        // A clock that stepped back.
        assert_eq!(
            date_of_write(previous, at_millis(50_000)),
            at_millis(100_000)
        );
    }
}
