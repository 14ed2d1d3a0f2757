//! The version a client named, for a write that the database itself checks: a compare-and-swap
//! on a version column (`UPDATE … SET version = version + 1 WHERE id = ? AND version = ?`).

use std::str::FromStr;

use http::header;

use crate::precondition::evaluate::failed;
use crate::{Checked, EntityTag, PreconditionError, Preconditions, TagCondition, Version};

/// What the request's preconditions ask of a resource's version column, as values to bind in the
/// write's `WHERE` clause. Get it from [`Preconditions::expected_version`], run the statement,
/// then turn its outcome into the proof with [`conclude`](Self::conclude).
///
/// | request | variant | the statement |
/// |---|---|---|
/// | no `If-Match`, no `If-None-Match` | `Unconditional` | `UPDATE … WHERE id = ?` |
/// | `If-Match: *` | `Exists` | `UPDATE … WHERE id = ?` |
/// | `If-Match: "7"` (or a list) | `OneOf([7])` | `UPDATE … WHERE id = ? AND version = ?` (`= ANY(?)` for a list) |
/// | `If-None-Match: *` | `Absent` | `INSERT …` that does nothing on conflict |
/// | `If-None-Match: "7"` | `NoneOf([7])` | `UPDATE … WHERE id = ? AND version <> ?` |
///
/// A listed tag that is weak (`W/"7"`), or whose text is not a version of type `V`, can never
/// match by the strong comparison `If-Match` uses (RFC 9110 §13.1.1), so it is left out of
/// `OneOf`; an empty `OneOf` matches no row.
///
/// ```
/// use etag_core::{ExpectedVersion, PreconditionError, Preconditions};
/// use http::{HeaderMap, HeaderValue, Method, header::IF_MATCH};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(IF_MATCH, HeaderValue::from_static("\"7\", W/\"8\""));
/// let pre = Preconditions::parse(&Method::PUT, &headers)?.required();
///
/// let expected = pre.expected_version::<i64>()?;
/// assert_eq!(expected, ExpectedVersion::OneOf(vec![7]));
///
/// // `UPDATE carts SET …, version = version + 1 WHERE id = $1 AND version = $2` changed no row,
/// // and the row exists: someone else wrote first.
/// let stale = expected.conclude(0, true).expect_err("no row was written");
/// assert_eq!(stale.status(), Some(http::StatusCode::PRECONDITION_FAILED));
/// # Ok::<(), PreconditionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectedVersion<V> {
    /// The request names no version: the write applies to the current row, if there is one.
    /// Under `require` this never comes back: the request is answered 428 first.
    Unconditional,
    /// `If-Match: *`: any version, as long as the row exists.
    Exists,
    /// `If-Match` with entity tags: the current version must be one of these.
    OneOf(Vec<V>),
    /// `If-None-Match: *`: the row must not exist yet (create only).
    Absent,
    /// `If-None-Match` with entity tags: the row, if it exists, must not be at one of these
    /// versions (`UPDATE … WHERE id = ? AND version <> ALL(?)`).
    NoneOf(Vec<V>),
}

/// Why a compare-and-swap wrote nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwapRefused {
    /// The row exists in another version (or exists, for `If-None-Match: *`): answer with this
    /// error, a 412.
    Stale(PreconditionError),
    /// The row does not exist. For PATCH and DELETE answer 404, whatever the preconditions
    /// (RFC 9110 §13.2.1); for a PUT that may create, evaluate the create with
    /// [`Preconditions::check_missing`] (an `If-Match` then fails with 412).
    Missing,
}

impl SwapRefused {
    /// The status to answer with when the resource exists: 412; `None` for [`Missing`](Self::Missing).
    pub fn status(&self) -> Option<http::StatusCode> {
        match self {
            Self::Stale(error) => Some(error.status()),
            Self::Missing => None,
        }
    }
}

impl<V> ExpectedVersion<V> {
    /// Turns the statement's outcome into the proof the write's response needs.
    ///
    /// `rows_written` is what the database reports for the `UPDATE` or `INSERT` (PostgreSQL's and
    /// SQLite's changed-row count; on MySQL and MariaDB make sure it counts *matched* rows, by
    /// always bumping the version in the statement or with the `CLIENT_FOUND_ROWS` flag, or a
    /// write that changes nothing else looks like a conflict). `exists` is whether the row exists
    /// now; it is only consulted when nothing was written (read it in the same transaction, or
    /// with `RETURNING` / a follow-up `SELECT`).
    ///
    /// A PUT that may create goes on after [`SwapRefused::Missing`] with
    /// [`Preconditions::check_missing`], which evaluates every precondition against a missing
    /// resource, before its `INSERT`.
    pub fn conclude(&self, rows_written: u64, exists: bool) -> Result<Checked, SwapRefused> {
        if rows_written > 0 {
            return Ok(Checked::issue());
        }
        match (self, exists) {
            (Self::Absent, true) => Err(SwapRefused::Stale(failed(header::IF_NONE_MATCH))),
            (Self::OneOf(_), true) => Err(SwapRefused::Stale(failed(header::IF_MATCH))),
            (Self::NoneOf(_), true) => Err(SwapRefused::Stale(failed(header::IF_NONE_MATCH))),
            // `Exists` and `Unconditional` match any version: a row that exists was written.
            // Reaching here means it vanished between the statement and the read.
            (_, _) => Err(SwapRefused::Missing),
        }
    }

    /// The single version named, when exactly one was: the common case, for a `WHERE version = ?`
    /// on databases without array parameters (SQLite, MySQL).
    pub fn single(&self) -> Option<&V> {
        match self {
            Self::OneOf(versions) if versions.len() == 1 => versions.first(),
            _ => None,
        }
    }

    /// What `pre` asks of the version column: [`Preconditions::expected_version`], which is
    /// where to call it from.
    pub(crate) fn from_preconditions(pre: &Preconditions) -> Result<Self, PreconditionError>
    where
        V: Version + FromStr + PartialEq,
    {
        let excluded = |version: &V| match pre.if_none_match() {
            Some(TagCondition::Tags(tags)) => {
                // If-None-Match compares weakly: `W/"7"` excludes version 7 too.
                let tag = version.version_tag();
                tags.iter().any(|listed| listed.weak_eq(&tag))
            }
            _ => false,
        };
        Ok(match (pre.if_match(), pre.if_none_match()) {
            (None, None) if pre.is_required() => return Err(PreconditionError::Required),
            (None, None) => Self::Unconditional,
            (Some(TagCondition::Any), None) => Self::Exists,
            (None, Some(TagCondition::Any)) => Self::Absent,
            // `*` in If-None-Match needs no row, If-Match needs one: nothing can pass.
            (Some(_), Some(TagCondition::Any)) => Self::OneOf(Vec::new()),
            (Some(TagCondition::Tags(tags)), _) => Self::OneOf(
                versions_in::<V>(tags)
                    .filter(|version| !excluded(version))
                    .collect(),
            ),
            (None | Some(TagCondition::Any), Some(TagCondition::Tags(tags))) => Self::NoneOf(
                tags.iter()
                    .filter_map(|tag| version_of::<V>(&tag.clone().into_strong()))
                    .collect(),
            ),
        })
    }
}

/// The versions among `tags` that a strong comparison can match.
fn versions_in<V: Version + FromStr>(tags: &[EntityTag]) -> impl Iterator<Item = V> + use<'_, V> {
    tags.iter()
        .filter(|tag| !tag.is_weak())
        .filter_map(version_of::<V>)
}

/// The version whose tag is exactly `tag`, if any.
fn version_of<V: Version + FromStr>(tag: &EntityTag) -> Option<V> {
    let text = std::str::from_utf8(tag.opaque()).ok()?;
    let version = V::from_str(text).ok()?;
    // `"007"` parses as 7, but it is not the tag of version 7.
    version.version_tag().strong_eq(tag).then_some(version)
}

#[cfg(test)]
mod tests {
    use http::header::{IF_MATCH, IF_NONE_MATCH, IF_UNMODIFIED_SINCE};
    use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};

    use super::*;

    fn put(fields: &[(HeaderName, &'static str)]) -> Preconditions {
        let mut headers = HeaderMap::new();
        for (name, value) in fields {
            headers.append(name, HeaderValue::from_static(value));
        }
        Preconditions::parse(&Method::PUT, &headers).expect("valid headers")
    }

    fn expected(fields: &[(HeaderName, &'static str)]) -> ExpectedVersion<i64> {
        put(fields).expected_version().expect("no 428")
    }

    #[test]
    fn if_match_names_the_versions_a_strong_comparison_can_match() {
        assert_eq!(
            expected(&[(IF_MATCH, "\"7\", \"8\"")]),
            ExpectedVersion::OneOf(vec![7, 8])
        );
        // Weak tags never match If-Match; "007" and "x" are no version's tag.
        assert_eq!(
            expected(&[(IF_MATCH, "W/\"7\", \"007\", \"x\", \"-3\"")]),
            ExpectedVersion::OneOf(vec![-3])
        );
        assert_eq!(expected(&[(IF_MATCH, "*")]), ExpectedVersion::Exists);
        assert_eq!(expected(&[(IF_NONE_MATCH, "*")]), ExpectedVersion::Absent);
        assert_eq!(expected(&[]), ExpectedVersion::Unconditional);
        assert_eq!(
            expected(&[(IF_MATCH, "\"7\"")]).single(),
            Some(&7),
            "one version: a plain `WHERE version = ?`"
        );
        assert_eq!(expected(&[(IF_MATCH, "\"7\", \"8\"")]).single(), None);
    }

    #[test]
    fn both_fields_fold_into_one_condition() {
        // If-None-Match compares weakly: W/"7" excludes version 7.
        assert_eq!(
            expected(&[(IF_MATCH, "\"7\", \"8\""), (IF_NONE_MATCH, "W/\"7\"")]),
            ExpectedVersion::OneOf(vec![8])
        );
        assert_eq!(
            expected(&[(IF_MATCH, "\"7\""), (IF_NONE_MATCH, "*")]),
            ExpectedVersion::OneOf(vec![]),
            "needs a row and no row: nothing passes"
        );
        assert_eq!(
            expected(&[(IF_NONE_MATCH, "\"3\", W/\"4\"")]),
            ExpectedVersion::NoneOf(vec![3, 4])
        );
    }

    #[test]
    fn a_required_precondition_a_version_cannot_use_is_428() {
        let required = |fields: &[(HeaderName, &'static str)]| {
            put(fields).required().expected_version::<i64>()
        };
        assert_eq!(required(&[]), Err(PreconditionError::Required));
        assert_eq!(
            required(&[(IF_UNMODIFIED_SINCE, "Sun, 06 Nov 1994 08:49:37 GMT")]),
            Err(PreconditionError::Required),
            "a version column has no date"
        );
        assert_eq!(required(&[(IF_MATCH, "*")]), Ok(ExpectedVersion::Exists));
    }

    #[test]
    fn the_statements_outcome_is_the_proof_a_412_or_a_missing_row() {
        let status = |outcome: Result<Checked, SwapRefused>| match outcome {
            Ok(_) => Some(StatusCode::OK),
            Err(refused) => refused.status(),
        };
        let one_of = ExpectedVersion::OneOf(vec![7_i64]);
        assert_eq!(status(one_of.conclude(1, true)), Some(StatusCode::OK));
        assert_eq!(
            status(one_of.conclude(0, true)),
            Some(StatusCode::PRECONDITION_FAILED)
        );
        assert_eq!(one_of.conclude(0, false).err(), Some(SwapRefused::Missing));
        let absent = ExpectedVersion::<i64>::Absent;
        assert_eq!(status(absent.conclude(1, false)), Some(StatusCode::OK));
        assert!(matches!(
            absent.conclude(0, true),
            Err(SwapRefused::Stale(PreconditionError::Failed { condition, .. })) if condition == IF_NONE_MATCH
        ));
        assert_eq!(
            ExpectedVersion::<i64>::Exists.conclude(0, false).err(),
            Some(SwapRefused::Missing)
        );
    }
}
