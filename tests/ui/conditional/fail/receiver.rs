use etag_core::{EntityTag, Versioned, conditional};

#[derive(serde::Serialize)]
struct Order {
    version: u64,
}

impl Versioned for Order {
    fn etag(&self) -> EntityTag {
        EntityTag::from_version(self.version)
    }
}

struct Handlers;

impl Handlers {
    #[conditional]
    async fn get_order(&self) -> Order {
        Order { version: 1 }
    }
}

fn main() {}
