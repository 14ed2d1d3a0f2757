use etag_core::Versioned;

#[derive(Versioned)]
enum Document {
    Draft {
        #[etag(version)]
        version: u64,
    },
    Published,
}

fn main() {}
