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
    after_help = "Examples:\n  leadline --demo          try it against a built-in demo workspace\n  leadline                 the quick-send screen for your workspace\n  leadline templates       the approved WhatsApp templates\n  leadline send --phone +447911123456 --template order_update --var Jane --var A123\n  leadline import leads.csv --region GB\n  leadline history         what was sent\n  leadline fake-server     run the demo workspace alone\n\nExit codes: 0 success, 1 some rows or numbers failed, 2 usage or configuration\nerror, 3 the service refused (token, plan, rejected message)."
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
    /// List the approved WhatsApp templates and the variables each needs.
    Templates(cli::templates::TemplatesArgs),
    /// Find or create the lead for a phone number and send it a template.
    Send(cli::send::SendArgs),
    /// Create phone-only leads from a CSV file (and optionally send each a template).
    Import(cli::import::ImportArgs),
    /// The journal of sends.
    History(cli::history::HistoryArgs),
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
        let config = args.config.as_deref();
        match args.command {
            Some(Command::Check(a)) => cli::check::run(a, config),
            Some(Command::Templates(a)) => cli::templates::run(a, config).await,
            Some(Command::Send(a)) => cli::send::run(a, config).await,
            Some(Command::Import(a)) => cli::import::run(a, config).await,
            Some(Command::History(a)) => cli::history::run(a),
            Some(Command::FakeServer(a)) => cli::fake_server::run(a).await,
            None if args.demo => cli::interactive::demo().await,
            None => cli::interactive::real(config).await,
        }
    })
}
