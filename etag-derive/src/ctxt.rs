//! The error context shared by the crate's macros: gathers every error of one macro input, so the
//! user sees all their mistakes in one compile instead of fixing them one build at a time.

use std::fmt::Display;

use proc_macro2::TokenStream;
use quote::ToTokens;

#[derive(Default)]
pub(crate) struct Ctxt {
    errors: Vec<syn::Error>,
}

impl Ctxt {
    /// Records an error spanned at `tokens`.
    pub(crate) fn error_spanned_by<T: ToTokens, M: Display>(&mut self, tokens: T, message: M) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error that already has its span.
    pub(crate) fn syn_error(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    /// Every recorded error as one `syn::Error` (they print in the order they were recorded), or
    /// `None` if nothing went wrong.
    pub(crate) fn into_error(self) -> Option<syn::Error> {
        let mut errors = self.errors.into_iter();
        let mut combined = errors.next()?;
        for error in errors {
            combined.combine(error);
        }
        Some(combined)
    }

    /// `Ok` if nothing went wrong; otherwise the errors as `compile_error!` invocations.
    pub(crate) fn check(self) -> Result<(), TokenStream> {
        match self.into_error() {
            None => Ok(()),
            Some(error) => Err(error.to_compile_error()),
        }
    }
}
