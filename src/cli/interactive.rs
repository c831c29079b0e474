//! `leadline` and `leadline --demo`: the TUI against the configured workspace,
//! or against the fake workspace started in-process.

use super::{exit, fail};
use crate::config::VariablesSection;
use crate::fake::{FakeOptions, FakeServer};
use crate::http::RetryPolicy;
use crate::tui::app::Paths;
use crate::tui::keymap::Keymap;
use crate::tui::{UiOptions, run};
use crate::workspace::Workspace;
use std::path::{Path, PathBuf};

use std::process::ExitCode;

pub async fn real(config_flag: Option<&Path>) -> ExitCode {
    let opened = match super::open_workspace(config_flag) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let keymap = match Keymap::with_overrides(&opened.settings.keys) {
        Ok(k) => k,
        Err(e) => {
            return fail(
                exit::USAGE,
                format!("{}: {e}", opened.config_path.display()),
            );
        }
    };
    let opts = UiOptions {
        keymap,
        region: opened.settings.default_region,
        variables: opened.settings.variables.clone(),
        mouse: opened.settings.mouse,
        paths: Paths {
            data_dir: opened.data_dir.clone(),
            log_file: opened.log_file.clone(),
        },
    };
    finish(run(opened.workspace, opts).await)
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
    let (data_dir, temporary) = demo_dir();
    let log_file = crate::logging::init(&data_dir);
    tracing::info!(addr = %fake.addr(), "demo workspace started");
    let ws = Workspace::for_fake(&fake, data_dir.clone(), RetryPolicy::default());
    let opts = UiOptions {
        keymap: Keymap::default(),
        region: "GB".parse().ok(),
        variables: demo_variables(),
        mouse: false,
        paths: Paths {
            data_dir: data_dir.clone(),
            log_file,
        },
    };
    let code = finish(run(ws, opts).await);
    if temporary {
        let _ = std::fs::remove_dir_all(&data_dir);
    }
    code
}

/// The demo templates whose `{{1}}` is the customer's first name, so that the
/// Name field fills it, as a workspace's `[variables]` would say.
fn demo_variables() -> VariablesSection {
    let mut v = VariablesSection::default();
    v.first_name.extend(
        [
            "order_update.1",
            "appointment_reminder.1",
            "spring_offer.1",
            "document_ready.1",
            "callback_request.1",
            "delivery_window.1",
        ]
        .map(String::from),
    );
    v
}

/// `LEADLINE_DATA_DIR` when set (kept afterwards), else a temporary dir (removed).
fn demo_dir() -> (PathBuf, bool) {
    match std::env::var_os("LEADLINE_DATA_DIR").filter(|d| !d.is_empty()) {
        Some(d) => (PathBuf::from(d), false),
        None => (
            std::env::temp_dir().join(format!("leadline-demo-{}", std::process::id())),
            true,
        ),
    }
}

fn finish(r: std::io::Result<()>) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(exit::USAGE, format!("terminal error: {e}")),
    }
}
