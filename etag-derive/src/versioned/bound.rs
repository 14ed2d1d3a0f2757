//! Trait bounds for generic types: a type parameter gets the bound its role needs (`TagField`, that
//! is `Serialize`, when it appears in a hashed field, `Version` in the version field, `LastModified` in the
//! modification-time field) and nothing more, so `Wrapper<T>` stays usable with any `T` that
//! only sits in skipped fields.

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use syn::{Generics, Ident, WhereClause, parse_quote};

use super::ast::Field;

/// Which bound a set of fields needs on the type parameters they mention.
pub(crate) struct Need<'c> {
    pub(crate) fields: Vec<&'c Field<'c>>,
    pub(crate) bound: TokenStream,
}

/// The impl's where clause: the type's own predicates plus one per (parameter, needed bound).
pub(crate) fn where_clause(generics: &Generics, needs: &[Need<'_>]) -> WhereClause {
    let mut clause = generics
        .where_clause
        .clone()
        .unwrap_or_else(|| parse_quote!(where));
    for need in needs {
        let mentioned: BTreeSet<String> = need
            .fields
            .iter()
            .flat_map(|field| {
                let ty = field.ty;
                idents_in(quote!(#ty))
            })
            .collect();
        for param in generics.type_params() {
            if mentioned.contains(&param.ident.to_string()) {
                let ident: &Ident = &param.ident;
                let bound = &need.bound;
                clause.predicates.push(parse_quote!(#ident: #bound));
            }
        }
    }
    clause
}

/// Every identifier in a token stream, looking inside groups: a parameter `T` is mentioned by
/// `Vec<T>`, `[T; 4]`, `(T, u8)` or `Option<&'a T>` alike.
fn idents_in(tokens: TokenStream) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![tokens];
    while let Some(stream) = stack.pop() {
        for token in stream {
            match token {
                TokenTree::Ident(ident) => found.push(ident.to_string()),
                TokenTree::Group(group) => stack.push(group.stream()),
                TokenTree::Punct(_) | TokenTree::Literal(_) => {}
            }
        }
    }
    found
}
