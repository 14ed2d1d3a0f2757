//! The conditional header fields as OpenAPI objects: request parameters and response headers,
//! each with the syntax the parser accepts, so a client (or a fuzzer) generating from the
//! document sends values the server can read.

use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{Header, HeaderBuilder, ObjectBuilder, Required, Type};

/// An entity tag list, or `*` (RFC 9110 §8.8.3, §13.1.1): `"a"`, `W/"b", "c"`.
const TAG_LIST: &str = r#"^\s*(\*|(W/)?"[\x21\x23-\x7E]*"(\s*,\s*(W/)?"[\x21\x23-\x7E]*")*)\s*$"#;

/// An IMF-fixdate (RFC 9110 §5.6.7), the date form servers send: `Sun, 06 Nov 1994 08:49:37 GMT`.
const HTTP_DATE: &str = r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$";

/// One entity tag, as `ETag` carries it.
const ONE_TAG: &str = r#"^(W/)?"[\x21\x23-\x7E]*"$"#;

fn string_with(pattern: &str, example: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .examples([example])
}

fn header_parameter(
    name: &str,
    required: bool,
    pattern: &str,
    example: &str,
    description: &str,
) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(if required {
            Required::True
        } else {
            Required::False
        })
        .description(Some(description))
        .schema(Some(string_with(pattern, example)))
        .build()
}

/// `If-Match`, on a write.
pub(super) fn if_match(required: bool) -> Parameter {
    let description = if required {
        "The entity tag of the representation this write replaces (from its `ETag`), or `*` for \
         any current one. A stale tag is answered 412. This write needs a precondition: without \
         `If-Match`, send `If-None-Match: *` to create or `If-Unmodified-Since`, or be answered 428."
    } else {
        "The entity tag of the representation this write replaces (from its `ETag`), or `*` for \
         any current one. A stale tag is answered 412; a malformed one 400."
    };
    header_parameter("If-Match", required, TAG_LIST, r#""7""#, description)
}

/// `If-Unmodified-Since`, on a write.
pub(super) fn if_unmodified_since() -> Parameter {
    header_parameter(
        "If-Unmodified-Since",
        false,
        HTTP_DATE,
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "The `Last-Modified` date of the representation this write replaces: 412 when it changed \
         since. Ignored when `If-Match` is sent, when the date is invalid, or when the resource \
         has no date.",
    )
}

/// `If-None-Match`, on a write.
pub(super) fn if_none_match_write() -> Parameter {
    header_parameter(
        "If-None-Match",
        false,
        TAG_LIST,
        "*",
        "`*` to create only: the write is answered 412 when the resource already exists. A list \
         of tags fails (412) when the current representation has one of them.",
    )
}

/// `If-None-Match`, on a read.
pub(super) fn if_none_match_read() -> Parameter {
    header_parameter(
        "If-None-Match",
        false,
        TAG_LIST,
        r#""7""#,
        "The entity tags of the representations the client holds: 304 Not Modified, without a \
         body, when the current one has one of them (weak comparison).",
    )
}

/// `If-Modified-Since`, on a read.
pub(super) fn if_modified_since() -> Parameter {
    header_parameter(
        "If-Modified-Since",
        false,
        HTTP_DATE,
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "304 Not Modified when the resource has not changed since this date. Ignored when \
         `If-None-Match` is sent, when the date is invalid, or when the resource has no date.",
    )
}

/// The `ETag` response header.
pub(super) fn etag() -> Header {
    HeaderBuilder::new()
        .schema(string_with(ONE_TAG, r#""7""#))
        .description(Some(
            "The entity tag of this representation: send it in `If-None-Match` to revalidate and \
             in `If-Match` to write.",
        ))
        .build()
}

/// The `Last-Modified` response header.
pub(super) fn last_modified() -> Header {
    HeaderBuilder::new()
        .schema(string_with(HTTP_DATE, "Sun, 06 Nov 1994 08:49:37 GMT"))
        .description(Some(
            "When the resource last changed, for resources that keep a date: send it in \
             `If-Modified-Since` / `If-Unmodified-Since`.",
        ))
        .build()
}
