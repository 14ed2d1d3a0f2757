use etag_core::Versioned;

#[derive(Versioned)]
#[etag(weak)]
struct Pair(String, #[etag(skip)] u64, i32);

#[derive(Versioned)]
struct Wrapper(Vec<u8>);

fn main() {
    assert!(Pair("a".into(), 1, 2).etag().is_weak());
    assert_eq!(Pair("a".into(), 1, 2).etag(), Pair("a".into(), 9, 2).etag());
    assert_ne!(Wrapper(vec![1]).etag(), Wrapper(vec![2]).etag());
}
