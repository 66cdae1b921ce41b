//! Reading one reply, as the inbound webhook does after matching it: parse the raw message, remove
//! our quoted introduction (by what we sent), and classify (machines, rules, the workspace's model).
//! Run with `cargo bench --bench reading`; the target is at most 300 µs a reply.

use criterion::{black_box, criterion_group, criterion_main, Criterion};

use overture::compose::Composer;
use overture::engagement::model::Model;
use overture::engagement::{corpus, evaluate, responses};

fn reading(c: &mut Criterion) {
    let sent = corpus::sent("acme-problem_solving-soft").expect("the Acme email");
    let html = Composer::new().expect("templates").html(&sent.subject, &sent.text).expect("html");
    let thread = vec![overture::engagement::quotes::SentMessage { html: Some(html.clone()), ..sent.clone() }];
    let model =
        Model::with_corrections([("Green light from procurement.", overture::engagement::classify::Label::Positive)]);
    let variants = evaluate::quoted_variants(
        "Not interested in Enterprise, but happy to go through the inactive seats on a call next week.\n\nJennifer",
        &sent,
        &html,
    );
    let pick = |name: &str| variants.iter().find(|(n, _)| *n == name).map(|(_, raw)| raw.clone()).expect("a variant");
    let one_liner = "From: Jennifer Walsh <jennifer@acme.example>\nSubject: Re: Acme\n\nSure, Thursday 2pm works.\n";
    let mut group = c.benchmark_group("read a reply");
    for (name, raw) in [
        ("one line, nothing quoted", one_liner.to_string()),
        ("Outlook (German), our email quoted", pick("outlook-de")),
        ("Gmail, our email quoted with >", pick("gmail-web")),
        ("HTML only, our email in a blockquote", pick("html-gmail")),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let parsed = responses::parse(black_box(raw.as_bytes())).expect("parses");
                black_box(responses::read_message(&parsed, &thread, &model, evaluate::RECEIVED))
            })
        });
    }
    group.finish();
    c.bench_function("a workspace model from 200 corrections", |b| {
        let corrections: Vec<(String, overture::engagement::classify::Label)> = corpus::builtin()
            .iter()
            .filter(|c| c.eval)
            .take(200)
            .filter_map(|c| responses::own_words(c.raw.as_bytes(), c.sent.as_deref()).ok().map(|t| (t, c.label)))
            .collect();
        b.iter(|| black_box(Model::with_corrections(corrections.iter().map(|(t, l)| (t.as_str(), *l)))))
    });
}

criterion_group!(benches, reading);
criterion_main!(benches);
