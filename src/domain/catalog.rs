use serde::{Deserialize, Serialize};

/// A product capability that plans include and customers ask for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feature {
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    pub resource_url: Option<String>,
}

/// A price plan. Limits are `None` when unlimited; money is in whole units of one currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub key: String,
    pub name: String,
    /// Higher rank = higher tier.
    pub rank: i64,
    pub annual_price_per_seat: i64,
    pub annual_base_price: i64,
    pub seat_limit: Option<i64>,
    pub api_calls_per_month: Option<i64>,
    pub features: Vec<String>,
}

impl Plan {
    /// What a customer pays a year on this plan for `seats` seats.
    pub fn annual_price(&self, seats: i64) -> i64 {
        self.annual_base_price.saturating_add(self.annual_price_per_seat.saturating_mul(seats.max(0)))
    }

    pub fn includes(&self, feature: &str) -> bool {
        self.features.iter().any(|f| f == feature)
    }

    /// Whether this plan allows `seats` seats.
    pub fn allows_seats(&self, seats: i64) -> bool {
        self.seat_limit.is_none_or(|limit| seats <= limit)
    }
}
