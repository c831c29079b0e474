//! What arrives in the loop (terminal events, finished background work) and
//! what `update` asks the runtime to do (effects). Update never awaits.

use crate::intercom::Contact;
use crate::template::Template;
use crate::workflow::{Lookup, Progress, SendError, SendOutcome, SendRecord, SendRequest};
use crate::workspace::Sender;
use crossterm::event::{KeyEvent, MouseEvent};

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Time passed: spinners and countdowns move.
    Tick,
    SenderLoaded(Result<Sender, String>),
    TemplatesLoaded(Result<Vec<Template>, String>),
    LookupDone {
        e164: String,
        result: Result<Lookup, String>,
    },
    SendProgress(Progress),
    SendDone(Result<SendOutcome, SendError>),
    HistoryLoaded {
        result: Result<Vec<SendRecord>, String>,
        at_start: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadSender,
    LoadTemplates,
    /// Look the number up after a short pause; a newer lookup replaces it.
    Lookup {
        e164: String,
    },
    CancelLookup,
    Send(Box<SendRequest>),
    CancelSend,
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    LoadHistory {
        at_start: bool,
    },
    /// The agent checked these unknown sends.
    MarkChecked(Vec<String>),
}

/// A contact picked among several that share a number.
pub fn contact_label(c: &Contact) -> String {
    let name = c.name.as_deref().unwrap_or("(no name)");
    format!(
        "{name} · {} · {}",
        c.role.as_str(),
        c.phone.as_deref().unwrap_or("")
    )
}
