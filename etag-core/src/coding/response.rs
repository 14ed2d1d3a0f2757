//! The way out: a strong `ETag` becomes the tag of the coding the body was sent in, and a
//! response with validators says that it varies with `Accept-Encoding`.

use http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, ETAG, VARY};
use http::{HeaderMap, HeaderValue, StatusCode};

use super::request::Received;
use super::suffix::{Coding, encode};
use crate::header::{split_list, trim_ows};

/// Relabels the response's `ETag` for its content coding and makes `Vary` name
/// `Accept-Encoding`.
pub(crate) fn relabel(status: StatusCode, headers: &mut HeaderMap, received: &Received) {
    if !headers.contains_key(ETAG) {
        return;
    }
    // The coding decides the bytes, so every tagged response varies with it, 304s included
    // (RFC 9110 §15.4.5: a 304 carries the Vary its 200 would have). tower-http only adds it
    // to the responses it compresses.
    add_vary(headers);
    let Some(etag) = headers.get(ETAG) else {
        return;
    };
    let Some(identity) = strong_opaque(etag.as_bytes()) else {
        // Weak tags may be shared by every coding of a representation (RFC 9110 §8.8.1).
        return;
    };
    let relabelled = if status == StatusCode::NOT_MODIFIED {
        // A 304 has no body to tell the coding; it confirms the copy the client holds.
        coded_tag(identity, received.held_coding(identity))
    } else {
        match headers.get(CONTENT_ENCODING) {
            None => coded_tag(identity, Coding::Identity),
            Some(value) => match Coding::from_content_encoding(value.as_bytes()) {
                Some(coding) => coded_tag(identity, coding),
                // A coding without a suffix of ours may not keep the strong tag: weaken it,
                // as a compressing proxy does.
                None => Some(weak_tag(identity)),
            },
        }
    };
    if let Some(value) = relabelled.and_then(|bytes| HeaderValue::from_bytes(&bytes).ok()) {
        headers.insert(ETAG, value);
    }
}

/// `"X"` → `X`; `None` for a weak or malformed tag.
fn strong_opaque(etag: &[u8]) -> Option<&[u8]> {
    etag.strip_prefix(b"\"")?.strip_suffix(b"\"")
}

/// The quoted tag for `coding`, or `None` when the identity tag stays as it is.
fn coded_tag(identity: &[u8], coding: Coding) -> Option<Vec<u8>> {
    let opaque = encode(identity, coding)?;
    let mut tag = Vec::with_capacity(opaque.len() + 2);
    tag.push(b'"');
    tag.extend_from_slice(&opaque);
    tag.push(b'"');
    Some(tag)
}

fn weak_tag(identity: &[u8]) -> Vec<u8> {
    [&b"W/\""[..], identity, b"\""].concat()
}

/// Appends `Vary: Accept-Encoding` unless a `Vary` line already names it (or `*`).
fn add_vary(headers: &mut HeaderMap) {
    let named = headers.get_all(VARY).iter().any(|line| {
        split_list(line.as_bytes()).any(|name| {
            let name = trim_ows(name);
            name == b"*" || name.eq_ignore_ascii_case(ACCEPT_ENCODING.as_str().as_bytes())
        })
    });
    if !named {
        headers.append(VARY, HeaderValue::from_static("accept-encoding"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relabelled(status: StatusCode, pairs: &[(http::HeaderName, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(name.clone(), HeaderValue::from_static(value));
        }
        relabel(status, &mut headers, &Received::default());
        headers
    }

    #[test]
    fn each_coding_gets_its_own_strong_tag() {
        for (coding, tag) in [
            ("gzip", "\"3.gz\""),
            ("br", "\"3.br\""),
            ("zstd", "\"3.zst\""),
        ] {
            let headers = relabelled(
                StatusCode::OK,
                &[(ETAG, "\"3\""), (CONTENT_ENCODING, coding)],
            );
            assert_eq!(headers[ETAG], tag);
            assert_eq!(headers[VARY], "accept-encoding");
        }
    }

    #[test]
    fn weak_tags_and_identity_bodies_keep_their_tag() {
        let headers = relabelled(
            StatusCode::OK,
            &[(ETAG, "W/\"3\""), (CONTENT_ENCODING, "gzip")],
        );
        assert_eq!(headers[ETAG], "W/\"3\"");
        let headers = relabelled(StatusCode::OK, &[(ETAG, "\"3\"")]);
        assert_eq!(headers[ETAG], "\"3\"");
        assert_eq!(headers[VARY], "accept-encoding");
    }

    #[test]
    fn an_identity_tag_that_looks_coded_is_escaped() {
        let headers = relabelled(StatusCode::OK, &[(ETAG, "\"v.gz\"")]);
        assert_eq!(headers[ETAG], "\"v.gz.id\"");
    }

    #[test]
    fn an_unknown_coding_weakens_the_tag() {
        let headers = relabelled(
            StatusCode::OK,
            &[(ETAG, "\"3\""), (CONTENT_ENCODING, "compress")],
        );
        assert_eq!(headers[ETAG], "W/\"3\"");
    }

    #[test]
    fn vary_is_added_once() {
        let headers = relabelled(
            StatusCode::OK,
            &[(ETAG, "\"3\""), (VARY, "Origin, Accept-Encoding")],
        );
        assert_eq!(headers.get_all(VARY).iter().count(), 1);
        let headers = relabelled(StatusCode::OK, &[(ETAG, "\"3\""), (VARY, "origin")]);
        assert_eq!(headers.get_all(VARY).iter().count(), 2);
        let headers = relabelled(StatusCode::OK, &[(VARY, "origin")]);
        assert_eq!(
            headers.get_all(VARY).iter().count(),
            1,
            "untagged: left alone"
        );
    }
}
