//! The list syntax of `If-Match` / `If-None-Match` (RFC 9110 §5.6.1, §13.1.1-2): `*` or entity
//! tags separated by commas outside quoted strings, over every line of the field.

use http::{HeaderMap, HeaderName, HeaderValue};

use super::list_scan::well_formed_tags;
use super::malformed::{MalformedHeader, TagListProblem};
use super::tag_condition::TagCondition;
use crate::entity_tag::EntityTag;

/// A tag-list field parsed leniently: the valid members, and the first problem met, if any.
#[derive(Debug, Clone, Default)]
pub(crate) struct ParsedTagList {
    pub(crate) star: bool,
    pub(crate) tags: Vec<EntityTag>,
    pub(crate) problem: Option<TagListProblem>,
}

impl ParsedTagList {
    /// Parses every line of `name` in `headers` as one combined list (RFC 9110 §5.3), splitting on
    /// commas outside quoted strings and skipping empty elements (§5.6.1). Returns `None` when the
    /// field is absent.
    pub(crate) fn from_headers(headers: &HeaderMap, name: &HeaderName) -> Option<Self> {
        // One lookup of the field; its lines are read by the fast scan and, if it declines, again.
        let lines = headers.get_all(name);
        lines.iter().next()?;
        if let Some(tags) = well_formed_tags(lines.iter().map(HeaderValue::as_bytes)) {
            return Some(Self {
                star: false,
                tags,
                problem: None,
            });
        }
        let mut parsed = Self::default();
        let mut members = 0usize;
        for line in &lines {
            for member in split_list(line.as_bytes()) {
                members += 1;
                if member == b"*" {
                    if parsed.star || !parsed.tags.is_empty() {
                        parsed.note(TagListProblem::StarInList);
                    }
                    parsed.star = true;
                    continue;
                }
                match EntityTag::parse(member) {
                    Ok(tag) => {
                        if parsed.star {
                            parsed.note(TagListProblem::StarInList);
                        }
                        parsed.tags.push(tag);
                    }
                    Err(reason) => parsed.note(TagListProblem::InvalidMember {
                        member: quoted_for_humans(member),
                        reason,
                    }),
                }
            }
        }
        if members == 0 {
            parsed.note(TagListProblem::NoMembers);
        }
        Some(parsed)
    }

    fn note(&mut self, problem: TagListProblem) {
        self.problem.get_or_insert(problem);
    }

    /// The strict reading: the condition, or the first problem.
    pub(crate) fn strict(self, name: &HeaderName) -> Result<TagCondition, MalformedHeader> {
        match self.problem {
            Some(problem) => Err(MalformedHeader::tag_list(name.clone(), problem)),
            None if self.star => Ok(TagCondition::Any),
            None => Ok(TagCondition::Tags(self.tags)),
        }
    }

    /// The lenient reading used for `If-None-Match` on GET/HEAD: invalid members are skipped, and
    /// so is a `*` that is not the whole value (`"a", *` reads as `"a"`); a field left with no
    /// usable member counts as absent.
    pub(crate) fn lenient(self) -> Option<TagCondition> {
        match (self.star, self.tags.is_empty(), &self.problem) {
            (true, true, None) => Some(TagCondition::Any),
            (_, false, _) => Some(TagCondition::Tags(self.tags)),
            _ => None,
        }
    }
}

/// How much of a bad member a 400 quotes back: enough to recognise it, never a whole header.
const QUOTED_MEMBER_CHARS: usize = 64;

/// The member as lossy UTF-8, cut to [`QUOTED_MEMBER_CHARS`] characters with `…`.
fn quoted_for_humans(member: &[u8]) -> String {
    let text = String::from_utf8_lossy(member);
    match text.char_indices().nth(QUOTED_MEMBER_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.into_owned(),
    }
}

/// Splits one field line into trimmed, non-empty list members, treating commas inside a quoted
/// entity tag as part of the tag.
pub(crate) fn split_list(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = line;
    std::iter::from_fn(move || {
        loop {
            if rest.is_empty() {
                return None;
            }
            let mut in_quotes = false;
            let end = rest
                .iter()
                .position(|&b| {
                    if b == b'"' {
                        in_quotes = !in_quotes;
                    }
                    b == b',' && !in_quotes
                })
                .unwrap_or(rest.len());
            let member = trim_ows(&rest[..end]);
            rest = rest.get(end + 1..).unwrap_or(&[]);
            if !member.is_empty() {
                return Some(member);
            }
        }
    })
}

/// Strips optional whitespace (SP / HTAB, RFC 9110 §5.6.3) from both ends.
pub(crate) fn trim_ows(bytes: &[u8]) -> &[u8] {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = bytes.iter().position(|b| !is_ows(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_ows(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// The field value for `condition`: `*`, or its tags joined by `, `, which
/// [`ParsedTagList::from_headers`] reads back as the same condition.
pub(crate) fn to_header_value(condition: &TagCondition) -> HeaderValue {
    let tags = match condition {
        TagCondition::Any => return HeaderValue::from_static("*"),
        TagCondition::Tags(tags) => tags,
    };
    let mut bytes = Vec::new();
    for (index, tag) in tags.iter().enumerate() {
        if index > 0 {
            bytes.extend_from_slice(b", ");
        }
        bytes.extend_from_slice(tag.to_header_value().as_bytes());
    }
    // Every byte comes from a valid header value or is `,` / SP, which HeaderValue accepts. Were
    // that ever to change, an empty field is rejected by the receiver rather than misread.
    HeaderValue::from_bytes(&bytes).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header;

    fn members(line: &[u8]) -> Vec<&[u8]> {
        split_list(line).collect()
    }

    #[test]
    fn splits_outside_quotes_only() {
        assert_eq!(
            members(b"\"a,b\" , W/\"c\",,\t\"d\""),
            vec![&b"\"a,b\""[..], b"W/\"c\"", b"\"d\""]
        );
        assert!(members(b" , ,").is_empty());
    }

    #[test]
    fn a_long_bad_member_is_quoted_in_part() {
        let long = format!("\"{}", "x".repeat(5000));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_MATCH,
            HeaderValue::from_str(&long).expect("valid bytes"),
        );
        let err = ParsedTagList::from_headers(&headers, &header::IF_MATCH)
            .expect("present")
            .strict(&header::IF_MATCH)
            .expect_err("unterminated");
        let TagListProblem::InvalidMember { member, .. } = err.problem() else {
            panic!("an invalid member, got {err:?}");
        };
        assert_eq!(member.chars().count(), QUOTED_MEMBER_CHARS + 1);
        assert!(member.ends_with('…'));
    }

    #[test]
    fn lenient_parse_skips_a_star_inside_a_list() {
        let mut headers = HeaderMap::new();
        headers.append(header::IF_NONE_MATCH, HeaderValue::from_static("\"a\", *"));
        let parsed =
            ParsedTagList::from_headers(&headers, &header::IF_NONE_MATCH).expect("present");
        assert_eq!(
            parsed.lenient(),
            Some(TagCondition::Tags(vec![
                EntityTag::strong("a").expect("valid")
            ]))
        );
    }

    #[test]
    fn lenient_parse_keeps_valid_members() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("junk, \"a\""),
        );
        let parsed =
            ParsedTagList::from_headers(&headers, &header::IF_NONE_MATCH).expect("present");
        assert_eq!(
            parsed.lenient(),
            Some(TagCondition::Tags(vec![
                EntityTag::strong("a").expect("valid")
            ]))
        );
    }

    #[test]
    fn encoding_reads_back_as_the_same_condition() {
        let tags = vec![
            EntityTag::strong("a,b").expect("valid"),
            EntityTag::weak("c").expect("valid"),
            EntityTag::parse(b"\"\xe9\"").expect("obs-text is valid"),
        ];
        for condition in [TagCondition::Any, TagCondition::Tags(tags)] {
            let mut headers = HeaderMap::new();
            headers.insert(header::IF_MATCH, to_header_value(&condition));
            let parsed = ParsedTagList::from_headers(&headers, &header::IF_MATCH)
                .expect("present")
                .strict(&header::IF_MATCH)
                .expect("valid");
            assert_eq!(parsed, condition);
        }
    }
}
