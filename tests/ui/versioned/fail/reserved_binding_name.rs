// `__etag_field_*` names are the derives' own: an enum's arms bind them, so a constant of such a
// name in scope is refused at the field, rather than turning a binding into a comparison.
#![allow(non_upper_case_globals)]

use etag_core::Versioned;
use etag_core::canonical::Encode;
use serde::Serialize;

const __etag_field_name: &str = "taken";
const __etag_field_0: u8 = 0;

#[derive(Versioned)]
enum Status {
    Open { name: String },
    Closed,
}

#[derive(Serialize, Encode)]
enum Label {
    Named { name: String },
    Code(u8),
}

fn main() {}
