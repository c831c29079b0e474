//! leadline: reach a new lead on WhatsApp through Intercom, from the terminal.

pub mod cli;
pub mod phone;
