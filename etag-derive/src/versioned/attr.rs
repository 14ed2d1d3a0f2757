//! Parsing `#[etag(...)]` on the type, its variants and its fields. Parsing records what was
//! written (with spans for messages); `check.rs` decides whether the combination makes sense.

use syn::meta::ParseNestedMeta;
use syn::{Attribute, Ident, LitStr, Meta, Token};

use super::ctxt::Ctxt;
use super::symbol::{self, CONTAINER_KEYS, FIELD_KEYS};

/// `#[etag(...)]` on the struct or enum.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    pub(crate) weak: Option<syn::Path>,
    /// The path given by `crate = "…"`, if it parsed.
    pub(crate) krate: Option<syn::Path>,
    /// Whether `crate` was written at all: when it was but did not parse, the right path is
    /// unknown, and a stub impl at `::etag_core` would only add a second, misleading error.
    pub(crate) krate_written: bool,
}

/// `#[etag(...)]` on one field: each key with the token it was written as.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) skip: Option<syn::Path>,
    pub(crate) id: Option<syn::Path>,
    pub(crate) include: Option<syn::Path>,
    pub(crate) version: Option<syn::Path>,
    pub(crate) last_modified: Option<syn::Path>,
    /// Every key above, in source order, for messages about combinations.
    written: Vec<(&'static str, syn::Path)>,
}

impl FieldAttrs {
    /// The keys present, in the order they were written.
    pub(crate) fn present(&self) -> &[(&'static str, syn::Path)] {
        &self.written
    }
}

pub(crate) fn container(cx: &mut Ctxt, attrs: &[Attribute]) -> ContainerAttrs {
    let mut parsed = ContainerAttrs::default();
    for_each_key(cx, attrs, |cx, key, meta| {
        match key.as_str() {
            symbol::WEAK => {
                flag(cx, meta, key.as_str())?;
                set_once(cx, &mut parsed.weak, meta, key.as_str());
            }
            symbol::CRATE => {
                parsed.krate_written = true;
                let duplicate = parsed.krate.is_some();
                let path = crate_path(cx, meta)?;
                if duplicate {
                    cx.error_spanned_by(&meta.path, "duplicate etag attribute `crate`");
                } else {
                    parsed.krate = path;
                }
            }
            _ if FIELD_KEYS.contains(&key.as_str()) => {
                skip_value(meta)?;
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "`{key}` is a field attribute: put `#[etag({key})]` on a field; \
                         on the type itself, `#[etag(...)]` accepts {}",
                        symbol::list(CONTAINER_KEYS)
                    ),
                );
            }
            _ => {
                skip_value(meta)?;
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "unknown etag attribute `{key}`; on a struct or enum, expected one of {}",
                        symbol::list(CONTAINER_KEYS)
                    ),
                );
            }
        }
        Ok(())
    });
    parsed
}

pub(crate) fn field(cx: &mut Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut parsed = FieldAttrs::default();
    for_each_key(cx, attrs, |cx, key, meta| {
        let (slot, name) =
            match key.as_str() {
                symbol::SKIP => (&mut parsed.skip, symbol::SKIP),
                symbol::ID => (&mut parsed.id, symbol::ID),
                symbol::INCLUDE => (&mut parsed.include, symbol::INCLUDE),
                symbol::VERSION => (&mut parsed.version, symbol::VERSION),
                symbol::LAST_MODIFIED => (&mut parsed.last_modified, symbol::LAST_MODIFIED),
                _ if CONTAINER_KEYS.contains(&key.as_str()) => {
                    skip_value(meta)?;
                    cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "`{key}` applies to the whole type: put `#[etag({key}{})]` on the struct \
                         or enum, not on a field",
                        if key == symbol::CRATE { " = \"…\"" } else { "" }
                    ),
                );
                    return Ok(());
                }
                _ => {
                    skip_value(meta)?;
                    cx.error_spanned_by(
                        &meta.path,
                        format!(
                            "unknown etag attribute `{key}`; on a field, expected one of {}",
                            symbol::list(FIELD_KEYS)
                        ),
                    );
                    return Ok(());
                }
            };
        flag(cx, meta, name)?;
        if set_once(cx, slot, meta, name) {
            parsed.written.push((name, meta.path.clone()));
        }
        Ok(())
    });
    parsed
}

/// Enum variants take no `#[etag]` attributes: every one is an error.
pub(crate) fn variant(cx: &mut Ctxt, attrs: &[Attribute]) {
    for attr in attrs
        .iter()
        .filter(|attr| attr.path().is_ident(symbol::ETAG))
    {
        cx.error_spanned_by(
            attr,
            format!(
                "`#[etag]` is not supported on enum variants: put {} on fields, \
                 and {} on the enum",
                symbol::list(FIELD_KEYS),
                symbol::list(CONTAINER_KEYS)
            ),
        );
    }
}

/// Calls `visit` for every key of every `#[etag(...)]` attribute, recording syntax errors.
fn for_each_key(
    cx: &mut Ctxt,
    attrs: &[Attribute],
    mut visit: impl FnMut(&mut Ctxt, String, &ParseNestedMeta<'_>) -> syn::Result<()>,
) {
    for attr in attrs
        .iter()
        .filter(|attr| attr.path().is_ident(symbol::ETAG))
    {
        let Meta::List(list) = &attr.meta else {
            cx.error_spanned_by(
                attr,
                "expected `#[etag(...)]` with a key, like `#[etag(skip)]` or `#[etag(weak)]`",
            );
            continue;
        };
        let result = list.parse_nested_meta(|meta| {
            let key = key_name(&meta.path);
            visit(cx, key, &meta)
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
}

/// The key as written: `skip`, `crate`, or a longer path for messages.
fn key_name(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// Checks that a flag key has no value (`skip`, not `skip = true`).
fn flag(cx: &mut Ctxt, meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<()> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        return Ok(());
    }
    skip_value(meta)?;
    cx.error_spanned_by(
        &meta.path,
        format!("`{key}` takes no value: write `#[etag({key})]`"),
    );
    Ok(())
}

/// Stores the key, or reports a duplicate; `true` if it was stored.
fn set_once(
    cx: &mut Ctxt,
    slot: &mut Option<syn::Path>,
    meta: &ParseNestedMeta<'_>,
    key: &str,
) -> bool {
    if slot.is_some() {
        cx.error_spanned_by(&meta.path, format!("duplicate etag attribute `{key}`"));
        false
    } else {
        *slot = Some(meta.path.clone());
        true
    }
}

/// Consumes `= value` or `(...)` after a key whose error is already recorded, so the next keys
/// of the same attribute are still read.
pub(crate) fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|nested| skip_value(&nested))?;
    }
    Ok(())
}

/// Parses `crate = "path"`. A missing or non-string value is a syntax error; a string that is not
/// a path is recorded and gives `None`.
fn crate_path(cx: &mut Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<syn::Path>> {
    let expected = "expected `crate = \"...\"` with the path to etag-core as a string, \
                    like `#[etag(crate = \"::etag_core\")]`";
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(expected));
    }
    let value = meta.value()?;
    let literal = match value.parse::<LitStr>() {
        Ok(literal) => literal,
        Err(error) => return Err(syn::Error::new(error.span(), expected)),
    };
    match literal.parse::<syn::Path>() {
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

/// For messages that name a field: its identifier, or its index for tuple fields.
pub(crate) fn describe(member: &syn::Member) -> String {
    match member {
        syn::Member::Named(ident) => format!("`{}`", unraw(ident)),
        syn::Member::Unnamed(index) => format!("field {}", index.index),
    }
}

/// The name that goes into the encoding: `r#type` is `type`.
pub(crate) fn unraw(ident: &Ident) -> String {
    use syn::ext::IdentExt;
    ident.unraw().to_string()
}
