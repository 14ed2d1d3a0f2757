//! RFC 9457 problem details (`application/problem+json`).

use http::{HeaderName, StatusCode};
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// The media type of a problem details body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem details object.
///
/// The `type` is `about:blank`, so `title` is the status's reason phrase and `detail` says what
/// happened and what the client should do. `header` is an extension member naming the request
/// header at fault, when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProblemDetails {
    /// A URI reference identifying the problem type; `about:blank` means "see the status".
    pub problem_type: String,
    /// A short summary: the reason phrase of the status.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this occurrence, and what to do about it.
    pub detail: String,
    /// The request header at fault (extension member).
    pub header: Option<String>,
}

/// The RFC 9457 members: `type`, `title`, `status`, `detail`, and `header` when there is one.
impl Serialize for ProblemDetails {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let members = 4 + usize::from(self.header.is_some());
        let mut problem = serializer.serialize_struct("ProblemDetails", members)?;
        problem.serialize_field("type", &self.problem_type)?;
        problem.serialize_field("title", &self.title)?;
        problem.serialize_field("status", &self.status)?;
        problem.serialize_field("detail", &self.detail)?;
        match &self.header {
            Some(header) => problem.serialize_field("header", header)?,
            None => problem.skip_field("header")?,
        }
        problem.end()
    }
}

impl ProblemDetails {
    /// A problem of type `about:blank` for `status`, with the given detail.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            problem_type: "about:blank".to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            header: None,
        }
    }

    /// Names the request header at fault, in the `header` member.
    #[must_use]
    pub fn for_header(mut self, header: &HeaderName) -> Self {
        self.header = Some(header_display_name(header));
        self
    }

    /// The JSON body.
    #[cfg(feature = "json")]
    pub fn to_json(&self) -> Vec<u8> {
        // Serializing a struct of strings and an integer cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// `if-none-match` → `If-None-Match`, for messages people read.
pub(crate) fn header_display_name(name: &HeaderName) -> String {
    name.as_str()
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_rfc_9457_members() {
        let problem = ProblemDetails::new(StatusCode::PRECONDITION_FAILED, "stale")
            .for_header(&http::header::IF_MATCH);
        let json = serde_json::to_value(&problem).expect("json");
        assert_eq!(
            json,
            serde_json::json!({
                "type": "about:blank",
                "title": "Precondition Failed",
                "status": 412,
                "detail": "stale",
                "header": "If-Match",
            })
        );
        // Without a header at fault, the member is left out, not `null`.
        let plain = ProblemDetails::new(StatusCode::PRECONDITION_REQUIRED, "send one");
        let json = serde_json::to_value(&plain).expect("json");
        assert!(json.get("header").is_none(), "{json}");
        assert_eq!(json["status"], 428);
    }
}
