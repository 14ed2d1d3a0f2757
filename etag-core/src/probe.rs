//! Records whether a request's preconditions were evaluated, so that `#[conditional]` can tell a
//! write that checked them from one that forgot to.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A flag shared by every clone of one request's [`Preconditions`](crate::Preconditions).
///
/// Only the `#[conditional]` runtime arms it; a `Preconditions` built any other way carries an
/// unarmed probe, which records nothing and costs nothing.
#[derive(Debug, Clone, Default)]
pub(crate) struct EvaluationProbe(Option<Arc<AtomicBool>>);

impl EvaluationProbe {
    /// A probe that records evaluations.
    #[cfg_attr(not(feature = "axum"), allow(dead_code))] // only the axum runtime arms it
    pub(crate) fn armed() -> Self {
        Self(Some(Arc::new(AtomicBool::new(false))))
    }

    /// Notes that the preconditions were evaluated against the resource's state.
    pub(crate) fn record(&self) {
        if let Some(flag) = &self.0 {
            flag.store(true, Ordering::Release);
        }
    }

    /// Whether any clone sharing this probe evaluated the preconditions. An unarmed probe answers
    /// `true`: nothing was asked of it.
    #[cfg_attr(not(feature = "axum"), allow(dead_code))]
    pub(crate) fn was_evaluated(&self) -> bool {
        self.0
            .as_ref()
            .is_none_or(|flag| flag.load(Ordering::Acquire))
    }
}
