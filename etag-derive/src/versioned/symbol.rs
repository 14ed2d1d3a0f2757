//! The keys accepted inside `#[etag(...)]`, named once so messages and parsing agree.

pub(crate) const ETAG: &str = "etag";

pub(crate) const SKIP: &str = "skip";
pub(crate) const ID: &str = "id";
pub(crate) const INCLUDE: &str = "include";
pub(crate) const VERSION: &str = "version";
pub(crate) const LAST_MODIFIED: &str = "last_modified";

pub(crate) const WEAK: &str = "weak";
pub(crate) const CRATE: &str = "crate";

/// Field keys, in the order the "expected one of" messages list them.
pub(crate) const FIELD_KEYS: &[&str] = &[SKIP, ID, INCLUDE, VERSION, LAST_MODIFIED];
/// Struct and enum keys.
pub(crate) const CONTAINER_KEYS: &[&str] = &[WEAK, CRATE];

/// "`a`, `b`, `c`" for messages.
pub(crate) fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
