use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// leadline: reach a new lead on WhatsApp through Intercom, from the terminal.
#[derive(Parser)]
#[command(name = "leadline", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check phone numbers: valid or not, the E.164 that would be sent, region and type.
    Check(leadline::cli::check::CheckArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check(args) => leadline::cli::check::run(args),
    }
}
