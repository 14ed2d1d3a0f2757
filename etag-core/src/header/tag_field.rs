//! `If-Match` and `If-None-Match` are the same kind of field, a tag list, and differ only in name
//! and in how leniently a read parses them: one macro makes both types.

/// Defines a tag-list field type: its parsers, its constructor and accessor, and its encoding.
macro_rules! tag_field {
    ($(#[$doc:meta])* $name:ident, $header:expr, lenient_on_reads: $lenient:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name($crate::header::tag_condition::TagCondition);

        impl $name {
            /// The field for `condition`. An empty list of tags is not a field value (a receiver
            /// rejects it), so it is refused with [`TagListProblem::NoMembers`](crate::TagListProblem::NoMembers).
            pub fn new(
                condition: $crate::header::tag_condition::TagCondition,
            ) -> Result<Self, $crate::header::malformed::TagListProblem> {
                match &condition {
                    $crate::header::tag_condition::TagCondition::Tags(tags) if tags.is_empty() => {
                        Err($crate::header::malformed::TagListProblem::NoMembers)
                    }
                    _ => Ok(Self(condition)),
                }
            }

            /// Parses the field from all its lines in `headers`, strictly: any malformed member,
            /// an empty list or `*` inside a list is an error. `Ok(None)` when the field is absent.
            pub fn from_headers(
                headers: &http::HeaderMap,
            ) -> Result<Option<Self>, $crate::header::malformed::MalformedHeader> {
                $crate::header::list::ParsedTagList::from_headers(headers, &$header)
                    .map(|parsed| parsed.strict(&$header).map(Self))
                    .transpose()
            }

            /// Parses the field for a request with `method`, with the policy of
            /// [`Preconditions::parse`](crate::Preconditions::parse): OPTIONS, CONNECT and TRACE
            /// ignore it (`Ok(None)`), and on GET/HEAD an `If-None-Match`'s invalid members are
            /// skipped rather than rejected; otherwise as strict as
            /// [`from_headers`](Self::from_headers).
            pub fn for_method(
                method: &http::Method,
                headers: &http::HeaderMap,
            ) -> Result<Option<Self>, $crate::header::malformed::MalformedHeader> {
                if $crate::method::ignores_preconditions(method) {
                    return Ok(None);
                }
                if $lenient && $crate::method::is_get_or_head(method) {
                    return Ok(
                        $crate::header::list::ParsedTagList::from_headers(headers, &$header)
                            .and_then($crate::header::list::ParsedTagList::lenient)
                            .map(Self),
                    );
                }
                Self::from_headers(headers)
            }

            /// The condition.
            pub fn condition(&self) -> &$crate::header::tag_condition::TagCondition {
                &self.0
            }

            /// The field value, for a client to send: `*`, or the tags separated by `, `.
            /// [`from_headers`](Self::from_headers) reads it back as the same condition.
            pub fn to_header_value(&self) -> http::HeaderValue {
                $crate::header::list::to_header_value(&self.0)
            }
        }
    };
}

pub(crate) use tag_field;
