//! `leadline import` of 10,000 new phone-only leads (the release binary)
//! against the fake with a set rate limit: the requests it got answered as a
//! fraction of what the limit allowed in the windows the run touched, rows
//! per second, and the leads in the fake afterwards (exactly one per row).
//!
//! One run, not sampled: a run takes as long as the limit says. Run:
//! `cargo bench --bench import` (override with IMPORT_ROWS, IMPORT_LIMIT
//! requests per IMPORT_WINDOW seconds).

use criterion::{Criterion, criterion_group, criterion_main};
use leadline::fake::{FakeOptions, FakeServer, Settings};
use std::process::Stdio;
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
    let fake = rt
        .block_on(FakeServer::start(FakeOptions {
            settings: Settings {
                rate_limit: Some(limit),
                window: Duration::from_secs(window),
                ..Settings::default()
            },
            ..FakeOptions::default()
        }))
        .expect("fake");
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("leads.csv");
    let mut text = String::from("phone,name\n");
    for i in 0..rows {
        text.push_str(&format!("+34 6{:08},Lead {i}\n", 10_000_000 + i));
    }
    std::fs::write(&csv, text).expect("csv");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "default_region = \"GB\"\n[intercom]\nbase_url = \"{}\"\n[whatsapp]\ngraph_url = \"{}\"\nwaba_id = \"{}\"\n",
            fake.intercom_url(),
            fake.graph_url(),
            fake.identity().waba_id
        ),
    )
    .expect("config");

    let before = fake.requests().len();
    let unix = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    };
    let first_window = unix() / window;
    let started = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_leadline"))
        .arg("--config")
        .arg(&config)
        .arg("import")
        .arg(&csv)
        .env("INTERCOM_TOKEN", fake.identity().intercom_token)
        .env("LEADLINE_DATA_DIR", dir.path().join("data"))
        .env_remove("LEADLINE_CONFIG")
        .stdin(Stdio::null())
        .output()
        .expect("leadline import runs");
    let elapsed = started.elapsed().as_secs_f64();
    // Windows are aligned to the clock, as Intercom's are: the most the run
    // could have had answered is the limit of every window it touched.
    let windows = unix() / window - first_window + 1;
    assert!(
        out.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

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
