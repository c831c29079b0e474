//! leadline: reach a new lead on WhatsApp through Intercom, from the terminal.

pub mod cli;
pub mod config;
pub mod fake;
pub mod http;
pub mod intercom;
pub mod logging;
pub mod meta;
pub mod phone;
pub mod secret;
pub mod template;
pub mod text;
pub mod time;
pub mod tui;
pub mod workflow;
pub mod workspace;
