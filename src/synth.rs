//! A synthetic workspace for benchmarks: CSV files for N customers with D days of usage each, the same
//! for the same seed on every machine (SplitMix64 rather than a library RNG whose streams may change
//! between versions).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context as _;
use time::{Date, Duration};

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn create(dir: &Path, name: &str) -> anyhow::Result<BufWriter<File>> {
    let path = dir.join(name);
    Ok(BufWriter::with_capacity(1 << 20, File::create(&path).with_context(|| format!("creating {}", path.display()))?))
}

/// Writes `plans.csv`, `features.csv`, `team.csv`, `customers.csv`, `contacts.csv`, `feature_requests.csv`
/// and `usage.csv` into `dir`. Returns the number of usage rows.
pub fn write_workspace(dir: &Path, customers: u64, days: i64, seed: u64, today: Date) -> anyhow::Result<u64> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut rng = SplitMix(seed);
    let mut f = create(dir, "features.csv")?;
    writeln!(f, "key,name,description,resource_url")?;
    writeln!(
        f,
        "advanced_analytics,Advanced analytics,Cohort and funnel reports,https://docs.vendor.example/analytics"
    )?;
    writeln!(f, "api_priority,API priority,Dedicated API capacity,https://docs.vendor.example/api-priority")?;
    writeln!(f, "sso,Single sign-on,SAML and OIDC,https://docs.vendor.example/sso")?;
    f.flush()?;
    let mut p = create(dir, "plans.csv")?;
    writeln!(p, "key,name,rank,annual_price_per_seat,annual_base_price,seat_limit,api_calls_per_month,features")?;
    writeln!(p, "starter,Starter,1,600,0,25,100000,reports")?;
    writeln!(p, "professional,Professional,2,1200,0,100,1000000,reports;integrations")?;
    writeln!(p, "enterprise,Enterprise,3,1680,0,,5000000,reports;integrations;advanced_analytics;api_priority;sso")?;
    writeln!(
        p,
        "enterprise_unlimited,Enterprise Unlimited,4,2100,0,,,reports;integrations;advanced_analytics;api_priority;sso"
    )?;
    p.flush()?;
    let mut t = create(dir, "team.csv")?;
    writeln!(t, "email,name,role,title,calendar_url")?;
    for i in 0..20 {
        writeln!(t, "csm{i}@vendor.example,CSM {i},csm,Customer Success Manager,https://cal.vendor.example/csm{i}")?;
    }
    writeln!(t, "ae@vendor.example,Alex AE,ae,Account Executive,")?;
    t.flush()?;

    let mut c = create(dir, "customers.csv")?;
    writeln!(c, "external_id,name,plan,seats_purchased,arr,renewal_date,health_score,industry,csm,ae")?;
    let mut ct = create(dir, "contacts.csv")?;
    writeln!(ct, "external_id,name,email,title,primary")?;
    let mut fr = create(dir, "feature_requests.csv")?;
    writeln!(fr, "external_id,feature,requested_at,note")?;
    let mut u = create(dir, "usage.csv")?;
    writeln!(u, "external_id,date,seats_used,monthly_active_users,api_calls")?;
    let plans = [
        ("starter", 25, 100_000, 600),
        ("professional", 100, 1_000_000, 1200),
        ("enterprise", 2000, 5_000_000, 1680),
        ("enterprise_unlimited", 5000, i64::MAX, 2100),
    ];
    let first_day = today - Duration::days(days);
    let mut rows = 0u64;
    for n in 0..customers {
        let (plan, seat_cap, api_cap, price) = plans[rng.range(0, 3) as usize];
        let seats = rng.range(1, seat_cap.min(1000));
        let renewal = today + Duration::days(rng.range(-30, 365));
        writeln!(
            c,
            "c{n},Customer {n},{plan},{seats},{},{renewal},{},Industry {},csm{}@vendor.example,ae@vendor.example",
            seats * price,
            rng.range(20, 100),
            rng.range(0, 9),
            rng.range(0, 19)
        )?;
        writeln!(ct, "c{n},Contact {n},contact{n}@customer{n}.example,VP Operations,true")?;
        if rng.chance(15) {
            let feature = ["advanced_analytics", "api_priority", "sso"][rng.range(0, 2) as usize];
            writeln!(fr, "c{n},{feature},{},", today - Duration::days(rng.range(1, 300)))?;
        }
        // Seats start somewhere between 40% and 100% of purchased and drift by up to ±20%.
        let start = seats * rng.range(40, 100) / 100;
        let end = (start * rng.range(80, 120) / 100).max(0);
        let api_start =
            if api_cap == i64::MAX { rng.range(1_000, 200_000) } else { api_cap / 30 * rng.range(20, 100) / 100 };
        let api_end = api_start * rng.range(70, 140) / 100;
        for d in 0..days {
            let seats_used = start + (end - start) * d / days.max(1);
            let api = api_start + (api_end - api_start) * d / days.max(1);
            writeln!(u, "c{n},{},{seats_used},{},{api}", first_day + Duration::days(d), seats_used * 9 / 10)?;
            rows += 1;
        }
    }
    for w in [&mut c, &mut ct, &mut fr, &mut u] {
        w.flush()?;
    }
    Ok(rows)
}
