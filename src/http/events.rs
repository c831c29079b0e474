//! What a request in flight tells the screen: that it is waiting, and until when.

use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Clone, PartialEq)]
pub enum WaitReason {
    /// The service said too many requests; waiting for its window to reset.
    RateLimited,
    /// A read failed in a way worth retrying.
    Retry { attempt: u32, cause: String },
    /// A message to a contact created moments ago got 404; Intercom needs a moment.
    NewContact { attempt: u32 },
}

#[derive(Debug, Clone, PartialEq)]
pub enum HttpEvent {
    Waiting { until: Instant, reason: WaitReason },
}

/// Receives [`HttpEvent`]s from wherever a request is waiting.
pub type Observer = Arc<dyn Fn(HttpEvent) + Send + Sync>;

/// An observer for callers with no one to tell.
pub fn quiet() -> Observer {
    Arc::new(|_| {})
}
