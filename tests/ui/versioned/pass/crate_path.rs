mod reexports {
    pub use etag_core as etag;
}

#[derive(etag_core::Versioned)]
#[etag(crate = "reexports::etag")]
struct Order {
    total: u64,
}

#[derive(etag_core::Versioned)]
#[etag(crate = "::etag_core", weak)]
struct Weak {
    total: u64,
}

fn main() {
    use etag_core::Versioned;
    assert_eq!(Order { total: 1 }.etag().opaque().len(), 32);
    assert!(Weak { total: 1 }.etag().is_weak());
}
