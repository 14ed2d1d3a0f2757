use std::collections::HashSet;

use etag_core::Versioned;

struct Opaque;

fn opaque(_: &u8) -> Opaque {
    Opaque
}

#[derive(Versioned)]
struct Quoted {
    #[etag(with = "etag_core::canonical::sorted")]
    tags: HashSet<String>,
}

#[derive(Versioned)]
struct NoFunction {
    #[etag(with)]
    tags: HashSet<String>,
    #[etag(with = |x: &u8| *x)]
    closure: u8,
}

#[derive(Versioned)]
struct NotHashed {
    #[etag(skip, with = etag_core::canonical::sorted)]
    tags: HashSet<String>,
    name: String,
}

#[derive(Versioned)]
struct NotIncluded {
    #[etag(include)]
    name: String,
    #[etag(with = etag_core::canonical::sorted)]
    tags: HashSet<String>,
}

#[derive(Versioned)]
struct NotSerialize {
    #[etag(with = opaque)]
    value: u8,
}

fn main() {}
