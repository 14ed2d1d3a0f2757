//! Orders: `{customer, items: [{sku, qty}], note}`, tagged by their content.

use std::time::SystemTime;

use etag_core::Versioned;
use serde::{Deserialize, Serialize};

use super::line_item::{LineItem, validate_items};
use super::validation::{Invalid, Validate, require_text};

/// What a client sends to create or replace an order, and what the API shows of it.
///
/// ```
/// use etag_examples::model::{OrderBody, Validate};
///
/// let body: OrderBody = serde_json::from_str(
///     r#"{"customer": "ada", "items": [{"sku": "apple", "qty": 2}], "note": "ring twice"}"#,
/// )?;
/// assert!(body.validate().is_ok());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderBody {
    /// Who placed the order; not empty.
    pub customer: String,
    /// What was ordered.
    pub items: Vec<LineItem>,
    /// A free-text note; omitted when absent (and removed by a merge patch with `null`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Validate for OrderBody {
    fn validate(&self) -> Result<(), Invalid> {
        require_text("customer", &self.customer)?;
        validate_items(&self.items)
    }
}

/// A stored order: its body and when it last changed.
///
/// The entity tag is strong and computed from the body alone (not the id, which is the URL, and
/// not the time): equal content, equal tag, in every process sharing the database.
///
/// `Last-Modified` is the wall-clock time of the last write, sent in whole seconds: two writes
/// within one second share it, so date preconditions on orders have one-second resolution. The
/// tag has no such limit, which is why clients should guard order writes with `If-Match`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Versioned)]
pub struct Order {
    /// The order's content: the whole of the tag.
    #[serde(flatten)]
    pub body: OrderBody,
    /// When it was last written (the `Last-Modified` date, sent at second precision).
    #[serde(skip)]
    #[etag(last_modified)]
    pub modified_at: SystemTime,
}
