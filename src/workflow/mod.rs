//! Ensure-the-lead-then-send, shared by the TUI and the CLI, and the files
//! that make it safe: the journal of sends and the memory of created leads.

mod bulk;
mod group_commit;
mod import_log;
mod journal;
mod lead;
mod memory;
mod send;
mod tail;

pub use bulk::{
    BulkEnd, BulkItem, BulkOptions, BulkOutcome, DEFAULT_SETTLE, FailKind, ensure_leads, known_lead,
};
pub use group_commit::GroupCommit;
pub use import_log::{ImportLog, LeadDone, RowRecord, RowStep, SendDone};
pub use journal::{Entry, Event, Journal, SendRecord, SendStatus, fold, new_send_id};
pub use lead::{KnownLead, LeadError, Lookup, create_lead, lookup_lead};
pub use memory::{LeadMemory, MEMORY_HORIZON_SECS, Remembered};
pub use send::{
    LeadPlan, Progress, ProgressFn, REPEAT_WINDOW_SECS, SendError, SendOutcome, SendRequest, Step,
    YOUNG_CONTACT_SECS, quick_send,
};
