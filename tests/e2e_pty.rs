//! The real binary in a pseudo-terminal, as an agent would run it:
//! `leadline --demo`, a send with keys only, then Ctrl-C and a clean exit.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    /// Held so the terminal stays open as long as the screen is read.
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Screen {
    fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, needle: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if self.text().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "{needle:?} did not appear; the screen was:\n{}",
            self.text()
        );
    }
}

/// The real binary on a 100×30 pseudo-terminal, its screen read as a terminal would.
fn spawn(
    args: &[&str],
    env: &[(&str, &std::ffi::OsStr)],
) -> (
    Box<dyn portable_pty::Child + Send + Sync>,
    Box<dyn Write + Send>,
    Screen,
) {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_leadline"));
    cmd.args(args);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("LEADLINE_CONFIG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let writer = pty.master.take_writer().unwrap();
    let screen = Screen {
        parser: Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZero::new(30).unwrap(),
            std::num::NonZero::new(100).unwrap(),
            0,
        ))),
        raw: Arc::default(),
        _master: pty.master,
    };
    let (parser, raw) = (screen.parser.clone(), screen.raw.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            parser.lock().unwrap().process(&buf[..n]);
            raw.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    (child, writer, screen)
}

#[test]
fn demo_send_with_keys_only_then_quit_cleanly() {
    let data = tempfile::tempdir().unwrap();
    let (mut child, mut writer, screen) = spawn(
        &["--demo"],
        &[("LEADLINE_DATA_DIR", data.path().as_os_str())],
    );
    let mut keys = |s: &str| {
        writer.write_all(s.as_bytes()).unwrap();
        writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(60));
    };

    screen.wait_for("callback_request", Duration::from_secs(20));
    keys("07911 123456");
    screen.wait_for("+447911123456", Duration::from_secs(10));
    screen.wait_for("new lead", Duration::from_secs(10));
    keys("\t");
    keys("Jane Doe\t");
    keys("callback");
    keys("\r");
    keys("Jane");
    keys("\x13"); // Ctrl-S
    screen.wait_for("✓ sent callback_request", Duration::from_secs(10));
    keys("?");
    screen.wait_for("Show this help", Duration::from_secs(5));
    keys("\x1b");
    keys("\x03"); // Ctrl-C

    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "leadline did not exit on Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");
    std::thread::sleep(Duration::from_millis(200));
    let raw = String::from_utf8_lossy(&screen.raw.lock().unwrap()).to_string();
    assert!(raw.contains("\x1b[?1049l"), "the alternate screen was left");
    assert!(
        raw.contains("\x1b[?2004l"),
        "bracketed paste was turned off"
    );

    let journal = std::fs::read_to_string(data.path().join("journal.jsonl")).unwrap();
    let sent = journal
        .lines()
        .filter(|l| l.contains("\"event\":\"sent\""))
        .count();
    assert_eq!(sent, 1, "exactly one message sent:\n{journal}");
    assert!(!journal.contains("demo-intercom-token"));
}

/// Nothing on the network stands before the first frame: against a
/// workspace that takes connections and never answers, the screen still
/// comes up, with the templates cached by an earlier run, and typing works.
#[test]
fn the_first_frame_does_not_wait_for_a_workspace_that_never_answers() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    // Accept and hold every connection, answering nothing.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in silent.incoming().flatten() {
            held.push(conn);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let cached = leadline::fake::demo_templates();
    std::fs::write(
        data.join("templates.json"),
        serde_json::json!({ "data": cached }).to_string(),
    )
    .unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "default_region = \"GB\"\n[intercom]\nbase_url = \"http://{addr}/\"\n[whatsapp]\ngraph_url = \"http://{addr}/\"\nwaba_id = \"1\"\n"
        ),
    )
    .unwrap();
    let (mut child, mut writer, screen) = spawn(
        &["--config", config.to_str().unwrap()],
        &[
            ("LEADLINE_DATA_DIR", data.as_os_str()),
            ("INTERCOM_TOKEN", "t".as_ref()),
            ("WHATSAPP_TOKEN", "t".as_ref()),
        ],
    );
    screen.wait_for("callback_request", Duration::from_secs(20));
    screen.wait_for("refreshing", Duration::from_secs(5));
    writer.write_all(b"07911 123456").unwrap();
    writer.flush().unwrap();
    screen.wait_for("+447911123456", Duration::from_secs(10));
    writer.write_all(b"\x03").unwrap();
    writer.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(
            Instant::now() < deadline,
            "leadline did not exit on Ctrl-C while requests hung"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
