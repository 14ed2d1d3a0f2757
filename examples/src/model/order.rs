//! Orders: `{customer, items: [{sku, qty}], note}`, tagged by their content.

use std::time::SystemTime;

use etag_core::{EntityTag, Versioned};
use serde::{Deserialize, Serialize};

use super::line_item::{LineItem, validate_items};
use super::validation::{Invalid, Validate, plain_text, require_text};

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderBody {
    /// Who placed the order; not empty.
    #[schema(pattern = r"^[^\u0000]*[^\s\u0000][^\u0000]*$")]
    pub customer: String,
    /// What was ordered.
    pub items: Vec<LineItem>,
    /// A free-text note; omitted when absent (and removed by a merge patch with `null`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = r"^[^\u0000]*$")]
    pub note: Option<String>,
}

impl Validate for OrderBody {
    fn validate(&self) -> Result<(), Invalid> {
        require_text("customer", &self.customer)?;
        if let Some(note) = &self.note {
            plain_text("note", note)?;
        }
        validate_items(&self.items)
    }
}

/// A stored order: its body and when it last changed.
///
/// The entity tag is strong and computed from the body alone (not the id, which is the URL, and
/// not the time): equal content, equal tag, in every process sharing the database.
///
/// `Last-Modified` is the date of the last write in whole seconds. The store dates every write
/// at least a second after the previous one, so each state has its own date and date
/// preconditions stay exact (see the [store's docs](crate::store#modification-dates)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Versioned, utoipa::ToSchema)]
pub struct Order {
    /// The order's content: the whole of the tag.
    #[serde(flatten)]
    pub body: OrderBody,
    /// The date of the last write, in whole seconds: the `Last-Modified` date.
    #[serde(skip)]
    #[etag(last_modified)]
    pub modified_at: SystemTime,
}

/// Just an order's validators, as the store keeps them next to the order: all a conditional GET
/// needs to decide on a 304, read without loading or hashing the order.
///
/// The store writes the tag from [`Order::etag`] in the same transaction as the order itself, so
/// these validators equal the [`Order`]'s (see the [store's docs](crate::store#stored-entity-tags)).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use etag_core::{EntityTag, Versioned};
/// use etag_examples::model::OrderValidators;
///
/// let modified_at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let validators = OrderValidators {
///     etag: EntityTag::parse(br#""19989bb927c2f48ac9798d2d0d38e962""#)?,
///     modified_at,
/// };
/// assert_eq!(validators.etag().to_string(), r#""19989bb927c2f48ac9798d2d0d38e962""#);
/// assert_eq!(validators.last_modified(), Some(modified_at));
/// # Ok::<(), etag_core::InvalidEntityTag>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderValidators {
    /// The order's entity tag, as stored.
    pub etag: EntityTag,
    /// The date of the order's last write: its `Last-Modified`.
    pub modified_at: SystemTime,
}

impl Versioned for OrderValidators {
    fn etag(&self) -> EntityTag {
        self.etag.clone()
    }

    fn last_modified(&self) -> Option<SystemTime> {
        Some(self.modified_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn order(qty: u32, note: Option<&str>, seconds: u64) -> Order {
        Order {
            body: OrderBody {
                customer: "ada".into(),
                items: vec![LineItem {
                    sku: "apple".into(),
                    qty,
                }],
                note: note.map(str::to_owned),
            },
            modified_at: SystemTime::UNIX_EPOCH + Duration::from_secs(seconds),
        }
    }

    #[test]
    fn the_tag_follows_the_content_not_the_time() {
        let tag = order(1, None, 10).etag();
        assert!(!tag.is_weak());
        assert_eq!(order(1, None, 99).etag(), tag);
        assert_ne!(order(2, None, 10).etag(), tag);
        assert_ne!(
            order(1, Some(""), 10).etag(),
            tag,
            "an empty note is not no note"
        );
        assert_eq!(
            order(1, None, 10).last_modified(),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(10))
        );
    }

    #[test]
    fn validation_names_the_offending_field() {
        let mut body = order(0, None, 0).body;
        assert_eq!(
            body.validate().map_err(|e| e.field),
            Err("items[0].qty".into())
        );
        body.items[0].qty = 1;
        body.customer = String::new();
        assert_eq!(body.validate().map_err(|e| e.field), Err("customer".into()));
        body.customer = "ada".into();
        body.note = Some("ring\0twice".into());
        assert_eq!(body.validate().map_err(|e| e.field), Err("note".into()));
    }
}
