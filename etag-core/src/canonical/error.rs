//! The error a `Serialize` implementation may raise while being encoded.

use std::fmt;

/// An error raised by a value's `Serialize` implementation (through `serde::ser::Error::custom`)
/// while it was being encoded. The canonical encoder itself never fails.
///
/// The encoder does not pass this error on: it records the message in the encoding (see the
/// module docs), so a failing value still gets a deterministic tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Error {
    /// A boxed `str` keeps `Result<(), Error>` two words wide, so it returns in registers: every
    /// value's `serialize` returns one.
    message: Box<str>,
}

impl Error {
    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl serde::ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self {
            message: msg.to_string().into_boxed_str(),
        }
    }
}
