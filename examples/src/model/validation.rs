//! Semantic validation of request bodies: the JSON had the right shape, but a value is out of range.

use std::fmt;

/// Why a well-formed body was refused (answered with 422 Unprocessable Content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The JSON pointer-like path of the offending member, such as `items[2].qty`.
    pub field: String,
    /// What is wrong with it, phrased for the client.
    pub reason: String,
}

impl Invalid {
    /// A validation failure of `field` for the given reason.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {}", self.field, self.reason)
    }
}

impl std::error::Error for Invalid {}

/// A body that checks its own values once deserialization has checked its shape.
pub trait Validate {
    /// `Ok` when every value is in range, else the first problem found.
    fn validate(&self) -> Result<(), Invalid>;
}

/// Rejects strings that are empty or only whitespace.
pub(crate) fn require_text(field: &str, value: &str) -> Result<(), Invalid> {
    if value.trim().is_empty() {
        Err(Invalid::new(field, "must not be empty"))
    } else {
        Ok(())
    }
}
