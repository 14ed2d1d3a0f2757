//! What a long `If-None-Match` costs per member: parsing the field into `Preconditions` and
//! evaluating it against a state whose tag is not in the list (every member compared), in a
//! loop whose instruction count callgrind takes twice (BENCHMARKS.md, "Tag lists").
//!
//! ```text
//! cargo bench -p etag-bench --bench tag_list --no-run    # prints the binary's path
//! valgrind --tool=callgrind <that path> MEMBERS ITERATIONS [handoff]
//! ```
//!
//! With `handoff`, each parsed `Preconditions` is also cloned twice, as a `#[conditional]`
//! handler's are (one kept for the response, one for the handler's own argument): what the
//! list costs under the attribute.
//!
//! Run without valgrind it prints the wall time per member, for a rough look.

use std::hint::black_box;
use std::time::Instant;

use etag_core::{EntityTag, Preconditions, ResourceState};
use http::header::IF_NONE_MATCH;
use http::{HeaderMap, HeaderValue, Method};

fn main() {
    // Cargo passes `--bench` when it runs benches; only numbers count here.
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|arg| arg.parse().ok())
        .collect();
    let members = numbers.first().copied().unwrap_or(1_000);
    let iterations = numbers.get(1).copied().unwrap_or(1_000);
    let handoff = std::env::args().any(|arg| arg == "handoff");

    // Derived-tag shaped members (32 hex digits), none of them the current one.
    let list = (0..members)
        .map(|index| format!("\"{index:032x}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut headers = HeaderMap::new();
    let value = HeaderValue::from_str(&list).expect("a valid header value");
    headers.insert(IF_NONE_MATCH, value);
    let current = ResourceState::present(
        EntityTag::strong("ffffffffffffffffffffffffffffffff").expect("a valid tag"),
        None,
    );

    let start = Instant::now();
    for _ in 0..iterations {
        let pre = Preconditions::parse(&Method::GET, black_box(&headers)).expect("parses");
        if handoff {
            // The attribute's own copy stays with it; one goes into the request's extensions,
            // and the handler's `Preconditions` argument is made from that one.
            let in_extensions = black_box(pre.clone());
            let argument = black_box(in_extensions.clone());
            black_box(argument.evaluate(black_box(&current))).expect("no member matches: a 200");
            drop(black_box((pre, in_extensions)));
            continue;
        }
        black_box(pre.evaluate(black_box(&current))).expect("no member matches: a 200");
    }
    let per_member = start.elapsed().as_secs_f64() * 1e9 / (iterations * members.max(1)) as f64;
    println!("{members} members × {iterations}: {per_member:.1} ns per member");
}
