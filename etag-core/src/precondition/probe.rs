//! Records how a request's preconditions were last evaluated, so that `#[conditional]` can tell a
//! write that checked them and passed from one that forgot to check, or went on after a failure.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

const NOT_EVALUATED: u8 = 0;
const PASSED: u8 = 1;
const FAILED: u8 = 2;

/// The outcome of the last evaluation, shared by every clone of one request's
/// [`Preconditions`](crate::Preconditions).
///
/// Only the `#[conditional]` runtime arms it; a `Preconditions` built any other way carries an
/// unarmed probe, which records nothing and costs nothing.
#[derive(Debug, Clone, Default)]
pub(crate) struct EvaluationProbe(Option<Arc<AtomicU8>>);

/// What the probe saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LastEvaluation {
    /// The preconditions were never evaluated against the resource.
    None,
    /// The last evaluation let the request proceed (or the probe was not armed).
    Passed,
    /// The last evaluation refused the request (412, 428, …).
    Failed,
}

impl EvaluationProbe {
    /// A probe that records evaluations.
    #[cfg_attr(not(feature = "axum"), allow(dead_code))] // only the axum runtime arms it
    pub(crate) fn armed() -> Self {
        Self(Some(Arc::new(AtomicU8::new(NOT_EVALUATED))))
    }

    /// Notes the outcome of an evaluation against the resource's state. The last one counts: a
    /// write retried by its store checks again, and only the attempt that committed matters.
    pub(crate) fn record(&self, passed: bool) {
        if let Some(flag) = &self.0 {
            flag.store(if passed { PASSED } else { FAILED }, Ordering::Release);
        }
    }

    /// How the preconditions were last evaluated. An unarmed probe answers `Passed`: nothing was
    /// asked of it.
    #[cfg_attr(not(feature = "axum"), allow(dead_code))]
    pub(crate) fn last(&self) -> LastEvaluation {
        match self.0.as_ref().map(|flag| flag.load(Ordering::Acquire)) {
            None | Some(PASSED) => LastEvaluation::Passed,
            Some(NOT_EVALUATED) => LastEvaluation::None,
            Some(_) => LastEvaluation::Failed,
        }
    }
}
