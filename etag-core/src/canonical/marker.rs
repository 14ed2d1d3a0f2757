//! The fixed bytes of the canonical encoding: the domain prefix of every tag, and the marker
//! bytes, one of which starts every value. They are part of the stable contract (see the module
//! docs) and must never change.

/// Domain separation and format version, hashed before the encoding of every derived tag. A
/// future incompatible encoding would get a new version here, so old and new tags never collide.
pub const DOMAIN: &[u8] = b"etag-rs/canonical/v1\0";

pub(crate) const UNIT: u8 = 0x00;
pub(crate) const FALSE: u8 = 0x01;
pub(crate) const TRUE: u8 = 0x02;
pub(crate) const NON_NEGATIVE: u8 = 0x03;
pub(crate) const NEGATIVE: u8 = 0x04;
pub(crate) const FLOAT: u8 = 0x05;
pub(crate) const STRING: u8 = 0x06;
pub(crate) const BYTES: u8 = 0x07;
pub(crate) const NONE: u8 = 0x08;
pub(crate) const SOME: u8 = 0x09;
pub(crate) const SEQUENCE: u8 = 0x0a;
pub(crate) const MAP: u8 = 0x0b;
pub(crate) const STRUCT: u8 = 0x0c;
pub(crate) const UNIT_VARIANT: u8 = 0x0d;
pub(crate) const NEWTYPE_VARIANT: u8 = 0x0e;
pub(crate) const TUPLE_VARIANT: u8 = 0x0f;
pub(crate) const STRUCT_VARIANT: u8 = 0x10;
pub(crate) const ERROR: u8 = 0xfe;
pub(crate) const END: u8 = 0xff;
