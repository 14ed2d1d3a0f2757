//! `#[conditional]`: turns an async axum handler into one that answers conditional requests.
//!
//! Split by job: [`options`] parses the attribute's arguments, [`handler`] checks the function it
//! is applied to, [`expand`] writes the new handler, `openapi` (feature `utoipa`) adds what it
//! enforces to the handler's `#[utoipa::path]`. Every mistake found is reported at once; on any
//! error the user's function is emitted unchanged beside the errors, so the only errors shown are
//! ours, not knock-on "cannot find function" ones.

mod bindings;
mod expand;
mod handler;
#[cfg(feature = "utoipa")]
mod openapi;
mod options;

use proc_macro2::{TokenStream, TokenTree};
use syn::ItemFn;

use crate::ctxt::Ctxt;

/// The attribute's entry point: `args` are the tokens inside `#[conditional(…)]`.
pub(crate) fn conditional(args: TokenStream, item: TokenStream) -> TokenStream {
    let item_fn: ItemFn = match syn::parse2(item.clone()) {
        Ok(item_fn) => item_fn,
        Err(error) => {
            let (item, error) = not_a_handler(item, &error);
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

/// The error for an item that does not parse as a function, at syn's span, and the item to
/// emit beside it. `default` before the `fn` (which only trait impls take) gets its own advice,
/// and is dropped from the item so that rustc does not refuse it a second time.
fn not_a_handler(item: TokenStream, error: &syn::Error) -> (TokenStream, syn::Error) {
    let is_ident =
        |token: &TokenTree, name: &str| matches!(token, TokenTree::Ident(ident) if ident == name);
    let has_fn = item.clone().into_iter().any(|token| is_ident(&token, "fn"));
    let mut before_fn = has_fn;
    let mut had_default = false;
    // Only before a `fn`: another item's `default` (a static of that name) is left as it is.
    let item: TokenStream = item
        .into_iter()
        .filter(|token| {
            before_fn &= !is_ident(token, "fn");
            let is_default = before_fn && is_ident(token, "default");
            had_default |= is_default;
            !is_default
        })
        .collect();
    let message = if had_default {
        "#[conditional] applies to an `async fn` axum handler, which takes no `default`: remove it"
    } else {
        "#[conditional] applies to an `async fn` axum handler"
    };
    (item, syn::Error::new(error.span(), message))
}

/// The user's item (unchanged, but for a `default` that `not_a_handler` took out), followed by
/// the errors.
fn with_errors(item: TokenStream, error: syn::Error) -> TokenStream {
    let errors = error.into_compile_error();
    quote::quote! {
        #item
        #errors
    }
}
