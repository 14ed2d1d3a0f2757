//! `#[derive(Encode)]` refuses serde attributes whose bytes it would not reproduce.
use etag_core::canonical::Encode;
use serde::Serialize;

#[derive(Serialize)]
struct Inner {
    a: u8,
}

#[derive(Serialize, Encode)]
#[serde(rename_all = "camelCase")]
struct Renamed {
    first_name: String,
}

#[derive(Serialize, Encode)]
struct Flattened {
    #[serde(flatten)]
    inner: Inner,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[derive(Serialize, Encode)]
struct Pair(u8, #[serde(skip)] u8);

#[derive(Serialize, Encode)]
#[serde(tag = "type")]
enum Tagged {
    A { x: u8 },
}

fn main() {}
