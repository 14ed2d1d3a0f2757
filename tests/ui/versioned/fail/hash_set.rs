use std::collections::{BTreeSet, HashMap, HashSet};

use etag_core::Versioned;

#[derive(Versioned)]
struct Tags {
    plain: HashSet<String>,
    qualified: std::collections::HashSet<u8, std::hash::RandomState>,
    nested: Vec<HashSet<u32>>,
    // Fine: maps are sorted by the encoding, ordered sets are ordered, skipped fields unhashed.
    map: HashMap<String, u8>,
    ordered: BTreeSet<String>,
    #[etag(skip)]
    cache: HashSet<u64>,
}

#[derive(Versioned)]
enum Filter {
    Any,
    Tags(HashSet<String>),
}

// An alias hides the name, not the type: the field's type is refused where it is hashed.
type Labels = HashSet<String>;

#[derive(Versioned)]
struct Aliased {
    labels: Labels,
}

fn main() {}
