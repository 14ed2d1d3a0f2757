//! The OpenAPI side of `#[conditional]`: what the attribute enforces, added to the handler's
//! `#[utoipa::path(…)]` so the document says it too.
//!
//! With `#[utoipa::path(…)]` below `#[conditional(…)]`, the attribute rewrites its arguments
//! before utoipa sees them:
//!
//! - `params(…)` gains `ConditionalParams<R, REQUIRE>` (the conditional request headers);
//! - `responses(…)` gains `ConditionalResponses<R, REQUIRE>` (304, or 400 / 412 / 428), and each
//!   2xx response listed there gains the `ETag` and `Last-Modified` headers, unless the handler
//!   answers without a representation (`Written<NoContent>`).
//!
//! `R` is the handler's return type, so whether it documents a read or a write is decided by the
//! same trait that decides how it answers; `REQUIRE` is the `require` option. Nothing here is a
//! second declaration that could drift from the first.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::{Attribute, GenericArgument, Meta, PathArguments, Type};

use super::options::Options;

/// 2xx status constants utoipa accepts as `status = NAME` (the `http::StatusCode` names).
const SUCCESS_NAMES: &[&str] = &[
    "OK",
    "CREATED",
    "ACCEPTED",
    "NON_AUTHORITATIVE_INFORMATION",
    "NO_CONTENT",
    "RESET_CONTENT",
    "PARTIAL_CONTENT",
];

/// Rewrites every `#[utoipa::path(…)]` among `attrs` for a handler returning `output_ty`.
pub(crate) fn document(attrs: &mut [Attribute], options: &Options, output_ty: &Type) {
    for attr in attrs.iter_mut().filter(|attr| is_utoipa_path(attr)) {
        if let Meta::List(list) = &mut attr.meta {
            list.tokens = rewrite(list.tokens.clone(), options, output_ty);
        }
    }
}

fn is_utoipa_path(attr: &Attribute) -> bool {
    let segments: Vec<String> = attr
        .path()
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    segments == ["utoipa", "path"]
}

fn rewrite(tokens: TokenStream, options: &Options, output_ty: &Type) -> TokenStream {
    let krate = &options.krate;
    let require = options.require.is_some();
    let params = quote!(#krate::openapi::ConditionalParams<#output_ty, #require>);
    let responses = quote!(#krate::openapi::ConditionalResponses<#output_ty, #require>);
    let validators = answers_with_validators(output_ty);

    let mut items = split_commas(tokens);
    let mut has_params = false;
    let mut has_responses = false;
    for item in &mut items {
        if let Some(inner) = named_group(item, "params") {
            has_params = true;
            *item = quote!(params(#(#inner),* , #params));
        } else if let Some(inner) = named_group(item, "responses") {
            has_responses = true;
            let listed = inner.into_iter().map(|response| {
                if validators && is_success_tuple(&response) {
                    with_validator_headers(response)
                } else {
                    response
                }
            });
            *item = quote!(responses(#(#listed),* , #responses));
        }
    }
    if !has_params {
        items.push(quote!(params(#params)));
    }
    if !has_responses {
        items.push(quote!(responses(#responses)));
    }
    quote!(#(#items),*)
}

/// The top-level, comma-separated items of `tokens`, without empty ones (a trailing comma).
fn split_commas(tokens: TokenStream) -> Vec<TokenStream> {
    let mut items = vec![TokenStream::new()];
    for token in tokens {
        match &token {
            TokenTree::Punct(punct) if punct.as_char() == ',' => items.push(TokenStream::new()),
            _ => {
                if let Some(last) = items.last_mut() {
                    last.extend([token]);
                }
            }
        }
    }
    items.retain(|item| !item.is_empty());
    items
}

/// The comma-separated contents of `item` when it is `name(…)`.
fn named_group(item: &TokenStream, name: &str) -> Option<Vec<TokenStream>> {
    let tokens: Vec<TokenTree> = item.clone().into_iter().collect();
    match tokens.as_slice() {
        [TokenTree::Ident(ident), TokenTree::Group(group)]
            if ident == name && group.delimiter() == Delimiter::Parenthesis =>
        {
            Some(split_commas(group.stream()))
        }
        _ => None,
    }
}

/// Whether `response` is a tuple `(status = 2xx, …)`.
fn is_success_tuple(response: &TokenStream) -> bool {
    let Some(inner) = paren_group(response) else {
        return false;
    };
    split_commas(inner.stream()).iter().any(|field| {
        let tokens: Vec<TokenTree> = field.clone().into_iter().collect();
        match tokens.as_slice() {
            [TokenTree::Ident(key), TokenTree::Punct(eq), value @ ..]
                if key == "status" && eq.as_char() == '=' =>
            {
                is_success_status(value)
            }
            _ => false,
        }
    })
}

fn is_success_status(value: &[TokenTree]) -> bool {
    match value {
        [TokenTree::Literal(literal)] => {
            let text = literal.to_string();
            let text = text.trim_matches('"');
            text.len() == 3 && text.starts_with('2')
        }
        // `StatusCode::OK`, `http::StatusCode::CREATED`, `OK`.
        [.., TokenTree::Ident(name)] => SUCCESS_NAMES.contains(&name.to_string().as_str()),
        _ => false,
    }
}

fn paren_group(tokens: &TokenStream) -> Option<Group> {
    let mut iter = tokens.clone().into_iter();
    match (iter.next(), iter.next()) {
        (Some(TokenTree::Group(group)), None) if group.delimiter() == Delimiter::Parenthesis => {
            Some(group)
        }
        _ => None,
    }
}

/// The response tuple with `ETag` and `Last-Modified` in its `headers(…)` (added when it has
/// none; left alone when it already documents `ETag`).
fn with_validator_headers(response: TokenStream) -> TokenStream {
    let Some(group) = paren_group(&response) else {
        return response;
    };
    let ours = quote!(
        (
            "ETag" = String,
            description = "The entity tag of this representation: send it in \
            `If-None-Match` to revalidate and in `If-Match` to write."
        ),
        (
            "Last-Modified" = String,
            description = "When the resource last changed, for \
            resources that keep a date (an HTTP-date)."
        )
    );
    let mut fields = split_commas(group.stream());
    let mut has_headers = false;
    for field in &mut fields {
        if let Some(listed) = named_group(field, "headers") {
            has_headers = true;
            let documents_etag = listed.iter().any(|header| {
                header
                    .to_string()
                    .to_ascii_lowercase()
                    .starts_with("(\"etag\"")
            });
            if !documents_etag {
                *field = quote!(headers(#(#listed),* , #ours));
            }
        }
    }
    if !has_headers {
        fields.push(quote!(headers(#ours)));
    }
    let mut rewritten = Group::new(Delimiter::Parenthesis, quote!(#(#fields),*));
    rewritten.set_span(group.span());
    rewritten.into_token_stream()
}

/// Whether the success response carries the validators of a representation: everything but a
/// write answered without one (`Written<NoContent>`, and `Written`, whose default is that).
fn answers_with_validators(output_ty: &Type) -> bool {
    let ty = ok_type(output_ty).unwrap_or(output_ty);
    let Type::Path(path) = ty else { return true };
    let Some(last) = path.path.segments.last() else {
        return true;
    };
    if last.ident != "Written" {
        return true;
    }
    match &last.arguments {
        PathArguments::None => false,
        PathArguments::AngleBracketed(args) => !matches!(
            args.args.first(),
            Some(GenericArgument::Type(Type::Path(body)))
                if body.path.segments.last().is_some_and(|s| s.ident == "NoContent")
        ),
        PathArguments::Parenthesized(_) => true,
    }
}

/// `T` of `Result<T, E>`.
fn ok_type(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    if last.ident != "Result" {
        return None;
    }
    match args.args.first()? {
        GenericArgument::Type(ok) => Some(ok),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(options: TokenStream, output: TokenStream, path_args: TokenStream) -> String {
        let options = super::super::options::parse_valid(options);
        let output_ty: Type = syn::parse2(output).expect("a type");
        let mut attrs: Vec<Attribute> = vec![syn::parse_quote!(#[utoipa::path(#path_args)])];
        document(&mut attrs, &options, &output_ty);
        let attr = &attrs[0];
        quote!(#attr).to_string()
    }

    #[test]
    fn a_write_gains_its_params_and_responses_and_headers_on_2xx() {
        let text = rewritten(
            quote!(require),
            quote!(Result<Written<Order>, ApiError>),
            quote!(
                put,
                path = "/orders/{id}",
                params(("id" = String, Path)),
                responses(
                    (status = 200, body = Order),
                    (status = 201, body = Order, headers(("Location" = String))),
                    (status = 404, body = ProblemDetails),
                )
            ),
        );
        assert!(
            text.contains(
                "params ((\"id\" = String , Path) , :: etag_core :: openapi :: ConditionalParams < \
             Result < Written < Order > , ApiError > , true >)"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                ":: etag_core :: openapi :: ConditionalResponses < Result < Written < Order > , \
             ApiError > , true >"
            ),
            "{text}"
        );
        assert!(
            text.contains("(status = 200 , body = Order , headers ((\"ETag\""),
            "{text}"
        );
        assert!(
            text.contains("headers ((\"Location\" = String) , (\"ETag\""),
            "{text}"
        );
        assert!(
            text.contains("(status = 404 , body = ProblemDetails)"),
            "{text}"
        );
    }

    #[test]
    fn a_read_without_params_or_responses_gets_both() {
        let text = rewritten(quote!(), quote!(Order), quote!(get, path = "/o"));
        assert!(text.ends_with(
            "params (:: etag_core :: openapi :: ConditionalParams < Order , false >) , responses \
             (:: etag_core :: openapi :: ConditionalResponses < Order , false >))]"
        ), "{text}");
    }

    #[test]
    fn no_content_answers_carry_no_validators_and_named_statuses_count() {
        let text = rewritten(
            quote!(),
            quote!(Result<Written<NoContent>, E>),
            quote!(delete, path = "/o", responses((status = 204))),
        );
        assert!(!text.contains("ETag"), "{text}");
        let text = rewritten(
            quote!(),
            quote!(Tagged<Order>),
            quote!(get, path = "/o", responses((status = StatusCode::OK))),
        );
        assert!(
            text.contains("(status = StatusCode :: OK , headers ((\"ETag\""),
            "{text}"
        );
    }

    #[test]
    fn an_etag_the_handler_documents_itself_is_kept() {
        let text = rewritten(
            quote!(),
            quote!(Order),
            quote!(
                get,
                path = "/o",
                responses((status = 200, headers(("ETag" = String))))
            ),
        );
        assert_eq!(text.matches("ETag").count(), 1, "{text}");
        assert!(!text.contains("Last-Modified"), "{text}");
    }

    #[test]
    fn other_attributes_are_left_alone() {
        let options = super::super::options::parse_valid(quote!());
        let output_ty: Type = syn::parse_quote!(Order);
        let mut attrs: Vec<Attribute> = vec![syn::parse_quote!(#[path(get)])];
        document(&mut attrs, &options, &output_ty);
        let attr = &attrs[0];
        assert_eq!(quote!(#attr).to_string(), "# [path (get)]");
    }
}
