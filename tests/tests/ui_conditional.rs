//! Compile-time behaviour of `#[conditional]`: what it accepts (`tests/ui/conditional/pass`) and
//! the errors users see for what it rejects (`tests/ui/conditional/fail/*.stderr`, reviewed).

#[test]
fn ui_conditional() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/conditional/pass/*.rs");
    cases.compile_fail("ui/conditional/fail/*.rs");
}
