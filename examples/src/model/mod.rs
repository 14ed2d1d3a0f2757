//! The shop's resources as the API shows them, with their validation rules and validators
//! (entity tags and modification times).
//!
//! Each resource has a *body* type (what a client sends in PUT / POST, and what a merge patch must
//! produce) and a stored type (the body plus what the server keeps to compute validators: a
//! modification time or a version number). Identifiers come from the URL, never from the body.

mod cart;
mod line_item;
mod listed;
mod order;
mod page;
mod product;
mod validation;
mod whole_number;

pub use cart::{Cart, CartBody, CartVersion};
pub use line_item::LineItem;
pub use listed::{Collection, Listed};
pub use order::{Order, OrderBody, OrderValidators};
pub use page::{DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, Page, PageBounds};
pub use product::{Product, ProductBody};
pub use validation::{Invalid, Validate};
