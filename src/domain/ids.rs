//! Public identifiers: a short type prefix and the row number (`cus_42`), so that an id pasted into the
//! wrong place is recognised as such instead of silently matching another kind of record.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a valid {1} id")]
pub struct ParseIdError(pub String, pub &'static str);

macro_rules! public_id {
    ($name:ident, $prefix:literal, $what:literal) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl $name {
            pub const PREFIX: &'static str = $prefix;
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{}", $prefix, self.0)
            }
        }

        impl FromStr for $name {
            type Err = ParseIdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.strip_prefix($prefix)
                    .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|n| n.parse::<i64>().ok())
                    .map($name)
                    .ok_or_else(|| ParseIdError(s.to_string(), $what))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

public_id!(CustomerId, "cus_", "customer");
public_id!(OpportunityId, "opp_", "opportunity");
public_id!(DraftId, "drf_", "draft");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_lookalikes() {
        assert_eq!(CustomerId(42).to_string(), "cus_42");
        assert_eq!("cus_42".parse::<CustomerId>(), Ok(CustomerId(42)));
        for bad in ["cus_", "cus_-1", "cus_4x", "opp_42", "42", "cus_+4", "cus_99999999999999999999"] {
            assert!(bad.parse::<CustomerId>().is_err(), "{bad} should not parse");
        }
    }
}
