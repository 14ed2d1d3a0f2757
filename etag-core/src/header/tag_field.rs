//! `If-Match` and `If-None-Match` are the same kind of field, a tag list, and differ only in name
//! and in how leniently a read parses them: one macro makes both types.

/// Defines a tag-list field type: its parsers and its accessor.
macro_rules! tag_field {
    ($(#[$doc:meta])* $name:ident, $header:expr, lenient_on_reads: $lenient:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(pub $crate::header::tag_condition::TagCondition);

        impl $name {
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

            /// The parsed condition.
            pub fn condition(&self) -> &$crate::header::tag_condition::TagCondition {
                &self.0
            }

        }
    };
}

pub(crate) use tag_field;
