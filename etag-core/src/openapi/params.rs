//! The conditional request headers of one handler, as `IntoParams`.

use std::marker::PhantomData;

use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterIn};

use super::headers;
use crate::IntoConditionalResponse;

/// The conditional request headers a handler returning `R` reads, as utoipa parameters.
///
/// `#[conditional]` adds it to the handler's `#[utoipa::path(params(…))]`; it can also be listed
/// by hand for a handler that evaluates [`Preconditions`](crate::Preconditions) itself:
/// `params(ConditionalParams<Result<Written<Order>, ApiError>, true>)`.
///
/// - A read (`R` is the resource, a [`Tagged`](crate::Tagged) one, or a `Result` of either):
///   `If-None-Match` and `If-Modified-Since`.
/// - A write (`R` is a [`Written`](crate::Written), or a `Result` of one): `If-Match`,
///   `If-Unmodified-Since` and `If-None-Match`. With `REQUIRE` (`#[conditional(require)]`) the
///   `If-Match` description says a precondition is required; the parameter is still optional,
///   since `If-None-Match: *` or `If-Unmodified-Since` satisfy `require` as well, and OpenAPI
///   cannot state "one of these".
///
/// Every header is documented with the syntax the parser accepts.
pub struct ConditionalParams<R, const REQUIRE: bool>(PhantomData<fn() -> R>);

impl<R: IntoConditionalResponse, const REQUIRE: bool> IntoParams for ConditionalParams<R, REQUIRE> {
    fn into_params(_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        // Headers are always `in: header`, whatever the caller's default location.
        if R::PROVES_A_WRITE {
            vec![
                headers::if_match(REQUIRE),
                headers::if_unmodified_since(),
                headers::if_none_match_write(),
            ]
        } else {
            vec![headers::if_none_match_read(), headers::if_modified_since()]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NoContent, Versioned, Written};
    use utoipa::openapi::Required;

    struct Doc;
    impl Versioned for Doc {
        fn etag(&self) -> crate::EntityTag {
            crate::EntityTag::from_version(1_u64)
        }
    }
    impl serde::Serialize for Doc {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_unit()
        }
    }

    fn names_and_required<R: IntoConditionalResponse, const Q: bool>() -> Vec<(String, bool)> {
        ConditionalParams::<R, Q>::into_params(|| None)
            .into_iter()
            .map(|p| {
                assert!(
                    p.parameter_in == ParameterIn::Header,
                    "{} is a header",
                    p.name
                );
                (p.name, p.required == Required::True)
            })
            .collect()
    }

    #[test]
    fn a_read_documents_the_revalidation_headers() {
        let expected = vec![
            ("If-None-Match".to_owned(), false),
            ("If-Modified-Since".to_owned(), false),
        ];
        assert_eq!(names_and_required::<Doc, false>(), expected);
        assert_eq!(
            names_and_required::<Result<crate::Tagged<Doc>, ()>, false>(),
            expected
        );
    }

    #[test]
    fn a_write_documents_if_match_and_says_when_a_precondition_is_required() {
        let names = |_required: bool| {
            vec![
                ("If-Match".to_owned(), false),
                ("If-Unmodified-Since".to_owned(), false),
                ("If-None-Match".to_owned(), false),
            ]
        };
        assert_eq!(names_and_required::<Written<Doc>, false>(), names(false));
        assert_eq!(
            names_and_required::<Result<Written<Doc>, ()>, true>(),
            names(true)
        );
        assert_eq!(
            names_and_required::<Written<NoContent>, true>(),
            names(true)
        );
    }
}
