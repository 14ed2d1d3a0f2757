//! Trait bounds for generic types: a field whose type mentions a type parameter gets the bound its
//! role needs (`TagField`, that is `Serialize`, for a hashed field, `Version` for the version field,
//! `LastModified` for the modification-time field), and nothing more, so `Wrapper<T>` stays usable
//! with any `T` that only sits in skipped fields.
//!
//! The bound is on the field's type, not on the parameter (as serde does for associated types):
//! `Vec<T>: TagField` needs what `T` must really provide, `S::Id: TagField` works where `S` itself
//! is not serializable, and `PhantomData<T>` serializes whatever `T` is.

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use syn::{Generics, Type, WhereClause, parse_quote};

/// Which bound a set of field types needs.
pub(crate) struct Need<'c> {
    pub(crate) types: Vec<&'c Type>,
    pub(crate) bound: TokenStream,
}

/// The impl's where clause: the type's own predicates plus one per (generic field type, needed
/// bound).
pub(crate) fn where_clause(generics: &Generics, needs: &[Need<'_>]) -> WhereClause {
    let mut clause = generics
        .where_clause
        .clone()
        .unwrap_or_else(|| parse_quote!(where));
    let params: BTreeSet<String> = generics
        .type_params()
        .map(|param| param.ident.to_string())
        .collect();
    if params.is_empty() {
        return clause;
    }
    // The same field type in two fields is bounded once.
    let mut seen = BTreeSet::new();
    for need in needs {
        let bound = &need.bound;
        for ty in &need.types {
            let tokens = quote!(#ty);
            if !mentions_any(tokens.clone(), &params) {
                continue;
            }
            if seen.insert((tokens.to_string(), bound.to_string())) {
                clause.predicates.push(parse_quote!(#ty: #bound));
            }
        }
    }
    clause
}

/// Whether any identifier in a token stream is one of `names`, looking inside groups: a
/// parameter `T` is mentioned by `Vec<T>`, `[T; 4]`, `(T, u8)`, `Option<&'a T>` or `T::Id` alike.
fn mentions_any(tokens: TokenStream, names: &BTreeSet<String>) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => names.contains(&ident.to_string()),
        TokenTree::Group(group) => mentions_any(group.stream(), names),
        TokenTree::Punct(_) | TokenTree::Literal(_) => false,
    })
}
