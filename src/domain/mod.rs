//! Plain types and rules of the product. No I/O, no clock: callers pass `now`.

mod approach;
mod audit;
mod catalog;
mod customer;
mod draft;
mod ids;
mod signal;
mod usage;

pub use approach::{Approach, Tone};
pub use audit::{AuditAction, AuditEntry};
pub use catalog::{Feature, Plan};
pub use customer::{check_time_zone, BuyingStyle, Contact, Customer, FeatureRequest, Milestone, Role, TeamMember};
pub use draft::{
    header_safe, Checks, Draft, DraftContent, DraftKind, DraftRevision, DraftStatus, Fact, Finding, GroundedFigure,
    Grounding, Mailbox, NewDraft, Pushiness, TemplateOverride,
};
pub use ids::{CustomerId, DraftId, OpportunityId, ParseIdError};
pub use signal::{AeInvolvement, Detection, OpportunityKind, ProposedOpportunity, Signal, SignalKind};
pub use usage::{Moments, Trend, UsageDay, UsageSummary, API_WINDOW_DAYS, TREND_WINDOW_DAYS};

/// Turns a key such as `advanced_analytics` into `Advanced analytics` when no display name is known.
pub fn humanize_key(key: &str) -> String {
    let spaced = key.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Clamps to 0..1 and rounds to two decimals, so that stored and served strengths and scores are stable.
pub fn round_unit(x: f64) -> f64 {
    (x.clamp(0.0, 1.0) * 100.0).round() / 100.0
}

/// Formats a whole number with thousands separators: `1000000` → `1,000,000`.
/// The text with its first letter in lower case ("Enterprise is…" inside a sentence).
pub fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

pub fn capitalize_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanizes_keys() {
        assert_eq!(humanize_key("advanced_analytics"), "Advanced analytics");
        assert_eq!(humanize_key("api-priority"), "Api priority");
        assert_eq!(humanize_key(""), "");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(1_000_000), "1,000,000");
        assert_eq!(group_thousands(-48_000), "-48,000");
        assert_eq!(group_thousands(i64::MIN), "-9,223,372,036,854,775,808");
    }
}
