//! The `If-None-Match` field.

use super::tag_field::tag_field;

tag_field!(
    /// The `If-None-Match` field (RFC 9110 §13.1.2): proceed only if no current representation
    /// matches, by weak comparison.
    ///
    /// ```
    /// use etag_core::{IfNoneMatch, TagCondition};
    ///
    /// // A create that must not overwrite: `If-None-Match: *`.
    /// let create_only = IfNoneMatch::new(TagCondition::Any)?;
    /// assert_eq!(create_only.to_header_value(), "*");
    /// # Ok::<(), etag_core::TagListProblem>(())
    /// ```
    IfNoneMatch,
    http::header::IF_NONE_MATCH,
    lenient_on_reads: true
);

#[cfg(test)]
mod tests {
    use http::{HeaderMap, HeaderValue, header};

    use super::*;
    use crate::header::tag_condition::TagCondition;

    #[test]
    fn star_must_stand_alone() {
        let mut headers = HeaderMap::new();
        headers.append(header::IF_NONE_MATCH, HeaderValue::from_static("*, \"a\""));
        assert!(IfNoneMatch::from_headers(&headers).is_err());
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert_eq!(
            IfNoneMatch::from_headers(&headers).expect("valid"),
            Some(IfNoneMatch(TagCondition::Any))
        );
    }
}
