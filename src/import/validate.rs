//! Field and record checks shared by JSON bundles and CSV files. Each check records what is wrong,
//! where, and goes on, so that one pass lists every problem.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;
use time::{macros::format_description, Date};

use super::bundle::{
    ContactRecord, CustomerRecord, FeatureRecord, MemberRecord, MilestoneRecord, PlanRecord, RequestRecord, UsageRecord,
};
use crate::domain::{check_time_zone, BuyingStyle, Contact, Feature, FeatureRequest, Milestone, Plan, Role, UsageDay};
use crate::store::{NewCustomer, NewMember};

/// One bad value or record: where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportError {
    /// JSON path (`customers[3].seats_purchased`) or file, line and column (`usage.csv:17:seats_used`).
    pub location: String,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Errors are listed up to this many; beyond it they are counted.
pub const MAX_LISTED: usize = 1000;

#[derive(Debug, Default)]
pub struct Errors {
    pub list: Vec<ImportError>,
    pub total: usize,
}

impl Errors {
    pub fn add(&mut self, location: String, message: impl Into<String>) {
        self.total += 1;
        if self.list.len() < MAX_LISTED {
            self.list.push(ImportError { location, message: message.into() });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// Where a record sits: a JSON path or a CSV file and line.
#[derive(Debug, Clone)]
pub enum Loc {
    Json(String),
    Csv { file: String, line: u64 },
}

impl Loc {
    pub fn at(&self, field: &str) -> String {
        match self {
            Loc::Json(path) if field.is_empty() => path.clone(),
            Loc::Json(path) => format!("{path}.{field}"),
            Loc::Csv { file, line } if field.is_empty() => format!("{file}:{line}"),
            Loc::Csv { file, line } => format!("{file}:{line}:{field}"),
        }
    }

    pub fn child(&self, segment: &str) -> Loc {
        match self {
            Loc::Json(path) => Loc::Json(format!("{path}.{segment}")),
            csv => csv.clone(),
        }
    }
}

// Limits that keep arithmetic far from overflow and catch unit mistakes (cents for units, say).
const MAX_SEATS: i64 = 10_000_000;
const MAX_MONEY: i64 = 1_000_000_000_000;
const MAX_API_CALLS: i64 = 1_000_000_000_000_000;

/// A single-line text: trimmed, non-empty when required, no control characters (they could forge
/// email headers later).
pub fn text(e: &mut Errors, loc: &Loc, field: &str, value: &str, required: bool) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        if required {
            e.add(loc.at(field), "is required and cannot be empty");
        }
        return None;
    }
    if value.chars().any(char::is_control) {
        e.add(loc.at(field), "must be a single line without control characters");
        return None;
    }
    if value.len() > 500 {
        e.add(loc.at(field), "is longer than 500 characters");
        return None;
    }
    Some(value.to_string())
}

fn optional_text(e: &mut Errors, loc: &Loc, field: &str, value: &Option<String>) -> Option<String> {
    value.as_deref().and_then(|v| text(e, loc, field, v, false))
}

/// Keys are what templates and bundles refer to: lower case letters, digits, `_`, `-`, `.`.
fn key(e: &mut Errors, loc: &Loc, field: &str, value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        e.add(loc.at(field), "is required and cannot be empty");
        return None;
    }
    if !value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b)) {
        e.add(loc.at(field), format!("`{value}` must use only lower-case letters, digits, `_`, `-` and `.`"));
        return None;
    }
    Some(value.to_string())
}

pub fn date(e: &mut Errors, loc: &Loc, field: &str, value: &str) -> Option<Date> {
    match Date::parse(value.trim(), format_description!("[year]-[month]-[day]")) {
        Ok(d) => Some(d),
        Err(_) => {
            e.add(loc.at(field), format!("`{value}` is not a date: use YYYY-MM-DD, e.g. 2026-11-20"));
            None
        }
    }
}

fn bounded(e: &mut Errors, loc: &Loc, field: &str, n: i64, max: i64) -> Option<i64> {
    if n < 0 {
        e.add(loc.at(field), format!("is {n}: must be 0 or more"));
        None
    } else if n > max {
        e.add(loc.at(field), format!("is {n}: more than the largest accepted value, {max}"));
        None
    } else {
        Some(n)
    }
}

fn url(e: &mut Errors, loc: &Loc, field: &str, value: &Option<String>) -> Option<String> {
    let value = optional_text(e, loc, field, value)?;
    let lower = value.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    if rest.is_none_or(|r| r.is_empty() || r.starts_with('/') || r.contains(char::is_whitespace)) {
        e.add(loc.at(field), format!("`{value}` is not an http(s) link"));
        return None;
    }
    Some(value)
}

/// A plain address (`name@domain.tld`), lower-cased. Display names and comments are not accepted here.
pub fn email(e: &mut Errors, loc: &Loc, field: &str, value: &str) -> Option<String> {
    let value = text(e, loc, field, value, true)?.to_lowercase();
    let forbidden = [' ', ',', ';', '<', '>', '"', '(', ')', '[', ']', '\\'];
    let ok = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.contains(forbidden)
        }
        None => false,
    };
    if !ok {
        e.add(loc.at(field), format!("`{value}` is not an email address"));
        return None;
    }
    Some(value)
}

pub fn feature(e: &mut Errors, loc: &Loc, r: &FeatureRecord) -> Option<Feature> {
    let key = key(e, loc, "key", &r.key);
    let name = text(e, loc, "name", &r.name, true);
    let description = optional_text(e, loc, "description", &r.description);
    let resource_url = url(e, loc, "resource_url", &r.resource_url);
    Some(Feature { key: key?, name: name?, description, resource_url })
}

pub fn plan(e: &mut Errors, loc: &Loc, r: &PlanRecord) -> Option<Plan> {
    let before = e.total;
    let key = key(e, loc, "key", &r.key);
    let name = text(e, loc, "name", &r.name, true);
    let per_seat = bounded(e, loc, "annual_price_per_seat", r.annual_price_per_seat, MAX_MONEY);
    let base = bounded(e, loc, "annual_base_price", r.annual_base_price, MAX_MONEY);
    let seat_limit = r.seat_limit.map(|n| bounded(e, loc, "seat_limit", n, MAX_SEATS));
    let api = r.api_calls_per_month.map(|n| bounded(e, loc, "api_calls_per_month", n, MAX_API_CALLS));
    let mut features = Vec::new();
    for (i, f) in r.features.iter().enumerate() {
        if let Some(k) = super::validate::key(e, loc, &format!("features[{i}]"), f) {
            if !features.contains(&k) {
                features.push(k);
            }
        }
    }
    (e.total == before).then(|| Plan {
        key: key.unwrap_or_default(),
        name: name.unwrap_or_default(),
        rank: r.rank,
        annual_price_per_seat: per_seat.unwrap_or_default(),
        annual_base_price: base.unwrap_or_default(),
        seat_limit: seat_limit.flatten(),
        api_calls_per_month: api.flatten(),
        features,
    })
}

pub fn member(e: &mut Errors, loc: &Loc, r: &MemberRecord) -> Option<NewMember> {
    let email = email(e, loc, "email", &r.email);
    let name = text(e, loc, "name", &r.name, true);
    let role = match r.role.trim().parse::<Role>() {
        Ok(role) => Some(role),
        Err(msg) => {
            e.add(loc.at("role"), msg);
            None
        }
    };
    let title = optional_text(e, loc, "title", &r.title);
    let calendar_url = url(e, loc, "calendar_url", &r.calendar_url);
    Some(NewMember { email: email?, name: name?, role: role?, title, calendar_url })
}

pub fn usage(e: &mut Errors, loc: &Loc, r: &UsageRecord) -> Option<UsageDay> {
    let date = date(e, loc, "date", &r.date);
    let seats = bounded(e, loc, "seats_used", r.seats_used, MAX_SEATS);
    let mau = bounded(e, loc, "monthly_active_users", r.monthly_active_users, MAX_SEATS);
    let api = bounded(e, loc, "api_calls", r.api_calls, MAX_API_CALLS / 100);
    Some(UsageDay { date: date?, seats_used: seats?, monthly_active_users: mau?, api_calls: api? })
}

pub fn contact(e: &mut Errors, loc: &Loc, r: &ContactRecord) -> Option<Contact> {
    let name = text(e, loc, "name", &r.name, true);
    let address = r.email.as_deref().filter(|v| !v.trim().is_empty()).map(|v| email(e, loc, "email", v));
    let title = optional_text(e, loc, "title", &r.title);
    let role = optional_text(e, loc, "role", &r.role);
    let email = match address {
        Some(None) => return None,
        Some(Some(a)) => Some(a),
        None => None,
    };
    let time_zone = time_zone(e, loc, &r.time_zone);
    let style = match r.buying_style.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match s.parse::<BuyingStyle>() {
            Ok(style) => Some(style),
            Err(msg) => {
                e.add(loc.at("buying_style"), msg);
                return None;
            }
        },
    };
    Some(Contact {
        name: name?,
        email,
        title,
        role,
        primary: r.primary,
        tracking_opt_out: r.tracking_opt_out,
        time_zone: time_zone?,
        buying_style: style.unwrap_or_default(),
        buying_style_source: style.map(|_| "import".to_string()),
    })
}

/// An optional IANA time zone; `None` (with the error added) when it names none.
fn time_zone(e: &mut Errors, loc: &Loc, value: &Option<String>) -> Option<Option<String>> {
    let Some(name) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else { return Some(None) };
    match check_time_zone(name) {
        Ok(()) => Some(Some(name.to_string())),
        Err(msg) => {
            e.add(loc.at("time_zone"), msg);
            None
        }
    }
}

pub fn request(e: &mut Errors, loc: &Loc, r: &RequestRecord) -> Option<FeatureRequest> {
    let feature = key(e, loc, "feature", &r.feature);
    let requested_at = date(e, loc, "requested_at", &r.requested_at);
    let note = r.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(|n| {
        if n.contains('\0') || n.len() > 2000 {
            e.add(loc.at("note"), "must be at most 2,000 characters of text");
        }
        n.to_string()
    });
    Some(FeatureRequest { feature: feature?, requested_at: requested_at?, note })
}

pub fn milestone(e: &mut Errors, loc: &Loc, r: &MilestoneRecord) -> Option<Milestone> {
    let title = text(e, loc, "title", &r.title, true);
    let achieved_at = date(e, loc, "achieved_at", &r.achieved_at);
    Some(Milestone { title: title?, achieved_at: achieved_at? })
}

/// A CRM result: its outcome, instant (a date is midnight UTC) and note.
pub fn outcome(
    e: &mut Errors,
    loc: &Loc,
    r: &super::bundle::OutcomeRecord,
) -> Option<(crate::store::Outcome, time::OffsetDateTime, Option<String>)> {
    let outcome = match r.outcome.parse::<crate::store::Outcome>() {
        Ok(o) => Some(o),
        Err(m) => {
            e.add(loc.at("outcome"), m);
            None
        }
    };
    let raw = r.at.trim();
    let at = match time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339) {
        Ok(at) => Some(at),
        Err(_) => date(e, loc, "at", raw).map(|d| d.midnight().assume_utc()),
    };
    let note = r.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        e.add(loc.at("note"), "a note is at most 2,000 characters");
        return None;
    }
    Some((outcome?, at?, note))
}

/// What a customer record refers to: the plans and team members known to this import.
pub struct Refs<'a> {
    pub plans: &'a HashMap<String, Plan>,
    pub members: &'a HashMap<String, Role>,
}

/// The customer's own fields. Nested lists are validated by the caller, which knows their locations.
pub fn customer(e: &mut Errors, loc: &Loc, r: &CustomerRecord, refs: &Refs<'_>) -> Option<NewCustomer> {
    let external_id = text(e, loc, "external_id", &r.external_id, true);
    let name = text(e, loc, "name", &r.name, true);
    let plan_key = r.plan.trim();
    let plan = refs.plans.get(plan_key);
    if plan.is_none() {
        let known: Vec<&str> = refs.plans.keys().map(String::as_str).collect();
        let mut known = known;
        known.sort_unstable();
        e.add(loc.at("plan"), format!("unknown plan `{plan_key}` (known plans: {})", known.join(", ")));
    }
    let seats = bounded(e, loc, "seats_purchased", r.seats_purchased, MAX_SEATS);
    let arr = r.arr.map(|a| bounded(e, loc, "arr", a, MAX_MONEY));
    let renewal_date =
        r.renewal_date.as_deref().filter(|d| !d.trim().is_empty()).map(|d| date(e, loc, "renewal_date", d));
    let health = r.health_score.map(|h| {
        if (0..=100).contains(&h) {
            Some(h)
        } else {
            e.add(loc.at("health_score"), format!("is {h}: must be between 0 and 100"));
            None
        }
    });
    let industry = optional_text(e, loc, "industry", &r.industry);
    let time_zone = time_zone(e, loc, &r.time_zone);
    let mut person = |field: &str, value: &Option<String>| -> Option<Option<String>> {
        let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) else { return Some(None) };
        let address = email(e, loc, field, v)?;
        if !refs.members.contains_key(&address) {
            e.add(loc.at(field), format!("unknown team member `{address}`: add them to `team` first"));
            return None;
        }
        Some(Some(address))
    };
    let csm = person("csm", &r.csm);
    let ae = person("ae", &r.ae);
    let seats = seats?;
    let arr = match arr {
        Some(a) => a?,
        None => plan?.annual_price(seats),
    };
    plan?;
    Some(NewCustomer {
        external_id: external_id?,
        name: name?,
        plan_key: plan_key.to_string(),
        seats_purchased: seats,
        arr,
        renewal_date: renewal_date.flatten(),
        health_score: health.flatten(),
        industry,
        csm_email: csm?,
        ae_email: ae?,
        time_zone: time_zone?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_email(v: &str) -> Option<String> {
        email(&mut Errors::default(), &Loc::Json("x".into()), "email", v)
    }

    #[test]
    fn emails() {
        assert_eq!(check_email(" Jennifer@Acme.example "), Some("jennifer@acme.example".to_string()));
        for bad in ["", "jennifer", "a@b", "a@@b.c", "a b@c.d", "<a@b.c>", "a@b.c\r\nBcc: x@y.z", "a@.c", "a,b@c.d"] {
            assert_eq!(check_email(bad), None, "{bad:?} accepted");
        }
    }

    #[test]
    fn locations_name_file_line_and_field() {
        let mut e = Errors::default();
        let loc = Loc::Csv { file: "usage.csv".into(), line: 17 };
        assert_eq!(date(&mut e, &loc, "date", "2026-13-01"), None);
        assert_eq!(e.list[0].location, "usage.csv:17:date");
        assert!(e.list[0].message.contains("YYYY-MM-DD"));
        let json = Loc::Json("customers[3]".into()).child("usage[0]");
        assert_eq!(json.at("date"), "customers[3].usage[0].date");
    }

    #[test]
    fn control_characters_never_pass() {
        let mut e = Errors::default();
        assert_eq!(text(&mut e, &Loc::Json("c".into()), "name", "Acme\r\nBcc: evil@x.y", true), None);
        assert_eq!(text(&mut e, &Loc::Json("c".into()), "name", "Acme\0", true), None);
        assert_eq!(e.total, 2);
    }

    #[test]
    fn links_must_be_http() {
        let mut e = Errors::default();
        let loc = Loc::Json("f".into());
        assert_eq!(url(&mut e, &loc, "u", &Some("javascript:alert(1)".into())), None);
        assert_eq!(url(&mut e, &loc, "u", &Some("https://".into())), None);
        assert_eq!(
            url(&mut e, &loc, "u", &Some("https://docs.example/a".into())),
            Some("https://docs.example/a".into())
        );
    }
}
