//! Keystroke to frame: one key through `update` and `draw` on a 200×50
//! TestBackend, with 1,000 and 10,000 templates loaded; plus the filter alone
//! and the preview of one template.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use leadline::fake::{FakeOptions, FakeServer, demo_templates};
use leadline::http::RetryPolicy;
use leadline::template::{Template, Values, preview};
use leadline::tui::UiOptions;
use leadline::tui::app::Focus;
use leadline::tui::harness::Harness;
use leadline::tui::msg::Msg;
use leadline::workspace::Workspace;
use std::hint::black_box;

/// `n` distinct approved templates made from the demo ones.
fn synthetic(n: usize) -> Vec<Template> {
    let base = demo_templates();
    (0..n)
        .map(|i| {
            let mut v = base[i % base.len()].clone();
            v["name"] = format!("{}_{i:05}", v["name"].as_str().unwrap_or("t")).into();
            v["status"] = "APPROVED".into();
            Template::from_graph(v).expect("demo templates are valid")
        })
        .collect()
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn backspace() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE))
}

fn harness(rt: &tokio::runtime::Runtime, fake: &FakeServer, n: usize) -> Harness {
    let _guard = rt.enter();
    let dir = std::env::temp_dir().join(format!("leadline-bench-{}", std::process::id()));
    let ws = Workspace::for_fake(fake, dir, RetryPolicy::fast());
    let mut h = Harness::new(
        ws,
        UiOptions {
            region: "GB".parse().ok(),
            ..UiOptions::default()
        },
        200,
        50,
    );
    h.app.picker.set_templates(synthetic(n));
    h.app.ensure_vars();
    h.app.templates_status.loading = false;
    h.draw();
    h
}

fn keystrokes(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let fake = rt
        .block_on(FakeServer::start(FakeOptions::default()))
        .expect("fake");
    let mut group = c.benchmark_group("keystroke_to_frame");
    for n in [1_000, 10_000] {
        // Typing a number: alternately a digit and a backspace, so the field stays short.
        let mut h = harness(&rt, &fake, n);
        h.app.focus = Focus::Phone;
        for ch in "+44 7911 12345".chars() {
            h.apply(key(ch));
        }
        let mut flip = false;
        group.bench_with_input(BenchmarkId::new("phone_field", n), &n, |b, _| {
            b.iter(|| {
                flip = !flip;
                let msg = if flip { key('6') } else { backspace() };
                black_box(h.apply(msg));
                h.draw();
            })
        });

        // Typing in the template filter: "ord", then back to "o", and again.
        let mut h = harness(&rt, &fake, n);
        h.app.focus = Focus::Templates;
        h.apply(key('o'));
        let mut i = 0usize;
        group.bench_with_input(BenchmarkId::new("template_filter", n), &n, |b, _| {
            b.iter(|| {
                let msg = match i % 4 {
                    0 => key('r'),
                    1 => key('d'),
                    _ => backspace(),
                };
                i += 1;
                black_box(h.apply(msg));
                h.draw();
            })
        });
    }
    group.finish();
}

fn filtering(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let fake = rt
        .block_on(FakeServer::start(FakeOptions::default()))
        .expect("fake");
    let mut h = harness(&rt, &fake, 10_000);
    let mut group = c.benchmark_group("filter");
    for query in ["o", "ord", "apt rem", "zzzz"] {
        group.bench_with_input(BenchmarkId::new("10000_templates", query), query, |b, q| {
            b.iter(|| {
                // From scratch: an empty filter first, so nothing typed before helps.
                h.app.picker.filter.set("");
                h.app.picker.refilter();
                h.app.picker.filter.set(q);
                h.app.picker.refilter();
                black_box(h.app.picker.shown().len())
            })
        });
    }
    group.finish();

    let templates = synthetic(11);
    let t = &templates[0];
    let mut values = Values::default();
    for s in t.slots() {
        values.set(s.key, "Jane");
    }
    c.bench_function("render/preview_order_update", |b| {
        b.iter(|| black_box(preview(black_box(t), black_box(&values))))
    });
}

criterion_group!(benches, keystrokes, filtering);
criterion_main!(benches);
