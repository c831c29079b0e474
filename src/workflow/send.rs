//! The quick send as a sequence of explicit steps: guard, journal, lead, message,
//! journal. Each step reports its progress; nothing is sent twice.

use super::journal::{Event, SendRecord, new_send_id};
use super::lead::{KnownLead, LeadError, Lookup, create_lead, lookup_lead};
use crate::http::{HttpEvent, Observer, WaitReason};
use crate::intercom::{Contact, Intercom, IntercomError, MessageSent, WhatsAppMessage};
use crate::template::{RuleIssue, Template, Values, check_values, send_components};
use crate::time::unix_now;
use crate::workspace::Workspace;
use std::sync::Arc;
use std::time::Instant;
use tokio_util::sync::CancellationToken;

/// The same template to the same number within this window asks for confirmation.
pub const REPEAT_WINDOW_SECS: i64 = 24 * 3600;

/// What the caller already knows about the lead.
#[derive(Debug, Clone, PartialEq)]
pub enum LeadPlan {
    /// Found while the agent typed (or picked among several): no request needed.
    Known(KnownLead),
    /// The lookup while typing found nobody: create without searching again.
    Create,
    /// Nothing known yet: look up, then create if needed.
    LookUp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SendRequest {
    pub phone: String,
    pub name: Option<String>,
    pub lead: LeadPlan,
    pub template: Template,
    pub values: Values,
    /// The agent confirmed a repeat of a recent send.
    pub confirmed_repeat: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Lead,
    Message,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// The intent is on disk; `send_id` names this send in the journal.
    Journaled {
        send_id: String,
    },
    Started {
        step: Step,
        detail: String,
    },
    Done {
        step: Step,
        detail: String,
    },
    Waiting {
        step: Step,
        until: Instant,
        reason: WaitReason,
    },
}

pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

#[derive(Debug, Clone, PartialEq)]
pub struct SendOutcome {
    pub send_id: String,
    pub lead: KnownLead,
    pub lead_created: bool,
    pub message: MessageSent,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    #[error("the message breaks WhatsApp's rules: {}", .0.iter().map(|i| i.message.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<RuleIssue>),
    #[error("{} was already sent to this number {}: confirm to send again", .0.template, crate::time::ago(.0.at, unix_now()))]
    Repeat(Box<SendRecord>),
    #[error("{} contacts have this number: pick one", .0.len())]
    Several(Vec<Contact>),
    #[error("could not find or create the lead: {0}")]
    Lead(LeadError),
    #[error("{}", message_sentence(.error, *.unknown))]
    Message {
        error: IntercomError,
        /// The message may have been sent: the journal says "outcome unknown".
        unknown: bool,
    },
    #[error("could not write the journal ({0}); nothing was sent")]
    Journal(String),
    #[error("cancelled{}", if *.unknown { " while sending: the message may have been sent; check the conversation" } else { "; nothing was sent" })]
    Cancelled { unknown: bool },
}

/// An unknown outcome must never read as "try again": a second try could
/// reach the customer twice.
fn message_sentence(error: &IntercomError, unknown: bool) -> String {
    if unknown {
        format!(
            "the message may have been sent ({}); leadline will not send it again on its own",
            error.cause()
        )
    } else {
        error.to_string()
    }
}

/// A contact this young may still get 404 from `POST /messages` (Intercom
/// needs a moment before a new contact can be messaged).
pub const YOUNG_CONTACT_SECS: i64 = 300;

impl SendError {
    /// Was anything possibly delivered to the customer?
    pub fn maybe_sent(&self) -> bool {
        matches!(
            self,
            SendError::Message { unknown: true, .. } | SendError::Cancelled { unknown: true }
        )
    }
}

fn observer(progress: &ProgressFn, step: Step) -> Observer {
    let progress = progress.clone();
    Arc::new(move |e: HttpEvent| match e {
        HttpEvent::Waiting { until, reason } => progress(Progress::Waiting {
            step,
            until,
            reason,
        }),
    })
}

/// Runs one quick send to the end, or to the first error, writing every step
/// to the journal. Cancelling it through `cancel` records what is known.
pub async fn quick_send(
    ws: &Workspace,
    req: SendRequest,
    progress: ProgressFn,
    cancel: CancellationToken,
) -> Result<SendOutcome, SendError> {
    let issues = check_values(&req.template, &req.values);
    if !issues.is_empty() {
        return Err(SendError::Invalid(issues));
    }
    if !req.confirmed_repeat
        && let Ok(Some(previous)) = ws.journal.recent_send(
            &req.phone,
            &req.template.name,
            &req.template.language,
            unix_now() - REPEAT_WINDOW_SECS,
        )
    {
        return Err(SendError::Repeat(Box::new(previous)));
    }
    let lead_obs = observer(&progress, Step::Lead);
    // Who sends is normally known from start-up; this is a no-op then.
    let sender = tokio::select! {
        s = ws.sender(&lead_obs) => s.map_err(|e| SendError::Lead(e.into()))?,
        _ = cancel.cancelled() => return Err(SendError::Cancelled { unknown: false }),
    };
    let components = send_components(&req.template, &req.values);
    let send_id = new_send_id();
    let intent = Event::Intent {
        phone: req.phone.clone(),
        name: req.name.clone(),
        template: req.template.name.clone(),
        language: req.template.language.clone(),
        components: serde_json::Value::Array(components.clone()),
    };
    // A lead known before the send goes in with the intent: one flush, not two.
    let known_lead = match &req.lead {
        LeadPlan::Known(k) => Some(lead_event(k, false)),
        _ => None,
    };
    let lead_journaled = known_lead.is_some();
    ws.journal
        .append_all(&send_id, std::iter::once(intent).chain(known_lead))
        .map_err(|e| SendError::Journal(e.to_string()))?;
    progress(Progress::Journaled {
        send_id: send_id.clone(),
    });
    let fail = |error: String| {
        if let Err(e) = ws.journal.append(&send_id, Event::Failed { error }) {
            tracing::error!(error = %e, "could not write the journal");
        }
    };

    // Step 1: the lead.
    let lead_step = async {
        match req.lead.clone() {
            LeadPlan::Known(k) => Ok((k, false)),
            plan => {
                let lookup = match plan {
                    LeadPlan::Create => Lookup::New,
                    _ => {
                        progress(Progress::Started {
                            step: Step::Lead,
                            detail: format!("looking up {}", req.phone),
                        });
                        lookup_lead(ws, &req.phone, &lead_obs)
                            .await
                            .map_err(|e| SendError::Lead(e.into()))?
                    }
                };
                match lookup {
                    Lookup::Existing(k) => Ok((k, false)),
                    Lookup::Several(list) => Err(SendError::Several(list)),
                    Lookup::New => {
                        progress(Progress::Started {
                            step: Step::Lead,
                            detail: "creating a phone-only lead".into(),
                        });
                        let c = create_lead(ws, &req.phone, req.name.as_deref(), &lead_obs)
                            .await
                            .map_err(SendError::Lead)?;
                        Ok((KnownLead::from_contact(&c, true), true))
                    }
                }
            }
        }
    };
    let (lead, created) = tokio::select! {
        r = lead_step => match r {
            Ok(l) => l,
            Err(e) => {
                fail(e.to_string());
                return Err(e);
            }
        },
        _ = cancel.cancelled() => {
            fail("cancelled by the agent before sending".into());
            return Err(SendError::Cancelled { unknown: false });
        }
    };
    if !lead_journaled {
        let _ = ws.journal.append(&send_id, lead_event(&lead, created));
    }
    progress(Progress::Done {
        step: Step::Lead,
        detail: if created {
            format!("created lead {}", lead.contact.id)
        } else {
            format!(
                "existing {} {}",
                lead.contact.role.as_str(),
                lead.name.as_deref().unwrap_or(&lead.contact.id)
            )
        },
    });

    // Step 2: the message.
    progress(Progress::Started {
        step: Step::Message,
        detail: format!("sending {}", req.template.name),
    });
    let msg = WhatsAppMessage {
        admin_id: sender.admin_id.clone(),
        to: lead.contact.clone(),
        template: req.template.name.clone(),
        locale: req.template.language.clone(),
        components,
    };
    let send_obs = observer(&progress, Step::Message);
    let result = tokio::select! {
        r = send_with_new_contact_retry(&ws.intercom, &msg, lead.is_young(unix_now()), &send_obs) => r,
        _ = cancel.cancelled() => {
            let _ = ws.journal.append(&send_id, Event::Unknown {
                error: "cancelled by the agent while the message was being sent".into(),
            });
            return Err(SendError::Cancelled { unknown: true });
        }
    };
    match result {
        Ok(message) => {
            let link = match (&sender.app_id_code, &message.conversation_id) {
                (Some(app), Some(conv)) => Some(Intercom::inbox_link(app, conv)),
                _ => None,
            };
            let _ = ws.journal.append(
                &send_id,
                Event::Sent {
                    message_id: message.id.clone(),
                    conversation_id: message.conversation_id.clone(),
                    link: link.clone(),
                },
            );
            progress(Progress::Done {
                step: Step::Message,
                detail: format!("sent · message {}", message.id),
            });
            Ok(SendOutcome {
                send_id,
                lead,
                lead_created: created,
                message,
                link,
            })
        }
        Err(error) => {
            let unknown = error.outcome_unknown();
            let event = if unknown {
                Event::Unknown {
                    error: error.cause(),
                }
            } else {
                Event::Failed {
                    error: error.to_string(),
                }
            };
            let _ = ws.journal.append(&send_id, event);
            Err(SendError::Message { error, unknown })
        }
    }
}

fn lead_event(lead: &KnownLead, created: bool) -> Event {
    Event::Lead {
        contact_id: lead.contact.id.clone(),
        role: lead.contact.role.as_str().into(),
        created,
    }
}

/// A contact created moments ago can get 404 from `POST /messages` for a while:
/// wait and try again, a bounded number of times. A 404 is a refusal, so the
/// retry cannot send twice.
async fn send_with_new_contact_retry(
    intercom: &Intercom,
    msg: &WhatsAppMessage,
    young: bool,
    obs: &Observer,
) -> Result<MessageSent, IntercomError> {
    let policy = intercom.transport().policy().clone();
    let mut attempt = 1;
    loop {
        match intercom.send_whatsapp(msg, obs).await {
            Err(IntercomError::NotFound { .. })
                if young && attempt < policy.new_contact_attempts =>
            {
                let wait = policy.new_contact_delay * attempt;
                obs(HttpEvent::Waiting {
                    until: Instant::now() + wait,
                    reason: WaitReason::NewContact { attempt },
                });
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}
