//! What a template may say: the customer-facing facts of an expansion context, each with a name, so
//! that every figure in an email can be traced back to one. Internal figures (ARR, health score, deal
//! value, scores, signal strengths) never enter this model.

use serde::Serialize;

use crate::context::ExpansionContext;
use crate::domain::{group_thousands, Approach, BuyingStyle, Fact, Feature, Plan, SignalKind, Tone};

#[derive(Debug, Clone, Serialize)]
pub struct Limit {
    /// `users` or `api`.
    pub kind: &'static str,
    /// The line as it appears in the email, e.g. "98 of 100 licences in use".
    pub line: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Offer {
    pub name: String,
    /// Only set for features the customer asked about.
    pub requested: bool,
    pub resource_url: Option<String>,
}

/// The template model.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub approach: &'static str,
    pub tone: &'static str,
    pub first_name: String,
    pub company: String,
    /// The company name, or "your team" when the name would make the subject too long.
    pub company_short: String,
    pub current_plan: String,
    pub target_plan: Option<String>,
    /// What the target plan adds, requested features first.
    pub offers: Vec<Offer>,
    pub limits: Vec<Limit>,
    /// Licences held by people inactive for 30 days, when there is a seat limit to relieve.
    pub inactive_licences: Option<i64>,
    /// Extra seats of a same-plan expansion.
    pub extra_seats: Option<i64>,
    pub growth: Option<String>,
    /// The month growth reaches a current limit, when it does within the horizon.
    pub growth_limit_month: Option<String>,
    pub milestone: Option<String>,
    pub requested: Vec<String>,
    pub renewal_month: Option<String>,
    pub csm_name: String,
    pub csm_title: Option<String>,
    pub calendar_url: Option<String>,
    /// The recipient's buying style: `analytical` adds `figures` and `comparison`; `driver` gets three
    /// lines and a direct question.
    pub style: &'static str,
    /// Usage figures for an analytical reader, e.g. "71 people active in the last 30 days".
    pub figures: Vec<String>,
    /// The current and the target plan side by side, for an analytical reader.
    pub comparison: Vec<String>,
}

/// Why an email cannot be composed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    #[error("{0} has no contact to write to: add one (with an email address) and try again")]
    NoContact(String),
    #[error("{0}'s contact {1} has no email address: add one and try again")]
    NoContactEmail(String, String),
    #[error(
        "{0} is on the top plan with no limit in sight and no feature requests: there is no expansion to introduce"
    )]
    NoExpansionPath(String),
    #[error("template {0} failed: {1}")]
    Template(String, String),
}

/// Features nobody asked about that an email lists at most.
const MAX_UNASKED_FEATURES: usize = 3;

fn month(date: time::Date) -> String {
    format!("{} {}", date.month(), date.year())
}

fn links_ok(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// What the target plan adds over the current one, in words: limits first, then features.
fn additions(current: Option<&Plan>, target: &Plan, features: &[Feature], requested: &[String]) -> Vec<Offer> {
    let mut out = Vec::new();
    if let Some(current) = current {
        match (current.seat_limit, target.seat_limit) {
            (Some(_), None) => out.push(Offer { name: "Unlimited users".into(), requested: false, resource_url: None }),
            (Some(a), Some(b)) if b > a => out.push(Offer {
                name: format!("Up to {} users", group_thousands(b)),
                requested: false,
                resource_url: None,
            }),
            _ => {}
        }
        match (current.api_calls_per_month, target.api_calls_per_month) {
            (Some(_), None) => {
                out.push(Offer { name: "Unlimited API calls".into(), requested: false, resource_url: None })
            }
            (Some(a), Some(b)) if a > 0 && b > a && b % a == 0 => {
                out.push(Offer { name: format!("{}x API capacity", b / a), requested: false, resource_url: None })
            }
            (Some(a), Some(b)) if b > a => out.push(Offer {
                name: format!("{} API calls a month", group_thousands(b)),
                requested: false,
                resource_url: None,
            }),
            _ => {}
        }
    }
    let mut new_features: Vec<Offer> = target
        .features
        .iter()
        .filter(|f| !current.is_some_and(|c| c.includes(f)))
        .map(|key| {
            let feature = features.iter().find(|f| &f.key == key);
            Offer {
                name: feature.map_or_else(|| crate::domain::humanize_key(key), |f| f.name.clone()),
                requested: requested.contains(key),
                resource_url: feature.and_then(|f| f.resource_url.clone()).filter(|u| links_ok(u)),
            }
        })
        .collect();
    new_features.sort_by_key(|o| !o.requested);
    // What they asked for always; beyond that a few, so that the email stays a note, not a brochure.
    let asked = new_features.iter().filter(|o| o.requested).count();
    out.extend(new_features.into_iter().take(asked + MAX_UNASKED_FEATURES));
    out
}

/// A plan's limits in words ("up to 100 users, 50,000 API calls a month"), each figure a fact.
fn plan_line(plan: &Plan, role: &str, facts: &mut Vec<Fact>) -> String {
    let users = match plan.seat_limit {
        Some(n) => {
            facts.push(Fact { name: format!("{role}.seat_limit"), value: group_thousands(n) });
            format!("up to {} users", group_thousands(n))
        }
        None => "unlimited users".to_string(),
    };
    let api = match plan.api_calls_per_month {
        Some(n) => {
            facts.push(Fact { name: format!("{role}.api_calls_per_month"), value: group_thousands(n) });
            format!("{} API calls a month", group_thousands(n))
        }
        None => "unlimited API calls".to_string(),
    };
    format!("{users}, {api}")
}

/// The figures and the side-by-side comparison an analytical reader gets.
fn analytical(
    ctx: &ExpansionContext,
    current: Option<&Plan>,
    target: Option<&Plan>,
    offers: &[Offer],
    facts: &mut Vec<Fact>,
) -> (Vec<String>, Vec<String>) {
    let mut figures = Vec::new();
    let seats = &ctx.usage.seats;
    // Limits the email already states are not repeated.
    let stated = |kind: SignalKind| ctx.signals.iter().any(|s| s.kind == kind);
    if let (Some(used), false) = (seats.used, stated(SignalKind::SeatLimit)) {
        facts.push(Fact { name: "usage.seats.used".into(), value: group_thousands(used) });
        facts.push(Fact { name: "usage.seats.purchased".into(), value: group_thousands(seats.purchased) });
        figures.push(format!("{} of {} licences assigned", group_thousands(used), group_thousands(seats.purchased)));
    }
    if let Some(active) = seats.monthly_active_users {
        facts.push(Fact { name: "usage.seats.monthly_active_users".into(), value: group_thousands(active) });
        figures.push(format!("{} people active in the last 30 days", group_thousands(active)));
    }
    let api = &ctx.usage.api_calls;
    if let (Some(calls), false) = (api.last_30_days, stated(SignalKind::ApiLimit)) {
        facts.push(Fact { name: "usage.api_calls.last_30_days".into(), value: group_thousands(calls) });
        let of = api.limit.map(|l| {
            facts.push(Fact { name: "usage.api_calls.limit".into(), value: group_thousands(l) });
            format!(", of an allowance of {}", group_thousands(l))
        });
        figures.push(format!("{} API calls in the last 30 days{}", group_thousands(calls), of.unwrap_or_default()));
    }
    let mut comparison = Vec::new();
    if let (Some(current), Some(target)) = (current, target) {
        comparison.push(format!("{} (your plan today): {}", current.name, plan_line(current, "current_plan", facts)));
        let features: Vec<&str> = offers
            .iter()
            .filter(|o| !o.name.starts_with("Up to") && !o.name.starts_with("Unlimited") && !o.name.contains("API"))
            .map(|o| o.name.as_str())
            .collect();
        let plus = if features.is_empty() { String::new() } else { format!(", plus {}", features.join(", ")) };
        comparison.push(format!("{}: {}{plus}", target.name, plan_line(target, "target_plan", facts)));
    }
    (figures, comparison)
}

/// Builds the model and its facts. `plans` and `features` are the workspace catalog.
pub fn model(
    ctx: &ExpansionContext,
    plans: &[Plan],
    features: &[Feature],
    approach: Approach,
    tone: Tone,
) -> Result<(Model, Vec<Fact>), ComposeError> {
    let company = ctx.customer.name.clone();
    let contact = ctx.contact.as_ref().ok_or_else(|| ComposeError::NoContact(company.clone()))?;
    if contact.email.is_none() {
        return Err(ComposeError::NoContactEmail(company, contact.name.clone()));
    }
    let requested_keys: Vec<String> =
        ctx.feature_requests.iter().filter(|r| !r.in_current_plan).map(|r| r.feature.clone()).collect();
    if ctx.opportunity.is_none() && requested_keys.is_empty() {
        return Err(ComposeError::NoExpansionPath(company));
    }
    let current = plans.iter().find(|p| p.key == ctx.customer.plan.key);
    let target = ctx.opportunity.as_ref().and_then(|o| plans.iter().find(|p| p.key == o.target_plan.key));
    let same_plan = target.is_some_and(|t| Some(t) == current);
    let has = |kind: SignalKind| ctx.signals.iter().any(|s| s.kind == kind);

    let mut facts = vec![
        Fact { name: "customer.name".into(), value: company.clone() },
        Fact { name: "customer.plan".into(), value: ctx.customer.plan.name.clone() },
        Fact { name: "contact.name".into(), value: contact.name.clone() },
    ];
    if let Some(csm) = &ctx.csm {
        facts.push(Fact { name: "csm.name".into(), value: csm.name.clone() });
        facts.extend(csm.title.iter().map(|t| Fact { name: "csm.title".into(), value: t.clone() }));
    }
    let mut limits = Vec::new();
    let seats = &ctx.usage.seats;
    if let (true, Some(used)) = (has(SignalKind::SeatLimit), seats.used) {
        let line = if seats.purchased > 0 && used <= seats.purchased {
            format!("{used} of {} licences in use", seats.purchased)
        } else {
            format!("{used} licences in use, with {} purchased", seats.purchased)
        };
        facts.push(Fact { name: "usage.seats.used".into(), value: used.to_string() });
        facts.push(Fact { name: "usage.seats.purchased".into(), value: seats.purchased.to_string() });
        limits.push(Limit { kind: "users", line });
    }
    let api = &ctx.usage.api_calls;
    if let (true, Some(utilization)) = (has(SignalKind::ApiLimit), api.utilization) {
        let percent = format!("{}%", (utilization * 100.0).round() as i64);
        facts.push(Fact { name: "usage.api_calls.utilization".into(), value: percent.clone() });
        limits.push(Limit {
            kind: "api",
            line: format!("{percent} of your monthly API allowance used in the last 30 days"),
        });
    }
    let inactive = seats.inactive.filter(|n| *n > 0 && has(SignalKind::SeatLimit));
    if let Some(n) = inactive {
        facts.push(Fact { name: "usage.seats.inactive".into(), value: n.to_string() });
    }
    let extra_seats =
        ctx.opportunity.as_ref().filter(|_| same_plan).map(|o| o.seats - seats.purchased).filter(|n| *n > 0);
    if let (Some(n), Some(o)) = (extra_seats, &ctx.opportunity) {
        facts.push(Fact { name: "opportunity.extra_seats".into(), value: n.to_string() });
        facts.push(Fact { name: "opportunity.seats".into(), value: o.seats.to_string() });
    }
    let mut growth_limit_month = None;
    let growth = ctx.signals.iter().find(|s| s.kind == SignalKind::GrowthTrend).map(|g| {
        let per_month = g.evidence["seats"]["monthly_growth"]
            .as_f64()
            .filter(|_| g.summary.starts_with("Licences"))
            .or_else(|| g.evidence["api_calls"]["monthly_growth"].as_f64())
            .unwrap_or_default();
        let percent = format!("{}%", (per_month * 100.0).round() as i64);
        facts.push(Fact { name: "growth.monthly".into(), value: percent.clone() });
        let what = if g.summary.starts_with("Licences") { "the number of people using it" } else { "your API usage" };
        let line = format!("{what} has grown by about {percent} a month over the last three months");
        let reached = ["seats", "api_calls"]
            .iter()
            .filter_map(|k| g.evidence[*k]["limit_reached_on"].as_str())
            .filter_map(|d| time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok())
            .min();
        if let Some(date) = reached {
            facts.push(Fact { name: "growth.limit_reached_on".into(), value: month(date) });
            growth_limit_month = Some(month(date));
        }
        line
    });
    let milestone = ctx.signals.iter().find(|s| s.kind == SignalKind::SuccessMilestone).and_then(|m| {
        m.evidence["milestones"][0]["title"].as_str().map(|t| {
            facts.push(Fact { name: "milestone.title".into(), value: t.to_string() });
            t.to_string()
        })
    });
    let renewal_month =
        ctx.customer.days_to_renewal.filter(|d| (0..=120).contains(d)).and(ctx.customer.renewal_date).map(|d| {
            facts.push(Fact { name: "customer.renewal_month".into(), value: month(d) });
            month(d)
        });
    let offers =
        target.filter(|_| !same_plan).map(|t| additions(current, t, features, &requested_keys)).unwrap_or_default();
    if let Some(t) = target {
        facts.push(Fact { name: "opportunity.target_plan".into(), value: t.name.clone() });
    }
    for o in &offers {
        facts.push(Fact { name: "target_plan.adds".into(), value: o.name.clone() });
    }
    let requested: Vec<String> = ctx
        .feature_requests
        .iter()
        .filter(|r| !r.in_current_plan && !r.available_in.is_empty())
        .map(|r| r.name.clone())
        .collect();
    for r in &requested {
        facts.push(Fact { name: "feature_requests.name".into(), value: r.clone() });
    }
    let style = contact.buying_style.unwrap_or_default();
    let (figures, comparison) = if style == BuyingStyle::Analytical {
        let target = target.filter(|_| !same_plan);
        analytical(ctx, current, target, &offers, &mut facts)
    } else {
        (Vec::new(), Vec::new())
    };
    let csm = ctx.csm.as_ref();
    let model = Model {
        approach: approach.as_str(),
        tone: tone.as_str(),
        first_name: contact.name.split_whitespace().next().unwrap_or(&contact.name).to_string(),
        company_short: if company.chars().count() <= 32 { company.clone() } else { "your team".to_string() },
        company,
        current_plan: ctx.customer.plan.name.clone(),
        target_plan: target.filter(|_| !same_plan).map(|t| t.name.clone()),
        offers,
        limits,
        inactive_licences: inactive,
        extra_seats,
        growth,
        growth_limit_month,
        milestone,
        requested,
        renewal_month,
        csm_name: csm.map_or_else(|| "Your Customer Success Manager".to_string(), |c| c.name.clone()),
        csm_title: csm.and_then(|c| c.title.clone()),
        calendar_url: csm.and_then(|c| c.calendar_url.clone()).filter(|u| links_ok(u)),
        style: style.as_str(),
        figures,
        comparison,
    };
    Ok((model, facts))
}
