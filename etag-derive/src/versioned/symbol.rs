//! The keys accepted inside `#[etag(...)]`, named once so messages and parsing agree.

use crate::attr_util::{Attr, CRATE};

/// `#[etag(...)]`, for the shared parsing helpers' messages.
pub(crate) const ETAG_ATTR: Attr = Attr {
    name: "etag",
    noun: "etag attribute",
};

pub(crate) const SKIP: &str = "skip";
pub(crate) const ID: &str = "id";
pub(crate) const INCLUDE: &str = "include";
pub(crate) const VERSION: &str = "version";
pub(crate) const LAST_MODIFIED: &str = "last_modified";
pub(crate) const WITH: &str = "with";

pub(crate) const WEAK: &str = "weak";

/// Field keys, in the order the "expected one of" messages list them.
pub(crate) const FIELD_KEYS: &[&str] = &[SKIP, ID, INCLUDE, VERSION, LAST_MODIFIED, WITH];
/// Struct and enum keys.
pub(crate) const CONTAINER_KEYS: &[&str] = &[WEAK, CRATE];
