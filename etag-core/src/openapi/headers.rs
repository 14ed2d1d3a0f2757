//! The conditional header fields as OpenAPI objects: request parameters and response headers,
//! each with the syntax the parser accepts, so a client (or a fuzzer) generating from the
//! document sends values the server can read.

use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{Header, HeaderBuilder, ObjectBuilder, Required, Type};

/// An entity tag list, or `*` (RFC 9110 §8.8.3, §13.1.1): `"a"`, `W/"b", "c"`. Written with
/// literal characters (`!`, `#-~` are the `etagc` range without `obs-text`) rather than `\x`
/// escapes or `\s`, so that every regex dialect reads it alike.
const TAG_LIST: &str = r#"^(\*|(W/)?"[!#-~]*"( *, *(W/)?"[!#-~]*")*)$"#;

/// An IMF-fixdate (RFC 9110 §5.6.7), the date form servers send: `Sun, 06 Nov 1994 08:49:37 GMT`.
const HTTP_DATE: &str = r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$";

/// One entity tag, as `ETag` carries it.
const ONE_TAG: &str = r#"^(W/)?"[!#-~]*"$"#;

fn string_with(pattern: &str, example: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .examples([example])
}

/// A header parameter. `pattern` is the syntax the parser insists on; `None` for a header whose
/// unreadable values are ignored rather than refused (then any string makes a valid request).
fn header_parameter(
    name: &str,
    required: bool,
    pattern: Option<&str>,
    example: &str,
    description: &str,
) -> Parameter {
    let schema = match pattern {
        Some(pattern) => string_with(pattern, example),
        None => ObjectBuilder::new()
            .schema_type(Type::String)
            .examples([example]),
    };
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(if required {
            Required::True
        } else {
            Required::False
        })
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

/// `If-Match`, on a write; `required` when the handler answers 428 without a precondition.
pub(super) fn if_match(required: bool) -> Parameter {
    let description = if required {
        "The entity tag of the representation this write replaces (from its `ETag`), or `*` for \
         any current one. A stale tag is answered 412. This write needs a precondition: without \
         `If-Match`, send `If-None-Match: *` to create or `If-Unmodified-Since`, or be answered 428."
    } else {
        "The entity tag of the representation this write replaces (from its `ETag`), or `*` for \
         any current one. A stale tag is answered 412; a malformed one 400."
    };
    // Never `required: true`, even with `require`: `If-None-Match: *` (a create) and
    // `If-Unmodified-Since` satisfy `require` too, and OpenAPI cannot say "one of these three".
    // The description and the documented 428 say that one is needed.
    header_parameter("If-Match", false, Some(TAG_LIST), r#""7""#, description)
}

/// `If-Unmodified-Since`, on a write.
pub(super) fn if_unmodified_since() -> Parameter {
    header_parameter(
        "If-Unmodified-Since",
        false,
        None,
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
        Some(TAG_LIST),
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
        None,
        r#""7""#,
        "The entity tags of the representations the client holds: 304 Not Modified, without a \
         body, when the current one has one of them (weak comparison). Members that are not \
         entity tags are skipped.",
    )
}

/// `If-Modified-Since`, on a read.
pub(super) fn if_modified_since() -> Parameter {
    header_parameter(
        "If-Modified-Since",
        false,
        None,
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
