//! What is emitted next to the errors when the input is wrong: an impl whose body is never run,
//! so the user's other code (which uses the type as `Versioned`) does not fail too and bury the
//! real error under knock-on ones.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

pub(crate) fn expand(input: &DeriveInput, krate: &syn::Path) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::__private::Versioned for #ident #ty_generics #where_clause {
            fn etag(&self) -> #krate::__private::EntityTag {
                ::core::unreachable!("`#[derive(Versioned)]` failed to compile")
            }
        }
    }
}
