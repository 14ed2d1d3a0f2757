//! Which methods preconditions apply to, and which are reads (RFC 9110 §13.2.1).

use http::Method;

/// OPTIONS, CONNECT and TRACE ignore preconditions (RFC 9110 §13.2.1).
pub(crate) fn ignores_preconditions(method: &Method) -> bool {
    matches!(*method, Method::OPTIONS | Method::CONNECT | Method::TRACE)
}

/// GET and HEAD: the methods a failed `If-None-Match` / `If-Modified-Since` answers with 304.
pub(crate) fn is_get_or_head(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD)
}
