//! `#[conditional]`: turns an async axum handler into one that answers conditional requests.
//!
//! Split by job: [`options`] parses the attribute's arguments, [`handler`] checks the function it
//! is applied to, [`expand`] writes the new handler, [`openapi`] adds what it enforces to the
//! handler's `#[utoipa::path]`. Every mistake found is reported at once; on
//! any error the user's function is emitted unchanged beside the errors, so the only errors shown
//! are ours, not knock-on "cannot find function" ones.

mod bindings;
mod expand;
mod handler;
mod openapi;
mod options;

use proc_macro2::TokenStream;
use syn::ItemFn;

use crate::ctxt::Ctxt;

/// The attribute's entry point: `args` are the tokens inside `#[conditional(…)]`.
pub(crate) fn conditional(args: TokenStream, item: TokenStream) -> TokenStream {
    let item_fn: ItemFn = match syn::parse2(item.clone()) {
        Ok(item_fn) => item_fn,
        Err(error) => {
            let error = syn::Error::new(
                error.span(),
                "#[conditional] applies to an `async fn` axum handler",
            );
            return with_errors(item, error);
        }
    };
    let mut cx = Ctxt::default();
    let options = options::parse(&mut cx, args);
    handler::check(&mut cx, &item_fn);
    if let Some(precheck) = &options.precheck {
        bindings::check_precheck(&mut cx, &item_fn, precheck);
    }
    match cx.into_error() {
        None => expand::handler(&options, item_fn),
        Some(errors) => with_errors(quote::quote!(#item_fn), errors),
    }
}

/// The user's item unchanged, followed by the errors.
fn with_errors(item: TokenStream, error: syn::Error) -> TokenStream {
    let errors = error.into_compile_error();
    quote::quote! {
        #item
        #errors
    }
}
