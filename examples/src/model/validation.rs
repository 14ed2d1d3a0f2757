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

/// Rejects strings that are empty or only whitespace, or that are not [plain](plain_text).
/// The schema says so with the pattern `^[^\u0000]*[^\s\u0000][^\u0000]*$`.
pub(crate) fn require_text(field: &str, value: &str) -> Result<(), Invalid> {
    if value.trim().is_empty() {
        Err(Invalid::new(field, "must not be empty"))
    } else {
        plain_text(field, value)
    }
}

/// Rejects strings holding U+0000 (NUL). PostgreSQL cannot store it in a text column, so the
/// shop refuses it on every backend alike: one HTTP contract, whichever database is behind it.
/// The schema says so with the pattern `^[^\u0000]*$`.
pub(crate) fn plain_text(field: &str, value: &str) -> Result<(), Invalid> {
    if value.contains('\0') {
        Err(Invalid::new(
            field,
            "must not contain the character U+0000 (NUL)",
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_refused_when_blank_or_holding_nul() {
        assert!(require_text("owner", "ada").is_ok());
        assert_eq!(
            require_text("owner", "  "),
            Err(Invalid::new("owner", "must not be empty"))
        );
        assert_eq!(
            require_text("owner", "a\0b"),
            Err(Invalid::new(
                "owner",
                "must not contain the character U+0000 (NUL)"
            ))
        );
        assert!(plain_text("note", "").is_ok());
        assert!(plain_text("note", "\0").is_err());
    }
}
