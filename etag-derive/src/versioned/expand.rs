//! Code generation for a checked `Plan`.
//!
//! The impl sits in `const _: () = { ... };` and reaches etag-core only through
//! `<crate>::__private`. Calls that involve a field's type are spanned at that type, so when the
//! type lacks `Serialize`, `Version` or `LastModified` the compiler points at the field.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::ast::{Container, Field};
use super::attr::unraw;
use super::bound::{self, Need};
use super::check::{Part, Plan, Shape, TagSource};

pub(crate) fn expand(container: &Container<'_>, plan: &Plan<'_>, krate: &syn::Path) -> TokenStream {
    let private = quote!(#krate::__private);
    let input = container.input;
    let ident = &input.ident;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let where_clause = bound::where_clause(&input.generics, &needs(plan, &private));

    let (etag_body, last_modified_body) = match &plan.shape {
        Shape::Struct(part) => {
            let tag_pattern = pattern(&quote!(Self), &tag_fields(part));
            let etag = etag_expr(&private, part, plan.weak, None);
            let last_modified = part.last_modified.map(|field| {
                let lm_pattern = pattern(&quote!(Self), &[field]);
                let lm = last_modified_expr(&private, field);
                quote! {
                    let #lm_pattern = self;
                    #lm
                }
            });
            (quote! { let #tag_pattern = self; #etag }, last_modified)
        }
        Shape::Enum(variants) => {
            let etag_arms = variants.iter().map(|(variant, part)| {
                let pattern = pattern(&quote!(Self::#variant), &tag_fields(part));
                let name = unraw(variant);
                let etag = etag_expr(&private, part, plan.weak, Some(&name));
                quote!(#pattern => { #etag })
            });
            // `match *self {}` is how an empty enum proves the method cannot be called.
            let scrutinee = if variants.is_empty() {
                quote!(*self)
            } else {
                quote!(self)
            };
            let etag = quote! {
                match #scrutinee {
                    #(#etag_arms)*
                }
            };
            let last_modified = variants
                .iter()
                .any(|(_, part)| part.last_modified.is_some())
                .then(|| {
                    let arms = variants.iter().map(|(variant, part)| {
                        let lm_fields: Vec<&Field<'_>> = part.last_modified.into_iter().collect();
                        let pattern = pattern(&quote!(Self::#variant), &lm_fields);
                        let value = match part.last_modified {
                            Some(field) => last_modified_expr(&private, field),
                            None => quote!(#private::Option::None),
                        };
                        quote!(#pattern => { #value })
                    });
                    quote! {
                        match self {
                            #(#arms)*
                        }
                    }
                });
            (etag, last_modified)
        }
    };

    let shadows = shadow_user_items(plan);
    let left_out = left_out_but_shown(plan, &private);
    let last_modified_fn = last_modified_body.map(|body| {
        quote! {
            fn last_modified(&self) -> #private::Option<#private::SystemTime> {
                #shadows
                #body
            }
        }
    });

    quote! {
        #[doc(hidden)]
        #[allow(
            non_upper_case_globals,
            unused_qualifications,
            clippy::all,
            // The bounds the derive adds sit next to the user's own where clause, which may
            // bound the same field type already.
            clippy::type_repetition_in_bounds,
            clippy::trait_duplication_in_bounds
        )]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #private::Versioned for #ident #ty_generics #where_clause {
                fn etag(&self) -> #private::EntityTag {
                    #left_out
                    #shadows
                    #etag_body
                }

                #last_modified_fn
            }
        };
    }
}

/// For each field left out of the tag that serde may write: a check, spanned at the field, that
/// fails to compile when `Self: Serialize` (see etag-core's `canonical::left_out`). A type that
/// does not serialize compiles it to nothing.
fn left_out_but_shown(plan: &Plan<'_>, private: &TokenStream) -> TokenStream {
    let parts: Vec<&Part<'_>> = match &plan.shape {
        Shape::Struct(part) => vec![part],
        Shape::Enum(variants) => variants.iter().map(|(_, part)| part).collect(),
    };
    let checks: Vec<TokenStream> = parts
        .iter()
        .flat_map(|part| &part.left_out)
        .map(|field| {
            // At the name (or, for a tuple field, the type): the error is about this field.
            let span = match &field.original.ident {
                Some(ident) => ident.span(),
                None => field.ty.span(),
            };
            quote_spanned! {span=>
                #private::left_out_field((&#private::LeftOut::<Self>::PROBE).shown());
            }
        })
        .collect();
    if checks.is_empty() {
        return TokenStream::new();
    }
    quote! {
        use #private::{NotShown as _, ShownIfSerialize as _};
        #(#checks)*
    }
}

/// The bounds generic parameters need, by role.
fn needs<'c>(plan: &Plan<'c>, private: &TokenStream) -> Vec<Need<'c>> {
    let parts: Vec<&Part<'c>> = match &plan.shape {
        Shape::Struct(part) => vec![part],
        Shape::Enum(variants) => variants.iter().map(|(_, part)| part).collect(),
    };
    let mut serialize = Vec::new();
    let mut version = Vec::new();
    let mut last_modified = Vec::new();
    for part in parts {
        match &part.tag {
            TagSource::Version(field) => version.push(*field),
            TagSource::Hashed(fields) => serialize.extend(fields.iter().copied()),
        }
        last_modified.extend(part.last_modified);
    }
    vec![
        Need {
            fields: serialize,
            bound: quote!(#private::TagField),
        },
        Need {
            fields: version,
            bound: quote!(#private::Version),
        },
        Need {
            fields: last_modified,
            bound: quote!(#private::LastModified),
        },
    ]
}

/// One unused local `fn` per name the generated methods bind (`__hasher`, `__field_*`).
///
/// A `let` or match binding whose name resolves to a constant or static in scope is not a binding
/// at all: a user's `const __field_name` would turn the pattern into a comparison with it, and a
/// `static __hasher` makes the `let` an error. Hygiene cannot help: even `Span::mixed_site()`
/// resolves items at the call site. A local item of the same name shadows the user's, and since a
/// function is never a pattern, the names are fresh bindings again.
fn shadow_user_items(plan: &Plan<'_>) -> TokenStream {
    let parts: Vec<&Part<'_>> = match &plan.shape {
        Shape::Struct(part) => vec![part],
        Shape::Enum(variants) => variants.iter().map(|(_, part)| part).collect(),
    };
    let mut names = std::collections::BTreeSet::new();
    for part in parts {
        if matches!(part.tag, TagSource::Hashed(_)) {
            names.insert("__hasher".to_owned());
        }
        for field in tag_fields(part).into_iter().chain(part.last_modified) {
            names.insert(binding(field).to_string());
        }
    }
    let items = names.iter().map(|name| {
        let ident = syn::Ident::new(name, Span::call_site());
        quote! {
            #[allow(dead_code, non_snake_case)]
            fn #ident() {}
        }
    });
    quote!(#(#items)*)
}

/// The local that holds a reference to a field: `__field_name` or `__field_0`. It cannot collide
/// with the user's items: see [`shadow_user_items`].
fn binding(field: &Field<'_>) -> syn::Ident {
    let name = match &field.member {
        syn::Member::Named(ident) => format!("__field_{}", unraw(ident)),
        syn::Member::Unnamed(index) => format!("__field_{}", index.index),
    };
    syn::Ident::new(&name, Span::call_site())
}

/// The fields the tag is computed from.
fn tag_fields<'c>(part: &Part<'c>) -> Vec<&'c Field<'c>> {
    match &part.tag {
        TagSource::Version(field) => vec![*field],
        TagSource::Hashed(fields) => fields.clone(),
    }
}

/// `Path { name: __field_name, 0: __field_0, .. }`: one pattern shape for named, tuple and unit
/// structs and variants alike, binding references to just the fields the method reads.
fn pattern(path: &TokenStream, fields: &[&Field<'_>]) -> TokenStream {
    let bindings = fields.iter().map(|field| {
        let member = &field.member;
        let binding = binding(field);
        quote!(#member: #binding)
    });
    quote!(#path { #(#bindings,)* .. })
}

fn etag_expr(
    private: &TokenStream,
    part: &Part<'_>,
    weak: bool,
    variant: Option<&str>,
) -> TokenStream {
    match &part.tag {
        TagSource::Version(field) => {
            let binding = binding(field);
            let ty = field.ty;
            let tag = quote_spanned! {ty.span()=>
                <#ty as #private::Version>::version_tag(#binding)
            };
            if weak {
                quote!(#private::EntityTag::into_weak(#tag))
            } else {
                tag
            }
        }
        TagSource::Hashed(fields) => {
            let start = match variant {
                Some(name) => quote!(#private::FieldHasher::for_variant(#name)),
                None => quote!(#private::FieldHasher::for_struct()),
            };
            let hasher = syn::Ident::new("__hasher", Span::call_site());
            let adds = fields.iter().map(|field| {
                let binding = binding(field);
                let name = field_name(field);
                let ty = field.ty;
                // `Serialize` is checked here, at the field's type.
                quote_spanned! {ty.span()=>
                    #private::FieldHasher::field::<#ty>(&mut #hasher, #name, #binding);
                }
            });
            let mutability = (!fields.is_empty()).then(|| quote!(mut));
            quote! {
                let #mutability #hasher = #start;
                #(#adds)*
                #private::FieldHasher::finish(#hasher, #weak)
            }
        }
    }
}

fn last_modified_expr(private: &TokenStream, field: &Field<'_>) -> TokenStream {
    let binding = binding(field);
    let ty = field.ty;
    quote_spanned! {ty.span()=>
        <#ty as #private::LastModified>::last_modified(#binding)
    }
}

/// The name hashed with a field: its Rust name without `r#`, or its index.
fn field_name(field: &Field<'_>) -> String {
    match &field.member {
        syn::Member::Named(ident) => unraw(ident),
        syn::Member::Unnamed(index) => index.index.to_string(),
    }
}
