//! What the derive needs to know of serde's attributes: whether serde leaves a field (or a whole
//! variant) out of the serialized body, and whether the container serializes as another type.
//! Only reads them: serde's own derive reports their mistakes, so anything that does not parse
//! here is taken as "not skipped", which at worst asks for the check.

use syn::Attribute;

use crate::attr_util::skip_value;

/// `#[serde(skip)]` or `#[serde(skip_serializing)]` on a field or variant: serde never writes it.
pub(crate) fn skips_serializing(attrs: &[Attribute]) -> bool {
    any_key(attrs, |key| key == "skip" || key == "skip_serializing")
}

/// `#[serde(into = "…")]` on the container: the body is another type's serialization, so which
/// of this type's fields it shows is not known here.
pub(crate) fn serializes_as_another_type(attrs: &[Attribute]) -> bool {
    any_key(attrs, |key| key == "into")
}

fn any_key(attrs: &[Attribute], wanted: impl Fn(&str) -> bool) -> bool {
    let mut found = false;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        // A parse error is serde's to report; what was read before it still counts.
        let _ = attr.parse_nested_meta(|meta| {
            if meta
                .path
                .get_ident()
                .is_some_and(|key| wanted(&key.to_string()))
            {
                found = true;
            }
            skip_value(&meta)
        });
    }
    found
}
