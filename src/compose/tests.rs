//! Properties of composing, over random customers run through the real pipeline:
//! detect → context → compose.

use proptest::prelude::*;
use time::macros::date;
use time::Duration;

use super::*;
use crate::context::{self, Surroundings};
use crate::domain::{Contact, Customer, CustomerId, FeatureRequest, Role, TeamMember, UsageDay, UsageSummary};
use crate::signals::{self, Settings, Snapshot};

/// Single-line text as the import accepts it, with the characters that break HTML. The leading Ζ (a
/// non-ASCII letter) keeps a name from matching the layout's own ASCII markup by chance.
fn name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9<>&\"' éü中/=-]{0,24}".prop_map(|s| format!("Ζ{}", s.trim_end()))
}

fn plans(features: &[String]) -> Vec<Plan> {
    let plan = |key: &str, rank, price, seats, api, features: Vec<String>| Plan {
        key: key.into(),
        name: crate::domain::humanize_key(key),
        rank,
        annual_price_per_seat: price,
        annual_base_price: 0,
        seat_limit: seats,
        api_calls_per_month: api,
        features,
    };
    vec![
        plan("starter", 1, 600, Some(25), Some(100_000), vec![]),
        plan("growth", 2, 1200, Some(100), Some(1_000_000), vec![]),
        plan("scale", 3, 1680, None, Some(5_000_000), features.to_vec()),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    company: String,
    contact: String,
    csm: String,
    feature_name: String,
    plan: usize,
    seats: i64,
    used: (i64, i64),
    api: (i64, i64),
    arr: i64,
    requested: bool,
    renewal: Option<i64>,
    /// Index into `BuyingStyle::ALL`.
    style: usize,
}

fn case() -> impl Strategy<Value = Case> {
    (name(), name(), name(), name(), 0usize..3, 0i64..120, (0i64..150, 0i64..150), (0i64..60_000, 0i64..60_000))
        .prop_flat_map(|(company, contact, csm, feature_name, plan, seats, used, api)| {
            (1_000_003i64..9_000_000, any::<bool>(), prop::option::of(-10i64..200), 0usize..5).prop_map(
                move |(arr, requested, renewal, style)| Case {
                    company: company.clone(),
                    contact: contact.clone(),
                    csm: csm.clone(),
                    feature_name: feature_name.clone(),
                    plan,
                    seats,
                    used,
                    api,
                    arr,
                    requested,
                    renewal,
                    style,
                },
            )
        })
}

fn compose_case(
    composer: &Composer,
    c: &Case,
    approach: Approach,
    tone: Tone,
) -> (Result<Email, ComposeError>, ExpansionContext) {
    let today = date!(2026 - 11 - 25);
    let feature = Feature {
        key: "insights".into(),
        name: c.feature_name.clone(),
        description: None,
        resource_url: Some("https://docs.example/insights".into()),
    };
    let plans = plans(&["insights".to_string()]);
    let customer = Customer {
        id: CustomerId(1),
        external_id: "x".into(),
        name: c.company.clone(),
        plan_key: plans[c.plan].key.clone(),
        seats_purchased: c.seats,
        arr: c.arr,
        renewal_date: c.renewal.map(|d| today + Duration::days(d)),
        health_score: Some(88),
        industry: None,
        csm_email: Some("csm@vendor.example".into()),
        ae_email: None,
        time_zone: None,
    };
    let days: Vec<UsageDay> = (0..90)
        .map(|i| UsageDay {
            date: today - Duration::days(90 - i),
            seats_used: c.used.0 + (c.used.1 - c.used.0) * i / 89,
            monthly_active_users: c.used.0 / 2,
            api_calls: c.api.0 + (c.api.1 - c.api.0) * i / 89,
        })
        .collect();
    let usage = UsageSummary::from_days(&days);
    let requests: Vec<FeatureRequest> = if c.requested {
        vec![FeatureRequest { feature: "insights".into(), requested_at: today - Duration::days(5), note: None }]
    } else {
        vec![]
    };
    let features = vec![feature];
    let snapshot = Snapshot {
        customer: &customer,
        plans: &plans,
        features: &features,
        usage: usage.as_ref(),
        feature_requests: &requests,
        milestones: &[],
        today,
        settings: Settings::default(),
    };
    let detection = signals::detect(&snapshot);
    let contacts = [Contact {
        name: c.contact.clone(),
        email: Some("jen@customer.example".into()),
        title: None,
        role: None,
        primary: true,
        tracking_opt_out: false,
        buying_style: crate::domain::BuyingStyle::ALL[c.style],
        ..Contact::default()
    }];
    let csm = TeamMember {
        id: 1,
        email: "csm@vendor.example".into(),
        name: c.csm.clone(),
        role: Role::Csm,
        title: Some("CSM".into()),
        calendar_url: Some("https://cal.example/c".into()),
    };
    let ctx = context::build(
        &snapshot,
        &detection,
        Surroundings { contacts: &contacts, csm: Some(&csm), ae: None, opportunity: None },
    );
    (composer.compose(&ctx, &plans, &features, approach, tone), ctx)
}

/// HTML escaping as minijinja does it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

fn balanced(html: &str, tag: &str) -> bool {
    html.matches(&format!("<{tag}")).count() == html.matches(&format!("</{tag}>")).count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn composing_never_panics_leaks_or_invents(c in case(), a in 0usize..4, direct in any::<bool>()) {
        let composer = Composer::new().unwrap();
        let tone = if direct { Tone::Direct } else { Tone::Soft };
        let (result, ctx) = compose_case(&composer, &c, Approach::ALL[a], tone);
        let email = match result {
            Ok(email) => email,
            Err(ComposeError::NoExpansionPath(_)) => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(format!("unexpected {e}"))),
        };
        let all = format!("{}\n{}", email.subject, email.text);
        // Internal data never appears.
        prop_assert!(!all.contains(&crate::domain::group_thousands(c.arr)) && !all.contains(&c.arr.to_string()));
        if let Some(o) = &ctx.opportunity {
            if o.annual_value >= 1000 {
                prop_assert!(!all.contains(&crate::domain::group_thousands(o.annual_value)), "leaks the value:\n{all}");
            }
        }
        for word in ["upsell", "expansion opportunity", "health score"] {
            prop_assert!(!all.to_lowercase().contains(word));
        }
        // Every figure traces to a fact; the built-in wording is calm.
        prop_assert!(email.checks.grounding.ungrounded.is_empty(), "{:?} in\n{all}", email.checks.grounding.ungrounded);
        prop_assert!(email.checks.pushiness.findings.iter().all(|f| !f.reason.contains("urgency")), "{:?}", email.checks.pushiness);
        prop_assert!(!email.subject.contains(['\r', '\n']) && email.subject.chars().count() < 80);
        // The HTML escapes every name and stays well-formed.
        // Outside the markup (a name "Ζ" before "</p>" reads as "Ζ<" in the raw HTML): the text nodes.
        let text_nodes = regex::Regex::new(r"<[^>]*>").unwrap().replace_all(&email.html, "\u{1}").into_owned();
        for text in [&c.company, &c.contact, &c.csm, &c.feature_name] {
            if text.contains(['<', '>', '"']) {
                prop_assert!(!text_nodes.contains(text.as_str()), "{text:?} appears unescaped");
            }
            if email.text.contains(text.as_str()) {
                prop_assert!(email.html.contains(&escaped(text)), "{text:?} is not in the HTML as {:?}", escaped(text));
            }
        }
        for tag in ["p", "ul", "li", "a", "strong", "table", "div"] {
            prop_assert!(balanced(&email.html, tag), "unbalanced <{tag}>");
        }
        let leftover = email.html.contains("{{") || email.html.contains("{%");
        prop_assert!(!leftover, "template syntax left in the HTML");
    }
}

/// Acme at 98 of 100 licences on Growth, asking for a Scale feature, written to a reader of `style`.
fn acme(style: usize, approach: Approach) -> (Email, ExpansionContext) {
    let c = Case {
        company: "Acme Corp".into(),
        contact: "Jennifer Walsh".into(),
        csm: "Sarah Chen".into(),
        feature_name: "Advanced analytics".into(),
        plan: 1,
        seats: 100,
        used: (90, 98),
        api: (20_000, 30_000),
        arr: 120_000,
        requested: true,
        renewal: Some(75),
        style,
    };
    let (email, ctx) = compose_case(&Composer::new().unwrap(), &c, approach, Tone::Soft);
    (email.unwrap(), ctx)
}

#[test]
fn an_analytical_reader_gets_the_figures_and_a_comparison_all_grounded() {
    let (plain, _) = acme(4, Approach::ProblemSolving);
    let (email, _) = acme(0, Approach::ProblemSolving);
    assert!(!plain.text.contains("Side by side"), "{}", plain.text);
    assert!(email.text.contains("people active in the last 30 days"), "{}", email.text);
    // The licence and API limits are already in the email's first lines: they are not repeated.
    assert_eq!(email.text.matches("98 of 100").count(), 1, "{}", email.text);
    assert!(!email.text.contains("API calls in the last 30 days"), "{}", email.text);
    assert!(email.text.contains("Side by side:\n- Growth (your plan today): up to 100 users, 1,000,000 API calls a month\n- Scale: unlimited users, 5,000,000 API calls a month, plus Advanced analytics"), "{}", email.text);
    assert!(email.checks.grounding.ungrounded.is_empty(), "{:?}", email.checks.grounding.ungrounded);
    assert!(email.text.lines().count() > plain.text.lines().count() + 5);
    // The choice is still offered.
    assert!(email.text.contains("Option 1") && email.text.contains("Option 2"));
}

#[test]
fn a_driver_gets_three_lines_and_a_direct_question() {
    let (plain, _) = acme(4, Approach::ProblemSolving);
    for approach in Approach::ALL {
        let (email, _) = acme(1, approach);
        let body: Vec<&str> = email.text.split("\n\n").collect();
        assert_eq!(body[0], "Hi Jennifer,");
        let lines: Vec<&str> = body[1].lines().collect();
        assert_eq!(lines.len(), 3, "{approach:?}:\n{}", email.text);
        assert!(lines[1].starts_with("Two options: ") && lines[1].contains(" or move to Scale"), "{}", lines[1]);
        assert!(lines[2].starts_with("Which would you prefer?"), "{}", lines[2]);
        assert!(email.checks.grounding.ungrounded.is_empty(), "{:?}", email.checks.grounding.ungrounded);
        assert!(email.text.len() * 2 < plain.text.len(), "{approach:?} is not short:\n{}", email.text);
    }
    let (email, _) = acme(1, Approach::ProblemSolving);
    assert!(
        email.text.contains("Acme Corp is at 98 of 100 licences in use and 85% of your monthly API"),
        "{}",
        email.text
    );
    let (email, _) = acme(1, Approach::Educational);
    assert!(
        email.text.contains("Acme Corp is at 98 of 100"),
        "the approach picks the first line from what there is:\n{}",
        email.text
    );
}

#[test]
fn a_workspace_template_is_kept_for_every_style() {
    let composer = Composer::new().unwrap().with_overrides(&[crate::domain::TemplateOverride {
        approach: Approach::ProblemSolving,
        subject: "Hello {{ company }}".into(),
        body: "Hi {{ first_name }}, a note for a {{ style }} reader.".into(),
        updated_at: time::OffsetDateTime::UNIX_EPOCH,
    }]);
    let composer = composer.unwrap();
    let (_, ctx) = acme(1, Approach::ProblemSolving);
    let plans = plans(&["insights".to_string()]);
    let email = composer.compose(&ctx, &plans, &[], Approach::ProblemSolving, Tone::Soft).unwrap();
    assert_eq!(email.text, "Hi Jennifer, a note for a driver reader.\n");
}
