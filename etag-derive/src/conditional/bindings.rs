//! The names a `precheck` expression may use: the handler's argument bindings.
//!
//! The precheck is evaluated inside the generated handler, after its extractors, so it sees the
//! bindings of the handler's argument patterns (`State(store)`, `Path(id)`) and nothing local to
//! the body. A name that is none of them gets rustc's "cannot find value" with a suggestion to
//! import something unrelated (`use std::process::id;`); this check says what went wrong instead.

use std::collections::BTreeSet;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Expr, FnArg, ItemFn, Pat};

use crate::ctxt::Ctxt;

/// Keywords that can stand alone in an expression.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "else", "false", "for", "if",
    "in", "let", "loop", "match", "move", "mut", "ref", "return", "self", "static", "super",
    "true", "unsafe", "where", "while", "_",
];

/// An error for each lower-case name the precheck uses as a value that no argument binds.
pub(crate) fn check_precheck(cx: &mut Ctxt, item_fn: &ItemFn, precheck: &Expr) {
    let bound = bindings(item_fn);
    let mut problems = Vec::new();
    free_names(precheck.to_token_stream(), &mut |ident| {
        let name = ident.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name);
        if !bound.contains(name) && !problems.iter().any(|(seen, _)| seen == name) {
            problems.push((name.to_owned(), ident.span()));
        }
    });
    let listed = if bound.is_empty() {
        "it has no argument bindings".to_owned()
    } else {
        let names: Vec<String> = bound.iter().map(|name| format!("`{name}`")).collect();
        format!("it binds {}", names.join(", "))
    };
    for (name, span) in problems {
        cx.syn_error(syn::Error::new(
            span,
            format!(
                "`{name}` is not an argument of this handler: the precheck runs before the body \
                 and can use only the bindings of the handler's arguments ({listed}); extract \
                 what it needs, like `Path(id): Path<u64>`"
            ),
        ));
    }
}

/// Whether the precheck uses a name that `pat` binds: then that argument must be extracted
/// before the precheck runs.
pub(crate) fn precheck_uses(pat: &Pat, precheck: &Expr) -> bool {
    let mut bound = BTreeSet::new();
    pattern_names(pat, &mut bound);
    let mut uses = false;
    free_names(precheck.to_token_stream(), &mut |ident| {
        let name = ident.to_string();
        uses |= bound.contains(name.strip_prefix("r#").unwrap_or(&name));
    });
    uses
}

/// The names bound by the handler's argument patterns.
fn bindings(item_fn: &ItemFn) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for input in &item_fn.sig.inputs {
        if let FnArg::Typed(typed) = input {
            pattern_names(&typed.pat, &mut names);
        }
    }
    names
}

fn pattern_names(pat: &Pat, names: &mut BTreeSet<String>) {
    match pat {
        Pat::Ident(ident) => {
            let name = ident.ident.to_string();
            names.insert(name.strip_prefix("r#").unwrap_or(&name).to_owned());
            if let Some((_, sub)) = &ident.subpat {
                pattern_names(sub, names);
            }
        }
        Pat::TupleStruct(tuple) => tuple.elems.iter().for_each(|p| pattern_names(p, names)),
        Pat::Tuple(tuple) => tuple.elems.iter().for_each(|p| pattern_names(p, names)),
        Pat::Struct(strukt) => strukt
            .fields
            .iter()
            .for_each(|field| pattern_names(&field.pat, names)),
        Pat::Reference(reference) => pattern_names(&reference.pat, names),
        Pat::Paren(paren) => pattern_names(&paren.pat, names),
        Pat::Type(typed) => pattern_names(&typed.pat, names),
        Pat::Slice(slice) => slice.elems.iter().for_each(|p| pattern_names(p, names)),
        _ => {}
    }
}

/// Calls `found` for each identifier in `tokens` that stands alone as a value: not a method or
/// field (`.name`), a path segment (`a::b`), a called function (`f(…)`), a macro (`m!`), a
/// struct-literal field (`name: …`), a type or constant (upper case) or a keyword. Macro bodies
/// are skipped: their tokens need not be expressions.
fn free_names(tokens: TokenStream, found: &mut impl FnMut(&proc_macro2::Ident)) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (index, token) in tokens.iter().enumerate() {
        let before = index.checked_sub(1).and_then(|i| tokens.get(i));
        let after = tokens.get(index + 1);
        match token {
            TokenTree::Group(group) => {
                let after_macro_bang =
                    matches!(before, Some(TokenTree::Punct(p)) if p.as_char() == '!');
                if !after_macro_bang {
                    free_names(group.stream(), found);
                }
            }
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let lower = name
                    .trim_start_matches("r#")
                    .starts_with(|c: char| c.is_ascii_lowercase());
                let member = matches!(before, Some(TokenTree::Punct(p)) if p.as_char() == '.' || p.as_char() == ':' || p.as_char() == '\'');
                let called_or_path = match after {
                    Some(TokenTree::Group(group)) => group.delimiter() == Delimiter::Parenthesis,
                    Some(TokenTree::Punct(p)) => matches!(p.as_char(), ':' | '!'),
                    _ => false,
                };
                if lower && !member && !called_or_path && !KEYWORDS.contains(&name.as_str()) {
                    found(ident);
                }
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn unknown(item: TokenStream, precheck: TokenStream) -> Vec<String> {
        let item_fn: ItemFn = syn::parse2(item).expect("a function");
        let precheck: Expr = syn::parse2(precheck).expect("an expression");
        let mut cx = Ctxt::default();
        check_precheck(&mut cx, &item_fn, &precheck);
        cx.into_error()
            .map(|errors| errors.into_iter().map(|error| error.to_string()).collect())
            .unwrap_or_default()
    }

    fn handler() -> TokenStream {
        quote!(
            async fn get(State(store): State<Store>, Path((shop, id)): Path<(u8, u64)>) -> O {
                x
            }
        )
    }

    #[test]
    fn the_handlers_bindings_methods_paths_and_calls_are_fine() {
        let precheck = quote!(
            store
                .orders()
                .version(shop, &id, Order::KIND, MAX, helper(1), format!("{x}"))
                .await
                .map_err(ApiError::from)
        );
        assert!(unknown(handler(), precheck).is_empty());
    }

    #[test]
    fn a_name_no_argument_binds_is_reported_once_with_the_bindings() {
        let found = unknown(handler(), quote!(store.version(&idx, idx).await));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("`idx` is not an argument of this handler"));
        assert!(
            found[0].contains("it binds `id`, `shop`, `store`"),
            "{found:?}"
        );
    }
}
