//! Attribute parsing shared by the crate's macros (`#[etag(...)]` and `#[conditional(...)]`): the
//! same mistake gets the same message whichever macro it is made in. Every helper records into a
//! [`Ctxt`] and keeps parsing, so one compile reports every mistake; a returned `syn::Error` means
//! the tokens themselves are unreadable and the rest of that attribute is lost.

use syn::meta::ParseNestedMeta;
use syn::{LitStr, Path, Token};

use crate::ctxt::Ctxt;

/// The attribute being parsed, for messages: `Attr { name: "etag", noun: "etag attribute" }`
/// makes "duplicate etag attribute `weak`" and "write `#[etag(weak)]`".
#[derive(Clone, Copy)]
pub(crate) struct Attr {
    /// As written in `#[name(...)]`.
    pub(crate) name: &'static str,
    /// What one key is called in messages: "etag attribute", "option".
    pub(crate) noun: &'static str,
}

/// `crate`: the key of the runtime path override, the same in every macro.
pub(crate) const CRATE: &str = "crate";

/// The key as written: `skip`, or `a::b` for a longer path.
pub(crate) fn key_name(path: &Path) -> String {
    path.segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// "`a`, `b`, `c`", for "expected one of" messages.
pub(crate) fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Consumes `= value` or `(...)` after a key whose error is already recorded, so the next keys
/// of the same attribute are still read. A parenthesised value is skipped whole, whatever it
/// holds (`foo("x")`, `foo(1)`), so its contents cannot replace the message about the key.
pub(crate) fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.input.parse::<proc_macro2::Group>()?;
    }
    Ok(())
}

/// Parses `key = value` where the value is Rust (an expression, a type, a path), not a string.
/// A missing value is recorded as "`key` needs {what}, like `key = {example}`"; a quoted one as
/// "`key` takes {what}, not a string: write `key = …` without the quotes" (serde's attributes
/// quote their values; these do not). `None` when a message was recorded.
pub(crate) fn unquoted_value<T: syn::parse::Parse>(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta<'_>,
    what: &str,
    example: &str,
) -> syn::Result<Option<T>> {
    let key = key_name(&meta.path);
    if !meta.input.peek(Token![=]) {
        skip_value(meta)?;
        cx.error_spanned_by(
            &meta.path,
            format!("`{key}` needs {what}, like `{key} = {example}`"),
        );
        return Ok(None);
    }
    let value = meta.value()?;
    if value.peek(LitStr) {
        let literal: LitStr = value.parse()?;
        cx.error_spanned_by(
            &literal,
            format!(
                "`{key}` takes {what}, not a string: write `{key} = {}` without the quotes",
                literal.value()
            ),
        );
        return Ok(None);
    }
    value.parse().map(Some)
}

/// Checks that a flag key has no value (`skip`, not `skip = true`): otherwise records "`key`
/// takes no value" and skips the value.
pub(crate) fn flag(cx: &mut Ctxt, attr: Attr, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        return Ok(());
    }
    skip_value(meta)?;
    let key = key_name(&meta.path);
    cx.error_spanned_by(
        &meta.path,
        format!("`{key}` takes no value: write `#[{}({key})]`", attr.name),
    );
    Ok(())
}

/// Stores `value` unless the key was given before, which is recorded as "duplicate"; `true` if
/// it was stored.
pub(crate) fn set_once<T>(
    cx: &mut Ctxt,
    attr: Attr,
    slot: &mut Option<T>,
    meta: &ParseNestedMeta<'_>,
    value: T,
) -> bool {
    if slot.is_some() {
        let key = key_name(&meta.path);
        cx.error_spanned_by(&meta.path, format!("duplicate {} `{key}`", attr.noun));
        false
    } else {
        *slot = Some(value);
        true
    }
}

/// Parses `crate = "path"`. A missing value, a value that is not a string, or a string that is
/// not a path is recorded and gives `None`; the keys after it are still read.
pub(crate) fn crate_path(
    cx: &mut Ctxt,
    attr: Attr,
    meta: &ParseNestedMeta<'_>,
) -> syn::Result<Option<Path>> {
    let expected = format!(
        "expected `crate = \"...\"` with the path to etag-core as a string, \
         like `#[{}(crate = \"::etag_core\")]`",
        attr.name
    );
    if !meta.input.peek(Token![=]) {
        skip_value(meta)?;
        cx.error_spanned_by(&meta.path, expected);
        return Ok(None);
    }
    let value = meta.value()?;
    if !value.peek(LitStr) {
        let unquoted: syn::Expr = value.parse()?;
        cx.error_spanned_by(unquoted, expected);
        return Ok(None);
    }
    let literal: LitStr = value.parse()?;
    match literal.parse::<Path>() {
        Ok(path) => Ok(Some(path)),
        Err(_) => {
            cx.error_spanned_by(
                &literal,
                format!(
                    "`{}` is not a path; `crate` takes the path to etag-core, \
                     like \"::etag_core\" or \"my_crate::reexports::etag_core\"",
                    literal.value()
                ),
            );
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    const OPTION: Attr = Attr {
        name: "conditional",
        noun: "option",
    };

    /// Runs `visit` over `#[name(args)]`'s keys and returns every message recorded.
    fn messages(
        args: proc_macro2::TokenStream,
        mut visit: impl FnMut(&mut Ctxt, &ParseNestedMeta<'_>) -> syn::Result<()>,
    ) -> Vec<String> {
        let mut cx = Ctxt::default();
        let parser = syn::meta::parser(|meta| visit(&mut cx, &meta));
        if let Err(error) = syn::parse::Parser::parse2(parser, args) {
            cx.syn_error(error);
        }
        cx.into_error()
            .map(|error| error.into_iter().map(|e| e.to_string()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn flags_and_duplicates_name_the_attribute() {
        let mut slot = None;
        let found = messages(quote!(require, require = 1, require), |cx, meta| {
            flag(cx, OPTION, meta)?;
            set_once(cx, OPTION, &mut slot, meta, ());
            Ok(())
        });
        assert_eq!(
            found,
            [
                "`require` takes no value: write `#[conditional(require)]`",
                "duplicate option `require`",
                "duplicate option `require`",
            ]
        );
    }

    #[test]
    fn crate_paths_parse_or_say_what_to_write() {
        let mut paths = Vec::new();
        let found = messages(quote!(crate = "::my::etag", crate = "a b"), |cx, meta| {
            paths.push(crate_path(cx, OPTION, meta)?);
            Ok(())
        });
        assert_eq!(
            found,
            [
                "`a b` is not a path; `crate` takes the path to etag-core, like \"::etag_core\" \
              or \"my_crate::reexports::etag_core\""
            ]
        );
        let first = paths[0].as_ref().map(|path| quote!(#path).to_string());
        assert_eq!(first.as_deref(), Some(":: my :: etag"));
        assert!(paths[1].is_none());
        let mut keys = Vec::new();
        let unquoted = messages(
            quote!(crate = etag_core, crate, crate(x), next),
            |cx, meta| {
                keys.push(key_name(&meta.path));
                if meta.path.is_ident(CRATE) {
                    crate_path(cx, OPTION, meta)?;
                }
                Ok(())
            },
        );
        let expected = "expected `crate = \"...\"` with the path to etag-core as a string, like \
                        `#[conditional(crate = \"::etag_core\")]`";
        assert_eq!(unquoted, [expected; 3]);
        assert_eq!(
            keys,
            ["crate", "crate", "crate", "next"],
            "read on after each"
        );
    }

    #[test]
    fn rust_values_parse_and_quoted_or_missing_ones_say_what_to_write() {
        let mut values = Vec::new();
        let found = messages(
            quote!(
                precheck = db.version(id),
                precheck = "db.version(id)",
                precheck,
                next
            ),
            |cx, meta| {
                values.push(unquoted_value::<syn::Expr>(
                    cx,
                    meta,
                    "an expression",
                    "f(id)",
                )?);
                Ok(())
            },
        );
        assert_eq!(
            found,
            [
                "`precheck` takes an expression, not a string: write \
                 `precheck = db.version(id)` without the quotes",
                "`precheck` needs an expression, like `precheck = f(id)`",
                "`next` needs an expression, like `next = f(id)`",
            ]
        );
        let first = values[0].as_ref().map(|expr| quote!(#expr).to_string());
        assert_eq!(first.as_deref(), Some("db . version (id)"));
        assert!(values[1..].iter().all(Option::is_none));
    }

    #[test]
    fn skipping_a_value_reaches_the_next_key() {
        let mut keys = Vec::new();
        let found = messages(
            quote!(a = compute(x), b(c = 1, d), f("x", 1), e),
            |_, meta| {
                keys.push(key_name(&meta.path));
                skip_value(meta)
            },
        );
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(keys, ["a", "b", "f", "e"]);
        assert_eq!(list(&["a", "b"]), "`a`, `b`");
    }
}
