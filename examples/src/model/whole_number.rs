//! Counts read from JSON as JSON Schema reads them: `3.0` is the integer 3.
//!
//! The OpenAPI document types quantities and stock as `integer`, and JSON Schema counts any
//! number with a zero fraction as one; serde alone refuses `3.0` for a `u32`. Clients that
//! compute a count in floating point (JavaScript has no other number) send such values.

use serde::de::Error;
use serde::{Deserialize, Deserializer};

/// A `u32` from a JSON integer, or from a number with no fraction within range.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let number = serde_json::Number::deserialize(deserializer)?;
    let whole = match (number.as_u64(), number.as_f64()) {
        (Some(integer), _) => u32::try_from(integer).ok(),
        // In range and integral, so the cast is exact.
        (None, Some(float))
            if float.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&float) =>
        {
            Some(float as u32)
        }
        _ => None,
    };
    whole.ok_or_else(|| {
        D::Error::custom(format!(
            "invalid value: {number}, expected an integer from 0 to {}",
            u32::MAX
        ))
    })
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Count(#[serde(deserialize_with = "super::deserialize")] u32);

    fn read(json: &str) -> Option<u32> {
        serde_json::from_str::<Count>(json)
            .ok()
            .map(|count| count.0)
    }

    #[test]
    fn integers_and_integral_floats_in_range_are_counts() {
        assert_eq!(read("3"), Some(3));
        assert_eq!(read("3.0"), Some(3));
        assert_eq!(read("4294967295"), Some(u32::MAX));
        assert_eq!(read("4294967295.0"), Some(u32::MAX));
        assert_eq!(read("3.5"), None);
        assert_eq!(read("-1"), None);
        assert_eq!(read("-0.0"), Some(0));
        assert_eq!(read("4294967296"), None);
        assert_eq!(read("1e300"), None);
        assert_eq!(read("\"3\""), None);
    }
}
