//! The derive input as the rest of the macro sees it: the type, its variants and fields, each with
//! its parsed `#[etag]` attributes.

use syn::{Data, DeriveInput, Fields, Ident, Member, Type};

use super::attr::{self, ContainerAttrs, FieldAttrs};
use super::serde_attr;
use crate::ctxt::Ctxt;

pub(crate) struct Container<'a> {
    pub(crate) input: &'a DeriveInput,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) body: Body<'a>,
    /// `#[serde(into = "…")]`: the body is another type's, so no field can be said to be shown.
    pub(crate) serde_into: bool,
}

pub(crate) enum Body<'a> {
    Struct(Vec<Field<'a>>),
    Enum(Vec<Variant<'a>>),
    /// Unions cannot be derived; kept so the error can point at the `union` keyword.
    Union(&'a syn::token::Union),
}

pub(crate) struct Variant<'a> {
    pub(crate) ident: &'a Ident,
    /// `#[serde(skip)]` / `#[serde(skip_serializing)]` on the variant: never in a body.
    pub(crate) serde_skipped: bool,
    pub(crate) fields: Vec<Field<'a>>,
}

pub(crate) struct Field<'a> {
    /// `name` or `0`: how the generated code reaches the field.
    pub(crate) member: Member,
    pub(crate) ty: &'a Type,
    pub(crate) attrs: FieldAttrs,
    /// The field as written, for errors about the field as a whole.
    pub(crate) original: &'a syn::Field,
    /// `#[serde(skip)]` / `#[serde(skip_serializing)]`: serde never writes the field.
    pub(crate) serde_skipped: bool,
}

impl<'a> Container<'a> {
    pub(crate) fn from_ast(cx: &mut Ctxt, input: &'a DeriveInput) -> Self {
        let attrs = attr::container(cx, &input.attrs);
        let body = match &input.data {
            Data::Struct(data) => Body::Struct(fields(cx, &data.fields)),
            Data::Enum(data) => Body::Enum(
                data.variants
                    .iter()
                    .map(|variant| {
                        attr::variant(cx, &variant.attrs);
                        Variant {
                            ident: &variant.ident,
                            serde_skipped: serde_attr::skips_serializing(&variant.attrs),
                            fields: fields(cx, &variant.fields),
                        }
                    })
                    .collect(),
            ),
            Data::Union(data) => Body::Union(&data.union_token),
        };
        Self {
            input,
            attrs,
            body,
            serde_into: serde_attr::serializes_as_another_type(&input.attrs),
        }
    }

    /// Every field of every variant.
    pub(crate) fn all_fields(&self) -> Box<dyn Iterator<Item = &Field<'a>> + '_> {
        match &self.body {
            Body::Struct(fields) => Box::new(fields.iter()),
            Body::Enum(variants) => Box::new(variants.iter().flat_map(|v| v.fields.iter())),
            Body::Union(_) => Box::new(std::iter::empty()),
        }
    }
}

fn fields<'a>(cx: &mut Ctxt, fields: &'a Fields) -> Vec<Field<'a>> {
    fields
        .iter()
        .enumerate()
        .map(|(index, field)| Field {
            member: match &field.ident {
                Some(ident) => Member::Named(ident.clone()),
                None => Member::Unnamed(syn::Index {
                    index: index as u32,
                    span: proc_macro2::Span::call_site(),
                }),
            },
            ty: &field.ty,
            attrs: attr::field(cx, &field.attrs),
            original: field,
            serde_skipped: serde_attr::skips_serializing(&field.attrs),
        })
        .collect()
}
