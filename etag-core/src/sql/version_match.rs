//! The version a client named, as two values to bind in a compare-and-swap's `WHERE` clause.

use serde::Serialize;

use crate::ExpectedVersion;

/// The condition an [`ExpectedVersion`] puts on a version column, as two bindable values:
/// whether `version` must be *in* [`versions`](Self::versions) or *not in* it
/// ([`member`](Self::member)). One statement shape then covers every precondition a client can
/// send, with no `match` in the handler:
///
/// | database | the condition | binds |
/// |---|---|---|
/// | PostgreSQL | `(version = ANY($2)) = $3` | [`versions()`](Self::versions) as an array, [`member()`](Self::member) |
/// | SQLite | `(version IN (SELECT value FROM json_each(?2))) = ?3` | [`json()`](Self::json), [`member()`](Self::member) |
/// | MySQL, MariaDB | `JSON_CONTAINS(?, CAST(version AS CHAR)) = ?` | [`json()`](Self::json), [`member()`](Self::member) |
///
/// | request | [`ExpectedVersion`] | `versions` | `member` | matches |
/// |---|---|---|---|---|
/// | `If-Match: "7", "8"` | `OneOf([7, 8])` | `[7, 8]` | `true` | version 7 or 8 |
/// | `If-None-Match: "7"` | `NoneOf([7])` | `[7]` | `false` | any version but 7 |
/// | `If-Match: *`, or none | `Exists`, `Unconditional` | `[]` | `false` | any version |
/// | `If-None-Match: *` | `Absent` | `[]` | `true` | no row: an existing one fails (412) |
///
/// A comparison with an empty list is false (never `NULL`) on all three databases, so an empty
/// `versions` with `member = false` matches every row and with `member = true` none.
///
/// ```
/// use etag_core::{ExpectedVersion, PreconditionError, Preconditions};
/// use http::{HeaderMap, HeaderValue, Method, header::IF_MATCH};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(IF_MATCH, HeaderValue::from_static("\"7\", \"8\""));
/// let pre = Preconditions::parse(&Method::PUT, &headers)?.required();
///
/// let expected = pre.expected_version::<i64>()?;
/// let condition = expected.version_match();
/// assert_eq!(condition.versions(), &[7, 8]);
/// assert_eq!(condition.json(), "[7,8]");
/// assert!(condition.member());
/// # Ok::<(), PreconditionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionMatch<V> {
    versions: Vec<V>,
    member: bool,
}

impl<V> VersionMatch<V> {
    /// The versions the condition is about: bind as an array on PostgreSQL (`= ANY($n)`).
    pub fn versions(&self) -> &[V] {
        &self.versions
    }

    /// Whether the row's version must be one of [`versions`](Self::versions) (`true`) or none
    /// of them (`false`).
    pub fn member(&self) -> bool {
        self.member
    }

    /// Whether a row at `version` passes the condition: what the statement's `WHERE` computes.
    pub fn matches(&self, version: &V) -> bool
    where
        V: PartialEq,
    {
        self.versions.contains(version) == self.member
    }
}

impl<V: Serialize> VersionMatch<V> {
    /// The versions as a JSON array (`[7,8]`), for databases without array parameters: SQLite's
    /// `json_each(?)`, MySQL's and MariaDB's `JSON_CONTAINS(?, …)`.
    pub fn json(&self) -> String {
        // A list of integers (or of any `Serialize` version that is not a map with non-string
        // keys) always serializes; an empty list matches nothing in either direction's sense.
        serde_json::to_string(&self.versions).unwrap_or_else(|_| "[]".to_owned())
    }
}

impl<V: Clone> ExpectedVersion<V> {
    /// This expectation as a [`VersionMatch`]: two values to bind in one statement shape that
    /// serves every kind of precondition.
    pub fn version_match(&self) -> VersionMatch<V> {
        let (versions, member) = match self {
            Self::OneOf(versions) => (versions.clone(), true),
            Self::NoneOf(versions) => (versions.clone(), false),
            Self::Exists | Self::Unconditional => (Vec::new(), false),
            Self::Absent => (Vec::new(), true),
        };
        VersionMatch { versions, member }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_expectation_matches_the_versions_it_names() {
        let one_of = ExpectedVersion::OneOf(vec![7_i64, 8]).version_match();
        assert!(one_of.matches(&7) && one_of.matches(&8) && !one_of.matches(&9));
        let none_of = ExpectedVersion::NoneOf(vec![7_i64]).version_match();
        assert!(!none_of.matches(&7) && none_of.matches(&8));
        for any in [ExpectedVersion::Exists, ExpectedVersion::Unconditional] {
            assert!(any.version_match().matches(&1_i64));
        }
        assert!(!ExpectedVersion::<i64>::Absent.version_match().matches(&1));
        assert!(
            !ExpectedVersion::<i64>::OneOf(vec![])
                .version_match()
                .matches(&1)
        );
    }

    #[test]
    fn json_lists_the_versions() {
        assert_eq!(
            ExpectedVersion::OneOf(vec![7_i64]).version_match().json(),
            "[7]"
        );
        assert_eq!(ExpectedVersion::<i64>::Exists.version_match().json(), "[]");
    }
}
