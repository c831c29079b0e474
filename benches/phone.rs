//! Phone verdict cost per keystroke (typical and worst inputs) and `check` throughput
//! on a mixed sample of all regions (the same lines `benches/phone_python.py` times
//! with python-phonenumbers).
//!
//! Run: `cargo bench --bench phone`; then `python3 benches/phone_python.py` for the
//! reference's figure on the same input.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use leadline::cli::check::write_json;
use leadline::phone::{self, Region};
use std::hint::black_box;
use std::time::Instant;

const VECTORS: &str = include_str!("../tests/fixtures/phone/vectors.jsonl");

/// The mixed sample: every vector input written without a default region (E.164,
/// international, punctuated, truncated, extended, digit-changed, random; all regions).
pub fn mixed_inputs() -> Vec<String> {
    VECTORS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            v[1].as_str()?
                .is_empty()
                .then(|| v[0].as_str().map(str::to_string))?
        })
        .collect()
}

fn prefixes(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut acc = String::new();
    for c in s.chars() {
        acc.push(c);
        out.push(acc.clone());
    }
    out
}

fn bench(c: &mut Criterion) {
    let t = Instant::now();
    phone::warm_up();
    eprintln!(
        "warm_up (all regions, first call in this process): {:?}",
        t.elapsed()
    );

    let gb: Option<Region> = Some("GB".parse().unwrap());
    let us: Option<Region> = Some("US".parse().unwrap());

    let mut g = c.benchmark_group("keystroke");
    for (name, typed, region) in [
        ("gb_mobile_national", "07400 123456", gb),
        ("intl_plus_gb", "+44 7400 123456", None),
        ("us_national", "(650) 253-0000", us),
        ("cn_mobile", "+86 138 0013 8000", None),
        ("nanpa_partial", "+1 650 25", None),
    ] {
        let keys = prefixes(typed);
        g.throughput(Throughput::Elements(keys.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("verdict+format", name),
            &keys,
            |b, keys| {
                b.iter(|| {
                    for k in keys {
                        black_box(phone::check(black_box(k), region));
                        black_box(phone::format_as_you_type(black_box(k), region));
                    }
                })
            },
        );
    }
    g.finish();

    let mut g = c.benchmark_group("verdict_only");
    for (name, typed, region) in [
        ("gb_mobile_national", "07400 123456", gb),
        ("nanpa_partial", "+1 650 25", None),
    ] {
        let keys = prefixes(typed);
        g.throughput(Throughput::Elements(keys.len() as u64));
        g.bench_with_input(BenchmarkId::new("check", name), &keys, |b, keys| {
            b.iter(|| {
                for k in keys {
                    black_box(phone::check(black_box(k), region));
                }
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("worst");
    let mut paste = "lorem ipsum dolor sit amet, ".repeat(357);
    paste.push_str("+44 7400 123456");
    let digits = "1234567890".repeat(1000);
    let spaced = "1 ".repeat(5000);
    let two = "+44 7400 123456 or +1 650 253 0000 ".repeat(280);
    for (name, input) in [
        ("paste_10k_text_one_number", paste.as_str()),
        ("paste_10k_digits", digits.as_str()),
        ("paste_10k_spaced_digits", spaced.as_str()),
        ("paste_10k_many_numbers", two.as_str()),
    ] {
        assert!(input.chars().count() >= 9_800, "{name}");
        g.bench_function(name, |b| {
            b.iter(|| {
                black_box(phone::check(black_box(input), None));
                black_box(phone::format_as_you_type(black_box(input), None));
            })
        });
    }
    g.finish();

    let inputs = mixed_inputs();
    let mut g = c.benchmark_group("check");
    g.throughput(Throughput::Elements(inputs.len() as u64));
    g.sample_size(20);
    g.bench_function("mixed_json_lines", |b| {
        let mut sink = Vec::with_capacity(16 << 20);
        b.iter(|| {
            sink.clear();
            for s in &inputs {
                let v = phone::check(s, None);
                write_json(&mut sink, s, &v).unwrap();
            }
            black_box(sink.len())
        })
    });
    g.finish();

    // Worst single verdict over the whole mixed sample (after warm-up).
    let mut worst = (std::time::Duration::ZERO, String::new());
    for s in &inputs {
        let t = Instant::now();
        black_box(phone::check(s, None));
        let e = t.elapsed();
        if e > worst.0 {
            worst = (e, s.clone());
        }
    }
    eprintln!(
        "slowest single verdict in the mixed sample: {:?} for {:?}",
        worst.0, worst.1
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
