//! JSON Merge Patch (RFC 7396): how PATCH bodies are applied.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::model::{Invalid, Validate};

/// Applies `patch` to `target` in place, as RFC 7396 §2 defines it: an object patch merges
/// member by member (`null` removes a member), anything else replaces the target.
///
/// ```
/// use serde_json::json;
///
/// let mut order = json!({"customer": "ada", "note": "ring twice"});
/// etag_examples::merge_patch::apply(&mut order, &json!({"note": null, "customer": "bob"}));
/// assert_eq!(order, json!({"customer": "bob"}));
/// ```
pub fn apply(target: &mut Value, patch: &Value) {
    let Value::Object(members) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target) = target {
        for (name, value) in members {
            if value.is_null() {
                target.remove(name);
            } else {
                apply(target.entry(name.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// Patches the JSON form of `current` and reads the result back as a valid body.
///
/// A result that no longer has the body's shape (a required member removed, a wrong type) or
/// whose values are out of range is refused with [`Invalid`] (422): the patch was well-formed
/// JSON, but it cannot be applied to this resource.
pub fn patched<T>(current: &T, patch: &Value) -> Result<T, Invalid>
where
    T: Serialize + DeserializeOwned + Validate,
{
    let mut document = serde_json::to_value(current)
        .map_err(|error| Invalid::new("(resource)", format!("cannot be patched: {error}")))?;
    apply(&mut document, patch);
    let body: T = serde_json::from_value(document).map_err(|error| {
        Invalid::new(
            "(patched resource)",
            format!("does not have the resource's shape: {error}"),
        )
    })?;
    body.validate()?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The test cases of RFC 7396 Appendix A.
    #[test]
    fn rfc_7396_appendix_a() {
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (
                json!({"a":"b","b":"c"}),
                json!({"a":null}),
                json!({"b":"c"}),
            ),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (
                json!({"a":{"b":"c"}}),
                json!({"a":{"b":"d","c":null}}),
                json!({"a":{"b":"d"}}),
            ),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (
                json!({}),
                json!({"a":{"bb":{"ccc":null}}}),
                json!({"a":{"bb":{}}}),
            ),
        ];
        for (mut target, patch, expected) in cases {
            apply(&mut target, &patch);
            assert_eq!(target, expected, "patch {patch}");
        }
    }
}
