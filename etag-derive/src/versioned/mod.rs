//! `#[derive(Versioned)]`: parse the input into a model (`ast`, `attr`), decide what the tag is
//! made of (`check`), then generate the impl (`expand`), or the errors and a stub impl
//! (`fallback`).

mod ast;
mod attr;
mod bound;
mod check;
mod ctxt;
mod expand;
mod fallback;
mod symbol;

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use ast::Container;
use ctxt::Ctxt;

pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let container = Container::from_ast(&mut cx, input);
    let plan = check::check(&mut cx, &container);
    let krate = container
        .attrs
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::etag_core));
    match (cx.check(), plan) {
        (Ok(()), Some(plan)) => expand::expand(&container, &plan, &krate),
        (Err(errors), _) => {
            let fallback = fallback::expand(input, &krate);
            quote!(#errors #fallback)
        }
        // `check` returns no plan only after recording an error; say so rather than emit a
        // stub that would compile.
        (Ok(()), None) => quote! {
            ::core::compile_error!("internal error in #[derive(Versioned)]: no plan and no error");
        },
    }
}
