//! Parsing `#[etag(...)]` on the type, its variants and its fields. Parsing records what was
//! written (with spans for messages); `check.rs` decides whether the combination makes sense.
//! The helpers shared with `#[conditional]` are in `attr_util`.

use syn::meta::ParseNestedMeta;
use syn::{Attribute, Ident, Meta};

use super::symbol::{self, CONTAINER_KEYS, ETAG_ATTR, FIELD_KEYS};
use crate::attr_util::{self, crate_path, flag, list, set_once, skip_value, unquoted_value};
use crate::ctxt::Ctxt;

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
    /// `with = path`: the key, and the function whose result is hashed instead of the field.
    pub(crate) with: Option<(syn::Path, syn::Path)>,
    /// Whether `with` was written at all, parsed or not: a field that asked for `with` gets no
    /// second error about how it would be hashed without it.
    pub(crate) with_written: bool,
    /// The role keys above (all but `with`), in source order, for messages about combinations.
    written: Vec<(&'static str, syn::Path)>,
}

impl FieldAttrs {
    /// The role keys present, in the order they were written.
    pub(crate) fn present(&self) -> &[(&'static str, syn::Path)] {
        &self.written
    }
}

pub(crate) fn container(cx: &mut Ctxt, attrs: &[Attribute]) -> ContainerAttrs {
    let mut parsed = ContainerAttrs::default();
    for_each_key(cx, attrs, |cx, key, meta| {
        match key.as_str() {
            symbol::WEAK => {
                flag(cx, ETAG_ATTR, meta)?;
                set_once(cx, ETAG_ATTR, &mut parsed.weak, meta, meta.path.clone());
            }
            attr_util::CRATE => {
                parsed.krate_written = true;
                let duplicate = parsed.krate.is_some();
                let path = crate_path(cx, ETAG_ATTR, meta)?;
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
                        "`{key}` is a field attribute: put `#[etag({key}{})]` on a field; \
                         on the type itself, `#[etag(...)]` accepts {}",
                        if key == symbol::WITH { " = …" } else { "" },
                        list(CONTAINER_KEYS)
                    ),
                );
            }
            _ => {
                skip_value(meta)?;
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "unknown etag attribute `{key}`; on a struct or enum, expected one of {}",
                        list(CONTAINER_KEYS)
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
        let (slot, name) = match key.as_str() {
            symbol::SKIP => (&mut parsed.skip, symbol::SKIP),
            symbol::ID => (&mut parsed.id, symbol::ID),
            symbol::INCLUDE => (&mut parsed.include, symbol::INCLUDE),
            symbol::VERSION => (&mut parsed.version, symbol::VERSION),
            symbol::LAST_MODIFIED => (&mut parsed.last_modified, symbol::LAST_MODIFIED),
            symbol::WITH => {
                parsed.with_written = true;
                if let Some(function) = with_path(cx, meta)? {
                    set_once(
                        cx,
                        ETAG_ATTR,
                        &mut parsed.with,
                        meta,
                        (meta.path.clone(), function),
                    );
                }
                return Ok(());
            }
            _ if CONTAINER_KEYS.contains(&key.as_str()) => {
                skip_value(meta)?;
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "`{key}` applies to the whole type: put `#[etag({key}{})]` on the struct \
                         or enum, not on a field",
                        if key == attr_util::CRATE {
                            " = \"…\""
                        } else {
                            ""
                        }
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
                        list(FIELD_KEYS)
                    ),
                );
                return Ok(());
            }
        };
        flag(cx, ETAG_ATTR, meta)?;
        if set_once(cx, ETAG_ATTR, slot, meta, meta.path.clone()) {
            parsed.written.push((name, meta.path.clone()));
        }
        Ok(())
    });
    parsed
}

/// Parses `with = path::to::function`. A quoted path (serde's style) gets told to drop the quotes.
fn with_path(cx: &mut Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<syn::Path>> {
    const WHAT: &str = "the path of a function taking a reference to the field and returning \
                        what to hash instead";
    const EXAMPLE: &str = "etag_core::canonical::sorted";
    match unquoted_value::<syn::Expr>(cx, meta, WHAT, EXAMPLE)? {
        Some(syn::Expr::Path(path)) if path.qself.is_none() => Ok(Some(path.path)),
        Some(other) => {
            cx.error_spanned_by(
                other,
                format!("`with` takes {WHAT}, like `with = {EXAMPLE}`"),
            );
            Ok(None)
        }
        None => Ok(None),
    }
}

/// Enum variants take no `#[etag]` attributes: every one is an error.
pub(crate) fn variant(cx: &mut Ctxt, attrs: &[Attribute]) {
    for attr in attrs
        .iter()
        .filter(|attr| attr.path().is_ident(ETAG_ATTR.name))
    {
        cx.error_spanned_by(
            attr,
            format!(
                "`#[etag]` is not supported on enum variants: put {} on fields, \
                 and {} on the enum",
                list(FIELD_KEYS),
                list(CONTAINER_KEYS)
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
        .filter(|attr| attr.path().is_ident(ETAG_ATTR.name))
    {
        let Meta::List(list) = &attr.meta else {
            cx.error_spanned_by(
                attr,
                "expected `#[etag(...)]` with a key, like `#[etag(skip)]` or `#[etag(weak)]`",
            );
            continue;
        };
        let result = list.parse_nested_meta(|meta| {
            let key = attr_util::key_name(&meta.path);
            visit(cx, key, &meta)
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
}

/// For messages that name a field: "field `name`", or "field 0" for a tuple field.
pub(crate) fn describe(member: &syn::Member) -> String {
    match member {
        syn::Member::Named(ident) => format!("field `{}`", unraw(ident)),
        syn::Member::Unnamed(index) => format!("field {}", index.index),
    }
}

/// The name that goes into the encoding: `r#type` is `type`.
pub(crate) fn unraw(ident: &Ident) -> String {
    use syn::ext::IdentExt;
    ident.unraw().to_string()
}
