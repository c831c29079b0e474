//! The command-line faces of leadline, over the same core as the TUI.

pub mod check;
pub mod common;
pub mod fake_server;
pub mod history;
pub mod import;
pub mod interactive;
pub mod send;
pub mod templates;

use std::process::ExitCode;

/// Exit codes shared by every command.
pub mod exit {
    /// Everything worked.
    pub const OK: u8 = 0;
    /// Some numbers or rows failed.
    pub const SOME_FAILED: u8 = 1;
    /// Usage or configuration error.
    pub const USAGE: u8 = 2;
    /// The service refused (auth, plan, rejected message).
    pub const REFUSED: u8 = 3;
}

/// Prints `leadline: message` on stderr and returns the exit code.
pub fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("leadline: {message}");
    ExitCode::from(code)
}

/// A workspace opened from the config file, with what was learned on the way.
pub struct Opened {
    pub workspace: crate::workspace::Workspace,
    pub settings: crate::config::Settings,
    pub config_path: std::path::PathBuf,
    pub data_dir: std::path::PathBuf,
    pub log_file: Option<std::path::PathBuf>,
}

/// Reads the config (`--config`, `LEADLINE_CONFIG`, platform dir), starts the
/// log, resolves the tokens and builds the workspace. Errors are printed
/// (naming the key to fix) and turned into the exit code to return.
pub fn open_workspace(config_flag: Option<&std::path::Path>) -> Result<Opened, ExitCode> {
    open(config_flag, true)
}

/// Like [`open_workspace`], for commands that only find and create leads:
/// they need no WhatsApp token.
pub fn open_workspace_for_leads(config_flag: Option<&std::path::Path>) -> Result<Opened, ExitCode> {
    open(config_flag, false)
}

fn open(config_flag: Option<&std::path::Path>, needs_templates: bool) -> Result<Opened, ExitCode> {
    use crate::config::{self, ConfigError};
    let Some(config_path) = config::config_path(config_flag) else {
        return Err(fail(exit::USAGE, ConfigError::NoDataDir));
    };
    let settings = config::load_settings(&config_path).map_err(|e| fail(exit::USAGE, e))?;
    let data_dir = config::data_dir().map_err(|e| fail(exit::USAGE, e))?;
    let log_file = crate::logging::init(&data_dir);
    let workspace = crate::workspace::Workspace::from_settings(
        &settings,
        data_dir.clone(),
        crate::http::RetryPolicy::default(),
        needs_templates,
    )
    .map_err(|e| fail(exit::USAGE, e))?;
    Ok(Opened {
        workspace,
        settings,
        config_path,
        data_dir,
        log_file,
    })
}
