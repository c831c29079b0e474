//! `leadline import` of 10,000 new phone-only leads (the release binary)
//! against the fake with a set rate limit: the requests it got answered as a
//! fraction of what the limit allowed in the windows the run touched, rows
//! per second, and the leads in the fake afterwards (exactly one per row).
//!
//! One run, not sampled: a run takes as long as the limit says. Run:
//! `cargo bench --bench import` (override with IMPORT_ROWS, IMPORT_LIMIT
//! requests per IMPORT_WINDOW seconds).

#[path = "../tests/cli_support/mod.rs"]
mod cli_support;

use cli_support::Env;
use criterion::{Criterion, criterion_group, criterion_main};
use leadline::fake::{FakeOptions, Settings};
use std::time::{Duration, Instant};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn import_throughput(_c: &mut Criterion) {
    let rows = env_or("IMPORT_ROWS", 10_000) as usize;
    let limit = env_or("IMPORT_LIMIT", 1_000) as u32;
    let window = env_or("IMPORT_WINDOW", 2).max(1);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let env = rt.block_on(Env::start(FakeOptions {
        settings: Settings {
            rate_limit: Some(limit),
            window: Duration::from_secs(window),
            ..Settings::default()
        },
        ..FakeOptions::default()
    }));
    let fake = &env.fake;
    let mut text = String::from("phone,name\n");
    for i in 0..rows {
        text.push_str(&format!("+34 6{:08},Lead {i}\n", 10_000_000 + i));
    }
    std::fs::write(env.path("leads.csv"), text).expect("csv");

    let before = fake.requests().len();
    let unix = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    };
    let first_window = unix() / window;
    let started = Instant::now();
    let out = rt.block_on(env.run(&["import", "leads.csv"]));
    assert_eq!(out.code, 0, "import failed: {}", out.stderr);
    let elapsed = started.elapsed().as_secs_f64();
    // Windows are aligned to the clock, as Intercom's are: the most the run
    // could have had answered is the limit of every window it touched.
    let windows = unix() / window - first_window + 1;

    let requests = fake.requests();
    let answered = requests[before..]
        .iter()
        .filter(|r| r.status != 429 && r.status != 0)
        .count();
    let refused = requests[before..]
        .iter()
        .filter(|r| r.status == 429)
        .count();
    let contacts = fake.contacts().len();
    let ceiling = u64::from(limit) * windows;
    eprintln!(
        "import: {rows} rows in {elapsed:.1} s ({:.0} rows/s); {answered} requests answered \
         ({:.0}/s) and {refused} refused with 429 under a limit of {limit} per {window} s; \
         the {windows} windows the run touched allowed {ceiling}: {:.1}% of the limit used; \
         {contacts} leads in the fake for {rows} rows",
        rows as f64 / elapsed,
        answered as f64 / elapsed,
        100.0 * answered as f64 / ceiling as f64,
    );
    assert_eq!(contacts, rows, "one lead per row, none twice");
}

criterion_group!(benches, import_throughput);
criterion_main!(benches);
