//! The RFC 9457 problem details a server sent with an error status, as the client reads them.

use serde::Deserialize;

/// An `application/problem+json` body received with an error status.
///
/// Every member is optional, as RFC 9457 allows; members beyond the standard ones (such as the
/// `header` this crate's servers add) are kept in `extensions`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Problem {
    /// A URI reference identifying the problem type (`about:blank` when absent).
    #[serde(rename = "type", default)]
    pub problem_type: Option<String>,
    /// A short summary of the problem type.
    #[serde(default)]
    pub title: Option<String>,
    /// The status code the server meant.
    #[serde(default)]
    pub status: Option<u16>,
    /// What went wrong in this occurrence.
    #[serde(default)]
    pub detail: Option<String>,
    /// Any other members.
    #[serde(flatten)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

impl Problem {
    /// Reads a problem body; `None` when it is not a JSON object of the expected member types,
    /// because a malformed error body must not hide the status that came with it.
    pub(crate) fn from_body(body: &[u8]) -> Option<Self> {
        serde_json::from_slice(body).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_members_and_keeps_extensions() {
        let problem = Problem::from_body(
            br#"{"type":"about:blank","title":"Precondition Failed","status":412,
                 "detail":"GET it again","header":"If-Match"}"#,
        )
        .expect("a problem");
        assert_eq!(problem.status, Some(412));
        assert_eq!(problem.detail.as_deref(), Some("GET it again"));
        assert_eq!(problem.extensions["header"], "If-Match");
    }

    #[test]
    fn a_malformed_body_is_no_problem_object() {
        assert_eq!(Problem::from_body(b"<html>"), None);
        assert_eq!(Problem::from_body(br#"{"status":"412"}"#), None);
        assert_eq!(Problem::from_body(b"[]"), None);
        assert!(Problem::from_body(b"{}").is_some());
    }
}
