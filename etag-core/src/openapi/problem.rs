//! The schema of [`ProblemDetails`], the body of every 4xx the library answers.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::ProblemDetails;

impl PartialSchema for ProblemDetails {
    fn schema() -> RefOr<Schema> {
        let string = |description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(description))
        };
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "An RFC 9457 problem details object (`application/problem+json`).",
            ))
            .property(
                "type",
                string("A URI reference identifying the problem type; `about:blank` means the status says it all."),
            )
            .property("title", string("The reason phrase of the status."))
            .property(
                "status",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(100))
                    .maximum(Some(599))
                    .description(Some("The HTTP status code.")),
            )
            .property(
                "detail",
                string("What went wrong in this occurrence, and what the client should do."),
            )
            .property(
                "header",
                string("The request header at fault, when there is one (`If-Match`)."),
            )
            .required("type")
            .required("title")
            .required("status")
            .required("detail")
            .into()
    }
}

impl ToSchema for ProblemDetails {
    fn name() -> std::borrow::Cow<'static, str> {
        "ProblemDetails".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode;

    #[test]
    fn the_schema_lists_every_member_the_body_has() {
        let schema = serde_json::to_value(ProblemDetails::schema()).expect("serializes");
        let body = serde_json::to_value(
            ProblemDetails::new(StatusCode::PRECONDITION_FAILED, "stale")
                .for_header(&http::header::IF_MATCH),
        )
        .expect("serializes");
        let members = body.as_object().expect("an object");
        let properties = schema["properties"].as_object().expect("properties");
        let mut listed: Vec<&String> = properties.keys().collect();
        let mut sent: Vec<&String> = members.keys().collect();
        listed.sort();
        sent.sort();
        assert_eq!(
            listed, sent,
            "the schema and the body have the same members"
        );
        let required = schema["required"].as_array().expect("required");
        assert_eq!(required.len(), 4, "all but the optional `header`");
        assert!(!required.contains(&serde_json::json!("header")));
    }
}
