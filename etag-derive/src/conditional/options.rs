//! The arguments of `#[conditional(…)]`.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::{Expr, LitStr, Path, Type};

/// `require`: answer 428 when the request carries no usable precondition.
const REQUIRE: &str = "require";
/// `precheck = <expr>`: the current state, read cheaply, before the handler body runs.
const PRECHECK: &str = "precheck";
/// `error = Type`: the handler's own error type, through which every answer the attribute makes
/// (400, 412, 428, a precheck's 412) is sent.
const ERROR: &str = "error";
/// `crate = "path"`: where `etag_core` is, when it is renamed or re-exported.
const CRATE: &str = "crate";
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

/// Parses the arguments, reporting every mistake in one error.
pub(crate) fn parse(args: TokenStream) -> syn::Result<Options> {
    let mut require = None;
    let mut precheck = None;
    let mut error = None;
    let mut krate = None;
    let mut errors: Option<syn::Error> = None;
    let mut note = |error: syn::Error| match &mut errors {
        Some(all) => all.combine(error),
        None => errors = Some(error),
    };

    let parser = syn::meta::parser(|meta| {
        let outcome = if meta.path.is_ident(REQUIRE) {
            parse_require(&meta, &mut require)
        } else if meta.path.is_ident(PRECHECK) {
            parse_precheck(&meta, &mut precheck)
        } else if meta.path.is_ident(ERROR) {
            parse_error(&meta, &mut error)
        } else if meta.path.is_ident(CRATE) {
            parse_crate(&meta, &mut krate)
        } else {
            let name = path_text(&meta.path);
            Err(meta.error(format!("unknown option `{name}`; {EXPECTED}")))
        };
        match outcome {
            Ok(()) => Ok(()),
            // Keep going after a mistake in one option, so all of them are reported. An error from
            // the meta parser itself (bad token structure) still stops here.
            Err(error) => {
                skip_value(&meta);
                note(error);
                Ok(())
            }
        }
    });
    if let Err(error) = syn::parse::Parser::parse2(parser, args) {
        note(error);
    }
    match errors {
        Some(errors) => Err(errors),
        None => Ok(Options {
            require,
            precheck,
            error,
            krate: krate.unwrap_or_else(|| syn::parse_quote!(::etag_core)),
        }),
    }
}

fn parse_require(meta: &ParseNestedMeta<'_>, slot: &mut Option<Span>) -> syn::Result<()> {
    if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
        return Err(meta.error("`require` takes no value: write `#[conditional(require)]`"));
    }
    set_once(slot, meta, syn::spanned::Spanned::span(&meta.path))
}

fn parse_precheck(meta: &ParseNestedMeta<'_>, slot: &mut Option<Expr>) -> syn::Result<()> {
    if !meta.input.peek(syn::Token![=]) {
        return Err(meta.error(
            "`precheck` needs an expression giving the current state, like \
             `precheck = db.order_version(id).await`",
        ));
    }
    let value = meta.value()?;
    if value.peek(LitStr) {
        let literal: LitStr = value.parse()?;
        return Err(syn::Error::new(
            literal.span(),
            format!(
                "`precheck` takes an expression, not a string: write `precheck = {}` without \
                 the quotes",
                literal.value()
            ),
        ));
    }
    let expr: Expr = value.parse()?;
    set_once(slot, meta, expr)
}

fn parse_error(meta: &ParseNestedMeta<'_>, slot: &mut Option<Type>) -> syn::Result<()> {
    if !meta.input.peek(syn::Token![=]) {
        return Err(meta.error(
            "`error` needs your error type, like `error = ApiError`; it must implement \
             `From<PreconditionError>` and `IntoResponse`",
        ));
    }
    let value = meta.value()?;
    if value.peek(LitStr) {
        let literal: LitStr = value.parse()?;
        return Err(syn::Error::new(
            literal.span(),
            format!(
                "`error` takes a type, not a string: write `error = {}`",
                literal.value()
            ),
        ));
    }
    let ty: Type = value.parse()?;
    set_once(slot, meta, ty)
}

fn parse_crate(meta: &ParseNestedMeta<'_>, slot: &mut Option<Path>) -> syn::Result<()> {
    let literal: LitStr = meta.value()?.parse()?;
    let path = literal.parse::<Path>().map_err(|_| {
        syn::Error::new(
            literal.span(),
            "`crate` must name a path, like `crate = \"my_reexports::etag_core\"`",
        )
    })?;
    set_once(slot, meta, path)
}

fn set_once<T>(slot: &mut Option<T>, meta: &ParseNestedMeta<'_>, value: T) -> syn::Result<()> {
    if slot.is_some() {
        let name = path_text(&meta.path);
        return Err(meta.error(format!("duplicate option `{name}`")));
    }
    *slot = Some(value);
    Ok(())
}

/// After a rejected option, consumes its `= value` or `(…)` so the parser can go on to the next.
fn skip_value(meta: &ParseNestedMeta<'_>) {
    if meta.input.peek(syn::token::Paren) {
        let _ = meta.input.parse::<proc_macro2::TokenTree>();
    } else if let Ok(value) = meta.value() {
        let _ = value.parse::<Expr>();
    }
}

fn path_text(path: &Path) -> String {
    let text = quote::ToTokens::to_token_stream(path).to_string();
    text.replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn messages(args: TokenStream) -> Vec<String> {
        match parse(args) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.into_iter().map(|error| error.to_string()).collect(),
        }
    }

    #[test]
    fn parses_every_option() {
        let options = parse(quote!(
            require,
            precheck = db.version(id).await,
            crate = "::my::etag"
        ))
        .expect("valid options");
        assert!(options.require.is_some());
        let precheck = options.precheck.expect("precheck given");
        assert_eq!(quote!(#precheck).to_string(), "db . version (id) . await");
        let krate = options.krate;
        assert_eq!(quote!(#krate).to_string(), ":: my :: etag");
    }

    #[test]
    fn defaults_to_the_absolute_runtime_path() {
        let options = parse(TokenStream::new()).expect("no options is fine");
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
                "`crate` must name a path, like `crate = \"my_reexports::etag_core\"`".to_owned(),
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
