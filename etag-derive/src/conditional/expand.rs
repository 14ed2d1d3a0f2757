//! The generated handler.
//!
//! ```text
//! #[conditional(require, precheck = EXPR, error = E)]
//! async fn name(ARGS) -> R BODY
//! ```
//! becomes
//! ```text
//! async fn name(__etag_request: ConditionalRequest<true, E>, ARGS) -> Response {
//!     <R as WriteResponse>::require_is_for_writes();     // spanned at `require`
//!     let respond = match <R as IntoConditionalResponse>::admit(&__etag_request) {
//!         Ok(respond) => respond,
//!         Err(refusal) => return refusal,                 // a read handler asked to write
//!     };
//!     if let Some(early) = PrecheckResult::precheck(EXPR, &__etag_request) { return early; }
//!     let output: R = async move {
//!         if false { return handler_output::<R>(); }      // names the block's output type
//!         let output: R = BODY;
//!         output
//!     }.await;
//!     respond(__etag_request, output)
//! }
//! ```
//! The injected argument comes first, so axum runs it before every other extractor. `BODY` keeps
//! its own `return` and `?` (they now leave the async block, whose output is `R`). Only `admit`
//! names the bounds `R` must meet, so a return type that does not fit is reported once, at the
//! return type. Every check is a call through the trait it is about (`<T as Trait>::check()`),
//! not a function bounded on it, so rustc's error names the user's type and the trait, with no
//! "required by a bound in" note pointing into etag-core.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, ItemFn, PathArguments, ReturnType, Token, Type};

use super::options::Options;

pub(crate) fn handler(options: &Options, item_fn: ItemFn) -> TokenStream {
    // `modifiers` holds only `default`, which an `ItemFn` never parses with (`default fn` is for
    // impls; tests/ui/conditional/fail/default_fn.rs shows the error a user gets).
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
        ..
    } = item_fn;
    let krate = &options.krate;
    let private = quote!(#krate::__private);
    let require = options.require.is_some();
    let output_ty = match &sig.output {
        ReturnType::Type(_, ty) => ty,
        // `handler::check` rejects a missing return type before expansion.
        ReturnType::Default => {
            return quote!(::core::compile_error!("#[conditional] needs a return type"););
        }
    };
    // What the attribute enforces goes into the handler's `#[utoipa::path]`, with etag-core's
    // `utoipa` feature (whose `openapi` module the rewritten attribute names).
    #[cfg(feature = "utoipa")]
    let attrs = {
        let mut attrs = attrs;
        super::openapi::document(&mut attrs, options, output_ty);
        attrs
    };
    let ident = &sig.ident;
    // With a precheck, the last argument (the body, if any) is extracted after it: a request the
    // precheck answers never has its body read.
    let (inputs, deferred) = defer_last_argument(&sig.inputs, options.precheck.as_ref(), &private);
    let error_ty = match &options.error {
        Some(ty) => quote!(#ty),
        None => quote!(#private::PreconditionError),
    };
    let ok_ty = result_ok_type(output_ty);

    // Each check is spanned at the user's token it is about, so rustc points there.
    let error_check = options.error.as_ref().map(|ty| {
        quote_spanned! {ty.span()=>
            <#ty as #private::ConditionalError>::error_type_is_usable();
        }
    });
    let require_check = options.require.map(|span| {
        let checked_ty = ok_ty.unwrap_or(output_ty);
        quote_spanned! {span=>
            <#checked_ty as #private::WriteResponse>::require_is_for_writes();
        }
    });
    let admit = match ok_ty {
        // For `Result<T, E>`, a `T` that does not fit is reported at `T` and by its own name,
        // not as "`Result<T, E>` cannot be returned".
        Some(ok_ty) => quote_spanned! {ok_ty.span()=>
            <#ok_ty as #private::IntoConditionalResponse>::admit_result::<_, #require, #error_ty>(
                &__etag_request,
            )
        },
        None => quote_spanned! {output_ty.span()=>
            <#output_ty as #private::IntoConditionalResponse>::admit::<#require, #error_ty>(
                &__etag_request,
            )
        },
    };
    let body_last_checks = body_last_checks(&sig.inputs, &private);
    let precheck = options.precheck.as_ref().map(|expr| {
        // Evaluated only when the request has a precondition: without one nothing can be
        // answered early, and the cheap read would be a second trip to the store for a 200.
        quote_spanned! {expr.span()=>
            if __etag_request.has_preconditions() {
                if let ::core::option::Option::Some(__etag_early) =
                    #private::PrecheckResult::precheck(#expr, &__etag_request)
                {
                    return __etag_early;
                }
            }
        }
    });

    // The deferred argument's extraction marker (from the whole request, or from its head) is a
    // type parameter of the handler that axum infers where it is routed.
    let generics = deferred.as_ref().map(|_| quote!(<__EtagVia: 'static>));
    quote! {
        #(#attrs)*
        #vis async fn #ident #generics(
            __etag_request: #private::ConditionalRequest<#require, #error_ty>,
            #inputs
        ) -> #private::Response {
            #error_check
            #require_check
            #(#body_last_checks)*
            let __etag_respond: fn(
                #private::ConditionalRequest<#require, #error_ty>,
                #output_ty,
            ) -> #private::Response = match #admit {
                ::core::result::Result::Ok(__etag_respond) => __etag_respond,
                ::core::result::Result::Err(__etag_refusal) => return __etag_refusal,
            };
            #precheck
            #deferred
            // The body runs in an async block whose output is named before the body is checked
            // (the `if false` return, never taken), and its value is a typed `let`: a `return`
            // or a final value that does not fit `R` is reported at the user's expression, not
            // over the whole body as a mismatch of two async block types.
            let __etag_output: #output_ty = async move {
                if false {
                    return #private::handler_output::<#output_ty>();
                }
                let __etag_output: #output_ty = #block;
                __etag_output
            }
            .await;
            __etag_respond(__etag_request, __etag_output)
        }
    }
}

/// The handler's arguments with the last one replaced by a `Deferred<T, _>` extracted after the
/// precheck, and the `let` that extracts it; unchanged when there is no precheck, or when the
/// precheck uses what the last argument binds (a `Path(id)` it needs).
fn defer_last_argument(
    inputs: &Punctuated<FnArg, Token![,]>,
    precheck: Option<&syn::Expr>,
    private: &TokenStream,
) -> (TokenStream, Option<TokenStream>) {
    let mut args: Vec<&FnArg> = inputs.iter().collect();
    let last = match (args.last(), precheck) {
        (Some(FnArg::Typed(last)), Some(precheck))
            if !super::bindings::precheck_uses(&last.pat, precheck) =>
        {
            last
        }
        _ => return (quote!(#inputs), None),
    };
    args.pop();
    let syn::PatType { attrs, pat, ty, .. } = last;
    let deferred = quote_spanned! {ty.span()=>
        let #pat: #ty = match __etag_body.extract().await {
            ::core::result::Result::Ok(__etag_value) => __etag_value,
            ::core::result::Result::Err(__etag_rejection) => return __etag_rejection,
        };
    };
    (
        quote!(#(#args,)* #(#attrs)* __etag_body: #private::Deferred<#ty, __EtagVia>),
        Some(deferred),
    )
}

/// For every argument but the last, a check that it is a parts extractor, spanned at its type:
/// a body extractor anywhere else is otherwise reported at the route, naming the injected
/// argument. The state type comes from a `State<S>` argument; without one nothing is checked
/// (an extractor may be one for a particular state only).
fn body_last_checks(
    inputs: &Punctuated<FnArg, Token![,]>,
    private: &TokenStream,
) -> Vec<TokenStream> {
    let types: Vec<&Type> = inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(typed) => Some(&*typed.ty),
            FnArg::Receiver(_) => None,
        })
        .collect();
    let Some(state) = types.iter().find_map(|ty| state_type(ty)) else {
        return Vec::new();
    };
    let Some((_last, others)) = types.split_last() else {
        return Vec::new();
    };
    others
        .iter()
        .map(|ty| {
            quote_spanned! {ty.span()=>
                <#ty as #private::ReadsNoBody<#state>>::reads_no_body();
            }
        })
        .collect()
}

/// `S` of an argument typed `State<S>` (or `…::State<S>`).
fn state_type(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    if last.ident != "State" || args.args.len() != 1 {
        return None;
    }
    match args.args.first()? {
        GenericArgument::Type(state) => Some(state),
        _ => None,
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
        let options = super::super::options::parse_valid(args);
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
            "(__etag_request : :: etag_core :: __private :: ConditionalRequest < true , :: \
             etag_core :: __private :: PreconditionError > , pre : Preconditions , Json (input) \
             : Json < Input >)"
        ));
        assert!(expanded.contains("-> :: etag_core :: __private :: Response"));
        assert!(expanded.contains(
            "< T as :: etag_core :: __private :: WriteResponse > :: require_is_for_writes ()"
        ));
        let admit = expanded
            .find("< T as :: etag_core :: __private :: IntoConditionalResponse > :: admit_result :: < _ , true ,")
            .expect("the admission");
        let body = expanded
            .find("let __etag_output : Result < T , E > = { body (pre , input) } ;")
            .expect("the body");
        assert!(
            admit < body,
            "a read handler asked to write is refused before the body runs"
        );
        assert!(expanded.contains("__etag_respond (__etag_request , __etag_output)"));
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
            .find("my :: etag :: __private :: PrecheckResult :: precheck (db . version (id) . await , & __etag_request)")
            .expect("the precheck call");
        let body = expanded.find("load ()").expect("the body");
        assert!(precheck < body);
        assert!(expanded.contains("return __etag_early ;"));
        assert!(expanded.contains(
            "ConditionalRequest < false , my :: etag :: __private :: PreconditionError >"
        ));
        assert!(!expanded.contains("require_is_for_writes"));
        // Not spelled `Result<…>`: the general entry point.
        assert!(expanded.contains(
            "< Order as my :: etag :: __private :: IntoConditionalResponse > :: admit :: < false ,"
        ));
    }

    #[test]
    fn with_a_precheck_the_body_is_extracted_after_it() {
        let expanded = expand(
            quote!(require, precheck = db.version(id).await),
            quote! {
                async fn put(State(db): State<Db>, Path(id): Path<u64>, pre: Preconditions,
                             Json(input): Json<Input>) -> Result<Written<O>, E> { body(input) }
            },
        );
        assert!(
            expanded.contains(
                "pre : Preconditions , __etag_body : :: etag_core :: __private :: Deferred < \
                 Json < Input > , __EtagVia >)"
            ),
            "{expanded}"
        );
        let precheck = expanded
            .find("__private :: PrecheckResult :: precheck")
            .expect("the precheck");
        let extract = expanded
            .find("let Json (input) : Json < Input > = match __etag_body . extract () . await")
            .expect("the deferred extraction");
        let body = expanded.find("body (input)").expect("the body");
        assert!(precheck < extract && extract < body);
    }

    #[test]
    fn the_users_error_type_carries_every_answer_of_the_attribute() {
        let expanded = expand(
            quote!(error = crate::ApiError),
            quote! {
                async fn get(Path(id): Path<u64>) -> Result<Order, ApiError> { load() }
            },
        );
        assert!(expanded.contains("ConditionalRequest < false , crate :: ApiError >"));
        assert!(expanded.contains(
            "< crate :: ApiError as :: etag_core :: __private :: ConditionalError > :: \
             error_type_is_usable ()"
        ));
        assert!(expanded.contains("admit_result :: < _ , false , crate :: ApiError >"));
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
