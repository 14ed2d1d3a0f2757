//! Field names as the generated code hashes them: their canonical encoding, computed once here
//! rather than on every tag (etag-core's `canonical` docs: `06`, the LEB128 length, the UTF-8
//! bytes).

use proc_macro2::Literal;

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
