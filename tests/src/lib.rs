//! Integration and compile-fail tests for etag-core and etag-derive; see `tests/`.
