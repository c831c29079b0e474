//! The HTTP plumbing both clients share: one reqwest client (rustls), timeouts,
//! retries that never repeat a write blindly, and the rate-limit gate.

mod base_url;
mod events;
mod rate_gate;
mod retry;
mod transport;

pub use base_url::{BaseUrlError, check_base_url, same_origin};
pub use events::{HttpEvent, Observer, WaitReason, quiet};
pub use rate_gate::RateInfo;
pub use retry::RetryPolicy;
pub use transport::{Kind, Request, Response, Timeouts, Transport, TransportError, seconds};
