//! The built-in demo workspace: about 25 customers that between them show every signal, with Acme Corp
//! exactly as in PRD-047 (Professional, 98 of 100 licences, 85% of the monthly API allowance, asking for
//! advanced analytics and API priority, health 87, Enterprise worth +48,000 a year). Dates are relative
//! to `today`, so the demo looks current whenever it is loaded.

use time::{Date, Duration};

use crate::import::bundle::{
    Bundle, ContactRecord, CustomerRecord, FeatureRecord, MemberRecord, MilestoneRecord, PlanRecord, RequestRecord,
    UsageRecord,
};

/// The demo CSM, who receives the sign-in token `overture demo` prints.
pub const DEMO_CSM: &str = "sarah@vendor.example";

fn feature(key: &str, name: &str, description: &str) -> FeatureRecord {
    FeatureRecord {
        key: key.into(),
        name: name.into(),
        description: Some(description.into()),
        resource_url: Some(format!("https://docs.vendor.example/{}", key.replace('_', "-"))),
    }
}

fn plans() -> Vec<PlanRecord> {
    let plan = |key: &str, name: &str, rank, per_seat, seats, api, features: &[&str]| PlanRecord {
        key: key.into(),
        name: name.into(),
        rank,
        annual_price_per_seat: per_seat,
        annual_base_price: 0,
        seat_limit: seats,
        api_calls_per_month: api,
        features: features.iter().map(|f| f.to_string()).collect(),
    };
    let pro = ["reports", "integrations"];
    let ent = ["reports", "integrations", "advanced_analytics", "api_priority", "priority_support", "sso", "audit_log"];
    let mut unlimited = ent.to_vec();
    unlimited.push("sandbox");
    vec![
        plan("starter", "Starter", 1, 600, Some(25), Some(100_000), &["reports"]),
        plan("professional", "Professional", 2, 1200, Some(100), Some(1_000_000), &pro),
        plan("enterprise", "Enterprise", 3, 1680, None, Some(5_000_000), &ent),
        plan("enterprise_unlimited", "Enterprise Unlimited", 4, 2100, None, None, &unlimited),
    ]
}

fn team() -> Vec<MemberRecord> {
    let member = |email: &str, name: &str, role: &str, title: &str, calendar: Option<&str>| MemberRecord {
        email: email.into(),
        name: name.into(),
        role: role.into(),
        title: Some(title.into()),
        calendar_url: calendar.map(Into::into),
    };
    vec![
        member(DEMO_CSM, "Sarah Chen", "csm", "Customer Success Manager", Some("https://cal.vendor.example/sarah")),
        member("priya@vendor.example", "Priya Natarajan", "csm", "Senior Customer Success Manager", None),
        member("mike@vendor.example", "Mike Alvarez", "ae", "Account Executive", None),
        member("dana@vendor.example", "Dana Brooks", "admin", "Head of Customer Success", None),
        member("tom@vendor.example", "Tom Reed", "viewer", "Revenue Operations Analyst", None),
    ]
}

/// How a customer's 90 days of usage move, start to end.
#[derive(Clone, Copy)]
struct Shape {
    seats: (i64, i64),
    /// Monthly active users at the end, as a share of seats used.
    active: f64,
    /// Daily API calls at the start and end.
    api: (i64, i64),
    /// When set, the last 30 days of API calls add up to exactly this.
    api_last_30: Option<i64>,
}

fn usage(today: Date, shape: Shape) -> Vec<UsageRecord> {
    let days = 90;
    let last = today - Duration::days(1);
    let lerp = |(a, b): (i64, i64), i: i64| a + (b - a) * i / (days - 1);
    let mut rows: Vec<UsageRecord> = (0..days)
        .map(|i| {
            let date = last - Duration::days(days - 1 - i);
            let seats = lerp(shape.seats, i);
            // A gentle weekly rhythm, so that charts look like real usage.
            let wobble = [100, 103, 101, 98, 104, 90, 88][(i % 7) as usize];
            UsageRecord {
                date: date.to_string(),
                seats_used: seats,
                monthly_active_users: (seats as f64 * shape.active).round() as i64,
                api_calls: lerp(shape.api, i) * wobble / 100,
            }
        })
        .collect();
    if let Some(target) = shape.api_last_30 {
        let per_day = target / 30;
        let tail = rows.len() - 30;
        for (j, row) in rows[tail..].iter_mut().enumerate() {
            row.api_calls = per_day + if j == 29 { target - per_day * 30 } else { 0 };
        }
    }
    rows
}

struct Spec {
    id: &'static str,
    name: &'static str,
    plan: &'static str,
    seats: i64,
    arr: Option<i64>,
    renewal_in: Option<i64>,
    health: Option<i64>,
    industry: &'static str,
    csm: &'static str,
    ae: Option<&'static str>,
    contact: Option<(&'static str, Option<&'static str>, &'static str)>,
    usage: Option<Shape>,
    requests: &'static [(&'static str, i64, &'static str)],
    milestones: &'static [(&'static str, i64)],
}

const SARAH: &str = DEMO_CSM;
const PRIYA: &str = "priya@vendor.example";
const MIKE: &str = "mike@vendor.example";

fn flat(seats: i64, active: f64, api: i64) -> Option<Shape> {
    Some(Shape { seats: (seats, seats), active, api: (api, api), api_last_30: None })
}

fn specs() -> Vec<Spec> {
    let base = Spec {
        id: "",
        name: "",
        plan: "professional",
        seats: 100,
        arr: None,
        renewal_in: Some(240),
        health: Some(72),
        industry: "Software",
        csm: SARAH,
        ae: Some(MIKE),
        contact: None,
        usage: None,
        requests: &[],
        milestones: &[],
    };
    vec![
        Spec {
            id: "acme",
            name: "Acme Corp",
            arr: Some(120_000),
            renewal_in: Some(96),
            health: Some(87),
            industry: "Manufacturing",
            contact: Some(("Jennifer Walsh", Some("jennifer@acme.example"), "VP Operations")),
            usage: Some(Shape {
                seats: (94, 98),
                active: 86.0 / 98.0,
                api: (24_000, 28_000),
                api_last_30: Some(850_000),
            }),
            requests: &[
                ("advanced_analytics", 54, "Asked in the QBR"),
                ("api_priority", 20, "Raised in a support ticket"),
            ],
            milestones: &[("Cut onboarding time from 3 weeks to 5 days", 71)],
            ..base
        },
        Spec {
            id: "globex",
            name: "Globex Logistics",
            seats: 80,
            health: Some(78),
            industry: "Logistics",
            contact: Some(("Hank Scorpio", Some("hank@globex.example"), "CTO")),
            usage: Some(Shape { seats: (58, 61), active: 0.9, api: (27_000, 31_000), api_last_30: Some(920_000) }),
            ..base
        },
        Spec {
            id: "initech",
            name: "Initech",
            plan: "starter",
            seats: 25,
            health: Some(81),
            industry: "Financial services",
            csm: PRIYA,
            contact: Some(("Peter Gibbons", Some("peter@initech.example"), "Operations Lead")),
            usage: flat(24, 0.92, 1_800),
            ..base
        },
        Spec {
            id: "umbrella",
            name: "Umbrella Health",
            seats: 80,
            health: Some(74),
            industry: "Healthcare",
            contact: Some(("Alice Abernathy", Some("alice@umbrella.example"), "Director of Clinical Systems")),
            usage: Some(Shape { seats: (74, 76), active: 0.78, api: (9_000, 9_500), api_last_30: None }),
            ..base
        },
        Spec {
            id: "stark",
            name: "Stark Industries",
            plan: "enterprise",
            seats: 300,
            health: Some(84),
            industry: "Aerospace",
            contact: Some(("Pepper Potts", Some("pepper@stark.example"), "COO")),
            usage: Some(Shape { seats: (255, 272), active: 0.88, api: (60_000, 70_000), api_last_30: None }),
            ..base
        },
        Spec {
            id: "hooli",
            name: "Hooli",
            plan: "enterprise_unlimited",
            seats: 500,
            health: Some(90),
            industry: "Technology",
            contact: Some(("Gavin Belson", Some("gavin@hooli.example"), "CEO")),
            usage: flat(310, 0.81, 400_000),
            ..base
        },
        Spec {
            id: "wayne",
            name: "Wayne Enterprises",
            plan: "enterprise_unlimited",
            seats: 800,
            health: Some(88),
            industry: "Conglomerate",
            csm: PRIYA,
            contact: Some(("Lucius Fox", Some("lucius@wayne.example"), "CTO")),
            usage: Some(Shape { seats: (300, 420), active: 0.85, api: (300_000, 420_000), api_last_30: None }),
            ..base
        },
        Spec {
            id: "soylent",
            name: "Soylent Foods",
            health: Some(80),
            industry: "Food and beverage",
            contact: Some(("Sol Roth", Some("sol@soylent.example"), "Head of Operations")),
            usage: Some(Shape { seats: (40, 49), active: 0.84, api: (6_000, 7_500), api_last_30: None }),
            ..base
        },
        Spec {
            id: "vandelay",
            name: "Vandelay Industries",
            seats: 60,
            renewal_in: Some(30),
            health: Some(76),
            industry: "Import and export",
            contact: Some(("Art Vandelay", Some("art@vandelay.example"), "Managing Director")),
            usage: flat(41, 0.8, 12_000),
            ..base
        },
        Spec {
            id: "piedpiper",
            name: "Pied Piper",
            plan: "starter",
            seats: 10,
            renewal_in: Some(330),
            health: None,
            industry: "Technology",
            csm: PRIYA,
            ae: None,
            contact: Some(("Richard Hendricks", Some("richard@piedpiper.example"), "CEO")),
            ..base
        },
        Spec {
            id: "massive",
            name: "Massive Dynamic",
            seats: 90,
            health: Some(92),
            industry: "Research",
            contact: Some(("Nina Sharp", Some("nina@massive.example"), "Chief Operating Officer")),
            usage: flat(55, 0.93, 20_000),
            milestones: &[
                ("Rolled out to all five research sites", 25),
                ("Automated the monthly compliance report", 60),
            ],
            ..base
        },
        Spec {
            id: "cyberdyne",
            name: "Cyberdyne Systems",
            plan: "starter",
            seats: 20,
            health: Some(70),
            industry: "Robotics",
            contact: Some(("Miles Dyson", Some("miles@cyberdyne.example"), "Director of Engineering")),
            usage: flat(12, 0.9, 1_500),
            requests: &[("integrations", 30, "Wants to connect their data warehouse")],
            ..base
        },
        Spec {
            id: "oscorp",
            name: "Oscorp",
            health: Some(79),
            industry: "Biotech",
            contact: Some(("Norman Osborn", Some("norman@oscorp.example"), "CEO")),
            usage: Some(Shape { seats: (48, 70), active: 0.87, api: (10_000, 14_000), api_last_30: None }),
            ..base
        },
        Spec {
            id: "tyrell",
            name: "Tyrell Corp",
            health: Some(82),
            industry: "Manufacturing",
            contact: Some(("Rachael Rosen", Some("rachael@tyrell.example"), "Head of Platform")),
            usage: Some(Shape { seats: (52, 55), active: 0.9, api: (12_000, 24_000), api_last_30: None }),
            ..base
        },
        Spec {
            id: "nakatomi",
            name: "Nakatomi Trading",
            plan: "starter",
            seats: 0,
            arr: Some(0),
            health: Some(60),
            industry: "Trading",
            contact: Some(("Holly Gennero", Some("holly@nakatomi.example"), "VP Business Development")),
            usage: flat(0, 0.0, 0),
            ..base
        },
        Spec {
            id: "dunder",
            name: "Dunder Mifflin",
            plan: "starter",
            seats: 20,
            health: Some(68),
            industry: "Paper",
            csm: PRIYA,
            contact: Some(("Jan Levinson", Some("jan@dundermifflin.example"), "VP Sales")),
            usage: Some(Shape { seats: (19, 23), active: 0.86, api: (1_000, 1_200), api_last_30: None }),
            ..base
        },
        Spec {
            id: "gringotts",
            name: "Gringotts",
            seats: 70,
            health: Some(85),
            industry: "Banking",
            ae: None,
            contact: Some(("Griphook", Some("griphook@gringotts.example"), "Head of Vaults")),
            usage: Some(Shape { seats: (50, 52), active: 0.95, api: (28_000, 29_000), api_last_30: Some(880_000) }),
            ..base
        },
        Spec {
            id: "monsters",
            name: "Monsters Inc",
            seats: 50,
            health: Some(83),
            industry: "Energy",
            contact: Some(("Mike Wazowski", None, "Floor Manager")),
            usage: flat(46, 0.9, 8_000),
            ..base
        },
        Spec {
            id: "wonka",
            name: "Wonka Industries",
            plan: "starter",
            seats: 15,
            health: Some(77),
            industry: "Confectionery",
            usage: flat(14, 0.9, 900),
            ..base
        },
        Spec {
            id: "northwind-us",
            name: "Northwind",
            seats: 40,
            industry: "Retail",
            contact: Some(("Nancy Davolio", Some("nancy@northwind-us.example"), "Sales Operations")),
            usage: flat(37, 0.85, 5_000),
            ..base
        },
        Spec {
            id: "northwind-eu",
            name: "Northwind",
            plan: "starter",
            seats: 12,
            industry: "Retail",
            csm: PRIYA,
            contact: Some(("Anne Dodsworth", Some("anne@northwind-eu.example"), "Country Manager")),
            usage: flat(7, 0.7, 400),
            ..base
        },
        Spec {
            id: "bluesun",
            name: "Blue Sun",
            seats: 60,
            health: Some(45),
            industry: "Consumer goods",
            contact: Some(("Mr Universe", Some("universe@bluesun.example"), "IT Director")),
            usage: flat(30, 0.6, 4_000),
            milestones: &[("Launched the partner portal", 40)],
            ..base
        },
        Spec {
            id: "prestige",
            name: "Prestige Worldwide",
            plan: "starter",
            seats: 10,
            health: Some(65),
            industry: "Entertainment",
            contact: Some(("Brennan Huff", Some("brennan@prestige.example"), "Co-founder")),
            usage: flat(5, 0.8, 300),
            ..base
        },
        Spec {
            id: "aperture",
            name: "Aperture Science",
            seats: 90,
            renewal_in: Some(45),
            health: Some(86),
            industry: "Research",
            contact: Some(("Caroline Johnson", Some("caroline@aperture.example"), "Director of Testing")),
            usage: Some(Shape { seats: (80, 84), active: 0.9, api: (15_000, 18_000), api_last_30: None }),
            requests: &[("sso", 15, "Security review asked for SSO"), ("audit_log", 40, "")],
            ..base
        },
        Spec {
            id: "sterling",
            name: "Sterling Cooper",
            seats: 45,
            renewal_in: Some(60),
            health: Some(89),
            industry: "Advertising",
            contact: Some(("Joan Holloway", Some("joan@sterlingcooper.example"), "Office Manager")),
            usage: flat(30, 0.95, 6_000),
            milestones: &[("Cut campaign approval time in half", 35)],
            ..base
        },
    ]
}

/// The demo customer's time zone: most are on the US east coast.
fn zone(id: &str) -> &'static str {
    match id {
        "hooli" | "piedpiper" | "tyrell" | "nakatomi" => "America/Los_Angeles",
        "aperture" | "wonka" => "America/Chicago",
        "northwind-eu" | "gringotts" => "Europe/London",
        "umbrella" => "Europe/Berlin",
        _ => "America/New_York",
    }
}

/// The buying styles the demo's CRM knows; the others are unknown until replies tell.
fn style(id: &str) -> Option<&'static str> {
    match id {
        "globex" | "aperture" => Some("analytical"),
        "stark" | "umbrella" => Some("driver"),
        "sterling" => Some("amiable"),
        "bluesun" => Some("expressive"),
        _ => None,
    }
}

/// The demo bundle as of `today`.
pub fn bundle(today: Date) -> Bundle {
    let ago = |days: i64| (today - Duration::days(days)).to_string();
    let customers = specs()
        .into_iter()
        .map(|s| CustomerRecord {
            external_id: s.id.into(),
            name: s.name.into(),
            plan: s.plan.into(),
            seats_purchased: s.seats,
            arr: s.arr,
            renewal_date: s.renewal_in.map(|d| (today + Duration::days(d)).to_string()),
            health_score: s.health,
            industry: Some(s.industry.into()),
            time_zone: Some(zone(s.id).into()),
            csm: Some(s.csm.into()),
            ae: s.ae.map(Into::into),
            contacts: Some(
                s.contact
                    .map(|(name, email, title)| ContactRecord {
                        name: name.into(),
                        email: email.map(Into::into),
                        title: Some(title.into()),
                        role: Some("champion".into()),
                        primary: true,
                        tracking_opt_out: false,
                        time_zone: None,
                        buying_style: style(s.id).map(Into::into),
                    })
                    .into_iter()
                    .collect(),
            ),
            usage: s.usage.map(|shape| usage(today, shape)),
            feature_requests: Some(
                s.requests
                    .iter()
                    .map(|(f, days, note)| RequestRecord {
                        feature: (*f).into(),
                        requested_at: ago(*days),
                        note: Some(note.to_string()).filter(|n| !n.is_empty()),
                    })
                    .collect(),
            ),
            milestones: Some(
                s.milestones
                    .iter()
                    .map(|(t, days)| MilestoneRecord { title: (*t).into(), achieved_at: ago(*days) })
                    .collect(),
            ),
        })
        .collect();
    Bundle {
        features: vec![
            feature("reports", "Reports", "Standard dashboards and scheduled reports"),
            feature("integrations", "Integrations", "Connectors for CRMs, data warehouses and chat"),
            feature("advanced_analytics", "Advanced analytics", "Cohort and funnel reports"),
            feature("api_priority", "API priority", "Dedicated API capacity with priority routing"),
            feature("priority_support", "Priority support", "A one-hour response target, around the clock"),
            feature("sso", "Single sign-on", "SAML and OIDC sign-in with your identity provider"),
            feature("audit_log", "Audit log", "Who changed what, and when, kept for a year"),
            feature("sandbox", "Sandbox environments", "Test changes before they reach production"),
        ],
        plans: plans(),
        team: team(),
        customers,
        outcomes: Vec::new(),
    }
}

/// The demo customers' expansion contexts as of `today`, with the plans and features, computed without a
/// database (templates are checked against them before a workspace may use them). The records go through
/// the import's own checks and the same judgement as stored customers.
pub fn contexts(
    today: Date,
) -> (Vec<crate::context::ExpansionContext>, Vec<crate::domain::Plan>, Vec<crate::domain::Feature>) {
    use std::collections::HashMap;

    use crate::domain::{Customer, CustomerId, TeamMember};
    use crate::import::validate::{self, Errors, Loc, Refs};
    use crate::store::CustomerRecord;

    let b = bundle(today);
    // The demo is valid by construction (a test imports it); a record that were not would be left out.
    let mut e = Errors::default();
    let at = |section: &str, i: usize| Loc::Json(format!("{section}[{i}]"));
    let plans: Vec<_> =
        b.plans.iter().enumerate().filter_map(|(i, r)| validate::plan(&mut e, &at("plans", i), r)).collect();
    let features: Vec<_> =
        b.features.iter().enumerate().filter_map(|(i, r)| validate::feature(&mut e, &at("features", i), r)).collect();
    let team: Vec<TeamMember> = b
        .team
        .iter()
        .enumerate()
        .filter_map(|(i, r)| validate::member(&mut e, &at("team", i), r))
        .zip(1..)
        .map(|(m, id)| TeamMember {
            id,
            email: m.email,
            name: m.name,
            role: m.role,
            title: m.title,
            calendar_url: m.calendar_url,
        })
        .collect();
    let plan_map: HashMap<String, _> = plans.iter().map(|p| (p.key.clone(), p.clone())).collect();
    let members: HashMap<String, _> = team.iter().map(|m| (m.email.clone(), m.role)).collect();
    let refs = Refs { plans: &plan_map, members: &members };
    let mut contexts = Vec::new();
    for (i, r) in b.customers.iter().enumerate() {
        let loc = at("customers", i);
        let Some(c) = validate::customer(&mut e, &loc, r, &refs) else { continue };
        let list = |name: &str| loc.child(name);
        let record = CustomerRecord {
            customer: Customer {
                id: CustomerId(i as i64 + 1),
                external_id: c.external_id,
                name: c.name,
                plan_key: c.plan_key,
                seats_purchased: c.seats_purchased,
                arr: c.arr,
                renewal_date: c.renewal_date,
                health_score: c.health_score,
                industry: c.industry,
                csm_email: c.csm_email,
                ae_email: c.ae_email,
                time_zone: c.time_zone,
            },
            contacts: r
                .contacts
                .iter()
                .flatten()
                .filter_map(|x| validate::contact(&mut e, &list("contacts"), x))
                .collect(),
            feature_requests: r
                .feature_requests
                .iter()
                .flatten()
                .filter_map(|x| validate::request(&mut e, &list("feature_requests"), x))
                .collect(),
            milestones: r
                .milestones
                .iter()
                .flatten()
                .filter_map(|x| validate::milestone(&mut e, &list("milestones"), x))
                .collect(),
            usage: crate::domain::UsageSummary::from_days(
                &r.usage
                    .iter()
                    .flatten()
                    .filter_map(|x| validate::usage(&mut e, &list("usage"), x))
                    .collect::<Vec<_>>(),
            ),
            opportunity: None,
        };
        let settings = crate::signals::Settings::default();
        contexts.push(crate::services::judge(&record, &plans, &features, &team, settings, today).1);
    }
    (contexts, plans, features)
}
