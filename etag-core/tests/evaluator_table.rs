//! The precondition evaluator against every rule of RFC 9110 §13 (and RFC 6585 §3 for 428) that
//! a service relies on, one row per case, each naming the section it checks.

use std::time::{Duration, SystemTime};

use etag_core::{
    Checked, EntityTag, FailureContext, PreconditionError, Preconditions, ResourceState,
};
use http::header::{HeaderName, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_UNMODIFIED_SINCE};
use http::{HeaderMap, HeaderValue, Method};

/// What the server does with the request.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Proceed,
    NotModified,
    Failed(HeaderName),
    Required,
    Malformed(HeaderName),
}
use Outcome::*;

/// The resource's state in a row.
#[derive(Clone, Copy)]
enum State {
    /// Strong tag "abc", modified at `MODIFIED` (which has a sub-second part).
    Strong,
    /// Weak tag W/"abc", modified at `MODIFIED`.
    Weak,
    /// Strong tag "abc", no modification time.
    NoDate,
    /// Strong tag "a,bc" (a comma is a legal etagc).
    CommaTag,
    /// No current representation.
    Missing,
}

/// Sun, 06 Nov 1994 08:49:37.500 GMT.
fn modified() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(784_111_777_500)
}

impl State {
    fn resource(self) -> ResourceState {
        let tag = |text: &str| EntityTag::strong(text).expect("valid tag");
        match self {
            State::Strong => ResourceState::present(tag("abc"), Some(modified())),
            State::Weak => ResourceState::present(tag("abc").into_weak(), Some(modified())),
            State::NoDate => ResourceState::present(tag("abc"), None),
            State::CommaTag => ResourceState::present(tag("a,bc"), Some(modified())),
            State::Missing => ResourceState::Missing,
        }
    }
}

const SAME_SECOND: &str = "Sun, 06 Nov 1994 08:49:37 GMT";
const SECOND_BEFORE: &str = "Sun, 06 Nov 1994 08:49:36 GMT";
const DAY_AFTER: &str = "Mon, 07 Nov 1994 08:49:37 GMT";
const BEFORE_RFC850: &str = "Sunday, 06-Nov-94 08:49:36 GMT";
const BEFORE_ASCTIME: &str = "Sun Nov  6 08:49:36 1994";
const SAME_ASCTIME: &str = "Sun Nov  6 08:49:37 1994";

struct Row {
    section: &'static str,
    method: Method,
    headers: &'static [(HeaderName, &'static str)],
    state: State,
    required: bool,
    expected: Outcome,
}

fn row(
    section: &'static str,
    method: Method,
    headers: &'static [(HeaderName, &'static str)],
    state: State,
    expected: Outcome,
) -> Row {
    Row {
        section,
        method,
        headers,
        state,
        required: false,
        expected,
    }
}

fn required(
    section: &'static str,
    method: Method,
    headers: &'static [(HeaderName, &'static str)],
    state: State,
    expected: Outcome,
) -> Row {
    Row {
        required: true,
        ..row(section, method, headers, state, expected)
    }
}

/// What a server using the crate does: parse (400), check the requirement early (428), evaluate.
fn run(row: &Row) -> Outcome {
    let mut headers = HeaderMap::new();
    for (name, value) in row.headers {
        headers.append(
            name,
            HeaderValue::from_str(value).expect("test header value"),
        );
    }
    let pre = match Preconditions::parse(&row.method, &headers) {
        Ok(pre) if row.required => pre.required(),
        Ok(pre) => pre,
        Err(PreconditionError::Malformed(malformed)) => {
            return Malformed(malformed.header().clone());
        }
        Err(other) => panic!("parse only fails with Malformed, got {other:?}"),
    };
    let result = pre
        .check_required()
        .and_then(|()| pre.evaluate(&row.state.resource()));
    match result {
        Ok(()) => Proceed,
        Err(PreconditionError::NotModified { .. }) => NotModified,
        Err(PreconditionError::Failed { condition, .. }) => Failed(condition),
        Err(PreconditionError::Required) => Required,
        Err(PreconditionError::Malformed(malformed)) => Malformed(malformed.header().clone()),
        Err(other) => panic!("unexpected outcome {other:?}"),
    }
}

fn rows() -> Vec<Row> {
    use State::*;
    let (get, head, put, post, patch, delete) = (
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::POST,
        Method::PATCH,
        Method::DELETE,
    );
    vec![
        // If-Match: strong comparison, `*`, lists.
        row(
            "13.1.1 matching tag",
            put.clone(),
            &[(IF_MATCH, "\"abc\"")],
            Strong,
            Proceed,
        ),
        row(
            "13.1.1 stale tag",
            put.clone(),
            &[(IF_MATCH, "\"xyz\"")],
            Strong,
            Failed(IF_MATCH),
        ),
        row(
            "13.1.1 + 8.8.3.2 weak request tag never matches",
            put.clone(),
            &[(IF_MATCH, "W/\"abc\"")],
            Strong,
            Failed(IF_MATCH),
        ),
        row(
            "13.1.1 + 8.8.3.2 weak current tag never matches",
            put.clone(),
            &[(IF_MATCH, "\"abc\"")],
            Weak,
            Failed(IF_MATCH),
        ),
        row(
            "13.1.1 * on a present resource",
            put.clone(),
            &[(IF_MATCH, "*")],
            Strong,
            Proceed,
        ),
        row(
            "13.1.1 * matches a weak current tag",
            put.clone(),
            &[(IF_MATCH, "*")],
            Weak,
            Proceed,
        ),
        row(
            "13.1.1 * on a missing resource",
            put.clone(),
            &[(IF_MATCH, "*")],
            Missing,
            Failed(IF_MATCH),
        ),
        row(
            "13.1.1 tag on a missing resource",
            put.clone(),
            &[(IF_MATCH, "\"abc\"")],
            Missing,
            Failed(IF_MATCH),
        ),
        row(
            "13.1.1 any member of a list",
            put.clone(),
            &[(IF_MATCH, "\"x\", \"abc\"")],
            Strong,
            Proceed,
        ),
        row(
            "5.3 list combined over field lines",
            put.clone(),
            &[(IF_MATCH, "\"x\""), (IF_MATCH, "\"abc\"")],
            Strong,
            Proceed,
        ),
        row(
            "5.3 no line matches",
            put.clone(),
            &[(IF_MATCH, "\"x\""), (IF_MATCH, "\"y\"")],
            Strong,
            Failed(IF_MATCH),
        ),
        row(
            "5.6.3 OWS and tabs around members",
            put.clone(),
            &[(IF_MATCH, " \t\"x\"\t , \"abc\" ")],
            Strong,
            Proceed,
        ),
        row(
            "5.6.1 empty list elements accepted",
            put.clone(),
            &[(IF_MATCH, ", \"abc\",,")],
            Strong,
            Proceed,
        ),
        row(
            "8.8.3 comma inside a tag is not a separator",
            put.clone(),
            &[(IF_MATCH, "\"a,bc\"")],
            CommaTag,
            Proceed,
        ),
        row(
            "8.8.3 quoted comma does not split into \"a\"",
            put.clone(),
            &[(IF_MATCH, "\"a,bc\"")],
            Strong,
            Failed(IF_MATCH),
        ),
        row(
            "8.8.3 opaque tags are case-sensitive",
            put.clone(),
            &[(IF_MATCH, "\"ABC\"")],
            Strong,
            Failed(IF_MATCH),
        ),
        row(
            "13.1.1 applies to GET too",
            get.clone(),
            &[(IF_MATCH, "\"xyz\"")],
            Strong,
            Failed(IF_MATCH),
        ),
        row(
            "13.1.1 GET with matching tag",
            get.clone(),
            &[(IF_MATCH, "\"abc\"")],
            Strong,
            Proceed,
        ),
        row(
            "13.1.1 DELETE with matching tag",
            delete.clone(),
            &[(IF_MATCH, "\"abc\"")],
            Strong,
            Proceed,
        ),
        row(
            "13.1.1 DELETE with stale tag",
            delete.clone(),
            &[(IF_MATCH, "\"old\"")],
            Strong,
            Failed(IF_MATCH),
        ),
        row(
            "13.1.1 PATCH with stale tag",
            patch.clone(),
            &[(IF_MATCH, "\"old\"")],
            Strong,
            Failed(IF_MATCH),
        ),
        // Malformed If-Match: never ignored (policy), 400.
        row(
            "8.8.3 policy: unquoted tag",
            put.clone(),
            &[(IF_MATCH, "abc")],
            Strong,
            Malformed(IF_MATCH),
        ),
        row(
            "8.8.3 policy: malformed If-Match on GET is not ignored",
            get.clone(),
            &[(IF_MATCH, "abc")],
            Strong,
            Malformed(IF_MATCH),
        ),
        row(
            "8.8.3 W/ is case-sensitive",
            put.clone(),
            &[(IF_MATCH, "w/\"abc\"")],
            Strong,
            Malformed(IF_MATCH),
        ),
        row(
            "8.8.3 unterminated tag",
            put.clone(),
            &[(IF_MATCH, "\"abc")],
            Strong,
            Malformed(IF_MATCH),
        ),
        row(
            "13.1.1 * mixed with tags",
            put.clone(),
            &[(IF_MATCH, "*, \"abc\"")],
            Strong,
            Malformed(IF_MATCH),
        ),
        row(
            "13.1.1 * twice",
            put.clone(),
            &[(IF_MATCH, "*, *")],
            Strong,
            Malformed(IF_MATCH),
        ),
        row(
            "13.1.1 empty field value",
            put.clone(),
            &[(IF_MATCH, "")],
            Strong,
            Malformed(IF_MATCH),
        ),
        row(
            "13.1.1 list of only empty elements",
            put.clone(),
            &[(IF_MATCH, " , ,")],
            Strong,
            Malformed(IF_MATCH),
        ),
        row(
            "8.8.3 space inside a tag",
            put.clone(),
            &[(IF_MATCH, "\"a b\"")],
            Strong,
            Malformed(IF_MATCH),
        ),
        row(
            "8.8.3 text after the closing quote",
            put.clone(),
            &[(IF_MATCH, "\"abc\"x")],
            Strong,
            Malformed(IF_MATCH),
        ),
        row(
            "5.3 one bad line spoils the combined list",
            put.clone(),
            &[(IF_MATCH, "\"abc\""), (IF_MATCH, "bad")],
            Strong,
            Malformed(IF_MATCH),
        ),
        // If-Unmodified-Since.
        row(
            "13.1.4 same second as the modification time",
            put.clone(),
            &[(IF_UNMODIFIED_SINCE, SAME_SECOND)],
            Strong,
            Proceed,
        ),
        row(
            "13.1.4 modified after the date",
            put.clone(),
            &[(IF_UNMODIFIED_SINCE, SECOND_BEFORE)],
            Strong,
            Failed(IF_UNMODIFIED_SINCE),
        ),
        row(
            "13.1.4 date after the modification",
            put.clone(),
            &[(IF_UNMODIFIED_SINCE, DAY_AFTER)],
            Strong,
            Proceed,
        ),
        row(
            "13.1.4 invalid date is ignored",
            put.clone(),
            &[(IF_UNMODIFIED_SINCE, "yesterday")],
            Strong,
            Proceed,
        ),
        row(
            "13.1.4 more than one member is ignored",
            put.clone(),
            &[
                (IF_UNMODIFIED_SINCE, SECOND_BEFORE),
                (IF_UNMODIFIED_SINCE, SECOND_BEFORE),
            ],
            Strong,
            Proceed,
        ),
        row(
            "13.1.4 ignored without a modification time",
            put.clone(),
            &[(IF_UNMODIFIED_SINCE, SECOND_BEFORE)],
            NoDate,
            Proceed,
        ),
        row(
            "13.1.4 ignored on a missing resource",
            put.clone(),
            &[(IF_UNMODIFIED_SINCE, SECOND_BEFORE)],
            Missing,
            Proceed,
        ),
        row(
            "5.6.7 RFC 850 date form",
            put.clone(),
            &[(IF_UNMODIFIED_SINCE, BEFORE_RFC850)],
            Strong,
            Failed(IF_UNMODIFIED_SINCE),
        ),
        row(
            "5.6.7 asctime date form",
            put.clone(),
            &[(IF_UNMODIFIED_SINCE, BEFORE_ASCTIME)],
            Strong,
            Failed(IF_UNMODIFIED_SINCE),
        ),
        row(
            "13.2.2 If-Match overrides If-Unmodified-Since",
            put.clone(),
            &[(IF_MATCH, "\"abc\""), (IF_UNMODIFIED_SINCE, SECOND_BEFORE)],
            Strong,
            Proceed,
        ),
        row(
            "13.2.2 stale If-Match fails despite a fine date",
            put.clone(),
            &[(IF_MATCH, "\"xyz\""), (IF_UNMODIFIED_SINCE, DAY_AFTER)],
            Strong,
            Failed(IF_MATCH),
        ),
        // If-None-Match: weak comparison, `*`, 304 for GET/HEAD, 412 otherwise.
        row(
            "13.1.2 matching tag on GET",
            get.clone(),
            &[(IF_NONE_MATCH, "\"abc\"")],
            Strong,
            NotModified,
        ),
        row(
            "13.1.2 + 8.8.3.2 weak request tag matches weakly",
            get.clone(),
            &[(IF_NONE_MATCH, "W/\"abc\"")],
            Strong,
            NotModified,
        ),
        row(
            "13.1.2 + 8.8.3.2 weak current tag matches weakly",
            get.clone(),
            &[(IF_NONE_MATCH, "\"abc\"")],
            Weak,
            NotModified,
        ),
        row(
            "13.1.2 different tag on GET",
            get.clone(),
            &[(IF_NONE_MATCH, "\"xyz\"")],
            Strong,
            Proceed,
        ),
        row(
            "13.1.2 * on GET of a present resource",
            get.clone(),
            &[(IF_NONE_MATCH, "*")],
            Strong,
            NotModified,
        ),
        row(
            "13.1.2 HEAD like GET",
            head.clone(),
            &[(IF_NONE_MATCH, "\"abc\"")],
            Strong,
            NotModified,
        ),
        row(
            "5.3 If-None-Match list over two lines",
            get.clone(),
            &[(IF_NONE_MATCH, "\"x\""), (IF_NONE_MATCH, "W/\"abc\"")],
            Strong,
            NotModified,
        ),
        row(
            "13.1.2 policy: GET skips unparsable members",
            get.clone(),
            &[(IF_NONE_MATCH, "junk, \"abc\"")],
            Strong,
            NotModified,
        ),
        row(
            "13.1.2 policy: GET ignores an unusable field",
            get.clone(),
            &[(IF_NONE_MATCH, "junk")],
            Strong,
            Proceed,
        ),
        row(
            "13.1.2 policy: HEAD ignores an empty field",
            head.clone(),
            &[(IF_NONE_MATCH, "")],
            Strong,
            Proceed,
        ),
        row(
            "13.1.2 * on PUT of a present resource",
            put.clone(),
            &[(IF_NONE_MATCH, "*")],
            Strong,
            Failed(IF_NONE_MATCH),
        ),
        row(
            "13.1.2 * on PUT of a missing resource (create)",
            put.clone(),
            &[(IF_NONE_MATCH, "*")],
            Missing,
            Proceed,
        ),
        row(
            "13.1.2 tag list on a missing resource",
            put.clone(),
            &[(IF_NONE_MATCH, "\"abc\"")],
            Missing,
            Proceed,
        ),
        row(
            "13.1.2 matching tag on PUT",
            put.clone(),
            &[(IF_NONE_MATCH, "\"abc\"")],
            Strong,
            Failed(IF_NONE_MATCH),
        ),
        row(
            "13.1.2 other tag on PUT",
            put.clone(),
            &[(IF_NONE_MATCH, "\"xyz\"")],
            Strong,
            Proceed,
        ),
        row(
            "13.1.2 matching tag on DELETE",
            delete.clone(),
            &[(IF_NONE_MATCH, "W/\"abc\"")],
            Strong,
            Failed(IF_NONE_MATCH),
        ),
        row(
            "13.1.2 * on POST of a present resource",
            post.clone(),
            &[(IF_NONE_MATCH, "*")],
            Strong,
            Failed(IF_NONE_MATCH),
        ),
        row(
            "13.1.2 policy: malformed on PUT is an error",
            put.clone(),
            &[(IF_NONE_MATCH, "junk")],
            Missing,
            Malformed(IF_NONE_MATCH),
        ),
        row(
            "13.1.2 policy: * in a list on PUT",
            put.clone(),
            &[(IF_NONE_MATCH, "*, \"a\"")],
            Missing,
            Malformed(IF_NONE_MATCH),
        ),
        row(
            "13.1.2 policy: empty field on PUT",
            put.clone(),
            &[(IF_NONE_MATCH, "")],
            Missing,
            Malformed(IF_NONE_MATCH),
        ),
        // If-Modified-Since.
        row(
            "13.1.3 same second as the modification time",
            get.clone(),
            &[(IF_MODIFIED_SINCE, SAME_SECOND)],
            Strong,
            NotModified,
        ),
        row(
            "13.1.3 asctime form, same second",
            get.clone(),
            &[(IF_MODIFIED_SINCE, SAME_ASCTIME)],
            Strong,
            NotModified,
        ),
        row(
            "13.1.3 date after the modification",
            get.clone(),
            &[(IF_MODIFIED_SINCE, DAY_AFTER)],
            Strong,
            NotModified,
        ),
        row(
            "13.1.3 modified since the date",
            get.clone(),
            &[(IF_MODIFIED_SINCE, SECOND_BEFORE)],
            Strong,
            Proceed,
        ),
        row(
            "13.1.3 invalid date is ignored",
            get.clone(),
            &[(IF_MODIFIED_SINCE, "Sun, 06 Nov 1994")],
            Strong,
            Proceed,
        ),
        row(
            "13.1.3 more than one member is ignored",
            get.clone(),
            &[
                (IF_MODIFIED_SINCE, SAME_SECOND),
                (IF_MODIFIED_SINCE, SAME_SECOND),
            ],
            Strong,
            Proceed,
        ),
        row(
            "13.1.3 ignored without a modification time",
            get.clone(),
            &[(IF_MODIFIED_SINCE, DAY_AFTER)],
            NoDate,
            Proceed,
        ),
        row(
            "13.1.3 only for GET and HEAD",
            put.clone(),
            &[(IF_MODIFIED_SINCE, DAY_AFTER)],
            Strong,
            Proceed,
        ),
        row(
            "13.1.3 HEAD like GET",
            head.clone(),
            &[(IF_MODIFIED_SINCE, SAME_SECOND)],
            Strong,
            NotModified,
        ),
        row(
            "13.2.2 If-None-Match overrides If-Modified-Since",
            get.clone(),
            &[(IF_NONE_MATCH, "\"xyz\""), (IF_MODIFIED_SINCE, DAY_AFTER)],
            Strong,
            Proceed,
        ),
        row(
            "13.2.2 If-None-Match decides despite an old date",
            get.clone(),
            &[
                (IF_NONE_MATCH, "\"abc\""),
                (IF_MODIFIED_SINCE, SECOND_BEFORE),
            ],
            Strong,
            NotModified,
        ),
        // Order of evaluation.
        row(
            "13.2.2 If-Match before If-None-Match",
            get.clone(),
            &[(IF_NONE_MATCH, "\"abc\""), (IF_MATCH, "\"xyz\"")],
            Strong,
            Failed(IF_MATCH),
        ),
        row(
            "13.2.2 If-Unmodified-Since before If-None-Match",
            put.clone(),
            &[(IF_NONE_MATCH, "*"), (IF_UNMODIFIED_SINCE, SECOND_BEFORE)],
            Strong,
            Failed(IF_UNMODIFIED_SINCE),
        ),
        row(
            "13.2.2 If-Match passes, If-None-Match fails",
            put.clone(),
            &[(IF_MATCH, "\"abc\""), (IF_NONE_MATCH, "\"abc\"")],
            Strong,
            Failed(IF_NONE_MATCH),
        ),
        row(
            "13.2.2 If-Match passes, then 304 on GET",
            get.clone(),
            &[(IF_MATCH, "*"), (IF_NONE_MATCH, "\"abc\"")],
            Strong,
            NotModified,
        ),
        // Methods that ignore preconditions.
        row(
            "13.2.1 OPTIONS ignores a failing If-Match",
            Method::OPTIONS,
            &[(IF_MATCH, "\"xyz\"")],
            Strong,
            Proceed,
        ),
        row(
            "13.2.1 OPTIONS ignores a malformed If-Match",
            Method::OPTIONS,
            &[(IF_MATCH, "junk")],
            Strong,
            Proceed,
        ),
        row(
            "13.2.1 TRACE ignores If-None-Match",
            Method::TRACE,
            &[(IF_NONE_MATCH, "*")],
            Strong,
            Proceed,
        ),
        row(
            "13.2.1 CONNECT ignores If-Match",
            Method::CONNECT,
            &[(IF_MATCH, "*")],
            Missing,
            Proceed,
        ),
        // Required preconditions (RFC 6585 §3).
        required(
            "6585 §3 write without precondition",
            put.clone(),
            &[],
            Strong,
            Required,
        ),
        required(
            "6585 §3 DELETE without precondition",
            delete.clone(),
            &[],
            Strong,
            Required,
        ),
        required(
            "6585 §3 satisfied by If-Match",
            put.clone(),
            &[(IF_MATCH, "\"abc\"")],
            Strong,
            Proceed,
        ),
        required(
            "6585 §3 satisfied by If-None-Match: * (create)",
            put.clone(),
            &[(IF_NONE_MATCH, "*")],
            Missing,
            Proceed,
        ),
        required(
            "6585 §3 satisfied by a usable If-Unmodified-Since",
            put.clone(),
            &[(IF_UNMODIFIED_SINCE, DAY_AFTER)],
            Strong,
            Proceed,
        ),
        required(
            "6585 §3 If-Unmodified-Since unusable without a modification time",
            put.clone(),
            &[(IF_UNMODIFIED_SINCE, DAY_AFTER)],
            NoDate,
            Required,
        ),
        required(
            "6585 §3 If-Unmodified-Since with an invalid date",
            put.clone(),
            &[(IF_UNMODIFIED_SINCE, "soon")],
            Strong,
            Required,
        ),
        required(
            "6585 §3 If-Modified-Since does not count",
            put.clone(),
            &[(IF_MODIFIED_SINCE, SAME_SECOND)],
            Strong,
            Required,
        ),
        required(
            "6585 §3 a stale precondition is still 412",
            patch.clone(),
            &[(IF_MATCH, "\"old\"")],
            Strong,
            Failed(IF_MATCH),
        ),
        required(
            "13.2.1 OPTIONS needs no precondition",
            Method::OPTIONS,
            &[],
            Strong,
            Proceed,
        ),
        required(
            "400 comes before 428",
            delete.clone(),
            &[(IF_MATCH, "junk")],
            Strong,
            Malformed(IF_MATCH),
        ),
    ]
}

#[test]
fn evaluator_follows_rfc_9110_row_by_row() {
    let rows = rows();
    assert!(rows.len() >= 60, "the table keeps at least 60 rows");
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|row| {
            let actual = run(row);
            (actual != row.expected).then(|| {
                format!(
                    "§{} ({} {:?}): expected {:?}, got {actual:?}",
                    row.section, row.method, row.headers, row.expected
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn not_modified_carries_the_current_validators() {
    let mut headers = HeaderMap::new();
    headers.insert(IF_NONE_MATCH, HeaderValue::from_static("\"abc\""));
    let pre = Preconditions::parse(&Method::GET, &headers).expect("valid");
    let err = pre.evaluate(&State::Strong.resource()).expect_err("304");
    assert_eq!(
        err,
        PreconditionError::NotModified {
            etag: EntityTag::strong("abc").expect("valid"),
            last_modified: Some(modified()),
        }
    );
}

#[test]
fn malformed_errors_name_the_header_and_the_fault() {
    let mut headers = HeaderMap::new();
    headers.insert(IF_MATCH, HeaderValue::from_static("\"abc\", w/\"x\""));
    let err = Preconditions::parse(&Method::PUT, &headers).expect_err("malformed");
    let problem = err.problem().expect("400 has a body");
    assert_eq!(problem.status, 400);
    assert_eq!(problem.header.as_deref(), Some("If-Match"));
    assert!(problem.detail.contains("W/"), "{}", problem.detail);
}

#[test]
fn problem_bodies_tell_the_client_what_to_do() {
    let failed = PreconditionError::Failed {
        condition: IF_MATCH,
        context: FailureContext::default(),
    }
    .problem()
    .expect("412 body");
    assert_eq!(
        (failed.status, failed.title.as_str()),
        (412, "Precondition Failed")
    );
    assert!(
        failed.detail.contains("GET the current state"),
        "{}",
        failed.detail
    );

    let required = PreconditionError::Required.problem().expect("428 body");
    assert_eq!(required.status, 428);
    for header in ["If-Match", "If-None-Match: *"] {
        assert!(
            required.detail.contains(header),
            "428 detail names {header}"
        );
    }
    // A date is the weaker guard (one-second precision): the 428 recommends the tag.
    assert!(!required.detail.contains("If-Unmodified-Since"));
    assert!(
        PreconditionError::NotModified {
            etag: EntityTag::strong("a").expect("valid"),
            last_modified: None
        }
        .problem()
        .is_none(),
        "304 has no body"
    );
}

#[test]
fn if_range_is_evaluated_only_with_range_on_get() {
    use http::header::{IF_RANGE, RANGE};
    let state = State::Strong.resource();
    let applies = |method: Method, fields: &[(HeaderName, &'static str)]| {
        let mut headers = HeaderMap::new();
        for (name, value) in fields {
            headers.append(name, HeaderValue::from_static(value));
        }
        Preconditions::parse(&method, &headers)
            .expect("valid")
            .range_applies(&state)
    };
    let range = (RANGE, "bytes=0-9");
    assert!(
        applies(Method::GET, std::slice::from_ref(&range)),
        "13.1.5 Range without If-Range"
    );
    assert!(
        !applies(Method::GET, &[]),
        "13.1.5 no Range, nothing to apply"
    );
    assert!(
        !applies(Method::HEAD, std::slice::from_ref(&range)),
        "14.2 Range only on GET"
    );
    assert!(
        applies(Method::GET, &[range.clone(), (IF_RANGE, "\"abc\"")]),
        "13.1.5 strong match"
    );
    assert!(
        !applies(Method::GET, &[range.clone(), (IF_RANGE, "W/\"abc\"")]),
        "13.1.5 weak tag never matches"
    );
    assert!(
        !applies(Method::GET, &[range.clone(), (IF_RANGE, "\"xyz\"")]),
        "13.1.5 stale tag"
    );
    assert!(
        applies(Method::GET, &[range.clone(), (IF_RANGE, SAME_SECOND)]),
        "13.1.5 exact date"
    );
    assert!(
        !applies(Method::GET, &[range.clone(), (IF_RANGE, DAY_AFTER)]),
        "13.1.5 other date"
    );
    assert!(
        !applies(Method::GET, &[range, (IF_RANGE, "garbage")]),
        "13.1.5 invalid If-Range"
    );

    // §8.8.2.2: a modification time within the last second is a weak validator.
    let now = SystemTime::now();
    let just_modified = ResourceState::present(EntityTag::strong("abc").expect("valid"), Some(now));
    let mut headers = HeaderMap::new();
    headers.append(RANGE, HeaderValue::from_static("bytes=0-9"));
    headers.append(
        IF_RANGE,
        HeaderValue::from_str(&httpdate::fmt_http_date(now)).expect("an HTTP date"),
    );
    let pre = Preconditions::parse(&Method::GET, &headers).expect("valid");
    assert!(
        !pre.range_applies(&just_modified),
        "8.8.2.2 a date this recent is weak"
    );
}

#[test]
fn of_option_evaluates_none_as_a_missing_resource() {
    // §13.1.1 / §13.1.2: `*` asks whether a current representation exists; `None` is none.
    let put = |name: HeaderName| {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_static("*"));
        Preconditions::parse(&Method::PUT, &headers).expect("valid")
    };
    let tag = EntityTag::strong("abc").expect("valid");
    let missing = ResourceState::of_option(None::<&EntityTag>);
    let present = ResourceState::of_option(Some(&tag));
    assert_eq!(missing, ResourceState::Missing);
    assert_eq!(present, ResourceState::of(&tag));
    let failed_on = |outcome: Result<Checked, PreconditionError>| match outcome {
        Err(PreconditionError::Failed { condition, .. }) => Some(condition),
        Ok(_) => None,
        Err(other) => panic!("expected 412 or a pass, got {other:?}"),
    };
    assert_eq!(
        failed_on(put(IF_MATCH).check_state(&missing)),
        Some(IF_MATCH)
    );
    assert_eq!(failed_on(put(IF_MATCH).check_state(&present)), None);
    assert_eq!(failed_on(put(IF_NONE_MATCH).check_state(&missing)), None);
    assert_eq!(
        failed_on(put(IF_NONE_MATCH).check_state(&present)),
        Some(IF_NONE_MATCH)
    );
}

/// The date policy: a write guarded by a date alone passes only once the current state's date
/// is a strong validator (a second old, §8.8.2.2), so two writers holding one date cannot both
/// pass; a read is never refused for it.
#[test]
fn a_date_only_write_to_a_state_less_than_a_second_old_is_refused_with_retry_after() {
    let now = std::time::SystemTime::now();
    let date = httpdate::fmt_http_date(now);
    let with_date = |method: Method| {
        let mut headers = HeaderMap::new();
        headers.insert(
            IF_UNMODIFIED_SINCE,
            HeaderValue::from_str(&date).expect("an HTTP date"),
        );
        Preconditions::parse(&method, &headers).expect("valid")
    };
    let young = ResourceState::present(EntityTag::from_version(1_u8), Some(now));
    let error = with_date(Method::PUT)
        .evaluate(&young)
        .expect_err("a date cannot tell this state from one a moment earlier");
    let PreconditionError::Failed { condition, context } = &error else {
        panic!("expected 412, got {error:?}");
    };
    assert_eq!(condition, &IF_UNMODIFIED_SINCE);
    assert!(context.too_recent());
    let wait = error.retry_after().expect("a Retry-After");
    assert!(
        (1..=2).contains(&wait.as_secs()),
        "{wait:?}: whole seconds, at least one"
    );
    let problem = error.problem().expect("412 body");
    assert!(
        problem.detail.contains("less than a second ago"),
        "{}",
        problem.detail
    );
    assert!(
        problem.detail.contains("If-Match"),
        "the strong tag is offered"
    );

    // The same date against a state a second older passes: that date names one state only.
    let settled = ResourceState::present(
        EntityTag::from_version(1_u8),
        Some(now - std::time::Duration::from_secs(2)),
    );
    assert!(with_date(Method::PUT).check_state(&settled).is_ok());
    // Reads are never refused for it.
    assert_eq!(with_date(Method::GET).evaluate(&young), Ok(()));
}

#[test]
fn a_412_advises_what_fits_the_resource() {
    let put = |value: &'static str| {
        let mut headers = HeaderMap::new();
        headers.insert(IF_MATCH, HeaderValue::from_static(value));
        Preconditions::parse(&Method::PUT, &headers).expect("valid")
    };
    let detail = |pre: Preconditions, state: ResourceState| {
        pre.evaluate(&state)
            .expect_err("412")
            .problem()
            .expect("412 body")
            .detail
    };
    let strong = || EntityTag::strong("abc").expect("valid");

    // A strong, undated resource: re-read and retry with the tag; no talk of weak tags or dates.
    let plain = detail(put("\"old\""), ResourceState::present(strong(), None));
    assert!(plain.contains("GET the current state"), "{plain}");
    assert!(
        !plain.contains("weak") && !plain.contains("If-Unmodified-Since"),
        "{plain}"
    );

    // The client echoed the current tag in weak form: an intermediary weakened it.
    let weakened = detail(put("W/\"abc\""), ResourceState::present(strong(), None));
    assert!(weakened.contains("weak form"), "{weakened}");

    // A weakly tagged, dated resource: If-Match can never work; the date can.
    let weak = EntityTag::strong("abc").expect("valid").into_weak();
    let weak_dated = detail(
        put("W/\"abc\""),
        ResourceState::present(weak, Some(std::time::SystemTime::UNIX_EPOCH)),
    );
    assert!(weak_dated.contains("If-Unmodified-Since"), "{weak_dated}");
}
