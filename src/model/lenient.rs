//! Serde helpers that accept what the upstream really sends: numbers as strings,
//! strings as numbers, `null` where a value was expected.

use serde::{Deserialize, Deserializer};

/// A JSON scalar that may arrive as a string or a number.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Scalar {
    fn into_string(self) -> String {
        match self {
            Scalar::Str(s) => s,
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

/// Deserializes a string, a number or `null` into an optional string.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Scalar>::deserialize(d)?.map(Scalar::into_string))
}

/// Deserializes a string, a number or `null` into a string (`null` becomes empty).
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_string(d)?.unwrap_or_default())
}

/// Deserializes a number or numeric string into an optional `i64` (fractions truncated).
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<Scalar>::deserialize(d)? {
        Some(Scalar::Int(i)) => Some(i),
        Some(Scalar::Float(f)) => Some(f as i64),
        Some(Scalar::Str(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|f| f as i64),
        _ => None,
    })
}

/// Deserializes a bool, `"true"`/`"false"`, 0/1 or `null` (false).
pub fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Option::<Scalar>::deserialize(d)? {
        Some(Scalar::Bool(b)) => b,
        Some(Scalar::Int(i)) => i != 0,
        Some(Scalar::Str(s)) => s.eq_ignore_ascii_case("true") || s == "1",
        _ => false,
    })
}

/// Deserializes a list, treating `null` as empty.
pub fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt_string")]
        a: Option<String>,
        #[serde(default, deserialize_with = "opt_i64")]
        b: Option<i64>,
        #[serde(default, deserialize_with = "bool")]
        c: bool,
        #[serde(default, deserialize_with = "list")]
        d: Vec<u8>,
    }

    #[test]
    fn numbers_and_strings_both_accepted() {
        let t: T = serde_json::from_str(r#"{"a":10.5,"b":"1700000000","c":"true","d":null}"#)
            .expect("lenient parse");
        assert_eq!(t.a.as_deref(), Some("10.5"));
        assert_eq!(t.b, Some(1_700_000_000));
        assert!(t.c);
        assert!(t.d.is_empty());
        let t: T = serde_json::from_str(r#"{"a":null,"b":12,"c":false}"#).expect("parse");
        assert_eq!(t.a, None);
        assert_eq!(t.b, Some(12));
        assert!(!t.c);
    }
}
