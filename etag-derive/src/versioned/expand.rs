//! Code generation for a checked `Plan`: one `#[automatically_derived] impl`, reaching etag-core
//! only through `<crate>::__private`.
//!
//! Structs read their fields as `&self.name`, so they bind no locals at all; enum variants bind
//! `ref __etag_field_*` (see [`crate::name::binding`] for what a user's item of that name does).
//! Calls that involve a field's type are spanned at that type, so when the type lacks
//! `Serialize`, `Version` or `LastModified` the compiler points at the field.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::ast::{Container, Field};
use super::attr::unraw;
use super::check::{Part, Plan, Shape, TagSource};
use crate::bound::{self, Need};

pub(crate) fn expand(container: &Container<'_>, plan: &Plan<'_>, krate: &syn::Path) -> TokenStream {
    let private = quote!(#krate::__private);
    let input = container.input;
    let ident = &input.ident;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let where_clause = bound::where_clause(&input.generics, &needs(plan, &private));

    let (etag_body, last_modified_body) = match &plan.shape {
        Shape::Struct(part) => {
            let etag = etag_expr(&private, part, plan.weak, None, Access::SelfField);
            let last_modified = part
                .last_modified
                .map(|field| last_modified_expr(&private, field, Access::SelfField));
            (etag, last_modified)
        }
        Shape::Enum(variants) => {
            let etag_arms = variants.iter().map(|(variant, part)| {
                let pattern = pattern(&quote!(Self::#variant), &tag_fields(part));
                let name = unraw(variant);
                let etag = etag_expr(&private, part, plan.weak, Some(&name), Access::Binding);
                quote!(#pattern => { #etag })
            });
            // `*self`: the arms bind by `ref`; and `match *self {}` is how an empty enum proves
            // the method cannot be called.
            let etag = quote! {
                match *self {
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
                            Some(field) => last_modified_expr(&private, field, Access::Binding),
                            None => quote!(#private::Option::None),
                        };
                        quote!(#pattern => { #value })
                    });
                    quote! {
                        match *self {
                            #(#arms)*
                        }
                    }
                });
            (etag, last_modified)
        }
    };

    let left_out = left_out_but_shown(plan, &private);
    let last_modified_fn = last_modified_body.map(|body| {
        quote! {
            fn last_modified(&self) -> #private::Option<#private::SystemTime> {
                #body
            }
        }
    });

    quote! {
        #[automatically_derived]
        // The bounds the derive adds sit next to the user's own where clause, which may bound
        // the same field type already.
        #[allow(clippy::type_repetition_in_bounds, clippy::trait_duplication_in_bounds)]
        impl #impl_generics #private::Versioned for #ident #ty_generics #where_clause {
            fn etag(&self) -> #private::EntityTag {
                #left_out
                #etag_body
            }

            #last_modified_fn
        }
    }
}

/// How the generated code reaches a field.
#[derive(Clone, Copy)]
enum Access {
    /// `&self.name`: structs.
    SelfField,
    /// `__etag_field_name`, bound by the arm's pattern: enum variants.
    Binding,
}

impl Access {
    /// An expression of type `&FieldType`.
    fn of(self, field: &Field<'_>) -> TokenStream {
        match self {
            Self::SelfField => {
                let member = &field.member;
                quote!(&self.#member)
            }
            Self::Binding => {
                let binding = binding(field);
                quote!(#binding)
            }
        }
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
                #private::NotShownInTheBody::left_out_field(
                    (&#private::LeftOut::<Self>::PROBE).shown()
                );
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
            // A `with` field is hashed through its function's result, whose type the derive
            // cannot name: the call itself checks it.
            TagSource::Hashed(fields) => serialize.extend(
                fields
                    .iter()
                    .copied()
                    .filter(|field| field.attrs.with.is_none()),
            ),
        }
        last_modified.extend(part.last_modified);
    }
    vec![
        Need {
            types: serialize.iter().map(|field| field.ty).collect(),
            bound: quote!(#private::TagField),
        },
        Need {
            types: version.iter().map(|field| field.ty).collect(),
            bound: quote!(#private::Version),
        },
        Need {
            types: last_modified.iter().map(|field| field.ty).collect(),
            bound: quote!(#private::LastModified),
        },
    ]
}

/// The local that holds a reference to a variant's field (see [`crate::name::binding`]).
fn binding(field: &Field<'_>) -> syn::Ident {
    let index = match &field.member {
        syn::Member::Unnamed(index) => index.index as usize,
        syn::Member::Named(_) => 0,
    };
    crate::name::binding(field.original, index)
}

/// The fields the tag is computed from.
fn tag_fields<'c>(part: &Part<'c>) -> Vec<&'c Field<'c>> {
    match &part.tag {
        TagSource::Version(field) => vec![*field],
        TagSource::Hashed(fields) => fields.clone(),
    }
}

/// `Path { name: ref __etag_field_name, 0: ref __etag_field_0, .. }`: one pattern shape for
/// named, tuple and unit variants alike, binding references to just the fields the method reads.
fn pattern(path: &TokenStream, fields: &[&Field<'_>]) -> TokenStream {
    let bindings = fields.iter().map(|field| {
        let member = &field.member;
        let binding = binding(field);
        quote!(#member: ref #binding)
    });
    quote!(#path { #(#bindings,)* .. })
}

fn etag_expr(
    private: &TokenStream,
    part: &Part<'_>,
    weak: bool,
    variant: Option<&str>,
    access: Access,
) -> TokenStream {
    match &part.tag {
        TagSource::Version(field) => {
            let value = access.of(field);
            let ty = field.ty;
            let tag = quote_spanned! {ty.span()=>
                <#ty as #private::Version>::version_tag(#value)
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
            let adds = fields.iter().map(|field| {
                let value = access.of(field);
                let name = crate::name::encoded(&field_name(field));
                // `Probe` picks the serde-free `Encode` path when the type has it, serde
                // otherwise (the same bytes either way).
                match &field.attrs.with {
                    // The function's result is hashed in place of the field; errors in the call
                    // or in the result's type point at the function.
                    Some((_, function)) => quote_spanned! {function.span()=>
                        .field(#name, (&#private::Probe(&#function(#value))).via())
                    },
                    // `Serialize` is checked here, at the field's type.
                    None => {
                        let ty = field.ty;
                        quote_spanned! {ty.span()=>
                            .field(#name, (&#private::Probe::<#ty>(#value)).via())
                        }
                    }
                }
            });
            if fields.is_empty() {
                return quote!(#start.finish(#weak));
            }
            quote!({
                use #private::{ViaEncode as _, ViaSerde as _, ViaUnordered as _};
                #start #(#adds)* .finish(#weak)
            })
        }
    }
}

fn last_modified_expr(private: &TokenStream, field: &Field<'_>, access: Access) -> TokenStream {
    let value = access.of(field);
    let ty = field.ty;
    quote_spanned! {ty.span()=>
        <#ty as #private::LastModified>::last_modified(#value)
    }
}

/// The name hashed with a field: its Rust name without `r#`, or its index.
fn field_name(field: &Field<'_>) -> String {
    match &field.member {
        syn::Member::Named(ident) => unraw(ident),
        syn::Member::Unnamed(index) => index.index.to_string(),
    }
}
