//! The `If-Match` field.

use super::tag_field::tag_field;

tag_field!(
    /// The `If-Match` field (RFC 9110 §13.1.1): proceed only if the current representation matches,
    /// by strong comparison.
    ///
    /// ```
    /// use etag_core::{IfMatch, TagCondition};
    /// use http::{HeaderMap, HeaderValue, header::IF_MATCH};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.append(IF_MATCH, HeaderValue::from_static(r#""a,b", W/"c""#));
    /// headers.append(IF_MATCH, HeaderValue::from_static(r#""d""#));
    /// let if_match = IfMatch::from_headers(&headers)?.expect("present");
    /// let TagCondition::Tags(tags) = if_match.condition() else { unreachable!() };
    /// assert_eq!(tags.len(), 3); // "a,b" is one tag; both lines are combined
    /// assert_eq!(if_match.to_header_value(), r#""a,b", W/"c", "d""#);
    /// # Ok::<(), etag_core::MalformedHeader>(())
    /// ```
    IfMatch,
    http::header::IF_MATCH,
    lenient_on_reads: false
);

#[cfg(test)]
mod tests {
    use http::{HeaderMap, HeaderValue, header};

    use super::*;
    use crate::entity_tag::EntityTag;
    use crate::header::malformed::TagListProblem;
    use crate::header::tag_condition::TagCondition;

    #[test]
    fn strict_parse_reports_the_first_problem() {
        let mut headers = HeaderMap::new();
        headers.append(header::IF_MATCH, HeaderValue::from_static("\"a\", b"));
        let err = IfMatch::from_headers(&headers).expect_err("b is unquoted");
        assert_eq!(err.header(), &header::IF_MATCH);
        assert!(err.to_string().contains("`b`"), "{err}");
    }

    #[test]
    fn an_empty_list_is_not_a_field() {
        assert_eq!(
            IfMatch::new(TagCondition::Tags(Vec::new())),
            Err(TagListProblem::NoMembers)
        );
        let tag = EntityTag::strong("a").expect("valid");
        let if_match = IfMatch::new(TagCondition::Tags(vec![tag])).expect("one tag");
        assert_eq!(if_match.to_header_value(), "\"a\"");
    }
}
