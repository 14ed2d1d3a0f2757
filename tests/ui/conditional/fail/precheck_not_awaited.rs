use axum::extract::Path;
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

async fn version_of(id: u64) -> Option<EntityTag> {
    Some(EntityTag::from_version(id))
}

// An `async fn` called without `.await`: the precheck is a future, not the state.
#[conditional(precheck = version_of(id))]
async fn get_order(Path(id): Path<u64>) -> Order {
    Order { version: id }
}

fn main() {}
