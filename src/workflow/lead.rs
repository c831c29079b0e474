//! Finding the lead for a phone number, or creating a phone-only one, exactly once.

use crate::http::Observer;
use crate::intercom::{Contact, ContactRef, IntercomError};
use crate::workspace::Workspace;

/// A contact that messages can go to.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownLead {
    pub contact: ContactRef,
    pub name: Option<String>,
    pub created_at: Option<i64>,
    /// Created by this send (so a 404 on the message means "not ready yet").
    pub created_now: bool,
}

impl KnownLead {
    pub fn from_contact(c: &Contact, created_now: bool) -> Self {
        KnownLead {
            contact: c.as_ref(),
            name: c.name.clone(),
            created_at: c.created_at,
            created_now,
        }
    }
}

impl KnownLead {
    /// Created by this send, or so recently that Intercom may not let it be
    /// messaged yet (see [`super::send::YOUNG_CONTACT_SECS`]).
    pub fn is_young(&self, now: i64) -> bool {
        self.created_now
            || self
                .created_at
                .is_some_and(|t| now.saturating_sub(t) < super::send::YOUNG_CONTACT_SECS)
    }
}

/// What the workspace knows of a phone number.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Existing(KnownLead),
    /// Several contacts share the number: the agent picks (most recently updated first).
    Several(Vec<Contact>),
    /// No contact: a new lead will be created.
    New,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LeadError {
    #[error("{0}")]
    Intercom(#[from] IntercomError),
    #[error("could not write the lead memory: {0}")]
    Memory(String),
}

impl LeadError {
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, LeadError::Intercom(e) if e.outcome_unknown())
    }
}

/// Looks the number up: first the leads leadline created (search lags), then
/// Intercom's search on `phone` OR `formatted_phone`.
pub async fn lookup_lead(
    ws: &Workspace,
    e164: &str,
    obs: &Observer,
) -> Result<Lookup, IntercomError> {
    if let Some(r) = ws.memory.get(e164)
        && let Some(contact) = r.contact_ref()
    {
        match ws.intercom.get_contact(&contact.id, obs).await {
            Ok(c) => return Ok(Lookup::Existing(KnownLead::from_contact(&c, false))),
            Err(IntercomError::NotFound { .. }) => {
                // Deleted or merged in Intercom since: forget it and search.
                let _ = ws.memory.forget(e164);
            }
            Err(e) if e.is_configuration() => return Err(e),
            Err(e) => {
                // Intercom is having trouble; the remembered id is still the best answer.
                tracing::warn!(error = %e, "could not confirm a remembered lead; using it");
                return Ok(Lookup::Existing(KnownLead {
                    contact,
                    name: r.name.clone(),
                    created_at: Some(r.at),
                    created_now: false,
                }));
            }
        }
    }
    let found = ws.intercom.search_by_phone(e164, obs).await?;
    Ok(match found.len() {
        0 => Lookup::New,
        1 => Lookup::Existing(KnownLead::from_contact(&found[0], false)),
        _ => Lookup::Several(found),
    })
}

/// Creates a phone-only lead. A create is never repeated blindly: when its
/// outcome is unknown, the number is searched again first; a 409 names the
/// existing contact, which is used.
pub async fn create_lead(
    ws: &Workspace,
    e164: &str,
    name: Option<&str>,
    obs: &Observer,
) -> Result<Contact, LeadError> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        ws.memory
            .pending(e164)
            .map_err(|e| LeadError::Memory(e.to_string()))?;
        match ws.intercom.create_lead(e164, name, obs).await {
            Ok(c) => {
                ws.memory
                    .remember(e164, &c)
                    .map_err(|e| LeadError::Memory(e.to_string()))?;
                return Ok(c);
            }
            Err(IntercomError::Conflict {
                existing_id: Some(id),
                ..
            }) => {
                let c = ws.intercom.get_contact(&id, obs).await?;
                ws.memory
                    .remember(e164, &c)
                    .map_err(|e| LeadError::Memory(e.to_string()))?;
                return Ok(c);
            }
            Err(e) if e.outcome_unknown() && attempts < 2 => {
                tracing::warn!(error = %e, "create outcome unknown; searching before creating again");
                let found = ws.intercom.search_by_phone(e164, obs).await?;
                // The one this create made, if it went through, is the newest.
                if let Some(c) = found.into_iter().max_by_key(|c| c.created_at) {
                    ws.memory
                        .remember(e164, &c)
                        .map_err(|e| LeadError::Memory(e.to_string()))?;
                    return Ok(c);
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
}
