//! The critical path of a send: from Ctrl-S to "sent" with the fake adding a
//! fixed latency to every request. Only the requests left after typing should
//! run (1 for a lead found while typing, 2 for a new one), so send-to-sent ÷
//! (requests × latency) should be close to 1.0. Each sample is one whole send
//! to a number never used before; typing and the lookup happen untimed.
//!
//! Run: `cargo bench --bench send` (prints the median ratio for each case).

#[path = "../tests/cli_support/mod.rs"]
mod cli_support;

use cli_support::old_contact;
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::KeyCode;
use leadline::fake::{FakeOptions, FakeServer};
use leadline::http::RetryPolicy;
use leadline::tui::UiOptions;
use leadline::tui::app::SendState;
use leadline::tui::harness::Harness;
use leadline::workspace::Workspace;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The fixed latency per request: a short one, where any overhead shows, and
/// one nearer a real API's round trip.
const LATENCIES: [Duration; 2] = [Duration::from_millis(25), Duration::from_millis(100)];

/// A Spanish mobile number no other sample used.
fn fresh_number(series: u32) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("+34 6{series}{:07}", n % 10_000_000)
}

fn harness(fake: &FakeServer, dir: &std::path::Path) -> Harness {
    let ws = Workspace::for_fake(fake, dir.to_path_buf(), RetryPolicy::fast());
    Harness::new(
        ws,
        UiOptions {
            region: "GB".parse().ok(),
            ..UiOptions::default()
        },
        120,
        40,
    )
}

/// Types the lead and the template with no latency, lets the lookup finish,
/// then times Ctrl-S to "sent" with `latency` on every request.
async fn one_send(fake: &FakeServer, known: bool, latency: Duration) -> (Duration, usize) {
    // A data dir of its own: the journal holds what one agent's day would.
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    fake.settings(|s| s.latency = Duration::ZERO);
    let phone = fresh_number(if known { 2 } else { 1 });
    if known {
        let e164: String = phone.chars().filter(|c| *c != ' ').collect();
        let id = format!(
            "{:024x}",
            u128::from(fake.contacts().len() as u64) + (1 << 80)
        );
        fake.add_contact(old_contact(&id, &e164, &e164, "Bench Lead"));
    }
    let mut h = harness(fake, dir);
    h.start().await;
    h.type_text(&phone);
    h.settle().await;
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.type_text("callback");
    h.key(KeyCode::Enter);
    h.type_text("Sam");
    fake.settings(|s| s.latency = latency);
    let before = fake.requests().len();

    let t = Instant::now();
    h.ctrl('s');
    let sent = h
        .pump_until(|a| matches!(a.send, SendState::Done { .. }))
        .await;
    let elapsed = t.elapsed();
    assert!(sent, "the send did not finish:\n{}", h.screen());
    let requests = fake.requests().len() - before;
    fake.settings(|s| s.latency = Duration::ZERO);
    (elapsed, requests)
}

fn critical_path(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let fake = rt
        .block_on(FakeServer::start(FakeOptions::default()))
        .expect("fake");
    let mut group = c.benchmark_group("send_to_sent");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    for latency in LATENCIES {
        let ms = latency.as_millis();
        for (case, known) in [("known_lead", true), ("new_lead", false)] {
            let mut ratios = Vec::new();
            let mut extra = Vec::new();
            group.bench_function(format!("{case}/{ms}ms"), |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let (elapsed, requests) = rt.block_on(one_send(&fake, known, latency));
                        let floor = latency.as_secs_f64() * requests as f64;
                        ratios.push(elapsed.as_secs_f64() / floor);
                        extra.push(elapsed.as_secs_f64() - floor);
                        total += elapsed;
                    }
                    total
                })
            });
            ratios.sort_by(f64::total_cmp);
            extra.sort_by(f64::total_cmp);
            if let (Some(r), Some(x)) = (ratios.get(ratios.len() / 2), extra.get(extra.len() / 2)) {
                eprintln!(
                    "send_to_sent/{case}/{ms}ms: median send-to-sent ÷ (requests × {ms} ms) = {r:.3}, \
                     {:.2} ms above it, over {} sends",
                    x * 1e3,
                    ratios.len()
                );
            }
        }
    }
    group.finish();
}

criterion_group!(benches, critical_path);
criterion_main!(benches);
