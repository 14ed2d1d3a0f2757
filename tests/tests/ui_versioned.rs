//! Compile-time behaviour of `#[derive(Versioned)]`: every supported shape compiles, and every
//! mistake gets an error that says what is wrong and where (the `.stderr` files are reviewed).
//!
//! To regenerate the snapshots after an intended change: `TRYBUILD=overwrite cargo test -p
//! etag-tests --test ui_versioned`, then read every changed `.stderr` before committing.

#[test]
fn versioned_ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/versioned/pass/*.rs");
    cases.compile_fail("ui/versioned/fail/*.rs");
}
