//! One function per signal kind. Each returns `None` when the signal is absent.

use serde_json::json;
use time::{Date, Duration};

use super::Snapshot;
use crate::domain::round_unit;
use crate::domain::{group_thousands, Signal, SignalKind, Trend, UsageSummary};

/// Utilization from which a limit counts as close (80%).
pub const LIMIT_THRESHOLD: f64 = 0.8;
/// Growth projections further out than this are not worth raising yet.
pub const PROJECTION_HORIZON_DAYS: i64 = 180;
/// A renewal this close is a natural moment to talk about what comes next.
pub const RENEWAL_WINDOW_DAYS: i64 = 120;
/// Monthly growth from which a trend is a signal on its own (3% a month).
const GROWTH_THRESHOLD: f64 = 0.03;
/// Milestones older than this are history, not momentum.
const MILESTONE_RECENCY_DAYS: i64 = 180;

pub(super) fn all(s: &Snapshot<'_>) -> Vec<Signal> {
    [seat_limit(s), api_limit(s), growth_trend(s), feature_request(s), success_milestone(s), renewal_window(s)]
        .into_iter()
        .flatten()
        .collect()
}

/// Strength of a limit signal: 0.5 at 80% utilization, rising to 1 at 100% and above.
pub fn limit_strength(utilization: f64) -> f64 {
    round_unit(0.5 + (utilization - LIMIT_THRESHOLD) * 2.5)
}

fn percent(fraction: f64) -> String {
    format!("{}%", (fraction * 100.0).round() as i64)
}

fn seat_limit(s: &Snapshot<'_>) -> Option<Signal> {
    let usage = s.usage?;
    let used = usage.seats_used;
    let purchased = s.customer.seats_purchased;
    if used <= 0 {
        return None;
    }
    let plan_limit = s.plan().and_then(|p| p.seat_limit);
    let evidence = json!({"used": used, "purchased": purchased, "plan_limit": plan_limit, "as_of": usage.as_of});
    if purchased <= 0 {
        return Some(Signal {
            kind: SignalKind::SeatLimit,
            strength: 1.0,
            summary: format!("{used} licences in use with none purchased"),
            evidence,
        });
    }
    let utilization = used as f64 / purchased as f64;
    if utilization < LIMIT_THRESHOLD {
        return None;
    }
    let summary = if used > purchased {
        format!("{used} licences in use, {} more than the {purchased} purchased", used - purchased)
    } else {
        format!("{used} of {purchased} licences in use")
    };
    let mut evidence = evidence;
    evidence["utilization"] = json!(utilization);
    Some(Signal { kind: SignalKind::SeatLimit, strength: limit_strength(utilization), summary, evidence })
}

fn api_limit(s: &Snapshot<'_>) -> Option<Signal> {
    let usage = s.usage?;
    let limit = s.plan()?.api_calls_per_month.filter(|l| *l > 0)?;
    let calls = usage.api_calls_last_30_days;
    let utilization = calls as f64 / limit as f64;
    if utilization < LIMIT_THRESHOLD {
        return None;
    }
    Some(Signal {
        kind: SignalKind::ApiLimit,
        strength: limit_strength(utilization),
        summary: format!(
            "{} of the monthly API allowance used in the last 30 days ({} of {} calls)",
            percent(utilization),
            group_thousands(calls),
            group_thousands(limit)
        ),
        evidence: json!({
            "last_30_days": calls, "limit": limit, "utilization": utilization,
            "days_with_data": usage.api_window_days, "as_of": usage.as_of,
        }),
    })
}

/// When a line reaching `limit` from `current` at `per_day` crosses it, if within the horizon.
fn projected_date(as_of: Date, current: f64, limit: f64, per_day: f64) -> Option<(Date, i64)> {
    if per_day <= 0.0 || current >= limit {
        return None;
    }
    let days = ((limit - current) / per_day).ceil();
    if !days.is_finite() || days > PROJECTION_HORIZON_DAYS as f64 {
        return None;
    }
    let days = days.max(1.0) as i64;
    Some((as_of + Duration::days(days), days))
}

struct Projection {
    what: &'static str,
    growth: f64,
    limit_reached: Option<(Date, i64)>,
    limit_text: String,
}

fn seat_projection(s: &Snapshot<'_>, usage: &UsageSummary, trend: Trend) -> Projection {
    let capacity = s.customer.seats_purchased.max(0);
    // A limit already flagged is not projected again: the limit signal says it better.
    let flagged = capacity > 0 && usage.seats_used as f64 >= capacity as f64 * LIMIT_THRESHOLD;
    let limit_reached = (capacity > 0 && !flagged)
        .then(|| projected_date(usage.as_of, trend.fitted_now, capacity as f64, trend.slope_per_day))
        .flatten();
    Projection {
        what: "Licences in use",
        growth: trend.monthly_growth(),
        limit_reached,
        limit_text: format!("all {capacity} purchased licences are in use"),
    }
}

fn api_projection(s: &Snapshot<'_>, usage: &UsageSummary, trend: Trend) -> Projection {
    let limit = s.plan().and_then(|p| p.api_calls_per_month).filter(|l| *l > 0);
    let flagged = limit.is_some_and(|l| usage.api_calls_last_30_days as f64 >= l as f64 * LIMIT_THRESHOLD);
    // The 30-day total moves by 30 × the daily slope each day.
    let limit_reached = limit.filter(|_| !flagged).and_then(|l| {
        projected_date(usage.as_of, usage.api_calls_last_30_days as f64, l as f64, trend.slope_per_day * 30.0)
    });
    Projection {
        what: "API calls",
        growth: trend.monthly_growth(),
        limit_reached,
        limit_text: format!("the monthly allowance of {} calls is reached", group_thousands(limit.unwrap_or_default())),
    }
}

fn growth_trend(s: &Snapshot<'_>) -> Option<Signal> {
    let usage = s.usage?;
    let seats = usage.seats_trend().map(|t| seat_projection(s, usage, t));
    let api = usage.api_trend().map(|t| api_projection(s, usage, t));
    let strength_of = |p: &Projection| {
        let by_growth = p.growth / 0.15;
        let by_date = p.limit_reached.map_or(0.0, |(_, days)| 1.0 - days as f64 / PROJECTION_HORIZON_DAYS as f64);
        if p.growth < GROWTH_THRESHOLD && p.limit_reached.is_none() {
            0.0
        } else {
            round_unit(by_growth.max(by_date).max(0.3))
        }
    };
    let best =
        [seats.as_ref(), api.as_ref()].into_iter().flatten().filter(|p| strength_of(p) > 0.0).max_by(|a, b| {
            let soonest = |p: &Projection| p.limit_reached.map_or(i64::MAX, |(_, d)| -d);
            soonest(a).cmp(&soonest(b)).then(strength_of(a).total_cmp(&strength_of(b)))
        })?;
    let mut summary = format!("{} up {} a month over the last 90 days", best.what, percent(best.growth));
    if let Some((date, _)) = best.limit_reached {
        summary.push_str(&format!("; at this pace {} around {date}", best.limit_text));
    }
    let describe = |p: &Option<Projection>| {
        p.as_ref().map(|p| json!({"monthly_growth": p.growth, "limit_reached_on": p.limit_reached.map(|(d, _)| d)}))
    };
    Some(Signal {
        kind: SignalKind::GrowthTrend,
        strength: strength_of(best),
        summary,
        evidence: json!({"seats": describe(&seats), "api_calls": describe(&api), "as_of": usage.as_of}),
    })
}

/// Requested features the customer's plan lacks and some higher plan includes, with those plans, oldest
/// request first (whatever order the caller keeps them in), each feature once.
pub(super) fn upgrade_features<'a>(s: &Snapshot<'a>) -> Vec<(&'a crate::domain::FeatureRequest, Vec<&'a str>)> {
    let current = s.plan();
    let higher = s.higher_plans();
    let mut seen = std::collections::HashSet::new();
    let mut requests: Vec<&crate::domain::FeatureRequest> = s.feature_requests.iter().collect();
    requests.sort_by(|a, b| (a.requested_at, &a.feature).cmp(&(b.requested_at, &b.feature)));
    requests
        .into_iter()
        .filter(|r| !current.is_some_and(|p| p.includes(&r.feature)))
        .filter(|r| seen.insert(r.feature.as_str()))
        .filter_map(|r| {
            let plans: Vec<&str> = higher.iter().filter(|p| p.includes(&r.feature)).map(|p| p.key.as_str()).collect();
            (!plans.is_empty()).then_some((r, plans))
        })
        .collect()
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn feature_request(s: &Snapshot<'_>) -> Option<Signal> {
    let wanted = upgrade_features(s);
    if wanted.is_empty() {
        return None;
    }
    let names: Vec<String> = wanted.iter().map(|(r, _)| s.feature_name(&r.feature)).collect();
    let newest = wanted.iter().map(|(r, _)| r.requested_at).max()?;
    let age = (s.today - newest).whole_days();
    let recency = if age <= 90 {
        1.0
    } else if age <= 365 {
        0.7
    } else {
        0.4
    };
    let strength = round_unit((0.45 + 0.15 * wanted.len() as f64).min(0.9) * recency);
    // The lowest plan that has every requested feature, if one does.
    let all_in = s.higher_plans().into_iter().find(|p| wanted.iter().all(|(r, _)| p.includes(&r.feature)));
    let summary = match all_in {
        Some(plan) => format!("Asked for {}, which {} includes", join_names(&names), plan.name),
        None => format!("Asked for {}, included in higher plans", join_names(&names)),
    };
    let evidence: Vec<_> = wanted
        .iter()
        .map(|(r, plans)| {
            json!({"feature": r.feature, "name": s.feature_name(&r.feature),
                   "requested_at": r.requested_at, "available_in": plans})
        })
        .collect();
    Some(Signal { kind: SignalKind::FeatureRequest, strength, summary, evidence: json!({"requests": evidence}) })
}

fn success_milestone(s: &Snapshot<'_>) -> Option<Signal> {
    let mut recent: Vec<_> = s
        .milestones
        .iter()
        .filter(|m| m.achieved_at <= s.today)
        .filter(|m| (s.today - m.achieved_at).whole_days() <= MILESTONE_RECENCY_DAYS)
        .collect();
    recent.sort_by_key(|m| std::cmp::Reverse(m.achieved_at));
    let latest = recent.first()?;
    let health = s.customer.health_score;
    let health_factor = match health {
        Some(h) if h >= 80 => 1.0,
        Some(h) if h >= 60 => 0.8,
        Some(_) => 0.5,
        None => 0.8,
    };
    let strength =
        round_unit((0.5 + 0.15 * (recent.len() as f64 - 1.0)).min(0.8) * health_factor + 0.2 * health_factor);
    let mut summary = format!("{} ({})", latest.title, latest.achieved_at);
    if recent.len() > 1 {
        summary.push_str(&format!(" and {} more in the last six months", recent.len() - 1));
    }
    let evidence: Vec<_> = recent.iter().map(|m| json!({"title": m.title, "achieved_at": m.achieved_at})).collect();
    Some(Signal {
        kind: SignalKind::SuccessMilestone,
        strength,
        summary,
        evidence: json!({"milestones": evidence, "health_score": health}),
    })
}

fn renewal_window(s: &Snapshot<'_>) -> Option<Signal> {
    let renewal = s.customer.renewal_date?;
    let days = (renewal - s.today).whole_days();
    if !(0..=RENEWAL_WINDOW_DAYS).contains(&days) {
        return None;
    }
    let strength = round_unit(0.3 + 0.7 * (1.0 - days as f64 / RENEWAL_WINDOW_DAYS as f64));
    let when = match days {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        n => format!("in {n} days"),
    };
    Some(Signal {
        kind: SignalKind::RenewalWindow,
        strength,
        summary: format!("Renewal {when} ({renewal})"),
        evidence: json!({"renewal_date": renewal, "days_to_renewal": days}),
    })
}
