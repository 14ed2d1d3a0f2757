use etag_core::{EntityTag, Versioned, conditional};

// A String has no validators: there is nothing to put in ETag.
#[conditional]
async fn get_greeting() -> Result<String, std::convert::Infallible> {
    Ok("hello".to_owned())
}

// Versioned but not `Serialize`: there is no JSON body to send.
struct Order {
    version: u64,
}

impl Versioned for Order {
    fn etag(&self) -> EntityTag {
        EntityTag::from_version(self.version)
    }
}

#[conditional]
async fn get_order() -> Order {
    Order { version: 1 }
}

fn main() {}
