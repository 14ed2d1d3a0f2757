//! Log lines for limits that a flood hits thousands of times a second: one line per window,
//! carrying the count of the hits it stands for.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often each kind of limit may log.
const WINDOW: Duration = Duration::from_secs(10);

/// One kind of limit's log budget: the first hit logs at once, later hits in the same window are
/// counted and reported by the first line after the window.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    last_logged: Option<Instant>,
    unlogged: u64,
}

impl Throttle {
    /// Records one hit; returns `Some(n)` when this hit should be logged, `n` being the hits
    /// since the previous line that were not logged.
    pub(crate) fn hit(&self) -> Option<u64> {
        // A poisoned lock only means a thread panicked while counting: the count is still usable.
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        match state.last_logged {
            Some(last) if now.duration_since(last) < WINDOW => {
                state.unlogged += 1;
                None
            }
            _ => {
                state.last_logged = Some(now);
                Some(std::mem::take(&mut state.unlogged))
            }
        }
    }
}

/// The throttles of one server, one per kind of limit.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    pub(crate) connection_limit: Throttle,
    pub(crate) accept_error: Throttle,
    pub(crate) header_read_timeout: Throttle,
    pub(crate) idle_timeout: Throttle,
    pub(crate) body_read_timeout: Throttle,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_the_first_hit_and_counts_the_rest_of_the_window() {
        let throttle = Throttle::default();
        assert_eq!(throttle.hit(), Some(0));
        assert_eq!(throttle.hit(), None);
        assert_eq!(throttle.hit(), None);
        // Pretend the window has passed.
        throttle.state.lock().expect("not poisoned").last_logged =
            Instant::now().checked_sub(WINDOW);
        assert_eq!(throttle.hit(), Some(2));
        assert_eq!(throttle.hit(), None);
    }
}
