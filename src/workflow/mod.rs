//! Ensure-the-lead-then-send, shared by the TUI and the CLI, and the files
//! that make it safe: the journal of sends and the memory of created leads.

mod journal;
mod lead;
mod memory;
mod send;

pub use journal::{Entry, Event, Journal, SendRecord, SendStatus, fold, new_send_id};
pub use lead::{KnownLead, LeadError, Lookup, create_lead, lookup_lead};
pub use memory::{LeadMemory, Remembered};
pub use send::{
    LeadPlan, Progress, ProgressFn, REPEAT_WINDOW_SECS, SendError, SendOutcome, SendRequest, Step,
    YOUNG_CONTACT_SECS, quick_send,
};
