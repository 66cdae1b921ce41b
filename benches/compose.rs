//! Composing Acme's introduction: everything (text, HTML, both checks), then the HTML and the checks alone.
//! Run with `cargo bench --bench compose`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};

use overture::compose::Composer;
use overture::domain::{Approach, Tone};
use overture::import::{self, Staged};
use overture::services::{self, Catalog, Lookup};
use overture::store::{SqliteStore, Store};

fn bench(c: &mut Criterion) {
    let now = time::macros::datetime!(2026-11-25 09:00 UTC);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let (ctx, catalog) = runtime.block_on(async {
        let store: std::sync::Arc<dyn Store> = std::sync::Arc::new(
            SqliteStore::open(&format!("sqlite://{}/b.db", dir.path().display())).await.expect("open"),
        );
        store.migrate().await.expect("migrate");
        let ws = store.ensure_workspace("default", now).await.expect("workspace");
        let mut staged = Staged::default();
        staged.add_bundle(overture::demo::bundle(now.date()));
        import::run(&store, &ws, staged, Default::default(), now).await.expect("demo");
        let catalog = Catalog::load(&store, &ws).await.expect("catalog");
        let Ok(Lookup::Found(record)) = services::find_customer_record(&store, &ws, "acme").await else {
            panic!("no Acme")
        };
        (services::context_of(&store, &catalog, &ws, record, now).await.expect("context"), catalog)
    });
    let composer = Composer::new().expect("templates compile");
    let compose =
        || composer.compose(black_box(&ctx), &catalog.plans, &catalog.features, Approach::ProblemSolving, Tone::Soft);
    c.bench_function("compose_acme_text_html_checks", |b| b.iter(|| compose().expect("composes")));
    let email = compose().expect("composes");
    c.bench_function("html_from_text_acme", |b| {
        b.iter(|| composer.html(black_box(&email.subject), black_box(&email.text)))
    });
    c.bench_function("checks_acme", |b| {
        b.iter(|| {
            composer.check(
                black_box(&email.subject),
                black_box(&email.text),
                &email.facts,
                &catalog.plans,
                &catalog.features,
            )
        })
    });
}

fn parts(c: &mut Criterion) {
    let checker = overture::compose::Checker::new();
    let text = include_str!("../tests/it/snapshots/it__compose__acme-problem_solving-soft.snap");
    let facts: Vec<overture::domain::Fact> =
        ["98", "100", "85%", "12", "Enterprise", "Unlimited users", "5x API capacity"]
            .iter()
            .map(|v| overture::domain::Fact { name: "f".into(), value: v.to_string() })
            .collect();
    let names = ["Starter", "Professional", "Enterprise", "Advanced analytics", "API priority"];
    c.bench_function("pushiness_acme", |b| b.iter(|| checker.pushiness("A few options", black_box(text))));
    c.bench_function("grounding_acme", |b| {
        b.iter(|| checker.grounding("A few options", black_box(text), &facts, &names))
    });
}

criterion_group!(benches, bench, parts);
criterion_main!(benches);
