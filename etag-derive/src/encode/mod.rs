//! `#[derive(Encode)]`: the serde-free canonical encoding of a type that derives `Serialize`,
//! written field by field, so a derived tag that holds it skips serde's visitor machinery. It
//! mirrors what `#[derive(Serialize)]` makes serde write (names, renames, skipped fields; see
//! `serde_mirror` for what it refuses), so the bytes, and every tag, stay the same.

mod serde_mirror;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident};

use self::serde_mirror::Place;
use crate::attr_util::{self, CRATE};
use crate::bound::{self, Need};
use crate::ctxt::Ctxt;

/// The canonical encoding's struct marker (etag-core's `canonical` docs).
const STRUCT: u8 = 0x0c;

pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    serde_mirror::read(&mut cx, &input.attrs, &Place::Container);
    let krate = crate_path(&mut cx, &input.attrs);
    let private = quote!(#krate::__private);
    let body = match &input.data {
        Data::Struct(data) => struct_body(&mut cx, &private, &data.fields),
        Data::Enum(data) => enum_body(&mut cx, &private, data),
        Data::Union(data) => {
            cx.error_spanned_by(
                data.union_token,
                "`Encode` cannot be derived for a union: serde cannot serialize one either",
            );
            TokenStream::new()
        }
    };
    if let Err(errors) = cx.check() {
        return errors;
    }
    let ident = &input.ident;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let types: Vec<&syn::Type> = match &input.data {
        Data::Struct(data) => data.fields.iter().map(|field| &field.ty).collect(),
        Data::Enum(data) => data
            .variants
            .iter()
            .flat_map(|variant| variant.fields.iter().map(|field| &field.ty))
            .collect(),
        Data::Union(_) => Vec::new(),
    };
    // Generic fields are bounded by `Encode`, so they are encoded directly too; a `T` without it
    // makes the whole type fall back to serde where it is used, which writes the same bytes.
    let where_clause = bound::where_clause(
        &input.generics,
        &[Need {
            types,
            bound: quote!(#private::Encode),
        }],
    );
    quote! {
        #[automatically_derived]
        #[allow(clippy::type_repetition_in_bounds, clippy::trait_duplication_in_bounds)]
        impl #impl_generics #private::Encode for #ident #ty_generics #where_clause {
            #[inline]
            fn encode<__EtagSink: #private::Sink>(&self, __etag_sink: &mut __EtagSink) {
                use #private::{ViaEncode as _, ViaSerde as _};
                #body
            }
        }
    }
}

/// `#[etag(crate = "…")]`, the only `#[etag]` key this derive reads (the others belong to
/// `#[derive(Versioned)]`, which reports their mistakes).
fn crate_path(cx: &mut Ctxt, attrs: &[syn::Attribute]) -> syn::Path {
    let mut krate = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("etag")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(CRATE) {
                if let Some(path) = attr_util::crate_path(cx, crate::versioned::ETAG_ATTR, &meta)? {
                    krate = Some(path);
                }
                Ok(())
            } else {
                attr_util::skip_value(&meta)
            }
        });
    }
    krate.unwrap_or_else(|| syn::parse_quote!(::etag_core))
}

/// One value, through the same `Encode`-or-serde choice as a derived tag's fields, after
/// `prefix` (a field name's encoding, or nothing).
fn value(
    private: &TokenStream,
    prefix: Option<proc_macro2::Literal>,
    ty: &syn::Type,
    access: &TokenStream,
) -> TokenStream {
    let prefix = match prefix {
        Some(literal) => quote!(#literal),
        None => quote!(&[]),
    };
    quote_spanned! {ty.span()=>
        #private::encode_value_via(
            __etag_sink,
            #prefix,
            (&#private::Probe::<#ty>(#access)).via(),
        );
    }
}

/// A named field's serialized name: its `rename`, or its name without `r#`.
fn serialized_name(ident: &Ident, rename: Option<String>) -> String {
    use syn::ext::IdentExt;
    rename.unwrap_or_else(|| ident.unraw().to_string())
}

fn struct_body(cx: &mut Ctxt, private: &TokenStream, fields: &Fields) -> TokenStream {
    match fields {
        Fields::Named(named) => {
            let mut writes = Vec::new();
            for field in &named.named {
                let serde = serde_mirror::read(cx, &field.attrs, &Place::Field);
                let Some(ident) = field.ident.as_ref().filter(|_| serde.skip.is_none()) else {
                    continue;
                };
                let name = serialized_name(ident, serde.rename);
                // The struct's marker goes with the first field's name, in one write.
                let prefix = if writes.is_empty() {
                    crate::name::encoded_after(&[STRUCT], &name)
                } else {
                    crate::name::encoded(&name)
                };
                writes.push(value(
                    private,
                    Some(prefix),
                    &field.ty,
                    &quote!(&self.#ident),
                ));
            }
            let open = writes
                .is_empty()
                .then(|| quote!(#private::encode_open(__etag_sink, #private::Open::Struct, "");));
            quote! {
                #open
                #(#writes)*
                #private::encode_end(__etag_sink);
            }
        }
        Fields::Unnamed(unnamed) => {
            refuse_skipped(cx, fields);
            let accesses: Vec<TokenStream> = (0..unnamed.unnamed.len())
                .map(|index| {
                    let index = syn::Index::from(index);
                    quote!(&self.#index)
                })
                .collect();
            if let ([field], [access]) = (&fields.iter().collect::<Vec<_>>()[..], &accesses[..]) {
                // A newtype struct is its inner value (`serialize_newtype_struct`).
                return value(private, None, &field.ty, access);
            }
            let writes = fields
                .iter()
                .zip(&accesses)
                .map(|(field, access)| value(private, None, &field.ty, access));
            quote! {
                #private::encode_open(__etag_sink, #private::Open::TupleStruct, "");
                #(#writes)*
                #private::encode_end(__etag_sink);
            }
        }
        Fields::Unit => quote! {
            #private::encode_open(__etag_sink, #private::Open::UnitStruct, "");
        },
    }
}

/// serde's skipping of tuple fields changes the shape (a newtype may become a tuple): not
/// mirrored.
fn refuse_skipped(cx: &mut Ctxt, fields: &Fields) {
    for field in fields {
        let serde = serde_mirror::read(cx, &field.attrs, &Place::Field);
        if let Some(skip) = serde.skip {
            cx.error_spanned_by(
                skip,
                "`#[derive(Encode)]` does not mirror skipped tuple fields; remove `Encode` from \
                 the derive (tags are then computed through serde, with the same bytes)",
            );
        }
    }
}

fn enum_body(cx: &mut Ctxt, private: &TokenStream, data: &syn::DataEnum) -> TokenStream {
    let arms: Vec<TokenStream> = data
        .variants
        .iter()
        .map(|variant| {
            let serde = serde_mirror::read(cx, &variant.attrs, &Place::Variant);
            let ident = &variant.ident;
            let name = serialized_name(ident, serde.rename);
            match &variant.fields {
                Fields::Unit => quote! {
                    Self::#ident => {
                        #private::encode_open(__etag_sink, #private::Open::UnitVariant, #name);
                    }
                },
                Fields::Unnamed(unnamed) => {
                    refuse_skipped(cx, &variant.fields);
                    let bindings: Vec<Ident> = unnamed
                        .unnamed
                        .iter()
                        .enumerate()
                        .map(|(index, field)| crate::name::binding(field, index))
                        .collect();
                    let writes = variant
                        .fields
                        .iter()
                        .zip(&bindings)
                        .map(|(field, binding)| value(private, None, &field.ty, &quote!(#binding)));
                    let (open, end) = if bindings.len() == 1 {
                        (quote!(NewtypeVariant), None)
                    } else {
                        (
                            quote!(TupleVariant),
                            Some(quote!(#private::encode_end(__etag_sink);)),
                        )
                    };
                    quote! {
                        Self::#ident(#(ref #bindings),*) => {
                            #private::encode_open(__etag_sink, #private::Open::#open, #name);
                            #(#writes)*
                            #end
                        }
                    }
                }
                Fields::Named(named) => {
                    let mut members = Vec::new();
                    let mut writes = Vec::new();
                    for (index, field) in named.named.iter().enumerate() {
                        let serde = serde_mirror::read(cx, &field.attrs, &Place::Field);
                        let Some(field_ident) = &field.ident else {
                            continue;
                        };
                        if serde.skip.is_some() {
                            continue;
                        }
                        let binding = crate::name::binding(field, index);
                        let field_name = serialized_name(field_ident, serde.rename);
                        writes.push(value(
                            private,
                            Some(crate::name::encoded(&field_name)),
                            &field.ty,
                            &quote!(#binding),
                        ));
                        members.push(quote!(#field_ident: ref #binding));
                    }
                    quote! {
                        Self::#ident { #(#members,)* .. } => {
                            #private::encode_open(__etag_sink, #private::Open::StructVariant, #name);
                            #(#writes)*
                            #private::encode_end(__etag_sink);
                        }
                    }
                }
            }
        })
        .collect();
    // The arms bind `ref __etag_field_*` (see `crate::name::binding`). `match *self {}` is also
    // how an empty enum proves it is never called.
    quote! {
        match *self {
            #(#arms)*
        }
    }
}
