//! Composing introductions for every demo customer, every approach and both tones.

use overture::compose::{ComposeError, Composer, Email};
use overture::context::ExpansionContext;
use overture::domain::{group_thousands, Approach, Tone};
use overture::services::{self, Catalog, Lookup};

use crate::common::{TestApp, NOW};

async fn context(app: &TestApp, catalog: &Catalog, key: &str) -> ExpansionContext {
    let ws = app.workspace("default").await;
    let Lookup::Found(record) = services::find_customer_record(app.store(), &ws, key).await.unwrap() else {
        panic!("{key} not found")
    };
    services::context_of(app.store(), catalog, &ws, record, NOW).await.unwrap()
}

async fn demo() -> (TestApp, Catalog) {
    let app = TestApp::with_demo().await;
    let ws = app.workspace("default").await;
    let catalog = Catalog::load(app.store(), &ws).await.unwrap();
    (app, catalog)
}

fn compose(
    composer: &Composer,
    catalog: &Catalog,
    ctx: &ExpansionContext,
    a: Approach,
    t: Tone,
) -> Result<Email, ComposeError> {
    composer.compose(ctx, &catalog.plans, &catalog.features, a, t)
}

#[tokio::test]
async fn acme_problem_solving_reads_like_the_prd() {
    let (app, catalog) = demo().await;
    let composer = Composer::new().unwrap();
    let ctx = context(&app, &catalog, "acme").await;
    let email = compose(&composer, &catalog, &ctx, Approach::ProblemSolving, Tone::Soft).unwrap();
    println!("Subject: {}\n\n{}", email.subject, email.text);
    assert_eq!(email.subject, "Acme Corp is close to its user and API limits: a few options");
    let t = &email.text;
    assert!(t.starts_with("Hi Jennifer,\n\n"));
    // Whole lines, so that a list run together or a lost line break fails.
    let lines: Vec<&str> = t.lines().collect();
    for line in [
        "- 98 of 100 licences in use",
        "- 85% of your monthly API allowance used in the last 30 days",
        "Option 2: Move to Enterprise, which adds:",
        "- Unlimited users",
        "- 5x API capacity",
        "- Advanced analytics (which you asked about): https://docs.vendor.example/advanced-analytics",
        "- API priority (which you asked about): https://docs.vendor.example/api-priority",
        "Either way, I am here to help you succeed.",
        "Best,",
        "Sarah Chen",
        "Customer Success Manager",
    ] {
        assert!(lines.contains(&line), "no line {line:?} in:\n{t}");
    }
    assert!(
        t.contains("\n\nOption 1: Get more from what you have. 12 licences belong to people who have not been active"),
        "{t}"
    );
    assert!(t.contains("\n\nThere is no pressure at all. Would you have 20 minutes next week"), "{t}");
    assert!(t.contains("You can pick a time here: https://cal.vendor.example/sarah\n\nEither way"), "{t}");
    let listed = lines.iter().filter(|l| l.starts_with("- ")).count();
    assert_eq!(listed, 2 + 7, "two limits, then what Enterprise adds: 2 lifted limits, 2 requested, 3 more");
    assert_eq!(email.checks.pushiness.findings, [], "{:?}", email.checks.pushiness);
    assert_eq!(email.checks.grounding.ungrounded, Vec::<String>::new());
    // The HTML says the same things, with the links as links.
    let html = email.html.replace("&#x2f;", "/");
    assert!(html.contains("<li style=\"margin:0 0 6px 0\">98 of 100 licences in use</li>"), "{html}");
    assert!(html.contains(r#"<a href="https://cal.vendor.example/sarah""#), "{html}");
    assert!(email.html.contains("<strong>Option 1:</strong>"));

    let direct = compose(&composer, &catalog, &ctx, Approach::ProblemSolving, Tone::Direct).unwrap();
    assert!(direct.text.contains("I can send you a short proposal for Enterprise"), "{}", direct.text);
    assert_eq!(direct.checks.pushiness.findings, []);
}

#[tokio::test]
async fn every_customer_every_approach_and_tone_is_calm_grounded_and_discreet() {
    let (app, catalog) = demo().await;
    let composer = Composer::new().unwrap();
    let ws = app.workspace("default").await;
    let customers = app.store().search_customers(&ws, "", 500).await.unwrap();
    let mut composed = 0;
    for c in customers {
        let ctx = context(&app, &catalog, &c.id.to_string()).await;
        for approach in Approach::ALL {
            for tone in [Tone::Soft, Tone::Direct] {
                let email = match compose(&composer, &catalog, &ctx, approach, tone) {
                    Ok(email) => email,
                    Err(
                        ComposeError::NoContact(_)
                        | ComposeError::NoContactEmail(..)
                        | ComposeError::NoExpansionPath(_),
                    ) => continue,
                    Err(e) => panic!("{}: {e}", c.name),
                };
                composed += 1;
                let all = format!("{}\n{}", email.subject, email.text);
                let at = format!("{} / {approach} / {tone:?}", c.name);
                // Internal data never reaches the customer.
                for word in ["upsell", "expansion opportunity", "health score", "ARR", "strength", "score"] {
                    assert!(!all.to_lowercase().contains(&word.to_lowercase()), "{at}: says {word}:\n{all}");
                }
                let mut secrets = vec![group_thousands(ctx.customer.arr), ctx.customer.arr.to_string()];
                if let Some(o) = &ctx.opportunity {
                    secrets.extend([group_thousands(o.annual_value), o.annual_value.to_string()]);
                }
                for secret in secrets.iter().filter(|s| s.len() > 3) {
                    assert!(!all.contains(secret.as_str()), "{at}: leaks {secret}:\n{all}");
                }
                if let Some(h) = ctx.customer.health_score {
                    assert!(!all.contains(&format!(" {h} ")), "{at}: leaks the health score");
                }
                // Calm, specific, grounded.
                assert_eq!(email.checks.pushiness.findings, [], "{at}:\n{all}");
                assert_eq!(email.checks.grounding.ungrounded, Vec::<String>::new(), "{at}:\n{all}");
                assert!(
                    email.subject.chars().count() < 80 && !email.subject.contains(['!', '\r', '\n']),
                    "{at}: {}",
                    email.subject
                );
                let first = ctx.contact.as_ref().unwrap().name.split_whitespace().next().unwrap();
                assert!(email.text.starts_with(&format!("Hi {first},")), "{at}");
                assert!(email.text.contains(&ctx.customer.name) || email.subject.contains(&ctx.customer.name), "{at}");
                assert!(email.text.contains("20 minutes"), "{at}: proposes a conversation");
                assert!(!email.text.contains("{{") && !email.text.contains("{%"), "{at}");
                // Layout: the sign-off stands apart, and list items never run together.
                assert!(email.text.contains("\n\nBest,\n"), "{at}:\n{}", email.text);
                assert!(
                    !email.text.lines().any(|l| l.get(2..).is_some_and(|rest| rest.contains("- "))),
                    "{at}:\n{}",
                    email.text
                );
                assert!(email.html.starts_with("<!doctype html>"), "{at}");
            }
        }
    }
    assert!(composed >= 100, "only {composed} emails composed");
}

#[tokio::test]
async fn missing_data_is_handled_like_a_professional_would() {
    let (app, catalog) = demo().await;
    let composer = Composer::new().unwrap();
    let monsters = context(&app, &catalog, "monsters").await;
    assert!(matches!(
        compose(&composer, &catalog, &monsters, Approach::Educational, Tone::Soft),
        Err(ComposeError::NoContactEmail(..))
    ));
    let wonka = context(&app, &catalog, "wonka").await;
    assert!(matches!(
        compose(&composer, &catalog, &wonka, Approach::Educational, Tone::Soft),
        Err(ComposeError::NoContact(_))
    ));
    let hooli = context(&app, &catalog, "hooli").await;
    let err = compose(&composer, &catalog, &hooli, Approach::Educational, Tone::Soft).unwrap_err();
    assert!(err.to_string().contains("top plan"), "{err}");
    // No calendar link: the email asks for a reply instead.
    let initech = context(&app, &catalog, "initech").await;
    assert_eq!(initech.csm.as_ref().unwrap().calendar_url, None);
    let email = compose(&composer, &catalog, &initech, Approach::ProblemSolving, Tone::Soft).unwrap();
    assert!(email.text.contains("Just reply to this email with a time that suits you."), "{}", email.text);
    // No feature requests: no "you asked about".
    assert!(!email.text.contains("asked about"));
}

#[tokio::test]
async fn names_are_escaped_in_html_and_links_stay_http() {
    let (app, catalog) = demo().await;
    let composer = Composer::new().unwrap();
    let mut ctx = context(&app, &catalog, "acme").await;
    ctx.customer.name = "<script>alert(1)</script> & Co".into();
    ctx.contact.as_mut().unwrap().name = "Jen\" onmouseover=\"x".into();
    ctx.csm.as_mut().unwrap().calendar_url = Some("javascript:alert(1)".into());
    let email = compose(&composer, &catalog, &ctx, Approach::ProblemSolving, Tone::Soft).unwrap();
    assert!(!email.html.contains("<script>alert"), "script tag survived");
    assert!(
        email.html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; Co")
            || email.html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"),
        "{}",
        email.html
    );
    assert!(!email.html.contains("onmouseover=\"x"));
    assert!(!email.html.contains("javascript:"), "only http(s) links");
    assert!(!email.text.contains("javascript:"));
}

/// Golden emails, reviewed by reading them: any change to wording shows up as a snapshot diff.
#[tokio::test]
async fn golden_emails() {
    let (app, catalog) = demo().await;
    let composer = Composer::new().unwrap();
    let cases = [
        ("acme", Approach::ProblemSolving, Tone::Soft),
        ("acme", Approach::ProblemSolving, Tone::Direct),
        ("globex", Approach::ProblemSolving, Tone::Soft),
        ("umbrella", Approach::ProblemSolving, Tone::Direct),
        ("initech", Approach::ProblemSolving, Tone::Soft),
        ("cyberdyne", Approach::Educational, Tone::Soft),
        ("aperture", Approach::Educational, Tone::Direct),
        ("massive", Approach::ValueAdd, Tone::Soft),
        ("sterling", Approach::ValueAdd, Tone::Direct),
        ("oscorp", Approach::Proactive, Tone::Soft),
        ("vandelay", Approach::Proactive, Tone::Direct),
    ];
    for (key, approach, tone) in cases {
        let ctx = context(&app, &catalog, key).await;
        let e = compose(&composer, &catalog, &ctx, approach, tone).unwrap();
        let name = format!("{key}-{approach}-{}", tone.as_str());
        insta::assert_snapshot!(name, format!("Subject: {}\n\n{}", e.subject, e.text));
    }
}

#[tokio::test]
async fn demo_contexts_without_a_database_match_the_stored_ones() {
    let (app, catalog) = demo().await;
    let (pure, plans, _) = overture::demo::contexts(NOW.date());
    assert_eq!(pure.len(), 25);
    assert_eq!(plans, catalog.plans);
    for p in pure {
        let stored = context(&app, &catalog, &p.customer.external_id).await;
        let at = &p.customer.name;
        assert_eq!(p.customer, stored.customer, "{at}");
        assert_eq!((&p.contact, &p.csm, &p.ae), (&stored.contact, &stored.csm, &stored.ae), "{at}");
        assert_eq!(
            (&p.usage, &p.feature_requests, &p.signals),
            (&stored.usage, &stored.feature_requests, &stored.signals),
            "{at}"
        );
        // With no outcomes yet, learning leaves the rules' recommendation as it is, and says so.
        let mut learned = stored.recommendation.clone();
        let learning = learned.learning.take().expect("learning reports on every stored recommendation");
        assert_eq!((learning.method.as_str(), learning.outcomes), ("rules", 0), "{at}");
        assert_eq!(p.recommendation, learned, "{at}");
        let path = |c: &ExpansionContext| {
            c.opportunity.as_ref().map(|o| (o.kind, o.target_plan.key.clone(), o.seats, o.annual_value))
        };
        assert_eq!(path(&p), path(&stored), "{at}");
    }
}
