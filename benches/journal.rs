//! The repeat check made before every send (`Journal::recent_send`) and the
//! history window's read (the last 30 days) on a journal holding a year of
//! one agent's sends (50 a day, three lines each), beside folding the whole
//! file, which is what both used to do.
//!
//! Run: `cargo bench --bench journal`.

use criterion::{Criterion, criterion_group, criterion_main};
use leadline::workflow::{Entry, Event, Journal};
use std::hint::black_box;
use std::io::Write;

const DAYS: i64 = 365;
const PER_DAY: i64 = 50;

fn year_of_sends(journal: &Journal, now: i64) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(journal.path()).expect("journal"));
    for i in 0..DAYS * PER_DAY {
        let at = now - DAYS * 86_400 + i * 86_400 / PER_DAY;
        let send_id = format!("s{i}");
        let events = [
            Event::Intent {
                phone: format!("+3461{:07}", i % 4_000),
                name: Some("Ana Ruiz".into()),
                template: "order_update".into(),
                language: "en_US".into(),
                components: serde_json::json!([{"type": "body", "parameters": [
                    {"type": "text", "text": "Ana"}, {"type": "text", "text": "A-10482"}]}]),
            },
            Event::Lead {
                contact_id: format!("{i:024x}"),
                role: "lead".into(),
                created: i % 3 == 0,
            },
            Event::Sent {
                message_id: format!("{}", 403_918_003 + i),
                conversation_id: Some(format!("{}", 503_918_003 + i)),
                link: Some(format!(
                    "https://app.intercom.com/a/inbox/demo4x2k/inbox/conversation/{}",
                    503_918_003 + i
                )),
            },
        ];
        for event in events {
            let entry = Entry {
                v: 1,
                at,
                send_id: send_id.clone(),
                event,
            };
            serde_json::to_writer(&mut out, &entry).expect("line");
            out.write_all(b"\n").expect("line");
        }
    }
    out.flush().expect("flush");
}

fn journal(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Journal::new(dir.path().join("journal.jsonl"));
    let now = leadline::time::unix_now();
    year_of_sends(&journal, now);
    let size = std::fs::metadata(journal.path())
        .map(|m| m.len())
        .unwrap_or(0);
    eprintln!(
        "journal: {} sends over {DAYS} days, {:.1} MB",
        DAYS * PER_DAY,
        size as f64 / 1e6
    );
    let mut g = c.benchmark_group("journal_year");
    g.bench_function("repeat_check_before_a_send", |b| {
        b.iter(|| {
            black_box(
                journal
                    .recent_send("+34610000007", "order_update", "en_US", now - 86_400)
                    .expect("read"),
            )
        })
    });
    g.sample_size(10);
    g.bench_function("history_window_30_days", |b| {
        b.iter(|| {
            black_box(
                journal
                    .records_since(now - 30 * 86_400)
                    .expect("read")
                    .len(),
            )
        })
    });
    g.bench_function("fold_the_whole_file", |b| {
        b.iter(|| black_box(journal.records().expect("read").len()))
    });
    g.finish();
}

criterion_group!(benches, journal);
criterion_main!(benches);
