//! What `#[conditional]` accepts: an async, non-generic free function with a concrete return type.

use syn::spanned::Spanned;
use syn::{ItemFn, ReturnType, Type};

use crate::ctxt::Ctxt;

/// axum implements `Handler` for up to 16 extractors; the attribute injects one.
const MAX_ARGUMENTS: usize = 15;

/// Checks the handler, recording every problem in `cx`.
pub(crate) fn check(cx: &mut Ctxt, item_fn: &ItemFn) {
    let sig = &item_fn.sig;

    if sig.asyncness.is_none() {
        cx.syn_error(syn::Error::new(
            sig.fn_token.span,
            "#[conditional] handlers must be `async fn`: add `async` before `fn`",
        ));
    }
    if let Some(constness) = &sig.constness {
        cx.syn_error(syn::Error::new(
            constness.span,
            "#[conditional] handlers cannot be `const fn`",
        ));
    }
    // The generated handler is a plain safe Rust `async fn`: keeping these would change what
    // callers must promise, and dropping them would silently change the function's contract.
    if let syn::Safety::Unsafe(unsafety) = &sig.safety {
        cx.syn_error(syn::Error::new(
            unsafety.span,
            "#[conditional] handlers cannot be `unsafe fn`: axum calls handlers as safe \
             functions; remove `unsafe` and use an `unsafe { … }` block inside the body",
        ));
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned_by(
            abi,
            "#[conditional] handlers cannot have an `extern` ABI: axum handlers are Rust \
             `async fn`s; remove the `extern` qualifier",
        );
    }
    if let Some(receiver) = sig.receiver() {
        cx.error_spanned_by(
            receiver,
            "#[conditional] handlers cannot take `self`: make it a free function and pass what \
             it needs through `State`",
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        cx.error_spanned_by(
            &sig.generics,
            "#[conditional] does not support generic handlers: axum handlers need concrete \
             types, and the generated handler could not name them; write one handler per type",
        );
    }
    if let Some(variadic) = &sig.variadic {
        cx.syn_error(syn::Error::new(
            variadic.span(),
            "#[conditional] handlers cannot be variadic",
        ));
    }
    if sig.inputs.len() > MAX_ARGUMENTS {
        cx.error_spanned_by(
            &sig.inputs,
            format!(
                "#[conditional] handlers take at most {MAX_ARGUMENTS} arguments: axum allows 16 \
                 and the attribute adds one; group extractors in a tuple, like \
                 `(a, b): (ExtractorA, ExtractorB)`"
            ),
        );
    }
    match &sig.output {
        ReturnType::Default => cx.syn_error(syn::Error::new(
            sig.paren_token.span.close(),
            "#[conditional] handlers must return the resource: a `Versioned + Serialize` value, \
             a `Tagged<T>`, or a `Result` of either, like `-> Result<Order, ApiError>`",
        )),
        ReturnType::Type(_, ty) if contains_impl_trait(ty) => cx.error_spanned_by(
            ty,
            "#[conditional] needs the handler's concrete return type, not `impl Trait`: name the \
             type, like `-> Result<Order, ApiError>`",
        ),
        ReturnType::Type(..) => {}
    }
}

fn contains_impl_trait(ty: &Type) -> bool {
    match ty {
        Type::ImplTrait(_) => true,
        Type::Path(path) => path.path.segments.iter().any(|segment| {
            let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
                return false;
            };
            args.args.iter().any(|arg| match arg {
                syn::GenericArgument::Type(inner) => contains_impl_trait(inner),
                _ => false,
            })
        }),
        Type::Paren(inner) => contains_impl_trait(&inner.elem),
        Type::Group(inner) => contains_impl_trait(&inner.elem),
        Type::Tuple(tuple) => tuple.elems.iter().any(contains_impl_trait),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn problems(item: proc_macro2::TokenStream) -> Vec<String> {
        let item_fn: ItemFn = syn::parse2(item).expect("a function");
        let mut cx = Ctxt::default();
        check(&mut cx, &item_fn);
        cx.into_error()
            .map(|errors| errors.into_iter().map(|error| error.to_string()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn accepts_an_async_handler_with_a_concrete_return_type() {
        assert!(
            problems(quote!(
                async fn get(Path(id): Path<u64>) -> Result<O, E> {
                    x
                }
            ))
            .is_empty()
        );
    }

    #[test]
    fn finds_impl_trait_anywhere_in_the_return_type() {
        let found = problems(quote!(
            async fn get() -> Result<impl Serialize, E> {
                x
            }
        ));
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("not `impl Trait`"), "{found:?}");
    }

    #[test]
    fn leaves_room_for_the_injected_extractor() {
        let args = (0..16).map(|i| quote::format_ident!("a{i}"));
        let found = problems(quote!(async fn get(#(#args: u8),*) -> O { x }));
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("at most 15 arguments"), "{found:?}");
        let args = (0..15).map(|i| quote::format_ident!("a{i}"));
        assert!(problems(quote!(async fn get(#(#args: u8),*) -> O { x })).is_empty());
    }

    #[test]
    fn unsafe_and_extern_are_refused_not_dropped() {
        let found = problems(quote!(
            async unsafe extern "C" fn get() -> O {
                x
            }
        ));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("cannot be `unsafe fn`"), "{found:?}");
        assert!(
            found[1].contains("cannot have an `extern` ABI"),
            "{found:?}"
        );
    }

    #[test]
    fn a_const_fn_is_refused() {
        let found = problems(quote!(
            const async fn get() -> O {
                x
            }
        ));
        assert!(
            found.iter().any(|p| p.contains("cannot be `const fn`")),
            "{found:?}"
        );
    }
}
