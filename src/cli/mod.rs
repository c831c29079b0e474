//! The command-line faces of leadline, over the same core as the TUI.

pub mod fake_server;
pub mod interactive;

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
