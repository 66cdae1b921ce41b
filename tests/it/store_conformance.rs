//! The `Store` contract, run against whichever backend `common::test_db` gives (SQLite, or PostgreSQL
//! when `OVERTURE_TEST_POSTGRES_URL` is set).

use std::collections::HashMap;

use time::Duration;

use overture::domain::{CustomerId, Plan, Role, UsageDay, UsageSummary};
use overture::store::{NewCustomer, NewMember};

use crate::common::{test_db, NOW};

fn plan(key: &str, rank: i64) -> Plan {
    Plan {
        key: key.into(),
        name: key.into(),
        rank,
        annual_price_per_seat: 1000,
        annual_base_price: 0,
        seat_limit: Some(100),
        api_calls_per_month: Some(1_000_000),
        features: vec!["reports".into()],
    }
}

fn new_customer(ext: &str, plan: &str) -> NewCustomer {
    NewCustomer {
        external_id: ext.into(),
        name: format!("Customer {ext}"),
        plan_key: plan.into(),
        seats_purchased: 100,
        arr: 100_000,
        renewal_date: None,
        health_score: Some(80),
        industry: None,
        csm_email: None,
        ae_email: None,
        time_zone: None,
    }
}

/// A tiny deterministic generator, so that failures reproduce.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

#[tokio::test]
async fn usage_summaries_in_sql_match_the_rust_definition() {
    let db = test_db().await;
    let ws = db.store.ensure_workspace("w", NOW).await.unwrap();
    let mut tx = db.store.begin_import(&ws, NOW).await.unwrap();
    tx.upsert_plans(&[plan("p", 1)]).await.unwrap();
    let customers: Vec<NewCustomer> = (0..30).map(|i| new_customer(&format!("c{i}"), "p")).collect();
    let ids = tx.upsert_customers(&customers).await.unwrap();
    let mut rng = Lcg(7);
    let mut expected: HashMap<CustomerId, Vec<UsageDay>> = HashMap::new();
    let mut rows = Vec::new();
    for (i, c) in customers.iter().enumerate() {
        let id = ids[&c.external_id];
        // Sparse and dense histories, gaps, rows older than the windows, and one customer with none.
        let span = [0, 1, 5, 29, 30, 31, 89, 90, 91, 200][i % 10];
        for d in 0..span {
            if rng.next(4) == 0 {
                continue;
            }
            let day = UsageDay {
                date: NOW.date() - Duration::days(d as i64 + 1),
                seats_used: rng.next(150) as i64,
                monthly_active_users: rng.next(150) as i64,
                api_calls: rng.next(3_000_000_000) as i64,
            };
            expected.entry(id).or_default().push(day);
            rows.push((id, day));
        }
    }
    tx.upsert_usage(&rows).await.unwrap();
    let mut all: Vec<CustomerId> = ids.values().copied().collect();
    all.sort();
    tx.refresh_usage_summaries(&all).await.unwrap();
    tx.commit().await.unwrap();

    let inputs = db.store.detection_inputs(&ws, &all).await.unwrap();
    assert_eq!(inputs.len(), 30);
    for input in inputs {
        let want = expected.get(&input.customer.id).and_then(|days| UsageSummary::from_days(days));
        assert_eq!(input.usage, want, "customer {}", input.customer.external_id);
    }
    // The single-customer path agrees with the workspace-wide one.
    let id = ids["c7"];
    let record = db.store.customer_record(&ws, id).await.unwrap().unwrap();
    assert_eq!(record.usage, UsageSummary::from_days(&expected[&id]));

    // New rows (a later day, and a replaced one) show once that customer's summary is refreshed.
    let later = UsageDay { date: NOW.date(), seats_used: 5, monthly_active_users: 5, api_calls: 5 };
    let replaced =
        UsageDay { date: NOW.date() - Duration::days(3), seats_used: 1, monthly_active_users: 1, api_calls: 1 };
    let days = expected.get_mut(&id).unwrap();
    days.retain(|d| d.date != replaced.date);
    days.extend([later, replaced]);
    let mut tx = db.store.begin_import(&ws, NOW).await.unwrap();
    tx.upsert_usage(&[(id, later), (id, replaced)]).await.unwrap();
    tx.refresh_usage_summaries(&[id]).await.unwrap();
    tx.commit().await.unwrap();
    let record = db.store.customer_record(&ws, id).await.unwrap().unwrap();
    assert_eq!(record.usage, UsageSummary::from_days(&expected[&id]));
    assert_eq!(record.usage.unwrap().as_of, NOW.date());
}

#[tokio::test]
async fn an_import_that_is_not_committed_leaves_nothing() {
    let db = test_db().await;
    let ws = db.store.ensure_workspace("w", NOW).await.unwrap();
    {
        let mut tx = db.store.begin_import(&ws, NOW).await.unwrap();
        tx.upsert_plans(&[plan("p", 1)]).await.unwrap();
        tx.upsert_customers(&[new_customer("a", "p")]).await.unwrap();
        // Dropped here: rolled back.
    }
    assert_eq!(db.store.count_customers(&ws).await.unwrap(), 0);
    assert!(db.store.plans(&ws).await.unwrap().is_empty());
}

#[tokio::test]
async fn workspaces_do_not_see_each_other() {
    let db = test_db().await;
    let a = db.store.ensure_workspace("a", NOW).await.unwrap();
    let b = db.store.ensure_workspace("b", NOW).await.unwrap();
    assert_ne!(a.id, b.id);
    let mut ids = HashMap::new();
    for ws in [&a, &b] {
        let mut tx = db.store.begin_import(ws, NOW).await.unwrap();
        tx.upsert_plans(&[plan("p", 1)]).await.unwrap();
        ids.insert(ws.name.clone(), tx.upsert_customers(&[new_customer("same", "p")]).await.unwrap()["same"]);
        tx.commit().await.unwrap();
    }
    let (in_a, in_b) = (ids["a"], ids["b"]);
    assert_ne!(in_a, in_b);
    assert!(db.store.customer_record(&a, in_b).await.unwrap().is_none());
    assert!(db.store.customer_record(&a, in_a).await.unwrap().is_some());
    assert!(db.store.customer_records_matching(&a, &in_b.to_string()).await.unwrap().is_empty());
    assert_eq!(db.store.customer_records_matching(&b, "same").await.unwrap()[0].customer.id, in_b);
    assert_eq!(db.store.customer_ids(&b).await.unwrap(), [in_b]);
    let only_b = db.store.detection_inputs(&b, &[in_a, in_b]).await.unwrap();
    assert_eq!(only_b.iter().map(|i| i.customer.id).collect::<Vec<_>>(), [in_b]);
    // An id list naming another workspace's customer is filtered by workspace too.
    assert!(db.store.detection_inputs(&a, &[in_b]).await.unwrap().is_empty());
}

#[tokio::test]
async fn tokens_resolve_to_their_member_and_workspace() {
    let db = test_db().await;
    let ws = db.store.ensure_workspace("w", NOW).await.unwrap();
    let mut tx = db.store.begin_import(&ws, NOW).await.unwrap();
    tx.upsert_team(&[NewMember {
        email: "v@x.example".into(),
        name: "Vic".into(),
        role: Role::Viewer,
        title: None,
        calendar_url: None,
    }])
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let member = db.store.member_by_email(&ws, "V@X.example").await.unwrap().expect("case-insensitive");
    db.store.create_token(&member, "hash-1", NOW).await.unwrap();
    let p = db.store.authenticate("hash-1").await.unwrap().unwrap();
    assert_eq!((p.workspace.name.as_str(), p.member.role), ("w", Role::Viewer));
    assert!(db.store.authenticate("hash-2").await.unwrap().is_none());
}

#[tokio::test]
async fn signals_are_rewritten_only_when_they_change() {
    use overture::domain::{AeInvolvement, Detection, Signal, SignalKind};
    let db = test_db().await;
    let ws = db.store.ensure_workspace("w", NOW).await.unwrap();
    let mut tx = db.store.begin_import(&ws, NOW).await.unwrap();
    tx.upsert_plans(&[plan("p", 1)]).await.unwrap();
    let ids = tx.upsert_customers(&[new_customer("a", "p"), new_customer("b", "p")]).await.unwrap();
    tx.commit().await.unwrap();
    let (a, b) = (ids["a"], ids["b"]);
    let with = |summary: &str| Detection {
        signals: vec![Signal {
            kind: SignalKind::SeatLimit,
            strength: 0.9,
            summary: summary.into(),
            evidence: serde_json::json!({"used": 90}),
        }],
        opportunity: None,
        ae_involvement: AeInvolvement { recommended: false, reason: "x".into() },
    };
    let c = db.store.save_detections(&ws, &[(a, with("90 of 100")), (b, with("90 of 100"))], NOW).await.unwrap();
    assert_eq!((c.signals, c.signals_changed), (2, 2));
    let c = db.store.save_detections(&ws, &[(a, with("90 of 100")), (b, with("91 of 100"))], NOW).await.unwrap();
    assert_eq!((c.signals, c.signals_changed), (2, 1), "only b changed");
    let none = Detection { signals: vec![], ..with("") };
    let c = db.store.save_detections(&ws, &[(a, none.clone())], NOW).await.unwrap();
    assert_eq!(c.signals_changed, 1, "a lost its signal");
    let c = db.store.save_detections(&ws, &[(a, none)], NOW).await.unwrap();
    assert_eq!(c.signals_changed, 0);
}

#[tokio::test]
async fn opportunities_are_created_kept_updated_and_expired() {
    use overture::domain::{AeInvolvement, Detection, OpportunityKind, ProposedOpportunity};
    let db = test_db().await;
    let ws = db.store.ensure_workspace("w", NOW).await.unwrap();
    let mut tx = db.store.begin_import(&ws, NOW).await.unwrap();
    tx.upsert_plans(&[plan("p", 1), plan("q", 2)]).await.unwrap();
    let id = tx.upsert_customers(&[new_customer("a", "p")]).await.unwrap()["a"];
    tx.commit().await.unwrap();
    let detection = |value: Option<i64>| Detection {
        signals: vec![],
        opportunity: value.map(|v| ProposedOpportunity {
            kind: OpportunityKind::PlanUpgrade,
            target_plan: "q".into(),
            seats: 100,
            annual_value: v,
            rationale: "r".into(),
        }),
        ae_involvement: AeInvolvement { recommended: false, reason: "x".into() },
    };
    let c = db.store.save_detections(&ws, &[(id, detection(Some(10)))], NOW).await.unwrap();
    assert_eq!(c.opportunities_created, 1);
    let c = db.store.save_detections(&ws, &[(id, detection(Some(10)))], NOW).await.unwrap();
    assert_eq!((c.opportunities_created, c.opportunities_updated), (0, 0), "unchanged is untouched");
    let first = db.store.opportunities(&ws, None).await.unwrap();
    let c = db.store.save_detections(&ws, &[(id, detection(Some(20)))], NOW).await.unwrap();
    assert_eq!(c.opportunities_updated, 1);
    let second = db.store.opportunities(&ws, None).await.unwrap();
    assert_eq!(first[0].id, second[0].id, "the same opportunity, updated");
    assert_eq!(second[0].annual_value, 20);
    let c = db.store.save_detections(&ws, &[(id, detection(None))], NOW).await.unwrap();
    assert_eq!(c.opportunities_expired, 1);
    assert_eq!(db.store.opportunities(&ws, Some("expired")).await.unwrap().len(), 1);
    let c = db.store.save_detections(&ws, &[(id, detection(Some(30)))], NOW).await.unwrap();
    assert_eq!(c.opportunities_created, 1, "a new one once the old expired");
}
