//! Procedural macros for [`etag-core`](https://docs.rs/etag-core). Use them through etag-core's
//! `derive` feature rather than depending on this crate directly.

use proc_macro::TokenStream;

/// Derives `etag_core::Versioned` from the fields of a struct or enum.
#[proc_macro_derive(Versioned, attributes(etag))]
pub fn derive_versioned(input: TokenStream) -> TokenStream {
    let _ = input;
    TokenStream::new()
}
