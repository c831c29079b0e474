//! Shared set-up for the whole-app tests: a fake workspace over HTTP and a
//! harness driving the TUI state on a TestBackend.
#![allow(dead_code)]

use leadline::fake::{FakeOptions, FakeServer};
use leadline::http::RetryPolicy;
use leadline::tui::UiOptions;
use leadline::tui::app::Paths;
use leadline::tui::harness::Harness;
use leadline::workspace::Workspace;

pub struct World {
    pub fake: FakeServer,
    pub dir: tempfile::TempDir,
}

pub async fn world() -> World {
    let fake = FakeServer::start(FakeOptions {
        seed_contacts: true,
        ..FakeOptions::default()
    })
    .await
    .expect("fake starts");
    World {
        fake,
        dir: tempfile::tempdir().expect("temp dir"),
    }
}

impl World {
    pub fn workspace(&self) -> Workspace {
        Workspace::for_fake(
            &self.fake,
            self.dir.path().to_path_buf(),
            RetryPolicy::fast(),
        )
    }

    pub fn harness(&self, width: u16, height: u16) -> Harness {
        Harness::new(
            self.workspace(),
            UiOptions {
                region: "GB".parse().ok(),
                paths: Paths {
                    data_dir: "/data".into(),
                    log_file: Some("/data/leadline.log".into()),
                },
                ..UiOptions::default()
            },
            width,
            height,
        )
    }
}

/// Screen text with the parts that change run to run replaced.
pub fn stable(screen: &str) -> String {
    let mut out = String::with_capacity(screen.len());
    for line in screen.lines() {
        out.push_str(&scrub(line));
        out.push('\n');
    }
    out
}

fn scrub(line: &str) -> String {
    let line = &countdown(line);
    // Elapsed times ("0.3 s") and contact ids (24 hex) differ between runs.
    let mut s = String::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let hex_run = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            .count();
        if hex_run == 24 {
            s.push_str("<contact-id-scrubbed-24>");
            i += 24;
            continue;
        }
        if chars[i].is_ascii_digit() {
            let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            let rest: String = chars[i + digits..].iter().take(3).collect();
            if rest.len() == 3
                && rest.starts_with('.')
                && rest[1..2].chars().all(|c| c.is_ascii_digit())
                && rest.ends_with(' ')
            {
                s.push_str("t.t ");
                i += digits + 3;
                continue;
            }
        }
        s.push(chars[i]);
        i += 1;
    }
    s
}

/// "again in 3 s" → "again in N s": countdowns depend on timing.
fn countdown(line: &str) -> String {
    match line.find("again in ") {
        Some(at) => {
            let start = at + "again in ".len();
            let digits = line[start..]
                .chars()
                .take_while(char::is_ascii_digit)
                .count();
            format!("{}N{}", &line[..start], &line[start + digits..])
        }
        None => line.to_string(),
    }
}
