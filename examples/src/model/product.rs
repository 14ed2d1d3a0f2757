//! Products: `{name, price, stock}`, with a weak tag that leaves out the stock level.

use std::time::SystemTime;

use etag_core::Versioned;
use serde::{Deserialize, Serialize, Serializer};

use super::validation::{Invalid, Validate, require_text};

/// What a client sends to create or replace a product, and what the API shows of it.
///
/// ```
/// use etag_examples::model::{ProductBody, Validate};
///
/// let body: ProductBody =
///     serde_json::from_str(r#"{"name": "Apple", "price": 0.5, "stock": 120}"#)?;
/// assert!(body.validate().is_ok());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductBody {
    /// The display name; not empty.
    pub name: String,
    /// The unit price; a non-negative number. Whole numbers are shown without a fraction.
    #[serde(serialize_with = "serialize_price")]
    pub price: f64,
    /// Units in stock; a non-negative integer. Not part of the entity tag.
    pub stock: u32,
}

impl Validate for ProductBody {
    fn validate(&self) -> Result<(), Invalid> {
        require_text("name", &self.name)?;
        if !self.price.is_finite() || self.price < 0.0 {
            return Err(Invalid::new("price", "must be a non-negative number"));
        }
        Ok(())
    }
}

/// Integers up to 2^53 are exact in an `f64`; print them as integers so `10` round-trips as `10`.
fn serialize_price<S: Serializer>(price: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;
    if price.fract() == 0.0 && price.abs() < EXACT_INTEGERS {
        // In range and integral, so the cast is exact.
        serializer.serialize_i64(*price as i64)
    } else {
        serializer.serialize_f64(*price)
    }
}

/// A stored product: its fields and when it last changed.
///
/// The entity tag is weak and covers the name and the price only: a stock change leaves the tag
/// alone (caches may keep the representation they have) but moves `Last-Modified`. A weak tag
/// never satisfies `If-Match` (RFC 9110 §13.1.1 compares strongly), so replacing a product is
/// guarded by `If-Unmodified-Since` (or `If-Match: *`); the store gives every write of a product
/// its own second so that the date check is exact.
#[derive(Debug, Clone, PartialEq, Serialize, Versioned)]
#[etag(weak)]
pub struct Product {
    /// The display name.
    pub name: String,
    /// The unit price.
    #[serde(serialize_with = "serialize_price")]
    pub price: f64,
    /// Units in stock: shown, but not part of the tag.
    #[etag(skip)]
    pub stock: u32,
    /// When it was last written, in whole seconds.
    #[serde(skip)]
    #[etag(last_modified)]
    pub modified_at: SystemTime,
}

impl Product {
    /// The product with the fields of `body`, written at `modified_at`.
    pub fn new(body: ProductBody, modified_at: SystemTime) -> Self {
        let ProductBody { name, price, stock } = body;
        Self {
            name,
            price,
            stock,
            modified_at,
        }
    }
}
