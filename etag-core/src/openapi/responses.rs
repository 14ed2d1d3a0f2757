//! The answers `#[conditional]` makes itself (304, 400, 412, 428), as `IntoResponses`.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, RefOr};
use utoipa::{IntoResponses, PartialSchema};

use super::headers;
use crate::{IntoConditionalResponse, PROBLEM_JSON, ProblemDetails};

/// The responses the conditional handling of a handler returning `R` can give, as utoipa
/// responses.
///
/// `#[conditional]` adds it to the handler's `#[utoipa::path(responses(…))]`.
///
/// - A read: 304 Not Modified, without a body, with `ETag` and `Last-Modified`.
/// - A write: 400 (a malformed `If-Match` / `If-None-Match`), 412 (a precondition failed) and,
///   when `REQUIRE` is (`#[conditional(require)]`), 428 (no precondition), each with an
///   `application/problem+json` [`ProblemDetails`] body. The schema is inlined, so the document
///   is valid without registering a component.
pub struct ConditionalResponses<R, const REQUIRE: bool>(PhantomData<fn() -> R>);

impl<R: IntoConditionalResponse, const REQUIRE: bool> IntoResponses
    for ConditionalResponses<R, REQUIRE>
{
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut responses = BTreeMap::new();
        if R::PROVES_A_WRITE {
            responses.insert(
                "400".to_owned(),
                problem(
                    "A conditional header is malformed: the `header` member names it. A write \
                     never ignores a malformed `If-Match`, which would switch off its guard.",
                ),
            );
            responses.insert(
                "412".to_owned(),
                problem(
                    "A precondition failed: the resource changed since the client read it (or \
                     exists, for `If-None-Match: *`). GET it again, reapply the change, retry.",
                ),
            );
            if REQUIRE {
                responses.insert(
                    "428".to_owned(),
                    problem(
                        "The write carried no precondition: send `If-Match` with the tag you \
                         read, or `If-None-Match: *` to create.",
                    ),
                );
            }
        } else {
            let not_modified = ResponseBuilder::new()
                .description(
                    "Not Modified: the client's copy is current (`If-None-Match` or \
                     `If-Modified-Since`). No body.",
                )
                .header("ETag", headers::etag())
                .header("Last-Modified", headers::last_modified())
                .build();
            responses.insert("304".to_owned(), RefOr::T(not_modified));
        }
        responses
    }
}

fn problem(description: &str) -> RefOr<Response> {
    let content = ContentBuilder::new()
        .schema(Some(ProblemDetails::schema()))
        .build();
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(PROBLEM_JSON, content)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EntityTag, NoContent, Tagged, Versioned, Written};

    struct Doc;
    impl Versioned for Doc {
        fn etag(&self) -> EntityTag {
            EntityTag::from_version(1_u64)
        }
    }
    impl serde::Serialize for Doc {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_unit()
        }
    }

    fn statuses<R: IntoConditionalResponse, const Q: bool>() -> Vec<String> {
        ConditionalResponses::<R, Q>::responses()
            .into_keys()
            .collect()
    }

    #[test]
    fn a_read_documents_its_304_with_the_validators() {
        assert_eq!(statuses::<Result<Doc, ()>, false>(), ["304"]);
        assert_eq!(statuses::<Tagged<Doc>, false>(), ["304"]);
        let json = serde_json::to_value(ConditionalResponses::<Doc, false>::responses())
            .expect("serializes");
        assert!(json["304"]["headers"]["ETag"].is_object());
        assert!(json["304"]["headers"]["Last-Modified"].is_object());
        assert!(json["304"].get("content").is_none(), "a 304 has no body");
    }

    #[test]
    fn a_write_documents_428_only_with_require() {
        assert_eq!(statuses::<Written<Doc>, false>(), ["400", "412"]);
        assert_eq!(
            statuses::<Result<Written<NoContent>, ()>, true>(),
            ["400", "412", "428"]
        );
        let json = serde_json::to_value(ConditionalResponses::<Written<Doc>, true>::responses())
            .expect("serializes");
        let schema = &json["412"]["content"][PROBLEM_JSON]["schema"];
        assert_eq!(schema["properties"]["status"]["type"], "integer");
    }
}
