//! `leadline` and `leadline --demo`: the TUI against the configured workspace,
//! or against the fake workspace started in-process.

use super::{exit, fail};
use crate::config::{self, ConfigError};
use crate::fake::{FakeOptions, FakeServer};
use crate::http::RetryPolicy;
use crate::tui::app::Paths;
use crate::tui::keymap::Keymap;
use crate::tui::{UiOptions, run};
use crate::workspace::Workspace;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub async fn real(config_flag: Option<&Path>) -> ExitCode {
    let Some(path) = config::config_path(config_flag) else {
        return fail(exit::USAGE, ConfigError::NoDataDir);
    };
    let loaded = config::load(&path).and_then(|c| {
        let base = path.parent().unwrap_or(Path::new("."));
        c.settings(base)
    });
    let settings = match loaded {
        Ok(s) => s,
        Err(e) => return fail(exit::USAGE, e),
    };
    let keymap = match Keymap::with_overrides(&settings.keys) {
        Ok(k) => k,
        Err(e) => return fail(exit::USAGE, format!("{}: {e}", path.display())),
    };
    let data_dir = match config::data_dir() {
        Ok(d) => d,
        Err(e) => return fail(exit::USAGE, e),
    };
    let log_file = crate::logging::init(&data_dir);
    let ws = match Workspace::from_settings(&settings, data_dir.clone(), RetryPolicy::default()) {
        Ok(ws) => ws,
        Err(e) => return fail(exit::USAGE, e),
    };
    let opts = UiOptions {
        keymap,
        region: settings.default_region,
        variables: settings.variables.clone(),
        mouse: settings.mouse,
        paths: Paths { data_dir, log_file },
    };
    finish(run(ws, opts).await)
}

pub async fn demo() -> ExitCode {
    let fake = match FakeServer::start(FakeOptions {
        seed_contacts: true,
        ..FakeOptions::default()
    })
    .await
    {
        Ok(f) => f,
        Err(e) => {
            return fail(
                exit::USAGE,
                format!("could not start the demo workspace: {e}"),
            );
        }
    };
    // A fresh data dir per demo run: the demo's contacts live only as long as it does.
    let data_dir = demo_dir();
    let log_file = crate::logging::init(&data_dir);
    tracing::info!(addr = %fake.addr(), "demo workspace started");
    let ws = Workspace::for_fake(&fake, data_dir.clone(), RetryPolicy::default());
    let opts = UiOptions {
        keymap: Keymap::default(),
        region: "GB".parse().ok(),
        variables: Default::default(),
        mouse: false,
        paths: Paths {
            data_dir: data_dir.clone(),
            log_file,
        },
    };
    let code = finish(run(ws, opts).await);
    let _ = std::fs::remove_dir_all(&data_dir);
    code
}

fn demo_dir() -> PathBuf {
    std::env::var_os("LEADLINE_DATA_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("leadline-demo-{}", std::process::id()))
        })
}

fn finish(r: std::io::Result<()>) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(exit::USAGE, format!("terminal error: {e}")),
    }
}
