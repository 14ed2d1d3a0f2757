//! The way in: `If-Match` / `If-None-Match` members that carry one of the layer's suffixes are
//! rewritten to the identity tag, so the handler compares them with the tags it knows.

use http::header::{IF_MATCH, IF_NONE_MATCH};
use http::{HeaderMap, HeaderName, HeaderValue};

use super::accept::Accepted;
use super::suffix::{Coding, decode};
use crate::header::split_list;

/// What the way out needs to know about the request: the `If-None-Match` lines as the client
/// sent them, when they had to be rewritten (to answer a 304 with the tag the client holds).
#[derive(Debug, Default)]
pub(crate) struct Received {
    if_none_match: Option<(Vec<HeaderValue>, Accepted)>,
}

impl Received {
    /// The coding of the first `If-None-Match` member, as sent, whose identity tag is
    /// `current`: the copy the client holds. Identity when none was rewritten.
    pub(crate) fn held_coding(&self, current: &[u8]) -> Coding {
        let Some((lines, accepted)) = &self.if_none_match else {
            return Coding::Identity;
        };
        lines
            .iter()
            .flat_map(|line| split_list(line.as_bytes()))
            .find_map(|member| {
                let (identity, coding) =
                    match coded_member(member, |coding| accepted.accepts(coding)) {
                        Some(coded) => coded,
                        None => (opaque_of(member)?, Coding::Identity),
                    };
                (identity == current).then_some(coding)
            })
            .unwrap_or(Coding::Identity)
    }
}

/// Rewrites the request's tag lists in place. Allocates nothing when no member carries a
/// suffix to strip.
/// `read` says whether the request is a GET or HEAD.
pub(crate) fn rewrite(read: bool, headers: &mut HeaderMap) -> Received {
    // Any coding's tag of the current state satisfies `If-Match`: the state is what a write
    // depends on, not the bytes the client happened to receive.
    rewrite_field(headers, &IF_MATCH, |_| true);
    // On a read, `If-None-Match` names copies the client holds; one counts only in a coding
    // this request accepts, since a 304 tells the client to use that copy. On a write it is
    // about the state again.
    let accepted = Accepted::from_headers(headers);
    let original = rewrite_field(headers, &IF_NONE_MATCH, |coding| {
        !read || accepted.accepts(coding)
    });
    Received {
        if_none_match: original.map(|lines| (lines, accepted)),
    }
}

/// Rewrites every line of `name` if any member carries a suffix `strip` accepts, returning the
/// lines as they were; `None` (and no allocation) when nothing needed rewriting.
fn rewrite_field(
    headers: &mut HeaderMap,
    name: &HeaderName,
    strip: impl Fn(Coding) -> bool + Copy,
) -> Option<Vec<HeaderValue>> {
    let needed = headers.get_all(name).iter().any(|line| {
        split_list(line.as_bytes()).any(|member| coded_member(member, strip).is_some())
    });
    if !needed {
        return None;
    }
    let original: Vec<HeaderValue> = headers.get_all(name).iter().cloned().collect();
    headers.remove(name);
    for line in &original {
        headers.append(name.clone(), rewrite_line(line, strip));
    }
    Some(original)
}

/// One line with its coded members replaced by their identity tags. The bytes come from a valid
/// line, so they form a valid one; were that ever not so, the line is kept as sent, which can
/// only make a precondition fail, never pass.
fn rewrite_line(line: &HeaderValue, strip: impl Fn(Coding) -> bool) -> HeaderValue {
    let mut bytes = Vec::with_capacity(line.len());
    for (index, member) in split_list(line.as_bytes()).enumerate() {
        if index > 0 {
            bytes.extend_from_slice(b", ");
        }
        match coded_member(member, &strip) {
            Some((identity, _)) => {
                bytes.push(b'"');
                bytes.extend_from_slice(identity);
                bytes.push(b'"');
            }
            None => bytes.extend_from_slice(member),
        }
    }
    HeaderValue::from_bytes(&bytes).unwrap_or_else(|_| line.clone())
}

/// A strong member `"…<suffix>"` whose coding `strip` accepts: its identity opaque part and
/// coding. Weak members are never rewritten: this layer never suffixes a weak tag.
fn coded_member(member: &[u8], strip: impl Fn(Coding) -> bool) -> Option<(&[u8], Coding)> {
    let opaque = member.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    decode(opaque).filter(|&(_, coding)| strip(coding))
}

/// The opaque part of a member, strong or weak (`If-None-Match` compares weakly).
fn opaque_of(member: &[u8]) -> Option<&[u8]> {
    let quoted = member.strip_prefix(b"W/").unwrap_or(member);
    quoted.strip_prefix(b"\"")?.strip_suffix(b"\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::ACCEPT_ENCODING;

    fn headers(pairs: &[(HeaderName, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(name.clone(), HeaderValue::from_static(value));
        }
        headers
    }

    fn lines(headers: &HeaderMap, name: &HeaderName) -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .map(|value| value.to_str().expect("ASCII").to_owned())
            .collect()
    }

    #[test]
    fn if_match_members_of_every_coding_become_identity_tags() {
        let mut map = headers(&[
            (IF_MATCH, "\"7.gz\", W/\"7.br\""),
            (IF_MATCH, "\"a,b.zst\" ,, \"8.lz\""),
        ]);
        rewrite(false, &mut map);
        assert_eq!(
            lines(&map, &IF_MATCH),
            ["\"7\", W/\"7.br\"", "\"a,b\", \"8.lz\""]
        );
    }

    #[test]
    fn untouched_lists_are_left_as_sent() {
        let mut map = headers(&[(IF_MATCH, "\"7-gzip\",,"), (IF_NONE_MATCH, "*")]);
        let received = rewrite(false, &mut map);
        assert_eq!(lines(&map, &IF_MATCH), ["\"7-gzip\",,"]);
        assert_eq!(lines(&map, &IF_NONE_MATCH), ["*"]);
        assert!(received.if_none_match.is_none());
    }

    #[test]
    fn a_read_strips_only_codings_it_accepts() {
        let mut map = headers(&[
            (IF_NONE_MATCH, "\"7.br\", \"7.gz\""),
            (ACCEPT_ENCODING, "gzip"),
        ]);
        let received = rewrite(true, &mut map);
        assert_eq!(lines(&map, &IF_NONE_MATCH), ["\"7.br\", \"7\""]);
        assert_eq!(received.held_coding(b"7"), Coding::Gzip);

        let mut map = headers(&[(IF_NONE_MATCH, "\"7.br\""), (ACCEPT_ENCODING, "gzip")]);
        rewrite(false, &mut map);
        assert_eq!(
            lines(&map, &IF_NONE_MATCH),
            ["\"7\""],
            "a write is about the state"
        );
    }

    #[test]
    fn the_held_coding_is_the_first_member_of_the_current_state() {
        let mut map = headers(&[(IF_NONE_MATCH, "\"6.gz\", W/\"7\", \"7.br\"")]);
        let received = rewrite(true, &mut map);
        assert_eq!(received.held_coding(b"7"), Coding::Identity);
        assert_eq!(received.held_coding(b"6"), Coding::Gzip);
        assert_eq!(received.held_coding(b"5"), Coding::Identity);

        let mut map = headers(&[(IF_NONE_MATCH, "\"6.gz\", \"7.br\"")]);
        let received = rewrite(true, &mut map);
        assert_eq!(received.held_coding(b"7"), Coding::Brotli);
    }
}
