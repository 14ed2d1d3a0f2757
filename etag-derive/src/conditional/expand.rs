//! The generated handler.
//!
//! ```text
//! #[conditional(require, precheck = EXPR)]
//! async fn name(ARGS) -> R BODY
//! ```
//! becomes
//! ```text
//! async fn name(__etag_request: ConditionalRequest<true>, ARGS) -> Response {
//!     if let Some(early) = precheck(&__etag_request, EXPR) { return early; }
//!     let output = (async move || -> R BODY)().await;
//!     respond(__etag_request, output)
//! }
//! ```
//! The injected argument comes first, so axum runs it before every other extractor. `BODY` keeps
//! its own `return` and `?` (they now leave the closure, whose return type is `R`).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{GenericArgument, ItemFn, PathArguments, ReturnType, Type};

use super::options::Options;

pub(crate) fn handler(options: &Options, item_fn: ItemFn) -> TokenStream {
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = item_fn;
    let krate = &options.krate;
    let require = options.require.is_some();
    let output_ty = match &sig.output {
        ReturnType::Type(_, ty) => ty,
        // `handler::check` rejects a missing return type before expansion.
        ReturnType::Default => {
            return quote!(::core::compile_error!("#[conditional] needs a return type"););
        }
    };
    let ident = &sig.ident;
    let inputs = &sig.inputs;
    let private = quote!(#krate::__private);

    // Spanned at the user's expression and return type, so that "not a PrecheckResult" and "not
    // IntoConditionalResponse" point there rather than at the attribute.
    let precheck = options.precheck.as_ref().map(|expr| {
        // Evaluated only when the request has a precondition: without one nothing can be
        // answered early, and the cheap read would be a second trip to the store for a 200.
        quote_spanned! {expr.span()=>
            if __etag_request.has_preconditions() {
                if let ::core::option::Option::Some(__etag_early) =
                    #private::precheck(&__etag_request, #expr)
                {
                    return __etag_early;
                }
            }
        }
    });
    let respond = match result_ok_type(output_ty) {
        // For `Result<T, E>`, a `T` without validators is reported at `T` and by its own name,
        // not as "`Result<T, E>` cannot be returned".
        Some(ok_ty) => quote_spanned! {ok_ty.span()=>
            #private::respond_result(__etag_request, __etag_output)
        },
        None => quote_spanned! {output_ty.span()=>
            #private::respond(__etag_request, __etag_output)
        },
    };

    quote! {
        #(#attrs)*
        #vis async fn #ident(
            __etag_request: #private::ConditionalRequest<#require>,
            #inputs
        ) -> #private::Response {
            #precheck
            let __etag_output = (async move || -> #output_ty #block)().await;
            #respond
        }
    }
}

/// `T` when the return type is spelled `Result<T, E>` (or `…::Result<T, E>`).
fn result_ok_type(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    if last.ident != "Result" || args.args.len() != 2 {
        return None;
    }
    match args.args.first()? {
        GenericArgument::Type(ok_ty) => Some(ok_ty),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(args: TokenStream, item: TokenStream) -> String {
        let options = super::super::options::parse(args).expect("valid options");
        let item_fn: ItemFn = syn::parse2(item).expect("a function");
        handler(&options, item_fn).to_string()
    }

    #[test]
    fn the_injected_extractor_comes_first_and_carries_require() {
        let expanded = expand(
            quote!(require),
            quote! {
                /// Docs stay.
                pub async fn put(pre: Preconditions, Json(input): Json<Input>) -> Result<T, E> {
                    body(pre, input)
                }
            },
        );
        assert!(expanded.starts_with("# [doc = r\" Docs stay.\"] pub async fn put ("));
        assert!(expanded.contains(
            "(__etag_request : :: etag_core :: __private :: ConditionalRequest < true > , \
             pre : Preconditions , Json (input) : Json < Input >)"
        ));
        assert!(expanded.contains("-> :: etag_core :: __private :: Response"));
        assert!(expanded.contains("(async move || -> Result < T , E > { body (pre , input) }) ()"));
        assert!(expanded.contains(":: etag_core :: __private :: respond_result (__etag_request"));
        assert!(!expanded.contains("precheck"));
    }

    #[test]
    fn the_precheck_runs_before_the_body_and_may_return_early() {
        let expanded = expand(
            quote!(precheck = db.version(id).await, crate = "my::etag"),
            quote! {
                async fn get(State(db): State<Db>, Path(id): Path<u64>) -> Order { load() }
            },
        );
        let precheck = expanded
            .find("my :: etag :: __private :: precheck (& __etag_request , db . version (id) . await)")
            .expect("the precheck call");
        let body = expanded.find("load ()").expect("the body");
        assert!(precheck < body);
        assert!(expanded.contains("return __etag_early ;"));
        assert!(expanded.contains("ConditionalRequest < false >"));
        // Not spelled `Result<…>`: the general entry point.
        assert!(expanded.contains("my :: etag :: __private :: respond (__etag_request"));
    }

    #[test]
    fn finds_the_ok_type_of_a_result_spelling() {
        let ok = |ty: TokenStream| {
            let ty: Type = syn::parse2(ty).expect("a type");
            result_ok_type(&ty).map(|ok| quote!(#ok).to_string())
        };
        assert_eq!(ok(quote!(Result<Order, E>)), Some("Order".to_owned()));
        assert_eq!(
            ok(quote!(std::result::Result<Tagged<O>, E>)),
            Some("Tagged < O >".to_owned())
        );
        assert_eq!(ok(quote!(io::Result<Order>)), None);
        assert_eq!(ok(quote!(Order)), None);
    }
}
