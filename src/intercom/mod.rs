//! Intercom REST client: who sends (`/me`), finding and creating leads, and
//! starting the WhatsApp conversation (`POST /messages`).

mod client;
mod error;
mod lenient;
mod types;

pub use client::{Intercom, IntercomConfig, Region};
pub use error::IntercomError;
pub use types::{Admin, App, Contact, ContactRef, MessageSent, Role, WhatsAppMessage};
