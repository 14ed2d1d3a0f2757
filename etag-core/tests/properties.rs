//! Properties that must hold for every input: tags round-trip, parsers never panic, evaluation
//! never panics and agrees with the comparison functions.

use std::time::{Duration, SystemTime};

use etag_core::{EntityTag, IfMatch, IfNoneMatch, Preconditions, ResourceState, TagCondition};
use http::header::{IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, IF_UNMODIFIED_SINCE};
use http::{HeaderMap, HeaderValue, Method};
use proptest::prelude::*;

/// Any byte allowed inside an entity tag: `%x21 / %x23-7E / %x80-FF`.
fn etagc() -> impl Strategy<Value = u8> {
    prop_oneof![Just(0x21_u8), 0x23_u8..=0x7e, 0x80_u8..=0xff]
}

fn any_tag() -> impl Strategy<Value = EntityTag> {
    (any::<bool>(), prop::collection::vec(etagc(), 0..24)).prop_map(|(weak, opaque)| {
        let tag = EntityTag::strong(opaque).expect("generated from etagc");
        if weak { tag.into_weak() } else { tag }
    })
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::GET),
        Just(Method::HEAD),
        Just(Method::PUT),
        Just(Method::POST),
        Just(Method::PATCH),
        Just(Method::DELETE),
        Just(Method::OPTIONS),
    ]
}

fn state() -> impl Strategy<Value = ResourceState> {
    prop_oneof![
        Just(ResourceState::Missing),
        (any_tag(), prop::option::of(0_u64..4_000_000_000)).prop_map(|(tag, secs)| {
            ResourceState::present(
                tag,
                secs.map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s)),
            )
        }),
    ]
}

/// Arbitrary bytes; those `HeaderValue::from_bytes` rejects are dropped by the test.
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..40)
}

proptest! {
    #[test]
    fn wire_form_round_trips(tag in any_tag()) {
        let value = tag.to_header_value();
        prop_assert_eq!(EntityTag::parse(value.as_bytes()), Ok(tag.clone()));
        prop_assert_eq!(EntityTag::try_from(&value), Ok(tag));
    }

    #[test]
    fn display_round_trips_for_utf8_tags(weak: bool, opaque in "[!#-~]{0,20}") {
        let tag = if weak { EntityTag::weak(&opaque) } else { EntityTag::strong(&opaque) }
            .expect("visible ASCII without quote is etagc");
        prop_assert_eq!(tag.to_string().parse::<EntityTag>(), Ok(tag));
    }

    #[test]
    fn parse_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        // Either a tag whose wire form is the input, or an error.
        if let Ok(tag) = EntityTag::parse(&bytes) {
            let printed = tag.to_header_value();
            prop_assert_eq!(printed.as_bytes(), &bytes[..]);
        }
    }

    #[test]
    fn lists_of_valid_tags_parse_back_in_order(
        tags in prop::collection::vec(any_tag(), 1..6),
        separators in prop::collection::vec("[ \t]{0,2},[ \t,]{0,3}", 6),
    ) {
        let mut line = Vec::new();
        for (index, tag) in tags.iter().enumerate() {
            if index > 0 {
                line.extend_from_slice(separators[index].as_bytes());
            }
            line.extend_from_slice(tag.to_header_value().as_bytes());
        }
        let mut headers = HeaderMap::new();
        headers.insert(IF_MATCH, HeaderValue::from_bytes(&line).expect("valid header bytes"));
        let parsed = IfMatch::from_headers(&headers).expect("valid list").expect("present");
        prop_assert_eq!(parsed.condition(), &TagCondition::Tags(tags));
    }

    #[test]
    fn header_parsing_and_evaluation_never_panic(
        method in method(),
        if_match in prop::option::of(header_bytes()),
        if_none_match in prop::option::of(header_bytes()),
        if_modified_since in prop::option::of(header_bytes()),
        if_unmodified_since in prop::option::of(header_bytes()),
        if_range in prop::option::of(header_bytes()),
        state in state(),
        required: bool,
    ) {
        let mut headers = HeaderMap::new();
        let fields = [
            (IF_MATCH, if_match),
            (IF_NONE_MATCH, if_none_match),
            (IF_MODIFIED_SINCE, if_modified_since),
            (IF_UNMODIFIED_SINCE, if_unmodified_since),
            (IF_RANGE, if_range),
        ];
        for (name, bytes) in fields {
            if let Some(value) = bytes.and_then(|b| HeaderValue::from_bytes(&b).ok()) {
                headers.append(name, value);
            }
        }
        let _ = IfMatch::from_headers(&headers);
        let _ = IfNoneMatch::from_headers(&headers);
        if let Ok(pre) = Preconditions::parse(&method, &headers) {
            let pre = if required { pre.required() } else { pre };
            let _ = pre.check_required();
            let _ = pre.evaluate(&state);
            let _ = pre.range_applies(&state);
        }
    }

    #[test]
    fn if_match_agrees_with_strong_comparison(sent in any_tag(), current in any_tag()) {
        let mut headers = HeaderMap::new();
        headers.insert(IF_MATCH, sent.to_header_value());
        let pre = Preconditions::parse(&Method::PUT, &headers).expect("valid");
        let state = ResourceState::present(current.clone(), None);
        prop_assert_eq!(pre.evaluate(&state).is_ok(), sent.strong_eq(&current));
    }

    #[test]
    fn if_none_match_agrees_with_weak_comparison(sent in any_tag(), current in any_tag()) {
        let mut headers = HeaderMap::new();
        headers.insert(IF_NONE_MATCH, sent.to_header_value());
        let pre = Preconditions::parse(&Method::GET, &headers).expect("valid");
        let state = ResourceState::present(current.clone(), None);
        prop_assert_eq!(pre.evaluate(&state).is_err(), sent.weak_eq(&current));
    }
}
