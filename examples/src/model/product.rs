//! Products: `{name, price, stock}`, with a strong tag over every field the body shows.

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProductBody {
    /// The display name; not empty.
    #[schema(pattern = r"^[^\u0000]*[^\s\u0000][^\u0000]*$")]
    pub name: String,
    /// The unit price; a non-negative number. Whole numbers are shown without a fraction.
    #[serde(serialize_with = "serialize_price")]
    #[schema(minimum = 0)]
    pub price: f64,
    /// Units in stock; a non-negative integer.
    #[serde(deserialize_with = "super::whole_number::deserialize")]
    #[schema(maximum = 4294967295_u64)]
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
/// The entity tag is strong and covers every field the body shows, stock included: a tag that
/// left out a field the client can see would let every cache keep serving the old value, since
/// caches revalidate with `If-None-Match`, which takes precedence over the moved `Last-Modified`.
/// Being strong, the tag also guards writes with `If-Match`; `If-Unmodified-Since` works too,
/// and the store gives every write of a product its own second so that the date check is exact.
#[derive(Debug, Clone, PartialEq, Serialize, Versioned, utoipa::ToSchema)]
pub struct Product {
    /// The display name.
    pub name: String,
    /// The unit price.
    #[serde(serialize_with = "serialize_price")]
    pub price: f64,
    /// Units in stock.
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn product(price: f64, stock: u32) -> Product {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        Product::new(
            ProductBody {
                name: "Apple".into(),
                price,
                stock,
            },
            at,
        )
    }

    #[test]
    fn the_tag_is_strong_and_covers_every_shown_field() {
        assert!(!product(1.5, 1).etag().is_weak());
        assert_ne!(product(1.5, 1).etag(), product(1.5, 900).etag());
        assert_ne!(product(1.5, 1).etag(), product(1.25, 1).etag());
        assert_eq!(product(0.0, 1).etag(), product(-0.0, 1).etag());
    }

    #[test]
    fn whole_prices_print_without_a_fraction() {
        let json = serde_json::to_value(product(10.0, 2)).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"name": "Apple", "price": 10, "stock": 2})
        );
        let json = serde_json::to_value(product(0.5, 2)).expect("serializes");
        assert_eq!(json["price"], 0.5);
    }

    #[test]
    fn validation_refuses_negative_prices_and_empty_names() {
        let body = |name: &str, price: f64| ProductBody {
            name: name.into(),
            price,
            stock: 0,
        };
        assert!(body("Apple", 0.0).validate().is_ok());
        assert_eq!(
            body("Apple", -0.01).validate().map_err(|e| e.field),
            Err("price".into())
        );
        assert_eq!(
            body(" ", 1.0).validate().map_err(|e| e.field),
            Err("name".into())
        );
    }
}
