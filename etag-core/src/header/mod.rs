//! The syntax of the conditional request headers: one file per header, the list syntax they share
//! in `list` (with `list_scan`, its one-pass reading of well-formed lists), and what is wrong
//! with one that cannot be parsed in `malformed`. What the headers mean for a request is the
//! `precondition` module's job.

mod date;
mod if_match;
mod if_none_match;
mod if_range;
mod list;
mod list_scan;
mod malformed;
mod tag_condition;
mod tag_field;

// The response's `Last-Modified` is written like a client's `If-Range` date.
#[cfg(feature = "axum")]
pub(crate) use date::http_date;
pub(crate) use date::single_date;
pub use if_match::IfMatch;
pub use if_none_match::IfNoneMatch;
pub use if_range::IfRange;
pub(crate) use list::ParsedTagList;
// The coding layer reads and rewrites tag lists with the same syntax.
#[cfg(feature = "compression")]
pub(crate) use list::{split_list, trim_ows};
pub use malformed::{MalformedHeader, TagListProblem};
pub use tag_condition::TagCondition;
