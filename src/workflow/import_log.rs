//! The resume log of one bulk import: a JSON line per step of each row, so that
//! an import stopped for any reason (Ctrl-C, a crash, `kill -9`) and run again
//! picks up where it was, reports the same outcome for rows already done, and
//! never creates a lead twice.
//!
//! A `creating` line is flushed to disk before its create is sent; a row whose
//! last word is `creating` (or `unknown`) may or may not have been created, and
//! is searched for, not created blindly, on the next run.

use super::group_commit::GroupCommit;
use crate::intercom::Role;
use crate::time::unix_now;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const VERSION: u32 = 1;

/// One step of one row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RowStep {
    /// A create is about to be sent.
    Creating,
    Created {
        contact_id: String,
        #[serde(default)]
        role: Role,
    },
    Existing {
        contact_id: String,
        #[serde(default)]
        role: Role,
        /// Other contacts with the same number.
        #[serde(default)]
        others: Vec<String>,
    },
    /// The create's answer never came clearly: the lead may exist.
    Unknown { error: String },
    /// Nothing was created; the next run tries again.
    Failed { error: String },
    Sent {
        message_id: String,
        #[serde(default)]
        conversation_id: Option<String>,
        #[serde(default)]
        link: Option<String>,
    },
    /// Nothing was sent; the next run tries again.
    SendFailed { error: String },
}

#[derive(Debug, Serialize, Deserialize)]
struct Line {
    v: u32,
    at: i64,
    /// The caller's id for the row (its index in the input).
    key: usize,
    phone: String,
    #[serde(flatten)]
    step: RowStep,
}

/// What an earlier run did to a lead.
#[derive(Debug, Clone, PartialEq)]
pub enum LeadDone {
    Created {
        contact_id: String,
        role: Role,
    },
    Existing {
        contact_id: String,
        role: Role,
        others: Vec<String>,
    },
    Failed {
        error: String,
    },
}

/// What an earlier run did to a message.
#[derive(Debug, Clone, PartialEq)]
pub enum SendDone {
    Sent {
        message_id: String,
        conversation_id: Option<String>,
        link: Option<String>,
    },
    Failed {
        error: String,
    },
}

/// A row as the log left it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowRecord {
    pub phone: String,
    pub lead: Option<LeadDone>,
    /// When a create was started whose outcome is unknown (no answer, or the
    /// run died): the lead may exist although search does not show it yet.
    pub interrupted_at: Option<i64>,
    pub send: Option<SendDone>,
}

/// An open resume log.
#[derive(Debug)]
pub struct ImportLog {
    path: PathBuf,
    writer: GroupCommit<(Vec<u8>, bool)>,
}

impl ImportLog {
    /// Opens (creating if needed) the log at `path` and returns what it holds.
    /// Needs a tokio runtime. Damaged lines (a torn last write) are skipped.
    pub fn open(path: &Path) -> io::Result<(ImportLog, HashMap<usize, RowRecord>)> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let rows = read(path)?;
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let file = Mutex::new(file);
        let writer = GroupCommit::new(move |items: Vec<(Vec<u8>, bool)>| {
            let mut f = file.lock().unwrap_or_else(|e| e.into_inner());
            let durable = items.iter().any(|(_, d)| *d);
            let mut buf = Vec::with_capacity(items.iter().map(|(l, _)| l.len()).sum());
            for (line, _) in items {
                buf.extend(line);
            }
            f.write_all(&buf)?;
            if durable { f.sync_data() } else { Ok(()) }
        });
        Ok((
            ImportLog {
                path: path.to_path_buf(),
                writer,
            },
            rows,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one step. `Creating` returns only once it is on disk; the others
    /// are written in order but not waited for on disk.
    pub async fn write(&self, key: usize, phone: &str, step: RowStep) -> Result<(), String> {
        let durable = matches!(step, RowStep::Creating);
        let line = Line {
            v: VERSION,
            at: unix_now(),
            key,
            phone: phone.to_string(),
            step,
        };
        let mut bytes = serde_json::to_vec(&line).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        self.writer.commit((bytes, durable)).await
    }
}

/// The rows of the log at `path` (empty when there is none).
pub fn read(path: &Path) -> io::Result<HashMap<usize, RowRecord>> {
    let mut rows: HashMap<usize, RowRecord> = HashMap::new();
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(rows),
        Err(e) => return Err(e),
    };
    for line in BufReader::new(file).split(b'\n') {
        let line = line?;
        let Ok(l) = serde_json::from_slice::<Line>(&line) else {
            continue;
        };
        let r = rows.entry(l.key).or_default();
        if r.phone != l.phone {
            // The row now holds another number: what was done before is not about it.
            *r = RowRecord {
                phone: l.phone.clone(),
                ..RowRecord::default()
            };
        }
        match l.step {
            RowStep::Creating => {
                r.lead = None;
                r.interrupted_at = Some(l.at);
            }
            RowStep::Created { contact_id, role } => {
                r.lead = Some(LeadDone::Created { contact_id, role });
                r.interrupted_at = None;
            }
            RowStep::Existing {
                contact_id,
                role,
                others,
            } => {
                r.lead = Some(LeadDone::Existing {
                    contact_id,
                    role,
                    others,
                });
                r.interrupted_at = None;
            }
            // Keeps `interrupted_at`: the lead may exist.
            RowStep::Unknown { .. } => r.lead = None,
            RowStep::Failed { error } => {
                r.lead = Some(LeadDone::Failed { error });
                r.interrupted_at = None;
            }
            RowStep::Sent {
                message_id,
                conversation_id,
                link,
            } => {
                r.send = Some(SendDone::Sent {
                    message_id,
                    conversation_id,
                    link,
                })
            }
            RowStep::SendFailed { error } => r.send = Some(SendDone::Failed { error }),
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn folds_rows_and_survives_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("imports/x.jsonl");
        let (log, rows) = ImportLog::open(&path).unwrap();
        assert!(rows.is_empty());
        log.write(0, "+1", RowStep::Creating).await.unwrap();
        log.write(
            0,
            "+1",
            RowStep::Created {
                contact_id: "c0".into(),
                role: Role::Lead,
            },
        )
        .await
        .unwrap();
        log.write(1, "+2", RowStep::Creating).await.unwrap();
        log.write(2, "+3", RowStep::Creating).await.unwrap();
        log.write(
            2,
            "+3",
            RowStep::Unknown {
                error: "timeout".into(),
            },
        )
        .await
        .unwrap();
        log.write(
            0,
            "+1",
            RowStep::Sent {
                message_id: "m".into(),
                conversation_id: None,
                link: None,
            },
        )
        .await
        .unwrap();
        log.write(3, "+4", RowStep::Failed { error: "no".into() })
            .await
            .unwrap();
        drop(log);
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"v\":1,\"at\":1,\"key\":9")
            .unwrap();
        let rows = read(&path).unwrap();
        assert_eq!(rows.len(), 4);
        assert!(matches!(rows[&0].lead, Some(LeadDone::Created { .. })));
        assert!(matches!(rows[&0].send, Some(SendDone::Sent { .. })));
        assert_eq!(rows[&0].interrupted_at, None);
        assert!(rows[&1].lead.is_none() && rows[&1].interrupted_at.is_some());
        assert!(rows[&2].lead.is_none() && rows[&2].interrupted_at.is_some());
        assert!(matches!(rows[&3].lead, Some(LeadDone::Failed { .. })));
    }
}
