//! The arguments of `#[conditional(…)]`, read with the helpers the derive uses too.

use proc_macro2::{Span, TokenStream};
use syn::{Expr, Path, Type};

use crate::attr_util::{
    self, Attr, crate_path, flag, key_name, set_once, skip_value, unquoted_value,
};
use crate::ctxt::Ctxt;

const OPTION: Attr = Attr {
    name: "conditional",
    noun: "option",
};
/// `require`: answer 428 when the request carries no usable precondition.
const REQUIRE: &str = "require";
/// `precheck = <expr>`: the current state, read cheaply, before the handler body runs.
const PRECHECK: &str = "precheck";
/// `error = Type`: the handler's own error type, through which every answer the attribute makes
/// (400, 412, 428, a precheck's 412) is sent.
const ERROR: &str = "error";
const EXPECTED: &str = "expected one of `require`, `precheck = <expression>`, `error = <type>`, \
                        `crate = \"…\"`";

/// The parsed options.
pub(crate) struct Options {
    /// The span of `require`, when given.
    pub(crate) require: Option<Span>,
    /// The precheck expression, evaluated inside the handler before its body.
    pub(crate) precheck: Option<Expr>,
    /// The user's error type, when given.
    pub(crate) error: Option<Type>,
    /// The path of the runtime crate.
    pub(crate) krate: Path,
}

/// Parses the arguments, recording every mistake in `cx` and reading on after each.
pub(crate) fn parse(cx: &mut Ctxt, args: TokenStream) -> Options {
    let mut require = None;
    let mut precheck = None;
    let mut error = None;
    let mut krate = None;

    let parser = syn::meta::parser(|meta| {
        let key = key_name(&meta.path);
        match key.as_str() {
            REQUIRE => {
                flag(cx, OPTION, &meta)?;
                set_once(
                    cx,
                    OPTION,
                    &mut require,
                    &meta,
                    syn::spanned::Spanned::span(&meta.path),
                );
            }
            PRECHECK => {
                let what = "an expression giving the current state";
                if let Some(expr) =
                    unquoted_value::<Expr>(cx, &meta, what, "db.order_version(id).await")?
                {
                    set_once(cx, OPTION, &mut precheck, &meta, expr);
                }
            }
            ERROR => {
                let what = "your error type, which implements `From<PreconditionError>` and \
                            `IntoResponse`";
                if let Some(ty) = unquoted_value::<Type>(cx, &meta, what, "ApiError")? {
                    set_once(cx, OPTION, &mut error, &meta, ty);
                }
            }
            attr_util::CRATE => {
                if let Some(path) = crate_path(cx, OPTION, &meta)? {
                    set_once(cx, OPTION, &mut krate, &meta, path);
                }
            }
            _ => {
                skip_value(&meta)?;
                cx.error_spanned_by(&meta.path, format!("unknown option `{key}`; {EXPECTED}"));
            }
        }
        Ok(())
    });
    if let Err(error) = syn::parse::Parser::parse2(parser, args) {
        cx.syn_error(error);
    }
    Options {
        require,
        precheck,
        error,
        krate: krate.unwrap_or_else(|| syn::parse_quote!(::etag_core)),
    }
}

/// Options the test knows are valid.
#[cfg(test)]
pub(crate) fn parse_valid(args: TokenStream) -> Options {
    let mut cx = Ctxt::default();
    let options = parse(&mut cx, args);
    assert!(cx.into_error().is_none(), "valid options");
    options
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn messages(args: TokenStream) -> Vec<String> {
        let mut cx = Ctxt::default();
        parse(&mut cx, args);
        cx.into_error()
            .map(|errors| errors.into_iter().map(|error| error.to_string()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn parses_every_option() {
        let options = parse_valid(quote!(
            require,
            precheck = db.version(id).await,
            crate = "::my::etag"
        ));
        assert!(options.require.is_some());
        let precheck = options.precheck.expect("precheck given");
        assert_eq!(quote!(#precheck).to_string(), "db . version (id) . await");
        let krate = options.krate;
        assert_eq!(quote!(#krate).to_string(), ":: my :: etag");
    }

    #[test]
    fn defaults_to_the_absolute_runtime_path() {
        let options = parse_valid(TokenStream::new());
        assert!(options.require.is_none() && options.precheck.is_none());
        let krate = options.krate;
        assert_eq!(quote!(#krate).to_string(), ":: etag_core");
    }

    #[test]
    fn reports_every_mistake_at_once() {
        assert_eq!(
            messages(quote!(required, require, require, precheck, crate = "a b")),
            [
                format!("unknown option `required`; {EXPECTED}"),
                "duplicate option `require`".to_owned(),
                "`precheck` needs an expression giving the current state, like \
                 `precheck = db.order_version(id).await`"
                    .to_owned(),
                "`a b` is not a path; `crate` takes the path to etag-core, like \"::etag_core\" \
                 or \"my_crate::reexports::etag_core\""
                    .to_owned(),
            ]
        );
    }

    #[test]
    fn skips_the_value_of_an_unknown_option_to_reach_the_next() {
        assert_eq!(
            messages(quote!(etag_func = compute(id), strict(yes), require = 1)),
            [
                format!("unknown option `etag_func`; {EXPECTED}"),
                format!("unknown option `strict`; {EXPECTED}"),
                "`require` takes no value: write `#[conditional(require)]`".to_owned(),
            ]
        );
    }
}
