//! Which content codings a request's `Accept-Encoding` accepts (RFC 9110 §12.5.3), to know which
//! coded tags in its `If-None-Match` name a representation this request could be answered with.

use http::HeaderMap;
use http::header::ACCEPT_ENCODING;

use super::suffix::Coding;
use crate::header::{split_list, trim_ows};

/// The codings a request accepts, read from every `Accept-Encoding` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Accepted {
    /// No `Accept-Encoding` at all: any coding is acceptable (RFC 9110 §12.5.3).
    any: bool,
    gzip: Option<bool>,
    brotli: Option<bool>,
    zstd: Option<bool>,
    deflate: Option<bool>,
    /// What `*` says about codings not listed by name.
    wildcard: Option<bool>,
}

impl Accepted {
    /// Reads the request's `Accept-Encoding` lines.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        let mut accepted = Self {
            any: true,
            gzip: None,
            brotli: None,
            zstd: None,
            deflate: None,
            wildcard: None,
        };
        for line in headers.get_all(ACCEPT_ENCODING) {
            accepted.any = false;
            for element in split_list(line.as_bytes()) {
                let mut parts = element.split(|&byte| byte == b';');
                let token = trim_ows(parts.next().unwrap_or_default());
                let acceptable = parts.all(|param| !is_zero_quality(param));
                if token == b"*" {
                    accepted.wildcard = Some(acceptable);
                    continue;
                }
                let slot = match Coding::from_token(token) {
                    Some(Coding::Gzip) => &mut accepted.gzip,
                    Some(Coding::Brotli) => &mut accepted.brotli,
                    Some(Coding::Zstd) => &mut accepted.zstd,
                    Some(Coding::Deflate) => &mut accepted.deflate,
                    Some(Coding::Identity) | None => continue,
                };
                // A coding named twice is acceptable if either element accepts it.
                *slot = Some(slot.unwrap_or(false) || acceptable);
            }
        }
        accepted
    }

    /// Whether a response in `coding` is acceptable. Identity always is here: a client that
    /// refuses it (`identity;q=0`) would not hold an identity copy to revalidate.
    pub(crate) fn accepts(&self, coding: Coding) -> bool {
        let named = match coding {
            Coding::Identity => return true,
            Coding::Gzip => self.gzip,
            Coding::Brotli => self.brotli,
            Coding::Zstd => self.zstd,
            Coding::Deflate => self.deflate,
        };
        self.any || named.or(self.wildcard).unwrap_or(false)
    }
}

/// `q=0` (`0`, `0.`, `0.000`): the weight that makes a coding "not acceptable" (RFC 9110 §12.4.2).
fn is_zero_quality(param: &[u8]) -> bool {
    let param = trim_ows(param);
    let Some((name, value)) = param.split_first_chunk::<2>() else {
        return false;
    };
    name.eq_ignore_ascii_case(b"q=")
        && value.first() == Some(&b'0')
        && value[1..].iter().all(|&byte| byte == b'.' || byte == b'0')
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn accepted(lines: &[&'static str]) -> Accepted {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append(ACCEPT_ENCODING, HeaderValue::from_static(line));
        }
        Accepted::from_headers(&headers)
    }

    #[test]
    fn without_the_header_everything_is_acceptable() {
        let all = accepted(&[]);
        assert!(all.accepts(Coding::Gzip) && all.accepts(Coding::Zstd));
    }

    #[test]
    fn named_codings_and_weights() {
        let some = accepted(&["gzip;q=0.5, BR", "zstd;q=0"]);
        assert!(some.accepts(Coding::Gzip));
        assert!(some.accepts(Coding::Brotli));
        assert!(!some.accepts(Coding::Zstd));
        assert!(!some.accepts(Coding::Deflate));
        assert!(some.accepts(Coding::Identity));
    }

    #[test]
    fn the_wildcard_covers_codings_not_named() {
        let star = accepted(&["*, gzip;q=0.000"]);
        assert!(star.accepts(Coding::Brotli));
        assert!(!star.accepts(Coding::Gzip));
        assert!(!accepted(&["*;q=0"]).accepts(Coding::Brotli));
        assert!(accepted(&["x-gzip ; q=1"]).accepts(Coding::Gzip));
    }

    #[test]
    fn only_a_zero_weight_refuses() {
        assert!(is_zero_quality(b"q=0"));
        assert!(is_zero_quality(b" Q=0.00"));
        assert!(!is_zero_quality(b"q=0.001"));
        assert!(!is_zero_quality(b"q=1"));
        assert!(!is_zero_quality(b"level=0"));
        assert!(!is_zero_quality(b"q="));
    }
}
