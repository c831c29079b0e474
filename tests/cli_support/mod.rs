//! Running the real `leadline` binary against an in-process fake workspace:
//! a config file pointing at the fake, the demo tokens in the environment and
//! a temporary data dir.

#![allow(dead_code)]

use leadline::fake::{FakeContact, FakeOptions, FakeServer};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

pub struct Env {
    pub fake: FakeServer,
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
}

/// What a finished command left.
#[derive(Debug)]
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Env {
    pub async fn start(opts: FakeOptions) -> Env {
        let fake = FakeServer::start(opts).await.expect("fake starts");
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("config.toml");
        let id = fake.identity();
        std::fs::write(
            &config,
            format!(
                "default_region = \"GB\"\n[intercom]\nbase_url = \"{}\"\n[whatsapp]\ngraph_url = \"{}\"\nwaba_id = \"{}\"\n",
                fake.intercom_url(),
                fake.graph_url(),
                id.waba_id
            ),
        )
        .expect("config written");
        Env { fake, dir, config }
    }

    pub async fn demo() -> Env {
        Env::start(FakeOptions {
            seed_contacts: true,
            ..FakeOptions::default()
        })
        .await
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The binary with `--config`, the tokens and the data dir set.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let id = self.fake.identity();
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_leadline"));
        cmd.arg("--config")
            .arg(&self.config)
            .args(args)
            .env("INTERCOM_TOKEN", &id.intercom_token)
            .env("WHATSAPP_TOKEN", &id.whatsapp_token)
            .env("LEADLINE_DATA_DIR", self.data_dir())
            .env_remove("LEADLINE_CONFIG")
            .env("NO_COLOR", "1")
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        cmd
    }

    pub async fn run(&self, args: &[&str]) -> Ran {
        self.run_with(self.command(args)).await
    }

    pub async fn run_with(&self, mut cmd: tokio::process::Command) -> Ran {
        let out = tokio::time::timeout(Duration::from_secs(240), cmd.output())
            .await
            .expect("the command finishes")
            .expect("the binary runs");
        Ran {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// A contact as if created long ago (searchable, ready for messages).
pub fn old_contact(id: &str, phone: &str, formatted: &str, name: &str) -> FakeContact {
    FakeContact {
        id: id.into(),
        role: "lead".into(),
        phone: Some(phone.into()),
        formatted_phone: Some(formatted.into()),
        name: Some(name.into()),
        email: None,
        external_id: None,
        created_at: 1_700_000_000,
        updated_at: 1_700_000_000,
        born: Instant::now()
            .checked_sub(Duration::from_secs(3600))
            .unwrap_or_else(Instant::now),
    }
}

/// The rows of a report CSV, as header → value maps.
pub fn report(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("report readable");
    let headers = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}
