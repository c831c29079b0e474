//! `leadline import FILE.csv`: phone-only leads in bulk. Intercom's own CSV
//! import needs an email on every row; this needs only a phone column.
//!
//! Every row is validated like the form, duplicates within the file are
//! found, the rest are looked up 50 at a time and created concurrently under
//! the workspace's rate limit ([`crate::workflow::ensure_leads`]). A resume
//! log in the data dir records each step, so a run stopped in any way and
//! started again finishes the job without creating anything twice.

mod input;
mod progress;
mod report;

use super::common::{
    VarArgs, describe_issues, find_template, intercom_exit, load_templates, stderr_is_terminal,
    warn,
};
use super::send::{region_arg, verdict_problem};
use super::{exit, fail, open_workspace, open_workspace_for_leads};
use crate::phone::{self, Verdict};
use crate::template::{Template, check_values};
use crate::text::one_line;
use crate::time::unix_now;
use crate::workflow::{
    BulkEnd, BulkItem, BulkOptions, BulkOutcome, DEFAULT_SETTLE, ImportLog, KnownLead, LeadDone,
    LeadPlan, REPEAT_WINDOW_SECS, RowRecord, RowStep, SendDone, SendError, SendOutcome, SendRecord,
    SendRequest, ensure_leads, known_lead, quick_send,
};
use crate::workspace::Workspace;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use input::{Columns, NameColumns};
use progress::Progress;
use report::{MessageStatus, ReportRow, Status};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  leadline import leads.csv --region GB
  leadline import leads.csv --dry-run --report check.csv
  leadline import referrals.csv --template welcome_lead --language en --var referrer=Sam

The file needs a header row and a phone column: phone, phone_number, mobile or
whatsapp (any case; or say which with --phone-column). A name, full_name or
first_name/last_name column gives the lead's name. UTF-8 (with or without
BOM), UTF-16 and Windows-1252 files and comma, semicolon, tab or pipe
separators are recognised.

Each row ends up in the report (default: FILE.report.csv) as created,
existing, duplicate-in-file, invalid or failed, with the reason. Stopped
(Ctrl-C, a crash) and run again with the same file, the import resumes: rows
already done are not touched again and no lead is created twice.

With --template each row's lead gets the template once it exists, through the
same journal and 24-hour duplicate guard as `leadline send`. Variables come
from --var (the same for every row), else from a column named like the
variable (1, first_name, ...), else from the name.

Exit codes: 0 every row created, existing or a duplicate (and every message
sent); 1 some rows invalid or failed; 2 usage or configuration error (file
unreadable, no phone column); 3 Intercom refused (token, plan).")]
pub struct ImportArgs {
    /// The CSV file: a header row, then one lead per row.
    #[arg(value_name = "FILE.csv")]
    pub file: PathBuf,
    /// Region for numbers without a country code (default: the config's default_region).
    #[arg(long, value_name = "XX")]
    pub region: Option<String>,
    /// Validate and look the numbers up, but create and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Where to write the report (default: FILE.report.csv next to the file).
    #[arg(long, value_name = "OUT.csv")]
    pub report: Option<PathBuf>,
    /// Intercom requests in flight at once; the rate limit is honoured either way.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// The phone column, by header or number (1 = first).
    #[arg(long, value_name = "COLUMN")]
    pub phone_column: Option<String>,
    /// The name column, by header or number.
    #[arg(long, value_name = "COLUMN")]
    pub name_column: Option<String>,
    /// The separator: , ; | or tab (default: guessed from the header row).
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Send this approved template to each row's lead.
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// The template's language, when it has several.
    #[arg(long, value_name = "LANG", requires = "template")]
    pub language: Option<String>,
    #[command(flatten)]
    pub vars: VarArgs,
    /// Send even to numbers that got this template in the last 24 hours.
    #[arg(long, requires = "template")]
    pub yes: bool,
    /// Forget an earlier run of this file and start over (leads it created
    /// are still found, not created again).
    #[arg(long)]
    pub fresh: bool,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Seconds a create with an unknown outcome may stay hidden from search
    /// before the next run creates it again (tests).
    #[arg(long, hide = true, value_name = "SECS")]
    pub settle_secs: Option<u64>,
}

/// One input row on its way to the report.
#[derive(Debug, Clone)]
struct Plan {
    line: u64,
    phone_input: String,
    name: String,
    status: Option<Status>,
    e164: Option<String>,
    details: Vec<String>,
    /// For a duplicate: the row that has the number first.
    first: Option<usize>,
    contact_id: Option<String>,
    message: Option<MessageStatus>,
    message_id: Option<String>,
    /// Cells by header, for template variables.
    cells: Vec<String>,
}

/// FNV-1a: a stable name for an import's resume log.
fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(seed, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\t" | "tab" | "\\t" => Ok(b'\t'),
        "|" | "pipe" => Ok(b'|'),
        other => Err(format!("--delimiter {other:?}: use , ; | or tab")),
    }
}

fn default_report(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import".into());
    file.with_file_name(format!("{stem}.report.csv"))
}

pub async fn run(args: ImportArgs, config: Option<&Path>) -> ExitCode {
    if args.template.is_none()
        && (!args.vars.vars.is_empty()
            || args.vars.header_url.is_some()
            || !args.vars.button_vars.is_empty())
    {
        return fail(
            exit::USAGE,
            "--var, --header-url and --button-var need --template",
        );
    }
    let started = Instant::now();
    let opened = match if args.template.is_some() {
        open_workspace(config)
    } else {
        open_workspace_for_leads(config)
    } {
        Ok(o) => o,
        Err(code) => return code,
    };
    let ws = &opened.workspace;
    let region = match region_arg(args.region.as_deref(), opened.settings.default_region) {
        Ok(r) => r,
        Err(e) => return fail(exit::USAGE, e),
    };

    // The file.
    let file = &args.file;
    match std::fs::metadata(file) {
        Ok(m) if m.len() > input::MAX_FILE_BYTES => {
            return fail(
                exit::USAGE,
                format!(
                    "{}: {} MB is more than leadline reads at once ({} MB): split the file",
                    file.display(),
                    m.len() / 1_000_000,
                    input::MAX_FILE_BYTES / 1_000_000
                ),
            );
        }
        Ok(m) if m.is_dir() => {
            return fail(exit::USAGE, format!("{} is a directory", file.display()));
        }
        Ok(_) => {}
        Err(e) => return fail(exit::USAGE, format!("cannot read {}: {e}", file.display())),
    }
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => return fail(exit::USAGE, format!("cannot read {}: {e}", file.display())),
    };
    let (text, encoding_note) = input::decode(&bytes);
    let delimiter = match args.delimiter.as_deref().map(parse_delimiter) {
        Some(Ok(d)) => d,
        Some(Err(e)) => return fail(exit::USAGE, e),
        None => input::sniff_delimiter(text.trim_start_matches('\u{FEFF}')),
    };
    let table = match input::parse(&text, delimiter) {
        Ok(t) => t,
        Err(e) => return fail(exit::USAGE, format!("{}: {e}", file.display())),
    };
    drop(text);
    let columns = match input::pick_columns(
        &table.headers,
        args.phone_column.as_deref(),
        args.name_column.as_deref(),
    ) {
        Ok(c) => c,
        Err(e) => return fail(exit::USAGE, format!("{}: {e}", file.display())),
    };
    if table.rows.is_empty() {
        return fail(
            exit::USAGE,
            format!("{}: no rows below the header", file.display()),
        );
    }
    let report_path = args.report.clone().unwrap_or_else(|| default_report(file));
    if let Err(e) = report::check_writable(&report_path) {
        return fail(
            exit::USAGE,
            format!(
                "cannot write the report {}: {e} (choose another place with --report)",
                report_path.display()
            ),
        );
    }
    if !args.json || stderr_is_terminal() {
        let mut about = format!(
            "{}: {} rows; {}",
            file.display(),
            table.rows.len(),
            columns.describe(&table.headers)
        );
        if let Some(note) = &encoding_note {
            about.push_str(&format!("; {note}"));
        }
        if delimiter != b',' {
            about.push_str(&format!("; separator {:?}", delimiter as char));
        }
        eprintln!("leadline: {about}");
    }

    // Who sends, and whether the token works, before any row is touched.
    let quiet = crate::http::quiet();
    if let Err(e) = ws.sender(&quiet).await {
        return fail(intercom_exit(&e), e);
    }
    let template = match &args.template {
        None => None,
        Some(name) => {
            let templates = match load_templates(&ws.templates, &quiet).await {
                Ok(t) => t,
                Err(code) => return code,
            };
            match find_template(&templates, name, args.language.as_deref()) {
                Ok(t) => Some(t),
                Err(e) => return fail(exit::USAGE, e),
            }
        }
    };
    let names = &opened.settings.variables;
    let given = match &template {
        Some(t) => match args
            .vars
            .resolve(t, names, columns.name != NameColumns::None)
        {
            Ok(g) => Some(g),
            Err(e) => return fail(exit::USAGE, e),
        },
        None => None,
    };

    let header_keys: Vec<String> = table
        .headers
        .iter()
        .map(|h| input::normalize_header(h))
        .collect();
    if let (Some(t), Some(g)) = (&template, &given) {
        let has_column = |var: &str| header_keys.contains(&input::normalize_header(var));
        let missing = g.unfillable(t, names, columns.name != NameColumns::None, &has_column);
        if !missing.is_empty() {
            return fail(
                exit::USAGE,
                format!(
                    "{} needs {}: give them with --var/--header-url/--button-var, or add a column named like the variable",
                    t.name,
                    missing.join(", ")
                ),
            );
        }
    }
    if stderr_is_terminal() && table.rows.len() > 1000 {
        eprintln!("leadline: checking {} numbers…", table.rows.len());
    }
    let mut plans = validate(&table, &columns, region);
    drop(table);

    // The resume log of this file in this workspace.
    let workspace_key = ws.intercom.base_url().as_str();
    let key = fnv1a(
        fnv1a(0xcbf2_9ce4_8422_2325, &bytes),
        workspace_key.as_bytes(),
    );
    drop(bytes);
    let log_path = opened
        .data_dir
        .join("imports")
        .join(format!("{key:016x}.jsonl"));
    let (log, earlier) = if args.dry_run {
        (None, HashMap::new())
    } else {
        if args.fresh {
            let _ = std::fs::remove_file(&log_path);
        }
        match ImportLog::open(&log_path) {
            Ok((log, rows)) => (Some(log), rows),
            Err(e) => {
                return fail(
                    exit::USAGE,
                    format!("cannot write the resume log {}: {e}", log_path.display()),
                );
            }
        }
    };

    let recent = match &template {
        Some(t) if !args.yes => recent_sends(ws, t),
        _ => HashMap::new(),
    };
    let total = plans.len() as u64;
    let mut progress = Progress::new(total, stderr_is_terminal(), false);
    for p in &plans {
        if let Some(s) = p.status {
            progress.row(s);
        }
    }

    // What is left to do: leads, and messages to leads already known.
    let mut items = Vec::new();
    let mut known: Vec<(usize, KnownLead)> = Vec::new();
    let mut resumed = 0usize;
    for (idx, p) in plans.iter_mut().enumerate() {
        let (Some(e164), None) = (&p.e164, p.status) else {
            continue;
        };
        let record = earlier.get(&idx).filter(|r| &r.phone == e164);
        let done = record.and_then(|r| match &r.lead {
            Some(LeadDone::Created { contact_id, role }) => {
                Some((Status::Created, known_lead(contact_id, *role), Vec::new()))
            }
            Some(LeadDone::Existing {
                contact_id,
                role,
                others,
            }) => Some((
                Status::Existing,
                known_lead(contact_id, *role),
                others.clone(),
            )),
            _ => None,
        });
        match done {
            Some((status, lead, others)) => {
                resumed += 1;
                p.status = Some(status);
                p.contact_id = Some(lead.contact.id.clone());
                if !others.is_empty() {
                    p.details.push(others_note(&others));
                }
                progress.row(status);
                if template.is_some() {
                    match record.and_then(|r| r.send.as_ref()) {
                        Some(SendDone::Sent { message_id, .. }) => {
                            p.message = Some(MessageStatus::Sent);
                            p.message_id = Some(message_id.clone());
                            progress.message(MessageStatus::Sent);
                        }
                        _ if !others.is_empty() => several_no_send(p, &mut progress),
                        _ => known.push((idx, lead)),
                    }
                }
            }
            None => items.push(BulkItem {
                key: idx,
                e164: e164.clone(),
                name: Some(p.name.clone()).filter(|n| !n.is_empty()),
                interrupted_at: record.and_then(|r: &RowRecord| r.interrupted_at),
            }),
        }
    }
    if resumed > 0 {
        eprintln!(
            "leadline: resuming an earlier run of this file: {resumed} numbers already done (log: {})",
            log_path.display()
        );
    }

    // Ctrl-C: stop starting new work, finish what is in flight; twice: quit now.
    let cancel = CancellationToken::new();
    let on_ctrl_c = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!(
                    "\nleadline: stopping: finishing the requests in flight (Ctrl-C again to quit now; the next run resumes)"
                );
                cancel.cancel();
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            }
        })
    };

    let requests = Arc::new(Semaphore::new(args.concurrency as usize));
    let opts = BulkOptions {
        requests: requests.clone(),
        dry_run: args.dry_run,
        settle: args
            .settle_secs
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_SETTLE),
        observer: progress.observer(),
    };
    let sending = Sending {
        ws,
        template: template.as_ref(),
        given: given.as_ref(),
        names,
        header_keys: &header_keys,
        recent: &recent,
        requests: &requests,
        cancel: &cancel,
        log: log.as_ref(),
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, BulkOutcome)>();
    let bulk = {
        let cancel = cancel.clone();
        let log = log.as_ref();
        let opts = &opts;
        async move {
            let on_done = move |key: usize, outcome: BulkOutcome| {
                let _ = tx.send((key, outcome));
            };
            ensure_leads(ws, items, log, opts, &on_done, &cancel).await
        }
    };
    let mut refused_by_send: Option<String> = None;
    let sends_on = template.is_some() && !args.dry_run;
    let consume = async {
        let mut sends = FuturesUnordered::new();
        for (idx, lead) in known {
            if let Some(fut) = sending.prepare(idx, &mut plans[idx], lead, &mut progress) {
                sends.push(fut);
            }
        }
        let mut ticker = tokio::time::interval(Duration::from_millis(250));
        let mut open = true;
        while open || !sends.is_empty() {
            tokio::select! {
                got = rx.recv(), if open => match got {
                    Some((idx, outcome)) => {
                        let lead = record_outcome(&mut plans[idx], outcome, sends_on, &mut progress);
                        if let Some(lead) = lead
                            && !args.dry_run
                            && let Some(fut) = sending.prepare(idx, &mut plans[idx], lead, &mut progress)
                        {
                            sends.push(fut);
                        }
                    }
                    None => open = false,
                },
                Some((idx, result)) = sends.next(), if !sends.is_empty() => {
                    if let Some(refusal) = sending.record(&mut plans[idx], idx, result, &mut progress).await {
                        refused_by_send.get_or_insert(refusal);
                        cancel.cancel();
                    }
                }
                _ = ticker.tick() => progress.tick(),
            }
        }
    };
    let (end, ()) = tokio::join!(bulk, consume);
    on_ctrl_c.abort();
    progress.finish();
    let end = BulkEnd {
        refused: end.refused.or(refused_by_send),
        ..end
    };

    finish(FinishArgs {
        plans,
        end,
        cancelled: cancel.is_cancelled(),
        args: &args,
        report_path: &report_path,
        template: template.as_ref(),
        started,
        requests: ws.intercom.transport().requests_sent(),
        resumed,
        log_path: log.as_ref().map(|l| l.path().to_path_buf()),
    })
}

/// A row's number as the form would judge it: the E.164 and a warning, or why not.
fn judge(
    row: &input::Row,
    columns: &Columns,
    region: Option<phone::Region>,
) -> Result<(String, Option<String>), String> {
    let raw = row.cell(columns.phone);
    if let Some(e) = &row.error {
        return Err(format!("unreadable row: {e}"));
    }
    if row.is_blank() {
        return Err("empty row".into());
    }
    let len = raw.chars().count();
    if len > 1000 {
        return Err(format!(
            "the phone cell is {len} characters long: not a phone number"
        ));
    }
    match phone::check(raw, region) {
        Verdict::Valid(v) => Ok((v.e164.clone(), v.whatsapp_warning())),
        other => {
            Err(verdict_problem(&other, raw, region).unwrap_or_else(|| "not a valid number".into()))
        }
    }
}

/// Validates every row (on every core: the number rules are the slow part)
/// and finds the duplicates within the file.
fn validate(table: &input::Table, columns: &Columns, region: Option<phone::Region>) -> Vec<Plan> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let chunk = table.rows.len().div_ceil(threads).max(1);
    let verdicts: Vec<Result<(String, Option<String>), String>> = std::thread::scope(|s| {
        let handles: Vec<_> = table
            .rows
            .chunks(chunk)
            .map(|rows| {
                s.spawn(move || {
                    rows.iter()
                        .map(|r| judge(r, columns, region))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec![Err("could not be checked".to_string()); chunk])
            })
            .collect()
    });
    let mut plans: Vec<Plan> = Vec::with_capacity(table.rows.len());
    let mut first_of: HashMap<String, usize> = HashMap::new();
    for (idx, (row, verdict)) in table.rows.iter().zip(verdicts).enumerate() {
        let raw_name = columns.name(row);
        let mut p = Plan {
            line: row.line,
            phone_input: row.cell(columns.phone).to_string(),
            name: one_line(&raw_name, 200),
            status: None,
            e164: None,
            details: Vec::new(),
            first: None,
            contact_id: None,
            message: None,
            message_id: None,
            // Huge cells are not kept (variables are short).
            cells: row
                .cells
                .iter()
                .map(|c| {
                    if c.len() > 4096 {
                        String::new()
                    } else {
                        c.clone()
                    }
                })
                .collect(),
        };
        match verdict {
            Err(problem) => {
                p.status = Some(Status::Invalid);
                p.details.push(problem);
            }
            Ok((e164, warning)) => {
                match first_of.get(&e164) {
                    Some(&first) => {
                        p.status = Some(Status::DuplicateInFile);
                        p.first = Some(first);
                        p.details
                            .push(format!("same number as line {}", plans_line(&plans, first)));
                    }
                    None => {
                        first_of.insert(e164.clone(), idx);
                    }
                }
                p.details.extend(warning);
                p.e164 = Some(e164);
            }
        }
        if raw_name.chars().count() > 200 {
            p.details.push("name shortened to 200 characters".into());
        }
        if p.phone_input.len() > 4096 {
            p.phone_input
                .truncate(p.phone_input.floor_char_boundary(4096));
        }
        plans.push(p);
    }
    plans
}

fn plans_line(plans: &[Plan], idx: usize) -> u64 {
    plans.get(idx).map(|p| p.line).unwrap_or(0)
}

fn others_note(others: &[String]) -> String {
    let shown: Vec<&str> = others.iter().take(5).map(String::as_str).collect();
    format!(
        "{} other contact{} with this number: {}",
        others.len(),
        if others.len() == 1 { "" } else { "s" },
        shown.join(", ")
    )
}

fn several_no_send(p: &mut Plan, progress: &mut Progress) {
    p.message = Some(MessageStatus::Failed);
    p.details.push(
        "not sent: several contacts have this number; pick one with `leadline send --contact ID`"
            .into(),
    );
    progress.message(MessageStatus::Failed);
}

/// Records a lead outcome; returns the lead a message may go to.
fn record_outcome(
    p: &mut Plan,
    outcome: BulkOutcome,
    sends: bool,
    progress: &mut Progress,
) -> Option<KnownLead> {
    let (status, lead) = match outcome {
        BulkOutcome::Created { lead, recovered } => {
            if recovered {
                tracing::info!(contact = %lead.contact.id, "an interrupted create had landed");
            }
            (Status::Created, Some(lead))
        }
        BulkOutcome::Existing { lead, others } => {
            if !others.is_empty() {
                p.details.push(others_note(&others));
                p.contact_id = Some(lead.contact.id.clone());
                p.status = Some(Status::Existing);
                progress.row(Status::Existing);
                if sends {
                    several_no_send(p, progress);
                }
                return None;
            }
            (Status::Existing, Some(lead))
        }
        BulkOutcome::WouldCreate => (Status::WouldCreate, None),
        BulkOutcome::Failed { error, .. } => {
            p.details.insert(0, error);
            (Status::Failed, None)
        }
    };
    p.contact_id = lead.as_ref().map(|l| l.contact.id.clone());
    p.status = Some(status);
    progress.row(status);
    lead
}

/// The latest send of `t` per number in the last 24 hours that may have reached
/// the customer (the duplicate guard of `quick_send`, read once for the run).
fn recent_sends(ws: &Workspace, t: &Template) -> HashMap<String, SendRecord> {
    let since = unix_now() - REPEAT_WINDOW_SECS;
    let mut out = HashMap::new();
    match ws.journal.records_since(since) {
        Ok(records) => {
            for r in records {
                if r.template == t.name && r.language == t.language && r.status.maybe_delivered() {
                    out.insert(r.phone.clone(), r);
                }
            }
        }
        Err(e) => warn(format!(
            "cannot read the journal ({e}): the 24-hour duplicate guard sees only this run"
        )),
    }
    out
}

/// What sending needs, shared by every row.
struct Sending<'a> {
    ws: &'a Workspace,
    template: Option<&'a Template>,
    given: Option<&'a super::common::Given>,
    names: &'a crate::config::VariablesSection,
    header_keys: &'a [String],
    recent: &'a HashMap<String, SendRecord>,
    requests: &'a Arc<Semaphore>,
    cancel: &'a CancellationToken,
    log: Option<&'a ImportLog>,
}

type SendFuture<'a> = std::pin::Pin<
    Box<dyn std::future::Future<Output = (usize, Result<SendOutcome, SendError>)> + Send + 'a>,
>;

impl<'a> Sending<'a> {
    /// The send for a row whose lead exists, or why there is none.
    fn prepare(
        &self,
        idx: usize,
        p: &mut Plan,
        lead: KnownLead,
        progress: &mut Progress,
    ) -> Option<SendFuture<'a>> {
        let (Some(t), Some(given), Some(e164)) = (self.template, self.given, p.e164.clone()) else {
            return None;
        };
        if let Some(previous) = self.recent.get(&e164) {
            p.message = Some(MessageStatus::Skipped);
            p.details.push(if previous.status.needs_attention() {
                format!(
                    "not sent: an earlier send {} may have reached this number ({}): check the conversation, then run with --yes",
                    crate::time::ago(previous.at, unix_now()),
                    previous.status.label()
                )
            } else {
                format!(
                    "not sent: {} went to this number {} (--yes sends again)",
                    t.name,
                    crate::time::ago(previous.at, unix_now())
                )
            });
            progress.message(MessageStatus::Skipped);
            return None;
        }
        let column = |var: &str| {
            let key = input::normalize_header(var);
            self.header_keys
                .iter()
                .position(|h| *h == key)
                .and_then(|i| p.cells.get(i).cloned())
        };
        let name = Some(p.name.as_str()).filter(|n| !n.is_empty());
        let values = given.complete(t, name, self.names, &column);
        let issues = check_values(t, &values);
        if !issues.is_empty() {
            p.message = Some(MessageStatus::Failed);
            p.details
                .push(format!("not sent: {}", describe_issues(t, &issues)));
            progress.message(MessageStatus::Failed);
            return None;
        }
        let req = SendRequest {
            phone: e164,
            name: name.map(str::to_string),
            lead: LeadPlan::Known(lead),
            template: t.clone(),
            values,
            // Checked above against the journal, read once for the whole run.
            confirmed_repeat: true,
        };
        let (ws, requests, cancel) = (self.ws, self.requests, self.cancel);
        Some(Box::pin(async move {
            let permit = tokio::select! {
                biased;
                _ = cancel.cancelled() => None,
                p = requests.acquire() => p.ok(),
            };
            let Some(_permit) = permit else {
                return (idx, Err(SendError::Cancelled { unknown: false }));
            };
            // In-flight sends finish even on Ctrl-C: a send cut short is a send in doubt.
            let result = quick_send(ws, req, Arc::new(|_| {}), CancellationToken::new()).await;
            (idx, result)
        }))
    }

    /// Records a send's result; returns the refusal that must stop the run.
    async fn record(
        &self,
        p: &mut Plan,
        idx: usize,
        result: Result<SendOutcome, SendError>,
        progress: &mut Progress,
    ) -> Option<String> {
        let phone = p.e164.clone().unwrap_or_default();
        match result {
            Ok(out) => {
                p.message = Some(MessageStatus::Sent);
                p.message_id = Some(out.message.id.clone());
                progress.message(MessageStatus::Sent);
                if let Some(log) = self.log {
                    let step = RowStep::Sent {
                        message_id: out.message.id.clone(),
                        conversation_id: out.message.conversation_id.clone(),
                        link: out.link.clone(),
                    };
                    let _ = log.write(idx, &phone, step).await;
                }
                None
            }
            Err(SendError::Cancelled { unknown: false }) => {
                p.details
                    .push("not sent: the import was stopped first".into());
                None
            }
            Err(e) => {
                p.message = Some(MessageStatus::Failed);
                progress.message(MessageStatus::Failed);
                if e.maybe_sent() {
                    p.details.push(format!(
                        "message outcome unknown ({e}): check the conversation (leadline history) before sending again"
                    ));
                    return None;
                }
                p.details.push(format!("not sent: {e}"));
                if let Some(log) = self.log {
                    let _ = log
                        .write(
                            idx,
                            &phone,
                            RowStep::SendFailed {
                                error: e.to_string(),
                            },
                        )
                        .await;
                }
                match &e {
                    SendError::Message { error, .. } if error.is_configuration() => {
                        Some(error.to_string())
                    }
                    SendError::Lead(crate::workflow::LeadError::Intercom(error))
                        if error.is_configuration() =>
                    {
                        Some(error.to_string())
                    }
                    _ => None,
                }
            }
        }
    }
}

struct FinishArgs<'a> {
    plans: Vec<Plan>,
    end: BulkEnd,
    cancelled: bool,
    args: &'a ImportArgs,
    report_path: &'a Path,
    template: Option<&'a Template>,
    started: Instant,
    requests: u64,
    resumed: usize,
    log_path: Option<PathBuf>,
}

fn finish(f: FinishArgs) -> ExitCode {
    let FinishArgs {
        mut plans,
        end,
        cancelled,
        args,
        report_path,
        template,
        started,
        requests,
        resumed,
        log_path,
    } = f;
    let stopped_why = end
        .refused
        .as_ref()
        .map(|r| format!("Intercom refused: {r}"))
        .or(end.broken.clone())
        .or(cancelled.then(|| "interrupted".to_string()));
    // Rows never reached, and duplicates (which take their first row's lead).
    for i in 0..plans.len() {
        if plans[i].status.is_none() {
            plans[i].status = Some(Status::Failed);
            plans[i].details.insert(
                0,
                format!(
                    "not done: {}; run the same command again to resume",
                    stopped_why.as_deref().unwrap_or("stopped")
                ),
            );
        }
        if let Some(first) = plans[i].first {
            let (id, first_line) = (plans[first].contact_id.clone(), plans[first].line);
            let p = &mut plans[i];
            p.contact_id = id;
            if template.is_some() && !args.dry_run {
                p.message = Some(MessageStatus::Skipped);
                p.details
                    .push(format!("the message goes to line {first_line}'s lead only"));
            }
        }
    }
    let rows: Vec<ReportRow> = plans
        .iter()
        .map(|p| ReportRow {
            line: p.line,
            phone_input: p.phone_input.clone(),
            name: p.name.clone(),
            status: p.status.unwrap_or(Status::Failed),
            e164: p.e164.clone(),
            contact_id: p.contact_id.clone(),
            detail: p.details.join("; "),
            message: p.message,
            message_id: p.message_id.clone(),
        })
        .collect();
    let with_message = template.is_some() && !args.dry_run;
    let report_error = report::write(report_path, &rows, with_message).err();

    let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
    let msgs = |m: MessageStatus| rows.iter().filter(|r| r.message == Some(m)).count();
    let secs = started.elapsed().as_secs_f64();
    let file = args.file.display().to_string();
    if args.json {
        let mut counts = serde_json::Map::new();
        for s in Status::ALL {
            counts.insert(s.as_str().replace('-', "_"), count(s).into());
        }
        let mut obj = serde_json::json!({
            "file": file,
            "rows": rows.len(),
            "report": report_path.display().to_string(),
            "dry_run": args.dry_run,
            "resumed": resumed,
            "requests": requests,
            "seconds": (secs * 100.0).round() / 100.0,
            "stopped": stopped_why,
        });
        if let Some(o) = obj.as_object_mut() {
            o.extend(counts);
            if with_message {
                o.insert(
                    "messages".into(),
                    serde_json::json!({
                        "sent": msgs(MessageStatus::Sent),
                        "skipped": msgs(MessageStatus::Skipped),
                        "failed": msgs(MessageStatus::Failed),
                    }),
                );
            }
        }
        println!("{obj}");
    } else {
        let shown: Vec<String> = Status::ALL
            .iter()
            .filter(|s| **s != Status::WouldCreate || args.dry_run)
            .map(|s| format!("{} {}", count(*s), s.as_str()))
            .collect();
        println!(
            "{file}: {} rows{} · {}",
            rows.len(),
            if args.dry_run {
                " (dry run: nothing created)"
            } else {
                ""
            },
            shown.join(" · ")
        );
        if with_message {
            println!(
                "messages ({}): {} sent · {} skipped · {} failed",
                template
                    .map(|t| format!("{} {}", t.name, t.language))
                    .unwrap_or_default(),
                msgs(MessageStatus::Sent),
                msgs(MessageStatus::Skipped),
                msgs(MessageStatus::Failed)
            );
        }
        if report_error.is_none() {
            println!("report: {}", report_path.display());
        }
        let rate = if secs > 0.0 {
            requests as f64 / secs
        } else {
            0.0
        };
        let mut timing = format!("{secs:.1} s · {requests} Intercom requests ({rate:.0}/s)");
        if resumed > 0 {
            timing.push_str(&format!(" · {resumed} numbers done in an earlier run"));
        }
        println!("{timing}");
    }
    if let Some(e) = report_error {
        return fail(
            exit::USAGE,
            format!("could not write the report {}: {e}", report_path.display()),
        );
    }
    if let Some(why) = &stopped_why {
        let resume = log_path
            .map(|p| format!(" (progress kept in {})", p.display()))
            .unwrap_or_default();
        eprintln!("leadline: stopped: {why}: run the same command again to resume{resume}");
    }
    if end.refused.is_some() {
        return ExitCode::from(exit::REFUSED);
    }
    if end.broken.is_some() {
        return ExitCode::from(exit::USAGE);
    }
    let bad = count(Status::Invalid) + count(Status::Failed) + msgs(MessageStatus::Failed);
    if bad > 0 {
        ExitCode::from(exit::SOME_FAILED)
    } else {
        ExitCode::from(exit::OK)
    }
}
