//! Carts: `{owner, items}`, tagged by a version column.

use etag_core::Versioned;
use serde::{Deserialize, Serialize};

use super::line_item::{LineItem, validate_items};
use super::validation::{Invalid, Validate, require_text};

/// What a client sends to create or replace a cart, and what the API shows of it.
///
/// ```
/// use etag_examples::model::{CartBody, Validate};
///
/// let body: CartBody = serde_json::from_str(r#"{"owner": "ada", "items": []}"#)?;
/// assert!(body.validate().is_ok());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CartBody {
    /// Whose cart it is; not empty.
    #[schema(pattern = r"^[^\u0000]*[^\s\u0000][^\u0000]*$")]
    pub owner: String,
    /// What is in it (may be empty).
    pub items: Vec<LineItem>,
}

impl Validate for CartBody {
    fn validate(&self) -> Result<(), Invalid> {
        require_text("owner", &self.owner)?;
        validate_items(&self.items)
    }
}

/// A stored cart: its body and its version, which every write increments.
///
/// The entity tag is the version (`"3"`), so checking it needs no hashing. Versions keep counting
/// across a delete and re-create of the same id, so a tag from the old cart never matches the new
/// one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Versioned, utoipa::ToSchema)]
pub struct Cart {
    /// The cart's content.
    #[serde(flatten)]
    pub body: CartBody,
    /// The row version: 1 on creation, +1 on every write.
    #[serde(skip)]
    #[etag(version)]
    pub version: u64,
}

/// Just a cart's version: all a conditional GET needs to decide on a 304, read without loading
/// the cart. Its tag equals the [`Cart`]'s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Versioned)]
pub struct CartVersion {
    /// The row version.
    #[etag(version)]
    pub version: u64,
}
