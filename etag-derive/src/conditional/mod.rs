//! `#[conditional]`: turns an async axum handler into one that answers conditional requests.
//!
//! Split by job: [`options`] parses the attribute's arguments, [`handler`] checks the function it
//! is applied to, [`expand`] writes the new handler. Every mistake found is reported at once; on
//! any error the user's function is emitted unchanged beside the errors, so the only errors shown
//! are ours, not knock-on "cannot find function" ones.

mod bindings;
mod expand;
mod handler;
mod options;

use proc_macro2::TokenStream;
use syn::ItemFn;

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
    let options = options::parse(args);
    let mut checked = handler::check(&item_fn);
    if let Ok(Some(precheck)) = options.as_ref().map(|options| options.precheck.as_ref())
        && let Err(unbound) = bindings::check_precheck(&item_fn, precheck)
    {
        match &mut checked {
            Err(all) => all.combine(unbound),
            Ok(()) => checked = Err(unbound),
        }
    }
    match (options, checked) {
        (Ok(options), Ok(())) => expand::handler(&options, item_fn),
        (options, checked) => {
            let mut errors = options.err();
            if let Err(error) = checked {
                match &mut errors {
                    Some(all) => all.combine(error),
                    None => errors = Some(error),
                }
            }
            let error = errors.unwrap_or_else(|| {
                syn::Error::new(proc_macro2::Span::call_site(), "#[conditional] failed")
            });
            with_errors(quote::quote!(#item_fn), error)
        }
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
