use etag_core::{EntityTag, Version, Versioned};

#[derive(Versioned)]
struct Cart {
    #[etag(skip)]
    id: u64,
    #[etag(version)]
    version: i64,
    items: Vec<String>,
}

struct RowVersion(u32);

impl Version for RowVersion {
    fn version_tag(&self) -> EntityTag {
        self.0.version_tag()
    }
}

#[derive(Versioned)]
#[etag(weak)]
struct Row {
    #[etag(version)]
    row_version: RowVersion,
}

fn main() {
    let cart = Cart { id: 1, version: 3, items: vec![] };
    assert_eq!((cart.id, cart.items.len()), (1, 0));
    assert_eq!(cart.etag().to_string(), "\"3\"");
    assert_eq!(Row { row_version: RowVersion(9) }.etag().to_string(), "W/\"9\"");
}
