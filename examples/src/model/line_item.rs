//! One line of an order or a cart: a product and how many of it.

use serde::{Deserialize, Serialize};

use super::validation::{Invalid, require_text};

/// A product SKU and a positive quantity.
///
/// ```
/// use etag_examples::model::LineItem;
///
/// let item: LineItem = serde_json::from_str(r#"{"sku": "apple", "qty": 3}"#)?;
/// assert_eq!(item.qty, 3);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LineItem {
    /// The product's stock-keeping unit.
    #[schema(pattern = r"^[^\u0000]*[^\s\u0000][^\u0000]*$")]
    pub sku: String,
    /// How many; a positive integer (zero is refused by validation, negatives by the JSON shape).
    #[serde(deserialize_with = "super::whole_number::deserialize")]
    #[schema(minimum = 1, maximum = 4294967295_u64)]
    pub qty: u32,
}

/// Validates every line of `items`, naming the offending index.
pub(crate) fn validate_items(items: &[LineItem]) -> Result<(), Invalid> {
    for (index, item) in items.iter().enumerate() {
        require_text(&format!("items[{index}].sku"), &item.sku)?;
        if item.qty == 0 {
            return Err(Invalid::new(
                format!("items[{index}].qty"),
                "must be a positive integer",
            ));
        }
    }
    Ok(())
}
