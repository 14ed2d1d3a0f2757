//! How writes date the states they store, given that HTTP dates have one-second resolution.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::codec::{from_seconds, to_seconds};

/// How a write dates the state it stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dating {
    /// The current second, never earlier than the state it replaces. Two writes within one
    /// second share a date, exactly as RFC 9110's second-precision comparisons see them.
    Clock,
    /// A later second than the state it replaces: a write in the same second waits for the next
    /// one. For a client that can only tell states apart by their dates (its write is guarded by
    /// `If-Unmodified-Since` alone), so that a second such client holding the same date is refused.
    DistinctSecond,
}

impl Dating {
    /// `DistinctSecond` for a request whose only guard is `If-Unmodified-Since`; `Clock` when a
    /// tag guards it (`If-Match` / `If-None-Match` tell states apart whatever their dates).
    pub fn for_request(pre: &etag_core::Preconditions) -> Self {
        let tag_guarded = pre.if_match().is_some() || pre.if_none_match().is_some();
        if !tag_guarded && pre.if_unmodified_since().is_some() {
            Self::DistinctSecond
        } else {
            Self::Clock
        }
    }
}

/// The date of a write at `now` replacing a state dated `previous`: `now` in whole seconds, never
/// before `previous` (a clock that steps back does not make a newer state look older).
pub(super) fn date_of_write(previous: Option<SystemTime>, now: SystemTime) -> SystemTime {
    let now = to_seconds(now);
    from_seconds(previous.map_or(now, |previous| to_seconds(previous).max(now)))
}

/// With [`Dating::DistinctSecond`]: how long to wait before a write at `now` lands in a later
/// second than `previous`, or `None` when it already does.
pub(super) fn wait_for_a_later_second(
    dating: Dating,
    previous: Option<SystemTime>,
    now: SystemTime,
) -> Option<Duration> {
    let previous = previous?;
    (dating == Dating::DistinctSecond && to_seconds(previous) >= to_seconds(now))
        .then(|| until_after(previous, now))
}

/// How long from `now` until the second after `previous` has begun.
pub(super) fn until_after(previous: SystemTime, now: SystemTime) -> Duration {
    let next =
        UNIX_EPOCH + Duration::from_secs(u64::try_from(to_seconds(previous)).unwrap_or(0) + 1);
    // A millisecond of margin so the retry lands inside the next second, not on its edge.
    next.duration_since(now).unwrap_or_default() + Duration::from_millis(1)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn only_a_distinct_second_write_in_the_same_second_waits() {
        let previous = Some(at_millis(100_000));
        let now = at_millis(100_250);
        assert_eq!(wait_for_a_later_second(Dating::Clock, previous, now), None);
        assert_eq!(
            wait_for_a_later_second(Dating::DistinctSecond, previous, now),
            Some(Duration::from_millis(751))
        );
        assert_eq!(
            wait_for_a_later_second(Dating::DistinctSecond, previous, at_millis(101_000)),
            None
        );
        assert_eq!(
            wait_for_a_later_second(Dating::DistinctSecond, None, now),
            None
        );
    }

    #[test]
    fn waits_until_just_after_the_next_second_begins() {
        let previous = at_millis(100_400);
        assert_eq!(
            until_after(previous, at_millis(100_250)),
            Duration::from_millis(751)
        );
        // A clock that stepped back still waits for a second after the previous write.
        assert_eq!(
            until_after(previous, at_millis(99_500)),
            Duration::from_millis(1_501)
        );
    }
}
