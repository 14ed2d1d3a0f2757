//! Products: `{name, price, stock}`, with a weak tag that leaves out the stock level.

use std::time::SystemTime;

use etag_core::{EntityTag, Versioned};
use serde::{Deserialize, Serialize, Serializer};

use super::fingerprint::Fingerprint;
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

/// A stored product: its body and when it last changed.
///
/// The entity tag is weak and covers the name and the price only: a stock change leaves the tag
/// alone (caches may keep the representation they have), but moves `Last-Modified`. A weak tag
/// never satisfies `If-Match`, so writes are guarded by `If-Unmodified-Since` instead; the store
/// gives every write of a product its own second so that a date check is exact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Product {
    /// The product's content.
    #[serde(flatten)]
    pub body: ProductBody,
    /// When it was last written, in whole seconds.
    #[serde(skip)]
    pub modified_at: SystemTime,
}

impl Versioned for Product {
    fn etag(&self) -> EntityTag {
        let mut tag = Fingerprint::new("product");
        tag.text(&self.body.name);
        // Adding 0.0 turns -0.0 into 0.0, so the two spellings of zero share a tag.
        tag.number((self.body.price + 0.0).to_bits());
        tag.finish().into_weak()
    }

    fn last_modified(&self) -> Option<SystemTime> {
        Some(self.modified_at)
    }
}
