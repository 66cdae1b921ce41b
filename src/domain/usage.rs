//! Daily usage and the figures derived from it.
//!
//! The same summary is computed two ways: here from rows (for one customer, and in tests), and by the
//! stores in SQL (for whole workspaces, where streaming millions of rows into Rust would be the slow
//! part). Both produce the sums of [`Moments`], so the judgement built on them is written once.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

/// The API allowance is monthly: usage is compared over the 30 days up to and including `as_of`.
pub const API_WINDOW_DAYS: i64 = 30;
/// Growth is read from the 90 days up to and including `as_of`.
pub const TREND_WINDOW_DAYS: i64 = 90;
/// Fewer points than this, or a shorter span, makes a trend line too noisy to quote to anyone.
const MIN_TREND_POINTS: f64 = 14.0;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UsageDay {
    pub date: Date,
    /// Licences assigned that day.
    pub seats_used: i64,
    /// Distinct users active in the 30 days up to that day.
    pub monthly_active_users: i64,
    /// API calls made that day.
    pub api_calls: i64,
}

/// Sums for least-squares lines of seats and API calls against `x` = days before `as_of` (≤ 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    pub n: f64,
    pub sx: f64,
    pub sxx: f64,
    pub seats_sy: f64,
    pub seats_sxy: f64,
    pub api_sy: f64,
    pub api_sxy: f64,
}

impl Moments {
    pub fn push(&mut self, x: f64, seats: f64, api: f64) {
        self.n += 1.0;
        self.sx += x;
        self.sxx += x * x;
        self.seats_sy += seats;
        self.seats_sxy += x * seats;
        self.api_sy += api;
        self.api_sxy += x * api;
    }

    fn line(&self, sy: f64, sxy: f64) -> Option<Trend> {
        let denominator = self.n * self.sxx - self.sx * self.sx;
        // The span test: n·Σx² − (Σx)² = n²·variance(x); a variance under ~(MIN/2)² days² means the
        // points sit in too short a stretch of time.
        if self.n < MIN_TREND_POINTS || denominator <= self.n * self.n * 16.0 {
            return None;
        }
        let slope = (self.n * sxy - self.sx * sy) / denominator;
        let fitted_now = (sy - slope * self.sx) / self.n;
        let mean = sy / self.n;
        (slope.is_finite() && fitted_now.is_finite()).then_some(Trend {
            slope_per_day: slope,
            fitted_now,
            mean,
            points: self.n as i64,
        })
    }
}

/// A straight line through the trend window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    pub slope_per_day: f64,
    /// The line's value at `as_of`.
    pub fitted_now: f64,
    pub mean: f64,
    pub points: i64,
}

impl Trend {
    /// Growth over 30 days relative to the window's mean (0.05 = 5% a month).
    pub fn monthly_growth(&self) -> f64 {
        if self.mean <= 0.0 {
            return 0.0;
        }
        self.slope_per_day * 30.0 / self.mean
    }
}

/// What detection and the context need to know about a customer's usage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UsageSummary {
    /// The customer's latest usage date.
    pub as_of: Date,
    pub seats_used: i64,
    pub monthly_active_users: i64,
    /// API calls in the 30 days up to and including `as_of`.
    pub api_calls_last_30_days: i64,
    /// How many of those 30 days have a usage row.
    pub api_window_days: i64,
    pub moments: Moments,
}

impl UsageSummary {
    /// Summarises rows in any order; `None` without rows. Rows are assumed one per date.
    pub fn from_days(days: &[UsageDay]) -> Option<UsageSummary> {
        let latest = days.iter().max_by_key(|d| d.date)?;
        let as_of = latest.date;
        let api_from = as_of - Duration::days(API_WINDOW_DAYS - 1);
        let trend_from = as_of - Duration::days(TREND_WINDOW_DAYS - 1);
        let mut summary = UsageSummary {
            as_of,
            seats_used: latest.seats_used,
            monthly_active_users: latest.monthly_active_users,
            api_calls_last_30_days: 0,
            api_window_days: 0,
            moments: Moments::default(),
        };
        for day in days {
            if day.date >= api_from {
                summary.api_calls_last_30_days = summary.api_calls_last_30_days.saturating_add(day.api_calls);
                summary.api_window_days += 1;
            }
            if day.date >= trend_from {
                let x = (day.date - as_of).whole_days() as f64;
                summary.moments.push(x, day.seats_used as f64, day.api_calls as f64);
            }
        }
        Some(summary)
    }

    pub fn seats_trend(&self) -> Option<Trend> {
        self.moments.line(self.moments.seats_sy, self.moments.seats_sxy)
    }

    /// Trend of daily API calls.
    pub fn api_trend(&self) -> Option<Trend> {
        self.moments.line(self.moments.api_sy, self.moments.api_sxy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn day(date: Date, seats: i64, api: i64) -> UsageDay {
        UsageDay { date, seats_used: seats, monthly_active_users: seats, api_calls: api }
    }

    #[test]
    fn no_rows_no_summary() {
        assert_eq!(UsageSummary::from_days(&[]), None);
    }

    #[test]
    fn windows_count_the_last_30_and_90_days_inclusive() {
        let end = date!(2026 - 11 - 20);
        let days: Vec<_> = (0..120).map(|i| day(end - Duration::days(i), 50, 10)).collect();
        let s = UsageSummary::from_days(&days).unwrap();
        assert_eq!(s.as_of, end);
        assert_eq!(s.api_calls_last_30_days, 300);
        assert_eq!(s.api_window_days, 30);
        assert_eq!(s.moments.n, 90.0);
    }

    #[test]
    fn a_straight_line_is_recovered_exactly() {
        let end = date!(2026 - 11 - 20);
        let days: Vec<_> = (0..90).map(|i| day(end - Duration::days(i), 100 - i, 1000 - 2 * i)).collect();
        let s = UsageSummary::from_days(&days).unwrap();
        let seats = s.seats_trend().unwrap();
        assert!((seats.slope_per_day - 1.0).abs() < 1e-9);
        assert!((seats.fitted_now - 100.0).abs() < 1e-9);
        let api = s.api_trend().unwrap();
        assert!((api.slope_per_day - 2.0).abs() < 1e-9);
    }

    #[test]
    fn too_few_points_give_no_trend() {
        let end = date!(2026 - 11 - 20);
        let days: Vec<_> = (0..10).map(|i| day(end - Duration::days(i), 10 + i, 0)).collect();
        assert_eq!(UsageSummary::from_days(&days).unwrap().seats_trend(), None);
    }
}
