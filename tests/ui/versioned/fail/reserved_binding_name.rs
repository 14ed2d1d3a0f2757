// `__field_*` names are the derive's own: an enum's arms bind them, so a constant of such a name
// in scope is refused where the derive is, rather than turning a binding into a comparison.
#![allow(non_upper_case_globals)]

use etag_core::Versioned;

const __field_name: &str = "taken";

#[derive(Versioned)]
enum Status {
    Open { name: String },
    Closed,
}

fn main() {}
