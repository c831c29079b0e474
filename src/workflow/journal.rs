//! The journal of sends: JSON lines appended and flushed to disk before and
//! after every request, so that nothing is sent twice or lost, even when the
//! app or the machine dies in between.

use crate::time::unix_now;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fs::OpenOptions;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

const VERSION: u32 = 1;

/// How much further back than asked [`Journal::entries_since`] reads.
pub const TAIL_SLACK_SECS: i64 = 3600;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// Written before anything is sent.
    Intent {
        phone: String,
        #[serde(default)]
        name: Option<String>,
        template: String,
        language: String,
        #[serde(default)]
        components: Value,
    },
    /// The lead the message goes to.
    Lead {
        contact_id: String,
        role: String,
        created: bool,
    },
    Sent {
        message_id: String,
        #[serde(default)]
        conversation_id: Option<String>,
        #[serde(default)]
        link: Option<String>,
    },
    /// Nothing was sent.
    Failed { error: String },
    /// The message may or may not have been sent; an agent must check.
    Unknown { error: String },
    /// An agent checked an unknown send and said what happened.
    Resolved { note: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub v: u32,
    /// Unix seconds.
    pub at: i64,
    pub send_id: String,
    #[serde(flatten)]
    pub event: Event,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SendStatus {
    /// An intent without a result: still running, or the app died mid-send.
    Interrupted,
    Sent,
    Failed,
    Unknown,
    Resolved,
}

impl SendStatus {
    /// Could a message have reached the customer?
    pub fn maybe_delivered(self) -> bool {
        !matches!(self, SendStatus::Failed)
    }

    pub fn needs_attention(self) -> bool {
        matches!(self, SendStatus::Interrupted | SendStatus::Unknown)
    }

    pub fn label(self) -> &'static str {
        match self {
            SendStatus::Interrupted => "interrupted",
            SendStatus::Sent => "sent",
            SendStatus::Failed => "failed",
            SendStatus::Unknown => "outcome unknown",
            SendStatus::Resolved => "checked",
        }
    }
}

/// One send, folded from its journal lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SendRecord {
    pub send_id: String,
    pub at: i64,
    pub phone: String,
    pub name: Option<String>,
    pub template: String,
    pub language: String,
    pub contact_id: Option<String>,
    pub lead_created: bool,
    pub status: SendStatus,
    pub message_id: Option<String>,
    pub conversation_id: Option<String>,
    pub link: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
}

/// A fresh id for a send: time plus randomness, sortable by time.
pub fn new_send_id() -> String {
    use std::hash::{BuildHasher, RandomState};
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let r = RandomState::new().hash_one(std::time::Instant::now()) as u32;
    format!("{ms:x}-{r:08x}")
}

impl Journal {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Journal { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one event and flushes it to disk before returning.
    pub fn append(&self, send_id: &str, event: Event) -> io::Result<()> {
        self.append_all(send_id, [event])
    }

    /// Appends events of one send together: one write, one flush to disk.
    pub fn append_all(
        &self,
        send_id: &str,
        events: impl IntoIterator<Item = Event>,
    ) -> io::Result<()> {
        let at = unix_now();
        let mut line = Vec::new();
        for event in events {
            let entry = Entry {
                v: VERSION,
                at,
                send_id: send_id.to_string(),
                event,
            };
            serde_json::to_writer(&mut line, &entry).map_err(io::Error::other)?;
            line.push(b'\n');
        }
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        // One write per append: concurrent appends from the TUI and the CLI stay whole.
        file.write_all(&line)?;
        file.sync_data()
    }

    /// Every entry that can be read; damaged lines (a torn last write) are skipped.
    pub fn entries(&self) -> io::Result<Vec<Entry>> {
        let file = match std::fs::File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        for line in BufReader::new(file).split(b'\n') {
            let line = line?;
            if let Ok(entry) = serde_json::from_slice::<Entry>(&line) {
                out.push(entry);
            }
        }
        Ok(out)
    }

    /// Sends, oldest first.
    pub fn records(&self) -> io::Result<Vec<SendRecord>> {
        Ok(fold(self.entries()?))
    }

    /// Sends made since `since` (Unix seconds), oldest first, read from the
    /// end of the file.
    pub fn records_since(&self, since: i64) -> io::Result<Vec<SendRecord>> {
        let mut records = fold(self.entries_since(since)?);
        records.retain(|r| r.at >= since);
        Ok(records)
    }

    /// The entries written since `since` (Unix seconds), read from the end of
    /// the file, so the cost follows the last day's sends, not a year's.
    /// Lines are appended in time order, but two writers at once (the TUI and
    /// the CLI) or a clock set back can put a few out of order, so the read
    /// goes on [`TAIL_SLACK_SECS`] further back.
    pub fn entries_since(&self, since: i64) -> io::Result<Vec<Entry>> {
        let oldest = since.saturating_sub(TAIL_SLACK_SECS);
        let mut newest_first = Vec::new();
        super::tail::lines_backwards(&self.path, |line| {
            match serde_json::from_slice::<Entry>(line) {
                Ok(entry) if entry.at < oldest => return false,
                Ok(entry) => newest_first.push(entry),
                // A torn line from a crash is skipped.
                Err(_) => {}
            }
            true
        })?;
        newest_first.reverse();
        Ok(newest_first)
    }

    /// The latest send of `template` in `language` to `phone` since `since`
    /// (Unix seconds) that may have reached the customer.
    pub fn recent_send(
        &self,
        phone: &str,
        template: &str,
        language: &str,
        since: i64,
    ) -> io::Result<Option<SendRecord>> {
        Ok(fold(self.entries_since(since)?)
            .into_iter()
            .rev()
            .find(|r| {
                r.at >= since
                    && r.phone == phone
                    && r.template == template
                    && r.language == language
                    && r.status.maybe_delivered()
            }))
    }
}

pub fn fold(entries: Vec<Entry>) -> Vec<SendRecord> {
    let mut records: Vec<SendRecord> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for e in entries {
        if let Event::Intent {
            phone,
            name,
            template,
            language,
            ..
        } = &e.event
        {
            index.insert(e.send_id.clone(), records.len());
            records.push(SendRecord {
                send_id: e.send_id.clone(),
                at: e.at,
                phone: phone.clone(),
                name: name.clone(),
                template: template.clone(),
                language: language.clone(),
                contact_id: None,
                lead_created: false,
                status: SendStatus::Interrupted,
                message_id: None,
                conversation_id: None,
                link: None,
                error: None,
            });
            continue;
        }
        let Some(r) = index.get(&e.send_id).and_then(|&i| records.get_mut(i)) else {
            continue;
        };
        match e.event {
            Event::Intent { .. } => {}
            Event::Lead {
                contact_id,
                created,
                ..
            } => {
                r.contact_id = Some(contact_id);
                r.lead_created = created;
            }
            Event::Sent {
                message_id,
                conversation_id,
                link,
            } => {
                r.status = SendStatus::Sent;
                r.message_id = Some(message_id);
                r.conversation_id = conversation_id;
                r.link = link;
                r.error = None;
            }
            Event::Failed { error } => {
                r.status = SendStatus::Failed;
                r.error = Some(error);
            }
            Event::Unknown { error } => {
                r.status = SendStatus::Unknown;
                r.error = Some(error);
            }
            Event::Resolved { note } => {
                r.status = SendStatus::Resolved;
                r.error = Some(note);
            }
        }
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(phone: &str) -> Event {
        Event::Intent {
            phone: phone.into(),
            name: Some("Jane".into()),
            template: "order_update".into(),
            language: "en_US".into(),
            components: Value::Null,
        }
    }

    /// A journal of `n` sends, one every `step` seconds from `first`, some
    /// with components long enough to cross the tail reader's blocks.
    fn written(path: &Path, n: i64, first: i64, step: i64) {
        let mut text = Vec::new();
        for i in 0..n {
            let big = if i % 97 == 0 { 70_000 } else { 10 };
            let entry = Entry {
                v: VERSION,
                at: first + i * step,
                send_id: format!("s{i}"),
                event: Event::Intent {
                    phone: format!("+44{i}"),
                    name: None,
                    template: "order_update".into(),
                    language: "en_US".into(),
                    components: Value::String("x".repeat(big)),
                },
            };
            serde_json::to_writer(&mut text, &entry).unwrap();
            text.push(b'\n');
            if i % 50 == 0 {
                // A torn line (a crash mid-write) in the middle of the file.
                text.extend_from_slice(b"{\"v\":1,\"at\":\n");
            }
        }
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn the_tail_read_finds_what_the_whole_read_finds() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path().join("journal.jsonl"));
        assert!(j.entries_since(0).unwrap().is_empty(), "no file yet");
        written(j.path(), 3_000, 1_000_000, 60);
        let all = j.entries().unwrap();
        assert_eq!(all.len(), 3_000);
        for since in [0, 1_000_000, 1_090_000, 1_000_000 + 2_999 * 60, 9_999_999] {
            let tail = j.entries_since(since).unwrap();
            let expected: Vec<_> = all
                .iter()
                .filter(|e| e.at >= since - TAIL_SLACK_SECS)
                .cloned()
                .collect();
            assert_eq!(tail, expected, "since {since}");
        }
    }

    #[test]
    fn recent_records_are_the_whole_fold_cut_at_the_time() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path().join("journal.jsonl"));
        written(j.path(), 2_000, 1_000_000, 600);
        let all = j.records().unwrap();
        for since in [0, 1_300_000, 1_000_000 + 1_999 * 600, 5_000_000] {
            let expected: Vec<_> = all.iter().filter(|r| r.at >= since).cloned().collect();
            assert_eq!(j.records_since(since).unwrap(), expected, "since {since}");
        }
    }

    #[test]
    fn folds_the_life_of_a_send() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path().join("sub/journal.jsonl"));
        j.append("a", intent("+44")).unwrap();
        j.append(
            "a",
            Event::Lead {
                contact_id: "c1".into(),
                role: "lead".into(),
                created: true,
            },
        )
        .unwrap();
        j.append(
            "a",
            Event::Sent {
                message_id: "m1".into(),
                conversation_id: None,
                link: None,
            },
        )
        .unwrap();
        j.append("b", intent("+34")).unwrap();
        j.append("c", intent("+49")).unwrap();
        j.append("c", Event::Failed { error: "no".into() }).unwrap();
        // A torn last line from a crash is skipped, not fatal.
        std::fs::OpenOptions::new()
            .append(true)
            .open(j.path())
            .unwrap()
            .write_all(b"{\"v\":1,\"at\":")
            .unwrap();
        let r = j.records().unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].status, SendStatus::Sent);
        assert!(r[0].lead_created);
        assert_eq!(r[1].status, SendStatus::Interrupted);
        assert_eq!(r[2].status, SendStatus::Failed);
        assert!(
            j.recent_send("+44", "order_update", "en_US", 0)
                .unwrap()
                .is_some()
        );
        assert!(
            j.recent_send("+49", "order_update", "en_US", 0)
                .unwrap()
                .is_none()
        );
        assert!(
            j.recent_send("+44", "order_update", "en_GB", 0)
                .unwrap()
                .is_none()
        );
    }
}
