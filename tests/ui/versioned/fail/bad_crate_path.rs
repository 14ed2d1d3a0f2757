use etag_core::Versioned;

#[derive(Versioned)]
#[etag(crate = "not a path!")]
struct NotAPath {
    total: u64,
}

#[derive(Versioned)]
#[etag(crate = etag_core)]
struct Unquoted {
    total: u64,
}

fn main() {}
