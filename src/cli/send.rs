//! `leadline send`: the quick send of the TUI as one command — find or create
//! the phone-only lead, send an approved template — with the same rules,
//! journal and 24-hour duplicate guard.

use super::common::{
    VarArgs, describe_issues, find_template, intercom_exit, load_templates, stderr_is_terminal,
    warn,
};
use super::{exit, fail, open_workspace};
use crate::http::{HttpEvent, Observer, WaitReason};
use crate::intercom::Contact;
use crate::phone::{self, Region, Verdict};
use crate::template::{Category, check_values};
use crate::text::one_line;
use crate::time::{ago, unix_now};
use crate::workflow::{
    KnownLead, LeadError, LeadPlan, Lookup, Progress, REPEAT_WINDOW_SECS, SendError, SendOutcome,
    SendRequest, lookup_lead, quick_send,
};
use serde_json::{Value, json};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use tokio_util::sync::CancellationToken;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  leadline send --phone '+44 7911 123456' --name 'Jane Doe' \\
      --template appointment_reminder --language en_US --var Jane --var '12 March' --var 10:30
  leadline send --phone 07911123456 --region GB --template welcome_lead --language en \\
      --name 'Jane Doe' --var referrer=Sam --json
  leadline send --phone +4915123456789 --contact 6762f0e51bb69f9f2193bb97 --template callback_request --var Jonas

Variables whose names are listed under [variables] in the config (first_name,
full_name, ...) are filled from --name unless given.

Exit codes: 0 sent; 1 not sent (invalid number, several contacts share it,
sent in the last 24 hours without --yes, network trouble); 2 usage or
configuration error (unknown template, missing variable); 3 Intercom or
WhatsApp refused (token, plan, rejected message).")]
pub struct SendArgs {
    /// The lead's phone number, international (+44…) or national with --region.
    #[arg(long, value_name = "PHONE")]
    pub phone: String,
    /// The lead's name, for a new lead and for name variables.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The approved template's name (`leadline templates`).
    #[arg(long, value_name = "NAME")]
    pub template: String,
    /// The template's language, when it has several (en_US, es, pt_BR, ...).
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
    #[command(flatten)]
    pub vars: VarArgs,
    /// Send to this contact when several share the number.
    #[arg(long, value_name = "ID")]
    pub contact: Option<String>,
    /// Region for numbers without a country code (default: the config's default_region).
    #[arg(long, value_name = "XX")]
    pub region: Option<String>,
    /// Send even if this template went to this number in the last 24 hours.
    #[arg(long)]
    pub yes: bool,
    /// Print one JSON object (also on failure) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// A failure: words on stderr, and with --json an object on stdout.
struct Failure {
    code: u8,
    reason: &'static str,
    message: String,
    extra: Value,
}

impl Failure {
    fn new(code: u8, reason: &'static str, message: impl Into<String>) -> Self {
        Failure {
            code,
            reason,
            message: message.into(),
            extra: Value::Null,
        }
    }
}

pub async fn run(args: SendArgs, config: Option<&Path>) -> ExitCode {
    let json_out = args.json;
    match send(args, config).await {
        Ok(out) => {
            println!("{out}");
            ExitCode::from(exit::OK)
        }
        Err(Err(code)) => code,
        Err(Ok(f)) => {
            if json_out {
                let mut obj = json!({"ok": false, "reason": f.reason, "error": f.message});
                if let (Some(o), Value::Object(extra)) = (obj.as_object_mut(), f.extra) {
                    o.extend(extra);
                }
                println!("{obj}");
            }
            fail(f.code, f.message)
        }
    }
}

/// The region from --region, else the config's.
pub fn region_arg(flag: Option<&str>, default: Option<Region>) -> Result<Option<Region>, String> {
    match flag {
        Some(r) => r
            .parse::<Region>()
            .map(Some)
            .map_err(|e| format!("--region: {e}")),
        None => Ok(default),
    }
}

/// Words for a number that cannot be used.
pub fn verdict_problem(verdict: &Verdict, input: &str, region: Option<Region>) -> Option<String> {
    let hint = || {
        let international =
            input.trim_start().starts_with('+') || input.trim_start().starts_with("00");
        if region.is_none() && !international {
            " (no default region: write it as +<country code>…, or pass --region)"
        } else {
            ""
        }
    };
    match verdict {
        Verdict::Valid(_) => None,
        Verdict::Empty => Some("no phone number".into()),
        Verdict::Incomplete { reason } => Some(format!("incomplete number: {reason}{}", hint())),
        Verdict::Invalid { reason } => Some(format!("{reason}{}", hint())),
    }
}

async fn send(args: SendArgs, config: Option<&Path>) -> Result<String, Result<Failure, ExitCode>> {
    let opened = open_workspace(config).map_err(Err)?;
    let ws = &opened.workspace;
    let region = region_arg(args.region.as_deref(), opened.settings.default_region)
        .map_err(|e| Ok(Failure::new(exit::USAGE, "usage", e)))?;
    let verdict = phone::check(&args.phone, region);
    if let Some(problem) = verdict_problem(&verdict, &args.phone, region) {
        return Err(Ok(Failure::new(
            exit::SOME_FAILED,
            "invalid_number",
            format!("{:?}: {problem}", one_line(&args.phone, 40)),
        )));
    }
    let Verdict::Valid(number) = verdict else {
        unreachable!("checked above");
    };
    if let Some(w) = number.whatsapp_warning() {
        warn(format!("{}: {w}", number.international));
    }
    let e164 = number.e164.clone();
    let name = args
        .name
        .as_deref()
        .map(|n| one_line(n, 200))
        .filter(|n| !n.is_empty());
    let obs = wait_printer(!args.json && stderr_is_terminal());

    let templates = load_templates(&ws.templates, &obs).await.map_err(Err)?;
    let template = find_template(&templates, &args.template, args.language.as_deref())
        .map_err(|e| Ok(Failure::new(exit::USAGE, "template", e)))?;
    if template.category == Category::Marketing && e164.starts_with("+1") {
        warn(
            "Meta blocks MARKETING templates to US (+1) numbers: this message will likely not be delivered",
        );
    }
    let names = &opened.settings.variables;
    let given = args
        .vars
        .resolve(&template, names, name.is_some())
        .map_err(|e| Ok(Failure::new(exit::USAGE, "variables", e)))?;
    let values = given.complete(&template, name.as_deref(), names, &|_| None);
    let issues = check_values(&template, &values);
    if !issues.is_empty() {
        return Err(Ok(Failure::new(
            exit::USAGE,
            "variables",
            format!(
                "cannot send {}: {}",
                template.name,
                describe_issues(&template, &issues)
            ),
        )));
    }

    // The duplicate guard first: no request when the answer is "not again".
    if !args.yes
        && let Ok(Some(previous)) = ws.journal.recent_send(
            &e164,
            &template.name,
            &template.language,
            unix_now() - REPEAT_WINDOW_SECS,
        )
    {
        return Err(Ok(repeat_failure(&previous)));
    }

    let lookup = lookup_lead(ws, &e164, &obs).await.map_err(|e| {
        Ok(Failure::new(
            intercom_exit(&e),
            "lead",
            format!("could not look up {e164}: {e}"),
        ))
    })?;
    let lead = match (lookup, args.contact.as_deref()) {
        (Lookup::Existing(k), None) => LeadPlan::Known(k),
        (Lookup::Existing(k), Some(id)) if k.contact.id == id => LeadPlan::Known(k),
        (Lookup::Existing(k), Some(id)) => {
            return Err(Ok(Failure::new(
                exit::SOME_FAILED,
                "contact",
                format!(
                    "{e164} belongs to contact {}, not {id}: leave out --contact",
                    k.contact.id
                ),
            )));
        }
        (Lookup::Several(list), Some(id)) => match list.iter().find(|c| c.id == id) {
            Some(c) => LeadPlan::Known(KnownLead::from_contact(c, false)),
            None => return Err(Ok(several_failure(&e164, &list, Some(id)))),
        },
        (Lookup::Several(list), None) => return Err(Ok(several_failure(&e164, &list, None))),
        (Lookup::New, Some(id)) => {
            return Err(Ok(Failure::new(
                exit::SOME_FAILED,
                "contact",
                format!(
                    "no contact has {e164} (so not {id}): leave out --contact to create a lead"
                ),
            )));
        }
        (Lookup::New, None) => LeadPlan::Create,
    };

    let req = SendRequest {
        phone: e164.clone(),
        name: name.clone(),
        lead,
        template: template.clone(),
        values,
        confirmed_repeat: args.yes,
    };
    let cancel = CancellationToken::new();
    let on_ctrl_c = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        })
    };
    let progress = step_printer(!args.json && stderr_is_terminal());
    let result = quick_send(ws, req, progress, cancel).await;
    on_ctrl_c.abort();
    match result {
        Ok(out) => Ok(if args.json {
            success_json(
                &out,
                &e164,
                name.as_deref(),
                &template.name,
                &template.language,
            )
            .to_string()
        } else {
            success_text(
                &out,
                &number.international,
                name.as_deref(),
                &template.name,
                &template.language,
            )
        }),
        Err(e) => Err(Ok(send_failure(e))),
    }
}

fn repeat_failure(previous: &crate::workflow::SendRecord) -> Failure {
    let when = ago(previous.at, unix_now());
    let message = if previous.status.needs_attention() {
        format!(
            "{} to {} {when} may have been sent ({}): check the conversation, then pass --yes to send again",
            previous.template,
            previous.phone,
            previous.status.label()
        )
    } else {
        format!(
            "{} was already sent to {} {when}: pass --yes to send it again",
            previous.template, previous.phone
        )
    };
    let mut f = Failure::new(exit::SOME_FAILED, "repeat", message);
    f.extra = json!({"previous": previous});
    f
}

fn several_failure(e164: &str, list: &[Contact], asked: Option<&str>) -> Failure {
    let now = unix_now();
    let mut message = match asked {
        Some(id) => format!(
            "{id} is not one of the {} contacts with {e164}; pick one with --contact ID:",
            list.len()
        ),
        None => format!(
            "{} contacts have {e164}: pick one with --contact ID:",
            list.len()
        ),
    };
    for c in list {
        let when = c
            .updated_at
            .or(c.created_at)
            .map(|t| format!("updated {}", ago(t, now)))
            .unwrap_or_default();
        message.push_str(&format!(
            "\n  {}  {:<4}  {:<24}  {}  {when}",
            c.id,
            c.role.as_str(),
            one_line(c.name.as_deref().unwrap_or("(no name)"), 24),
            one_line(c.phone.as_deref().unwrap_or(""), 20),
        ));
    }
    let contacts: Vec<Value> = list
        .iter()
        .map(|c| json!({"id": c.id, "role": c.role.as_str(), "name": c.name, "phone": c.phone, "updated_at": c.updated_at}))
        .collect();
    let mut f = Failure::new(exit::SOME_FAILED, "several_contacts", message);
    f.extra = json!({"contacts": contacts});
    f
}

fn send_failure(e: SendError) -> Failure {
    let message = e.to_string();
    match e {
        SendError::Invalid(_) => Failure::new(exit::USAGE, "variables", message),
        SendError::Repeat(previous) => repeat_failure(&previous),
        SendError::Several(list) => several_failure(
            list.first()
                .and_then(|c| c.phone.as_deref())
                .unwrap_or("this number"),
            &list,
            None,
        ),
        SendError::Lead(LeadError::Intercom(ie)) => {
            Failure::new(intercom_exit(&ie), "lead", message)
        }
        SendError::Lead(LeadError::Memory(_)) => Failure::new(exit::SOME_FAILED, "lead", message),
        SendError::Message { error, unknown } => {
            let mut f = Failure::new(
                if unknown {
                    exit::SOME_FAILED
                } else {
                    intercom_exit(&error)
                },
                if unknown {
                    "outcome_unknown"
                } else {
                    "message"
                },
                if unknown {
                    format!(
                        "{message}: the message may have been sent; check the conversation before sending again (leadline history)"
                    )
                } else {
                    message
                },
            );
            f.extra = json!({"maybe_sent": unknown});
            f
        }
        SendError::Journal(_) => Failure::new(exit::SOME_FAILED, "journal", message),
        SendError::Cancelled { unknown } => {
            let mut f = Failure::new(exit::SOME_FAILED, "cancelled", message);
            f.extra = json!({"maybe_sent": unknown});
            f
        }
    }
}

fn success_text(
    out: &SendOutcome,
    international: &str,
    name: Option<&str>,
    template: &str,
    language: &str,
) -> String {
    let who = match out.lead.name.as_deref().or(name) {
        Some(n) => format!("{international} · {}", one_line(n, 60)),
        None => international.to_string(),
    };
    let lead = if out.lead_created {
        "lead created"
    } else {
        "lead found  "
    };
    let mut s = format!(
        "✓ {lead}  {} {} ({who})\n✓ sent          {template} ({language}), message {}",
        out.lead.contact.role.as_str(),
        out.lead.contact.id,
        out.message.id
    );
    match (&out.link, &out.message.conversation_id) {
        (Some(link), _) => s.push_str(&format!("\n  inbox: {link}")),
        (None, Some(c)) => s.push_str(&format!("\n  conversation {c}")),
        (None, None) => {
            s.push_str("\n  the conversation appears in the inbox when the lead replies")
        }
    }
    s
}

fn success_json(
    out: &SendOutcome,
    e164: &str,
    name: Option<&str>,
    template: &str,
    language: &str,
) -> Value {
    json!({
        "ok": true,
        "send_id": out.send_id,
        "phone": e164,
        "template": template,
        "language": language,
        "lead": {
            "id": out.lead.contact.id,
            "role": out.lead.contact.role.as_str(),
            "name": out.lead.name.as_deref().or(name),
            "created": out.lead_created,
        },
        "message": {
            "id": out.message.id,
            "conversation_id": out.message.conversation_id,
        },
        "link": out.link,
    })
}

/// Tells the agent on a terminal why nothing seems to happen.
pub fn wait_printer(on: bool) -> Observer {
    Arc::new(move |e: HttpEvent| {
        if !on {
            return;
        }
        let HttpEvent::Waiting { until, reason } = e;
        eprintln!("leadline: {}", wait_words(until, &reason));
    })
}

pub fn wait_words(until: Instant, reason: &WaitReason) -> String {
    let secs = until
        .saturating_duration_since(Instant::now())
        .as_secs_f64();
    match reason {
        WaitReason::RateLimited => format!("waiting {secs:.0} s for Intercom's rate limit"),
        WaitReason::Retry { attempt, cause } => {
            format!("{cause}; retrying in {secs:.1} s (attempt {})", attempt + 1)
        }
        WaitReason::NewContact { .. } => {
            format!("the new lead is not ready for messages yet; retrying in {secs:.0} s")
        }
    }
}

fn step_printer(on: bool) -> crate::workflow::ProgressFn {
    Arc::new(move |p: Progress| {
        if !on {
            return;
        }
        match p {
            Progress::Started { detail, .. } => eprintln!("… {detail}"),
            Progress::Waiting { until, reason, .. } => {
                eprintln!("… {}", wait_words(until, &reason))
            }
            Progress::Journaled { .. } | Progress::Done { .. } => {}
        }
    })
}
