//! What `#[derive(Encode)]` must know of serde's attributes to write the bytes `#[derive(Serialize)]`
//! makes serde write: the serialized names, and the skipped fields. Every other attribute that
//! changes serialization (`flatten`, `serialize_with`, `rename_all`, `tag`, `untagged`, …) cannot be
//! mirrored here and is a compile error: a derived `Encode` that wrote other bytes than serde would
//! change tags, so the type must go through serde instead.

use syn::{Attribute, LitStr};

use crate::attr_util::{key_name, skip_value};
use crate::ctxt::Ctxt;

/// Keys that only affect deserialization or bounds, never the serialized bytes.
const CONTAINER_KEYS: &[&str] = &[
    "rename",
    "deny_unknown_fields",
    "default",
    "bound",
    "crate",
    "expecting",
    "from",
    "try_from",
];
const FIELD_KEYS: &[&str] = &[
    "rename",
    "alias",
    "default",
    "skip",
    "skip_serializing",
    "skip_deserializing",
    "deserialize_with",
    "borrow",
    "bound",
];
const VARIANT_KEYS: &[&str] = &[
    "rename",
    "alias",
    "skip_deserializing",
    "deserialize_with",
    "borrow",
    "bound",
    "other",
];

/// What one item's `#[serde(...)]` attributes say, as far as the bytes go.
#[derive(Default)]
pub(crate) struct Serde {
    /// `rename = "…"` or `rename(serialize = "…")`.
    pub(crate) rename: Option<String>,
    /// `skip` or `skip_serializing`, with the token for messages.
    pub(crate) skip: Option<syn::Path>,
}

pub(crate) enum Place {
    Container,
    Field,
    Variant,
}

pub(crate) fn read(cx: &mut Ctxt, attrs: &[Attribute], place: &Place) -> Serde {
    let allowed = match place {
        Place::Container => CONTAINER_KEYS,
        Place::Field => FIELD_KEYS,
        Place::Variant => VARIANT_KEYS,
    };
    let mut serde = Serde::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        // Syntax errors are serde's to report.
        let _ = attr.parse_nested_meta(|meta| {
            let key = key_name(&meta.path);
            if !allowed.contains(&key.as_str()) {
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "`#[derive(Encode)]` cannot mirror `#[serde({key})]`, which changes how \
                         serde serializes this type, and a derived `Encode` must write exactly \
                         serde's bytes; remove `Encode` from the derive: tags are then computed \
                         through serde, with the same bytes, a little slower"
                    ),
                );
                return skip_value(&meta);
            }
            match key.as_str() {
                "rename" => {
                    if meta.input.peek(syn::Token![=]) {
                        serde.rename = Some(meta.value()?.parse::<LitStr>()?.value());
                    } else {
                        meta.parse_nested_meta(|nested| {
                            if nested.path.is_ident("serialize") {
                                serde.rename = Some(nested.value()?.parse::<LitStr>()?.value());
                                Ok(())
                            } else {
                                skip_value(&nested)
                            }
                        })?;
                    }
                    Ok(())
                }
                "skip" | "skip_serializing" => {
                    serde.skip = Some(meta.path.clone());
                    Ok(())
                }
                _ => skip_value(&meta),
            }
        });
    }
    serde
}
