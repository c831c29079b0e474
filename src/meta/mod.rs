//! Meta Graph API client: the workspace's approved WhatsApp templates.

mod client;
mod error;

pub use client::{Graph, GraphConfig};
pub use error::GraphError;
