//! The import report: one CSV row per input row, saying what happened to it.
//! Input text is echoed back made safe: one line, bounded, and never read by
//! a spreadsheet as a formula.

use std::io;
use std::path::Path;

/// What happened to one input row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Created,
    Existing,
    DuplicateInFile,
    Invalid,
    Failed,
    /// Dry run: a lead would be created.
    WouldCreate,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Existing => "existing",
            Status::DuplicateInFile => "duplicate-in-file",
            Status::Invalid => "invalid",
            Status::Failed => "failed",
            Status::WouldCreate => "would-create",
        }
    }

    pub const ALL: [Status; 6] = [
        Status::Created,
        Status::Existing,
        Status::DuplicateInFile,
        Status::Invalid,
        Status::Failed,
        Status::WouldCreate,
    ];
}

/// What happened to the message of one row (with `--template`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageStatus {
    Sent,
    /// Not sent on purpose: sent in the last 24 hours, or a duplicate row.
    Skipped,
    Failed,
}

impl MessageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Sent => "sent",
            MessageStatus::Skipped => "skipped",
            MessageStatus::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub line: u64,
    pub phone_input: String,
    pub name: String,
    pub status: Status,
    pub e164: Option<String>,
    pub contact_id: Option<String>,
    pub detail: String,
    pub message: Option<MessageStatus>,
    pub message_id: Option<String>,
}

/// A cell of untrusted text for the report: one line, at most `max`
/// characters, and a leading `'` where a spreadsheet would see a formula.
pub fn safe_cell(s: &str, max: usize) -> String {
    let s = crate::text::one_line(s, max);
    let risky = match s.chars().next() {
        Some('=' | '@' | '\t' | '\r' | '|') => true,
        // "+44 7911 123456" is a phone number; "+SUM(A1)" is not.
        Some('+' | '-') => !s[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || " ()-./".contains(c)),
        _ => false,
    };
    if risky { format!("'{s}") } else { s }
}

/// Writes the report next to its final place, then moves it there, so that a
/// reader never sees half a report.
pub fn write(path: &Path, rows: &[ReportRow], with_message: bool) -> io::Result<()> {
    let tmp = tmp_path(path);
    let result = (|| {
        let mut w = csv::Writer::from_path(&tmp)?;
        let mut header = vec![
            "line",
            "phone",
            "name",
            "status",
            "e164",
            "contact_id",
            "detail",
        ];
        if with_message {
            header.extend(["message", "message_id"]);
        }
        w.write_record(&header)?;
        for r in rows {
            let mut rec = vec![
                r.line.to_string(),
                safe_cell(&r.phone_input, 60),
                safe_cell(&r.name, 200),
                r.status.as_str().to_string(),
                r.e164.clone().unwrap_or_default(),
                safe_cell(r.contact_id.as_deref().unwrap_or(""), 64),
                safe_cell(&r.detail, 500),
            ];
            if with_message {
                rec.push(r.message.map(|m| m.as_str()).unwrap_or("").to_string());
                rec.push(safe_cell(r.message_id.as_deref().unwrap_or(""), 64));
            }
            w.write_record(&rec)?;
        }
        w.flush()?;
        Ok::<_, csv::Error>(())
    })();
    match result {
        Ok(()) => std::fs::rename(&tmp, path),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(io::Error::other(e))
        }
    }
}

/// Checks early that the report can be written (before any lead is created).
pub fn check_writable(path: &Path) -> io::Result<()> {
    let tmp = tmp_path(path);
    std::fs::File::create(&tmp)?;
    std::fs::remove_file(&tmp)
}

fn tmp_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_never_formulas() {
        assert_eq!(safe_cell("+44 7911 123456", 60), "+44 7911 123456");
        assert_eq!(safe_cell("-", 60), "-");
        assert_eq!(safe_cell("=HYPERLINK(\"x\")", 60), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("+SUM(A1:A9)", 60), "'+SUM(A1:A9)");
        assert_eq!(safe_cell("@cmd", 60), "'@cmd");
        assert_eq!(safe_cell("Jane\nDoe\x1b[31m", 60), "Jane Doe[31m");
        assert_eq!(safe_cell(&"9".repeat(100), 10).chars().count(), 10);
    }
}
