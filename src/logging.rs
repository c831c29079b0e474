//! Logs go to a file in the data dir, never to the terminal (the TUI owns it).
//! Level from `LEADLINE_LOG` (e.g. `debug`), default `info`.

use std::path::{Path, PathBuf};
use tracing_subscriber::EnvFilter;

/// Starts logging to `<dir>/leadline.log`; returns the file's path, or None
/// when the file cannot be opened (leadline then runs without a log).
pub fn init(dir: &Path) -> Option<PathBuf> {
    std::fs::create_dir_all(dir).ok()?;
    let path = dir.join("leadline.log");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let filter = EnvFilter::try_from_env("LEADLINE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(path)
}
