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

// Every mistake is reported in one compile: an unknown option, a duplicate, `require` with a
// value, and `precheck` without one.
#[conditional(requires, require, require, precheck)]
async fn put_order(pre: etag_core::Preconditions) -> Order {
    let _ = pre;
    Order { version: 1 }
}

#[conditional(require = true)]
async fn put_other(pre: etag_core::Preconditions) -> Order {
    let _ = pre;
    Order { version: 1 }
}

#[conditional(crate = "not a path")]
async fn get_order() -> Order {
    Order { version: 1 }
}

// An unquoted path, then a mistake after it: both are reported.
#[conditional(crate = etag_core, required)]
async fn get_another() -> Order {
    Order { version: 1 }
}

fn main() {}
