//! `leadline history`: the journal of sends, oldest first.

use super::{exit, fail};
use crate::text::one_line;
use crate::time::rfc3339;
use crate::workflow::Journal;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  leadline history
  leadline history --limit 0 --json | jq '.[] | select(.status == \"sent\")'

Each line: when (UTC), status, phone, template and language, the lead, and
the message id or the error. Statuses: sent, failed, interrupted (the app
stopped mid-send), outcome unknown (check the conversation), checked.

The journal lives in the data directory (LEADLINE_DATA_DIR, or on Linux
~/.local/share/leadline) and needs no token.

Exit codes: 0 listed, 2 the journal cannot be read.")]
pub struct HistoryArgs {
    /// Print the sends as a JSON array.
    #[arg(long)]
    pub json: bool,
    /// Show the last N sends (0: all).
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub limit: usize,
}

pub fn run(args: HistoryArgs) -> ExitCode {
    let dir = match crate::config::data_dir() {
        Ok(d) => d,
        Err(e) => return fail(exit::USAGE, e),
    };
    let journal = Journal::new(dir.join("journal.jsonl"));
    let mut records = match journal.records() {
        Ok(r) => r,
        Err(e) => {
            return fail(
                exit::USAGE,
                format!("cannot read the journal {}: {e}", journal.path().display()),
            );
        }
    };
    if args.limit > 0 && records.len() > args.limit {
        records.drain(..records.len() - args.limit);
    }
    if args.json {
        return match serde_json::to_string_pretty(&records) {
            Ok(s) => {
                println!("{s}");
                ExitCode::from(exit::OK)
            }
            Err(e) => fail(exit::SOME_FAILED, e),
        };
    }
    if records.is_empty() {
        eprintln!(
            "leadline: no sends yet (journal: {})",
            journal.path().display()
        );
        return ExitCode::from(exit::OK);
    }
    for r in &records {
        let mark = match r.status {
            crate::workflow::SendStatus::Sent | crate::workflow::SendStatus::Resolved => "✓",
            crate::workflow::SendStatus::Failed => "✗",
            _ => "⚠",
        };
        let lead = match &r.contact_id {
            Some(id) if r.lead_created => format!("created lead {id}"),
            Some(id) => format!("lead {id}"),
            None => "no lead".into(),
        };
        let outcome = match (&r.message_id, &r.error) {
            (Some(m), _) => format!("message {m}"),
            (None, Some(e)) => one_line(e, 160),
            (None, None) => String::new(),
        };
        let name = r
            .name
            .as_deref()
            .map(|n| format!(" ({})", one_line(n, 40)))
            .unwrap_or_default();
        println!(
            "{}  {mark} {:<15} {}{name}  {} {}  {lead}  {outcome}",
            rfc3339(r.at),
            r.status.label(),
            one_line(&r.phone, 20),
            one_line(&r.template, 60),
            one_line(&r.language, 12),
        );
        if let Some(link) = &r.link {
            println!("{:22}inbox: {}", "", one_line(link, 300));
        }
    }
    ExitCode::from(exit::OK)
}
