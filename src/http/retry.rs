//! Backoff for retries: exponential, capped, with jitter so that many clients
//! (or many import workers) do not retry in step.

use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all for a read (GET, search) that fails with 5xx, timeout or reset.
    pub read_attempts: u32,
    /// How many times a 429 is waited out before giving up.
    pub rate_limit_attempts: u32,
    /// The longest single wait for a rate-limit window; longer means give up and say so.
    pub max_rate_limit_wait: Duration,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Attempts in all for a message to a just-created contact that gets 404.
    pub new_contact_attempts: u32,
    pub new_contact_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            read_attempts: 4,
            rate_limit_attempts: 5,
            max_rate_limit_wait: Duration::from_secs(90),
            base_delay: Duration::from_millis(300),
            max_delay: Duration::from_secs(8),
            new_contact_attempts: 6,
            new_contact_delay: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    /// A policy for tests: the same decisions, tiny waits.
    pub fn fast() -> Self {
        RetryPolicy {
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(40),
            new_contact_delay: Duration::from_millis(20),
            ..RetryPolicy::default()
        }
    }

    /// Delay before retry number `attempt` (1-based): base·2^(attempt-1), capped,
    /// then "equal jitter" (half fixed, half random) so waits never collapse to zero.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.max_delay);
        let half = capped / 2;
        half + half.mul_f64(jitter())
    }
}

/// A number in [0, 1) that differs per call, without a random-number dependency.
fn jitter() -> f64 {
    let h = RandomState::new().hash_one(std::time::Instant::now());
    (h >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        for attempt in 1..10 {
            let d = p.backoff(attempt);
            let exp = p.base_delay * 2u32.pow(attempt - 1);
            let cap = exp.min(p.max_delay);
            assert!(d >= cap / 2 && d <= cap, "attempt {attempt}: {d:?}");
        }
        assert!(p.backoff(40) <= p.max_delay);
    }
}
