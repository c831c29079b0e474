//! Leads leadline created, by phone. Intercom's search lags creation by minutes,
//! so a second send to the same number soon after must find the lead here, not
//! create a second one.
//!
//! Only the lag needs bridging: at start the file is read from its end back to
//! [`MEMORY_HORIZON_SECS`], so start-up does not slow down as months of leads
//! and imports pile up; older leads are found by search like any other. The
//! file is only ever appended to (never rewritten), so two leadline processes
//! can share it.

use crate::intercom::{Contact, ContactRef, Role};
use crate::time::unix_now;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How long a created lead is looked up here before search: search lags
/// creation by minutes; a day leaves a wide margin.
pub const MEMORY_HORIZON_SECS: i64 = 24 * 3600;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    pub phone: String,
    /// `None` marks a create whose answer never came: search before creating again.
    pub contact_id: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub name: Option<String>,
    pub at: i64,
    /// The Intercom API the lead lives in, so one data dir can serve several workspaces.
    pub workspace: String,
}

impl Remembered {
    pub fn contact_ref(&self) -> Option<ContactRef> {
        Some(ContactRef {
            role: self.role.unwrap_or(Role::Lead),
            id: self.contact_id.clone()?,
        })
    }
}

#[derive(Debug)]
pub struct LeadMemory {
    path: PathBuf,
    workspace: String,
    map: Mutex<HashMap<String, Remembered>>,
    file: Mutex<Option<File>>,
}

impl LeadMemory {
    /// Loads what was remembered for `workspace` in the last
    /// [`MEMORY_HORIZON_SECS`]; a missing or damaged file is not fatal.
    pub fn load(path: impl Into<PathBuf>, workspace: &str) -> Self {
        let path = path.into();
        let mut map: HashMap<String, Remembered> = HashMap::new();
        let oldest = unix_now() - MEMORY_HORIZON_SECS;
        let read = super::tail::lines_backwards(&path, |line| {
            match serde_json::from_slice::<Remembered>(line) {
                Ok(r) if r.at < oldest => return false,
                // Newest first: the first line seen for a number is its latest.
                Ok(r) if r.workspace == workspace => {
                    map.entry(r.phone.clone()).or_insert(r);
                }
                _ => {}
            }
            true
        });
        if let Err(e) = read {
            tracing::warn!(error = %e, "could not read the lead memory");
        }
        LeadMemory {
            path,
            workspace: workspace.to_string(),
            map: Mutex::new(map),
            file: Mutex::new(None),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self, phone: &str) -> Option<Remembered> {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(phone)
            .cloned()
    }

    pub fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A create is about to be sent for `phone`.
    pub fn pending(&self, phone: &str) -> io::Result<()> {
        self.write(Remembered {
            phone: phone.to_string(),
            contact_id: None,
            role: None,
            name: None,
            at: unix_now(),
            workspace: self.workspace.clone(),
        })
    }

    pub fn remember(&self, phone: &str, contact: &Contact) -> io::Result<()> {
        self.write(Remembered {
            phone: phone.to_string(),
            contact_id: Some(contact.id.clone()),
            role: Some(contact.role),
            name: contact.name.clone(),
            at: unix_now(),
            workspace: self.workspace.clone(),
        })
    }

    /// The remembered lead is gone (deleted or merged in Intercom).
    pub fn forget(&self, phone: &str) -> io::Result<()> {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(phone);
        // A pending line without id is how "nothing known" is written down.
        let mut line = serde_json::to_vec(&serde_json::json!({
            "phone": phone, "contact_id": null, "at": unix_now(), "workspace": self.workspace, "forgotten": true
        }))
        .map_err(io::Error::other)?;
        line.push(b'\n');
        self.append(&line)
    }

    fn write(&self, r: Remembered) -> io::Result<()> {
        let mut line = serde_json::to_vec(&r).map_err(io::Error::other)?;
        line.push(b'\n');
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(r.phone.clone(), r);
        self.append(&line)
    }

    fn append(&self, line: &[u8]) -> io::Result<()> {
        let mut guard = self.file.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            *guard = Some(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&self.path)?,
            );
        }
        let file = guard.as_mut().expect("opened above");
        file.write_all(line)?;
        file.sync_data()
    }
}

/// For bulk imports: many leads written with one flush to disk, so that
/// thousands of creates do not each wait for their own `fsync`.
impl LeadMemory {
    /// Remembers every `(phone, contact)` pair; one write, one flush.
    pub fn remember_many(&self, leads: &[(String, Contact)]) -> io::Result<()> {
        if leads.is_empty() {
            return Ok(());
        }
        let now = unix_now();
        let mut lines = Vec::new();
        let mut records = Vec::with_capacity(leads.len());
        for (phone, contact) in leads {
            let r = Remembered {
                phone: phone.clone(),
                contact_id: Some(contact.id.clone()),
                role: Some(contact.role),
                name: contact.name.clone(),
                at: now,
                workspace: self.workspace.clone(),
            };
            lines.extend(serde_json::to_vec(&r).map_err(io::Error::other)?);
            lines.push(b'\n');
            records.push(r);
        }
        {
            let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
            for r in records {
                map.insert(r.phone.clone(), r);
            }
        }
        self.append(&lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(id: &str) -> Contact {
        serde_json::from_value(serde_json::json!({"id": id, "role": "lead", "name": "Jane"}))
            .unwrap()
    }

    #[test]
    fn survives_a_restart_per_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.jsonl");
        let m = LeadMemory::load(&path, "https://api.intercom.io/");
        m.pending("+447911123456").unwrap();
        assert_eq!(m.get("+447911123456").unwrap().contact_id, None);
        m.remember("+447911123456", &contact("c1")).unwrap();
        m.remember("+34612345678", &contact("c2")).unwrap();
        m.forget("+34612345678").unwrap();
        drop(m);
        let again = LeadMemory::load(&path, "https://api.intercom.io/");
        assert_eq!(
            again.get("+447911123456").unwrap().contact_id.as_deref(),
            Some("c1")
        );
        assert_eq!(again.get("+34612345678").unwrap().contact_id, None);
        let other = LeadMemory::load(&path, "https://api.eu.intercom.io/");
        assert!(other.is_empty());
    }

    #[test]
    fn only_the_last_day_is_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.jsonl");
        let now = unix_now();
        let line = |phone: &str, id: &str, at: i64| {
            format!(
                "{{\"phone\":\"{phone}\",\"contact_id\":\"{id}\",\"at\":{at},\"workspace\":\"w\"}}\n"
            )
        };
        let mut text = String::new();
        for i in 0..20_000 {
            text.push_str(&line(&format!("+3461{i:07}"), "old", now - 3 * 86_400 + i));
        }
        text.push_str(&line("+447911123456", "first", now - 600));
        text.push_str("{\"torn\n");
        text.push_str(&line("+447911123456", "latest", now - 60));
        std::fs::write(&path, text).unwrap();
        let m = LeadMemory::load(&path, "w");
        assert_eq!(m.len(), 1, "three-day-old leads are left to search");
        assert_eq!(
            m.get("+447911123456").unwrap().contact_id.as_deref(),
            Some("latest")
        );
    }

    #[test]
    fn remembers_many_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.jsonl");
        let m = LeadMemory::load(&path, "w");
        m.remember_many(&[
            ("+447911123456".into(), contact("c1")),
            ("+34612345678".into(), contact("c2")),
        ])
        .unwrap();
        m.remember_many(&[]).unwrap();
        assert_eq!(
            m.get("+34612345678").unwrap().contact_id.as_deref(),
            Some("c2")
        );
        drop(m);
        let again = LeadMemory::load(&path, "w");
        assert_eq!(again.len(), 2);
        assert_eq!(
            again.get("+447911123456").unwrap().contact_id.as_deref(),
            Some("c1")
        );
    }
}
