use etag_core::Versioned;

#[derive(Versioned)]
enum Status {
    #[etag(skip)]
    Draft,
    Open(String),
}

fn main() {}
