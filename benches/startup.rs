//! The release binary in a pseudo-terminal, as an agent starts it:
//! - launch to first frame of `leadline --demo` with an earlier run's
//!   template cache in the data dir (the list must be in that first frame);
//! - peak resident memory (VmHWM) of `leadline` against a workspace with
//!   10,000 approved templates, once they are loaded and on screen, beside
//!   the same figure for the 11 demo templates.
//!
//! Run: `cargo bench --bench startup`.

use criterion::{Criterion, criterion_group, criterion_main};
use leadline::fake::{FakeOptions, FakeServer, demo_templates};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ROWS: u16 = 40;
const COLS: u16 = 120;
/// On the footer, the last row a frame draws.
const FOOTER: &str = "Ctrl-C quit";

struct Running {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
}

impl Running {
    fn text(&self) -> String {
        self.screen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .screen()
            .contents()
    }

    /// Polls the screen until `done` holds; the time it took, or None after `within`.
    fn wait(&self, within: Duration, done: impl Fn(&str) -> bool) -> Option<Instant> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if done(&self.text()) {
                return Some(Instant::now());
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        None
    }

    fn quit(mut self) {
        let _ = self.writer.write_all(b"\x03");
        let _ = self.writer.flush();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Peak resident set size of the process so far, in kB.
    fn peak_rss_kb(&self) -> Option<u64> {
        let pid = self.child.process_id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }
}

fn spawn(args: &[&str], env: &[(&str, &str)]) -> Running {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_leadline"));
    cmd.args(args);
    cmd.env("TERM", "xterm-256color");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = pty.slave.spawn_command(cmd).expect("leadline starts");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("pty reader");
    let writer = pty.master.take_writer().expect("pty writer");
    let screen = Arc::new(Mutex::new(vt100::Parser::new(
        std::num::NonZero::new(ROWS).expect("rows"),
        std::num::NonZero::new(COLS).expect("cols"),
        0,
    )));
    let parser = screen.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 16384];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            parser
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .process(&buf[..n]);
        }
    });
    Running {
        child,
        _master: pty.master,
        writer,
        screen,
    }
}

fn first_frame(c: &mut Criterion) {
    let data = tempfile::tempdir().expect("temp dir");
    let data_dir = data.path().to_str().expect("utf-8 temp dir").to_string();
    let env = [("LEADLINE_DATA_DIR", data_dir.as_str())];
    // A first run leaves the template cache behind, as any earlier day would.
    let warm = spawn(&["--demo"], &env);
    warm.wait(Duration::from_secs(20), |s| s.contains("callback_request"))
        .expect("the demo templates load");
    std::thread::sleep(Duration::from_millis(300));
    warm.quit();

    let mut samples = Vec::new();
    let mut cached_in_first_frame = true;
    c.benchmark_group("startup").sample_size(20).bench_function(
        "demo_launch_to_first_frame",
        |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let t = Instant::now();
                    let run = spawn(&["--demo"], &env);
                    let at = run
                        .wait(Duration::from_secs(20), |s| s.contains(FOOTER))
                        .expect("a first frame");
                    let took = at - t;
                    // The first full frame must already list the cached templates.
                    cached_in_first_frame &= run.text().contains("callback_request");
                    run.quit();
                    samples.push(took);
                    total += took;
                }
                total
            })
        },
    );
    samples.sort();
    if let Some(m) = samples.get(samples.len() / 2) {
        eprintln!(
            "startup: median launch to first frame {:.1} ms over {} launches; cached templates in the first frame: {}",
            m.as_secs_f64() * 1e3,
            samples.len(),
            if cached_in_first_frame {
                "every time"
            } else {
                "NOT always"
            }
        );
    }
}

/// `n` distinct approved templates in the Graph format, made from the demo ones.
fn graph_templates(n: usize) -> serde_json::Value {
    let base = demo_templates();
    let data: Vec<_> = (0..n)
        .map(|i| {
            let mut v = base[i % base.len()].clone();
            v["name"] = format!("{}_{i:05}", v["name"].as_str().unwrap_or("t")).into();
            v["id"] = format!("{}", 10_000_000_000u64 + i as u64).into();
            v["status"] = "APPROVED".into();
            v
        })
        .collect();
    serde_json::json!({ "data": data })
}

/// Peak RSS of a session against a workspace with `n` templates in a templates_file.
fn peak_rss_with(fake: &FakeServer, dir: &Path, n: usize) -> u64 {
    let templates = dir.join(format!("templates-{n}.json"));
    std::fs::write(&templates, graph_templates(n).to_string()).expect("templates file");
    let config = dir.join(format!("config-{n}.toml"));
    std::fs::write(
        &config,
        format!(
            "default_region = \"GB\"\n[intercom]\nbase_url = \"{}\"\n[whatsapp]\ntemplates_file = \"{}\"\n",
            fake.intercom_url(),
            templates.display()
        ),
    )
    .expect("config file");
    let data = dir.join(format!("data-{n}"));
    let (config, data) = (config.display().to_string(), data.display().to_string());
    let token = fake.identity().intercom_token;
    let run = spawn(
        &["--config", &config],
        &[("LEADLINE_DATA_DIR", &data), ("INTERCOM_TOKEN", &token)],
    );
    let count = format!("{n} ");
    run.wait(Duration::from_secs(60), |s| {
        s.contains(&count) && !s.contains("refreshing") && !s.contains("loading")
    })
    .unwrap_or_else(|| panic!("{n} templates did not load:\n{}", run.text()));
    // Type a filter so the picker's matching and drawing have run too.
    let mut run = run;
    let _ = run.writer.write_all(b"\t\tord");
    let _ = run.writer.flush();
    std::thread::sleep(Duration::from_millis(500));
    let peak = run.peak_rss_kb().expect("VmHWM of the child");
    run.quit();
    peak
}

fn memory(_c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let fake = rt
        .block_on(FakeServer::start(FakeOptions::default()))
        .expect("fake");
    let dir = tempfile::tempdir().expect("temp dir");
    let small = peak_rss_with(&fake, dir.path(), demo_templates().len());
    let large = peak_rss_with(&fake, dir.path(), 10_000);
    eprintln!(
        "memory: peak RSS {:.1} MB with {} templates, {:.1} MB with 10,000 ({:.2}×)",
        small as f64 / 1024.0,
        demo_templates().len(),
        large as f64 / 1024.0,
        large as f64 / small as f64
    );
}

criterion_group!(benches, first_frame, memory);
criterion_main!(benches);
