//! Find-or-create for many numbers at once, for `leadline import`: one search
//! per 50 numbers, creates run concurrently under one request budget (the
//! Intercom client's rate-limit gate paces them to the workspace's limit), and
//! every create is written to the resume log before it is sent.
//!
//! The rules are those of the quick send ([`super::lookup_lead`],
//! [`super::create_lead`]): the lead memory first (search lags creation), a
//! 409 names the contact to use. Two differ on purpose, because a bulk run can
//! be resumed: a create whose outcome is unknown is searched for once and
//! otherwise left for the next run (never repeated blindly), and memory writes
//! are grouped (one flush for many creates instead of two per create).

use super::group_commit::GroupCommit;
use super::import_log::{ImportLog, RowStep};
use super::lead::KnownLead;
use crate::http::Observer;
use crate::intercom::{Contact, ContactRef, Intercom, IntercomError};
use crate::time::unix_now;
use crate::workspace::Workspace;
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio_util::sync::CancellationToken;

/// How long a create whose outcome is unknown may still be hidden from search.
/// Intercom's search can lag creation by minutes.
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(10 * 60);

/// One number to make sure of.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkItem {
    /// The caller's id for it (a row index); outcomes come back with it.
    pub key: usize,
    pub e164: String,
    pub name: Option<String>,
    /// An earlier run started a create for this number and never learned its
    /// outcome (Unix seconds): it is searched for, not created blindly.
    pub interrupted_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailKind {
    /// The service refused (token, plan): the run stops.
    Refused,
    /// A create may have happened; the next run searches before creating.
    Unknown,
    /// An earlier create may still be hidden by search lag; the next run, later, finishes it.
    HeldBack,
    /// Nothing was created; the next run tries again.
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BulkOutcome {
    /// Created now, or (`recovered`) by an earlier run that was interrupted.
    Created {
        lead: KnownLead,
        recovered: bool,
    },
    /// The number already had a contact; `others` share it too.
    Existing {
        lead: KnownLead,
        others: Vec<String>,
    },
    /// Dry run: no contact has this number; one would be created.
    WouldCreate,
    Failed {
        error: String,
        kind: FailKind,
    },
}

#[derive(Clone)]
pub struct BulkOptions {
    /// The request budget: at most this many Intercom requests in flight. Share
    /// it with other work of the same run (sends) so the total stays bounded.
    pub requests: Arc<Semaphore>,
    /// Search only: nothing is created or written.
    pub dry_run: bool,
    /// See [`DEFAULT_SETTLE`].
    pub settle: Duration,
    /// Told when a request waits (rate limit, retries).
    pub observer: Observer,
}

/// How the run ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BulkEnd {
    /// Set when the service refused and the run stopped early.
    pub refused: Option<String>,
    /// Set when the resume log could not be written and the run stopped early.
    pub broken: Option<String>,
}

struct Ctx<'a> {
    ws: &'a Workspace,
    log: Option<&'a ImportLog>,
    memory: GroupCommit<(String, Contact)>,
    opts: &'a BulkOptions,
    on_done: &'a (dyn Fn(usize, BulkOutcome) + Send + Sync),
    stop: CancellationToken,
    end: Mutex<BulkEnd>,
}

/// Makes sure every item has a lead (or says why not), calling `on_done` once
/// per item that got an outcome. Items left when `cancel` fires (or the
/// service refuses) get no outcome. With `log`, every step is written there.
pub async fn ensure_leads(
    ws: &Workspace,
    items: Vec<BulkItem>,
    log: Option<&ImportLog>,
    opts: &BulkOptions,
    on_done: &(dyn Fn(usize, BulkOutcome) + Send + Sync),
    cancel: &CancellationToken,
) -> BulkEnd {
    let memory = ws.memory.clone();
    let ctx = Ctx {
        ws,
        log: if opts.dry_run { None } else { log },
        memory: GroupCommit::new(move |leads: Vec<(String, Contact)>| memory.remember_many(&leads)),
        opts,
        on_done,
        stop: cancel.child_token(),
        end: Mutex::new(BulkEnd::default()),
    };
    let per_search = Intercom::MAX_NUMBERS_PER_SEARCH;
    let mut batches = Vec::new();
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        batches.push(items.by_ref().take(per_search).collect::<Vec<_>>());
    }
    // Enough searches ahead that creates never wait for one.
    let ahead = 2 + opts.requests.available_permits() / 16;
    futures::stream::iter(batches)
        .map(|b| batch(&ctx, b))
        .buffer_unordered(ahead)
        .collect::<Vec<()>>()
        .await;
    ctx.end.into_inner().unwrap_or_else(|e| e.into_inner())
}

impl Ctx<'_> {
    async fn permit(&self) -> Option<SemaphorePermit<'_>> {
        tokio::select! {
            biased;
            _ = self.stop.cancelled() => None,
            p = self.opts.requests.acquire() => p.ok(),
        }
    }

    fn obs(&self) -> &Observer {
        &self.opts.observer
    }

    fn refuse(&self, e: &IntercomError) {
        let mut end = self.end.lock().unwrap_or_else(|e| e.into_inner());
        end.refused.get_or_insert_with(|| e.to_string());
        self.stop.cancel();
    }

    fn failed(&self, e: &IntercomError) -> BulkOutcome {
        let kind = if e.is_configuration() {
            self.refuse(e);
            FailKind::Refused
        } else {
            FailKind::Error
        };
        BulkOutcome::Failed {
            error: e.to_string(),
            kind,
        }
    }

    /// Records the outcome in the log, then tells the caller.
    async fn done(&self, item: &BulkItem, outcome: BulkOutcome) {
        if let Some(log) = self.log {
            let step = match &outcome {
                BulkOutcome::Created { lead, .. } => Some(RowStep::Created {
                    contact_id: lead.contact.id.clone(),
                    role: lead.contact.role,
                }),
                BulkOutcome::Existing { lead, others } => Some(RowStep::Existing {
                    contact_id: lead.contact.id.clone(),
                    role: lead.contact.role,
                    others: others.clone(),
                }),
                BulkOutcome::Failed {
                    error,
                    kind: FailKind::Unknown,
                } => Some(RowStep::Unknown {
                    error: error.clone(),
                }),
                // Held back: the `creating` line stays the last word.
                BulkOutcome::Failed {
                    kind: FailKind::HeldBack,
                    ..
                } => None,
                BulkOutcome::Failed { error, .. } => Some(RowStep::Failed {
                    error: error.clone(),
                }),
                BulkOutcome::WouldCreate => None,
            };
            if let Some(step) = step
                && let Err(e) = log.write(item.key, &item.e164, step).await
            {
                tracing::warn!(error = %e, "could not write the resume log");
            }
        }
        (self.on_done)(item.key, outcome);
    }

    async fn remember(&self, e164: &str, c: &Contact) {
        if let Err(e) = self.memory.commit((e164.to_string(), c.clone())).await {
            tracing::warn!(error = %e, "could not write the lead memory");
        }
    }
}

async fn batch(ctx: &Ctx<'_>, items: Vec<BulkItem>) {
    let found = {
        let Some(_permit) = ctx.permit().await else {
            return;
        };
        let numbers: Vec<String> = items.iter().map(|i| i.e164.clone()).collect();
        ctx.ws.intercom.search_by_phones(&numbers, ctx.obs()).await
    };
    let (items, found) = match found {
        Ok(f) => (items, f),
        // A workspace that refuses `IN`: one search per number instead.
        Err(IntercomError::Invalid { message, .. }) => {
            tracing::warn!(%message, "search for many numbers refused; searching one by one");
            let mut found = HashMap::new();
            let mut searched = Vec::new();
            for item in items {
                let Some(_permit) = ctx.permit().await else {
                    return;
                };
                match ctx.ws.intercom.search_by_phone(&item.e164, ctx.obs()).await {
                    Ok(list) => {
                        if !list.is_empty() {
                            found.insert(item.e164.clone(), list);
                        }
                        searched.push(item);
                    }
                    Err(e) => {
                        let outcome = ctx.failed(&e);
                        ctx.done(&item, outcome).await;
                    }
                }
            }
            (searched, found)
        }
        Err(e) => {
            let outcome = ctx.failed(&e);
            for item in &items {
                ctx.done(item, outcome.clone()).await;
            }
            return;
        }
    };
    futures::stream::iter(items)
        .for_each_concurrent(None, |item| {
            let list = found.get(&item.e164).filter(|l| !l.is_empty()).cloned();
            async move {
                if ctx.stop.is_cancelled() {
                    return;
                }
                let Some(list) = list else {
                    return not_found(ctx, item).await;
                };
                let lead = KnownLead::from_contact(&list[0], false);
                let outcome = if item.interrupted_at.is_some() {
                    // The interrupted create landed.
                    ctx.remember(&item.e164, &list[0]).await;
                    BulkOutcome::Created {
                        lead,
                        recovered: true,
                    }
                } else {
                    BulkOutcome::Existing {
                        lead,
                        others: list[1..].iter().map(|c| c.id.clone()).collect(),
                    }
                };
                ctx.done(&item, outcome).await;
            }
        })
        .await;
}

/// Search does not show the number: the lead memory, then the create.
async fn not_found(ctx: &Ctx<'_>, item: BulkItem) {
    if let Some(r) = ctx.ws.memory.get(&item.e164)
        && let Some(contact) = r.contact_ref()
    {
        let confirmed = {
            let Some(_permit) = ctx.permit().await else {
                return;
            };
            ctx.ws.intercom.get_contact(&contact.id, ctx.obs()).await
        };
        let lead = match confirmed {
            Ok(c) => Some(KnownLead::from_contact(&c, false)),
            Err(IntercomError::NotFound { .. }) => {
                // Deleted or merged since: forget it and create.
                let _ = ctx.ws.memory.forget(&item.e164);
                None
            }
            Err(e) if e.is_configuration() => {
                let outcome = ctx.failed(&e);
                return ctx.done(&item, outcome).await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not confirm a remembered lead; using it");
                Some(KnownLead {
                    contact,
                    name: r.name.clone(),
                    created_at: Some(r.at),
                    created_now: false,
                })
            }
        };
        if let Some(lead) = lead {
            let outcome = if item.interrupted_at.is_some() {
                BulkOutcome::Created {
                    lead,
                    recovered: true,
                }
            } else {
                BulkOutcome::Existing {
                    lead,
                    others: Vec::new(),
                }
            };
            return ctx.done(&item, outcome).await;
        }
    }
    if let Some(at) = item.interrupted_at {
        let settle = ctx.opts.settle.as_secs() as i64;
        let age = unix_now() - at;
        if age < settle {
            let outcome = BulkOutcome::Failed {
                error: format!(
                    "an earlier run was stopped while creating this lead {}; Intercom's search does not show it yet (new contacts can take minutes to appear): run the import again in {} min to finish this row",
                    crate::time::ago(at, unix_now()),
                    ((settle - age) as u64).div_ceil(60)
                ),
                kind: FailKind::HeldBack,
            };
            return ctx.done(&item, outcome).await;
        }
    }
    if ctx.opts.dry_run {
        return ctx.done(&item, BulkOutcome::WouldCreate).await;
    }
    create(ctx, item).await;
}

async fn create(ctx: &Ctx<'_>, item: BulkItem) {
    let Some(_permit) = ctx.permit().await else {
        return;
    };
    if let Some(log) = ctx.log
        && let Err(e) = log.write(item.key, &item.e164, RowStep::Creating).await
    {
        let error = format!(
            "could not write the resume log {}: {e}",
            log.path().display()
        );
        {
            let mut end = ctx.end.lock().unwrap_or_else(|e| e.into_inner());
            end.broken.get_or_insert_with(|| error.clone());
        }
        ctx.stop.cancel();
        let outcome = BulkOutcome::Failed {
            error,
            kind: FailKind::Error,
        };
        return (ctx.on_done)(item.key, outcome);
    }
    let intercom = &ctx.ws.intercom;
    let outcome = match intercom
        .create_lead(&item.e164, item.name.as_deref(), ctx.obs())
        .await
    {
        Ok(c) => {
            ctx.remember(&item.e164, &c).await;
            BulkOutcome::Created {
                lead: KnownLead::from_contact(&c, true),
                recovered: false,
            }
        }
        Err(IntercomError::Conflict {
            existing_id: Some(id),
            ..
        }) => match intercom.get_contact(&id, ctx.obs()).await {
            Ok(c) => {
                ctx.remember(&item.e164, &c).await;
                BulkOutcome::Existing {
                    lead: KnownLead::from_contact(&c, false),
                    others: Vec::new(),
                }
            }
            Err(e) => ctx.failed(&e),
        },
        Err(e) if e.outcome_unknown() => {
            tracing::warn!(error = %e, "create outcome unknown; searching once");
            match intercom.search_by_phone(&item.e164, ctx.obs()).await {
                Ok(found) if !found.is_empty() => {
                    ctx.remember(&item.e164, &found[0]).await;
                    BulkOutcome::Created {
                        lead: KnownLead::from_contact(&found[0], true),
                        recovered: true,
                    }
                }
                _ => BulkOutcome::Failed {
                    error: format!(
                        "{e}; the lead may have been created: the next run searches for it before creating"
                    ),
                    kind: FailKind::Unknown,
                },
            }
        }
        Err(e) => ctx.failed(&e),
    };
    ctx.done(&item, outcome).await;
}

/// A contact reference for a lead known only by id (from a resume log).
pub fn known_lead(id: &str, role: crate::intercom::Role) -> KnownLead {
    KnownLead {
        contact: ContactRef {
            role,
            id: id.to_string(),
        },
        name: None,
        created_at: None,
        created_now: false,
    }
}
