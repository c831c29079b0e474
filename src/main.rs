//! Argument parsing and dispatch only.

use clap::{Parser, Subcommand};
use leadline::cli;
use std::path::PathBuf;
use std::process::ExitCode;

/// Reach a new lead on WhatsApp through Intercom: a phone-only lead and an
/// approved template, from the terminal.
#[derive(Debug, Parser)]
#[command(
    name = "leadline",
    version,
    after_help = "Examples:\n  leadline --demo          try it against a built-in demo workspace\n  leadline                 the quick-send screen for your workspace\n  leadline fake-server     run the demo workspace alone"
)]
struct Cli {
    /// Run against the embedded demo workspace (no config, no token needed).
    #[arg(long, global = false)]
    demo: bool,
    /// Config file (default: $LEADLINE_CONFIG, then the platform config dir).
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check phone numbers: valid or not, the E.164 that would be sent, region and type.
    Check(cli::check::CheckArgs),
    /// Run the fake workspace (Intercom + Graph) on 127.0.0.1.
    FakeServer(cli::fake_server::FakeServerArgs),
}

fn main() -> ExitCode {
    let args = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return cli::fail(cli::exit::USAGE, format!("cannot start: {e}")),
    };
    runtime.block_on(async move {
        match args.command {
            Some(Command::Check(a)) => cli::check::run(a),
            Some(Command::FakeServer(a)) => cli::fake_server::run(a).await,
            None if args.demo => cli::interactive::demo().await,
            None => cli::interactive::real(args.config.as_deref()).await,
        }
    })
}
