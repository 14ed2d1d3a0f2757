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

#[conditional]
async unsafe fn get_unsafe() -> Order {
    Order { version: 1 }
}

#[conditional]
async extern "C" fn get_extern() -> Order {
    Order { version: 1 }
}

fn main() {}
