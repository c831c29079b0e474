//! Decoders that accept the type quirks of real responses: ids and timestamps
//! as numbers or strings, fields that are null, missing or of another shape.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string, or a number written as one; anything else is `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// Like [`opt_string`] for fields that must be there.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    opt_string(d)?.ok_or_else(|| serde::de::Error::custom("expected a string or number"))
}

/// Unix seconds as an integer, a float or a numeric string.
pub fn opt_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f as i64),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt_string")]
        a: Option<String>,
        #[serde(default, deserialize_with = "opt_timestamp")]
        b: Option<i64>,
    }

    #[test]
    fn accepts_quirks() {
        let t: T = serde_json::from_str(r#"{"a": 12, "b": "1734537437"}"#).unwrap();
        assert_eq!(t.a.as_deref(), Some("12"));
        assert_eq!(t.b, Some(1734537437));
        let t: T = serde_json::from_str(r#"{"a": {"x":1}, "b": 1.5e9}"#).unwrap();
        assert_eq!(t.a, None);
        assert_eq!(t.b, Some(1_500_000_000));
        let t: T = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!((t.a, t.b), (None, None));
    }
}
