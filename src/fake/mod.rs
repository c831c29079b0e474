//! The fake workspace: a real HTTP server on 127.0.0.1 that answers like
//! Intercom and Meta Graph, holds its contacts and messages in memory, and
//! injects faults on request. `--demo` runs it in-process; tests drive it over HTTP.

mod demo;
mod faults;
mod graph;
mod intercom;
mod reply;
mod search;
mod server;
mod state;
mod test_api;
mod whatsapp;

pub use demo::{demo_contacts, demo_templates};
pub use faults::{Endpoint, Fault, parse_script};
pub use server::{FakeOptions, FakeServer};
pub use state::{DEFAULT_RATE_LIMIT, FakeContact, FakeMessage, Identity, RequestRecord, Settings};
pub use whatsapp::{Rejection, check_send};
