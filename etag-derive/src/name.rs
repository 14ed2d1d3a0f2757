//! Names in the generated code: field names as it hashes them (their canonical encoding,
//! computed once here rather than on every tag: etag-core's `canonical` docs, `06`, the LEB128
//! length, the UTF-8 bytes), and the locals that enum arms bind.

use proc_macro2::{Literal, Span};
use syn::spanned::Spanned;

/// The marker of a string in the canonical encoding.
const STRING: u8 = 0x06;

/// `b"\x06\x03sku"` for `sku`.
pub(crate) fn encoded(name: &str) -> Literal {
    encoded_after(&[], name)
}

/// `before`, then the encoding of `name`: a struct's first field carries the struct's marker, so
/// both go into the sink in one write.
pub(crate) fn encoded_after(before: &[u8], name: &str) -> Literal {
    let mut bytes = before.to_vec();
    bytes.push(STRING);
    let mut len = name.len();
    while len >= 0x80 {
        bytes.push((len & 0x7f) as u8 | 0x80);
        len >>= 7;
    }
    bytes.push(len as u8);
    bytes.extend_from_slice(name.as_bytes());
    Literal::byte_string(&bytes)
}

/// The local an enum arm binds a field to: `__etag_field_name`, or `__etag_field_0` for a tuple
/// field, bound by `ref`. The prefix is the derives' own. A user's constant of such a name in
/// scope would make the pattern a comparison with it; `ref` turns that into rustc's "match
/// bindings cannot shadow constants", and the ident's span puts that error on the user's field.
/// (Shadowing every such name with a local item would cost an item per binding.)
pub(crate) fn binding(field: &syn::Field, index: usize) -> syn::Ident {
    let (name, at) = match &field.ident {
        Some(ident) => (syn::ext::IdentExt::unraw(ident).to_string(), ident.span()),
        None => (index.to_string(), field.ty.span()),
    };
    // Resolved where the derive is, as any code it writes; shown at the field.
    let span = Span::call_site().located_at(at);
    syn::Ident::new(&format!("__etag_field_{name}"), span)
}

#[cfg(test)]
mod tests {
    use super::encoded;

    #[test]
    fn names_are_length_prefixed_strings() {
        assert_eq!(encoded("sku").to_string(), r#"b"\x06\x03sku""#);
        let long = "x".repeat(200);
        let literal = encoded(&long).to_string();
        // 200 = 0xc8 0x01 in LEB128.
        assert!(literal.starts_with(r#"b"\x06\xC8\x01xxx"#), "{literal}");
    }
}
