//! `#[derive(Versioned)]`: parse the input into a model (`ast`, `attr`), decide what the tag is
//! made of (`check`), then generate the impl (`expand`), or the errors and a stub impl
//! (`fallback`).

mod ast;
mod attr;
mod check;
mod expand;
mod fallback;
mod serde_attr;
mod symbol;

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::ctxt::Ctxt;
use ast::Container;
pub(crate) use symbol::ETAG_ATTR;

pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let container = Container::from_ast(&mut cx, input);
    let plan = check::check(&mut cx, &container);
    let krate = container
        .attrs
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::etag_core));
    match (cx.check(), plan) {
        (Ok(()), Some(plan)) => expand::expand(&container, &plan, &krate),
        // A `crate` path that did not parse leaves no path to write the stub impl at.
        (Err(errors), _) if container.attrs.krate_written && container.attrs.krate.is_none() => {
            errors
        }
        (Err(errors), _) => {
            let fallback = fallback::expand(input, &krate);
            quote!(#errors #fallback)
        }
        // `check` returns no plan only after recording an error; say so rather than emit a
        // stub that would compile.
        (Ok(()), None) => quote! {
            ::core::compile_error!("internal error in #[derive(Versioned)]: no plan and no error");
        },
    }
}

/// Token-level snapshots of the generated code. To see an expansion while developing, run these
/// tests with `--nocapture`, or `cargo expand` on a crate that uses the derive.
#[cfg(test)]
mod tests {
    use quote::quote;

    use super::derive;

    fn expand(input: proc_macro2::TokenStream) -> String {
        let input = syn::parse2(input).expect("a valid derive input");
        let output = derive(&input).to_string();
        println!("{output}");
        output
    }

    #[test]
    fn expansion_of_a_generic_struct() {
        let actual = expand(quote! {
            struct Order<T> {
                #[etag(id)]
                id: u64,
                items: Vec<T>,
                #[etag(last_modified)]
                at: SystemTime,
            }
        });
        let expected = quote! {
            #[automatically_derived]
            #[allow(clippy::type_repetition_in_bounds, clippy::trait_duplication_in_bounds)]
            impl<T> ::etag_core::__private::Versioned for Order<T>
            where
                Vec<T>: ::etag_core::__private::TagField
            {
                fn etag(&self) -> ::etag_core::__private::EntityTag {
                    {
                        use ::etag_core::__private::{ViaEncode as _, ViaSerde as _, ViaUnordered as _};
                        // The name is pre-encoded; `Probe` picks `Encode` or serde.
                        ::etag_core::__private::FieldHasher::for_struct()
                            .field(
                                b"\x06\x05items",
                                (&::etag_core::__private::Probe::<Vec<T> >(&self.items)).via()
                            )
                            .finish(false)
                    }
                }

                fn last_modified(&self)
                    -> ::etag_core::__private::Option<::etag_core::__private::SystemTime>
                {
                    <SystemTime as ::etag_core::__private::LastModified>::last_modified(&self.at)
                }
            }
        };
        assert_eq!(actual, expected.to_string());
    }

    #[test]
    fn expansion_of_an_enum_with_a_crate_path_and_weak_tags() {
        let actual = expand(quote! {
            #[etag(weak, crate = "my::etag")]
            enum Status {
                Draft,
                Open(#[etag(skip)] u8, String),
            }
        });
        let expected = quote! {
            #[automatically_derived]
            #[allow(clippy::type_repetition_in_bounds, clippy::trait_duplication_in_bounds)]
            impl my::etag::__private::Versioned for Status {
                fn etag(&self) -> my::etag::__private::EntityTag {
                    // The skipped field `0` must not be in a serialized body.
                    use my::etag::__private::{NotShown as _, ShownIfSerialize as _};
                    my::etag::__private::NotShownInTheBody::left_out_field(
                        (&my::etag::__private::LeftOut::<Self>::PROBE).shown());
                    match *self {
                        Self::Draft { .. } => {
                            my::etag::__private::FieldHasher::for_variant("Draft").finish(true)
                        }
                        Self::Open { 1: ref __etag_field_1, .. } => {
                            {
                                use my::etag::__private::{ViaEncode as _, ViaSerde as _, ViaUnordered as _};
                                my::etag::__private::FieldHasher::for_variant("Open")
                                    .field(
                                        b"\x06\x011",
                                        (&my::etag::__private::Probe::<String>(__etag_field_1)).via()
                                    )
                                    .finish(true)
                            }
                        }
                    }
                }
            }
        };
        assert_eq!(actual, expected.to_string());
    }

    #[test]
    fn errors_come_with_a_stub_impl() {
        let actual = expand(quote! {
            struct Order {
                #[etag(sikp)]
                id: u64,
            }
        });
        assert!(actual.contains("compile_error"), "{actual}");
        assert!(actual.contains("unreachable"), "{actual}");
        assert!(actual.contains("impl :: etag_core :: __private :: Versioned for Order"));
    }

    #[test]
    fn an_unparsable_crate_path_gets_no_stub_impl() {
        // The stub would have to guess `::etag_core`, which is exactly what the user said is
        // wrong; its error would be a second, misleading one.
        let actual = expand(quote! {
            #[etag(crate = "not a path!")]
            struct Order {
                total: u64,
            }
        });
        assert!(actual.contains("is not a path"), "{actual}");
        assert!(!actual.contains("impl"), "{actual}");
        let unquoted = expand(quote! {
            #[etag(crate = etag_core)]
            struct Order {
                total: u64,
            }
        });
        assert!(unquoted.contains("compile_error"), "{unquoted}");
        assert!(!unquoted.contains("impl"), "{unquoted}");
    }
}
