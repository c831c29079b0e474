//! Honour `X-RateLimit-*` before the service has to say 429: when a window is
//! spent, later requests wait for its reset instead of failing.

use reqwest::header::HeaderMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The rate-limit headers of one response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateInfo {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// Unix seconds when the window resets.
    pub reset: Option<u64>,
    /// `Retry-After`, in seconds.
    pub retry_after: Option<u64>,
}

impl RateInfo {
    pub fn from_headers(h: &HeaderMap) -> Self {
        let num = |name: &str| {
            h.get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|s| s.trim().parse::<f64>().ok())
                .filter(|n| n.is_finite() && *n >= 0.0)
                .map(|n| n as u64)
        };
        RateInfo {
            limit: num("x-ratelimit-limit"),
            remaining: num("x-ratelimit-remaining"),
            reset: num("x-ratelimit-reset"),
            retry_after: num("retry-after"),
        }
    }

    /// How long to wait before trying again after a 429, if the headers say.
    pub fn wait_hint(&self, now: SystemTime) -> Option<Duration> {
        if let Some(secs) = self.retry_after {
            return Some(Duration::from_secs(secs));
        }
        let reset = self.reset?;
        let now = now.duration_since(UNIX_EPOCH).ok()?;
        // A reset in the past (clock skew) means "now"; the margin covers the
        // server's rounding of the reset to whole seconds.
        Some(
            Duration::from_secs(reset)
                .saturating_sub(now)
                .saturating_add(Duration::from_millis(50)),
        )
    }
}

/// Shared between all requests of one client.
#[derive(Debug, Default)]
pub struct RateGate {
    state: Mutex<Option<RateInfo>>,
}

impl RateGate {
    pub fn observe(&self, info: RateInfo) {
        if info.remaining.is_some() && info.reset.is_some() {
            *self.state.lock().unwrap_or_else(|e| e.into_inner()) = Some(info);
        }
    }

    /// Time to wait before the next request, when the current window is spent.
    pub fn wait_before_next(&self, now: SystemTime) -> Option<Duration> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let info = (*state)?;
        if info.remaining != Some(0) {
            if let Some(r) = info.remaining {
                // Count this request against the window until a response says otherwise.
                if let Some(s) = state.as_mut() {
                    s.remaining = Some(r.saturating_sub(1));
                }
            }
            return None;
        }
        let wait = info.wait_hint(now)?;
        if wait <= Duration::from_millis(50) {
            *state = None;
            return None;
        }
        Some(wait)
    }

    pub fn forget(&self) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn reads_headers_tolerantly() {
        let mut h = HeaderMap::new();
        h.insert("X-RateLimit-Limit", HeaderValue::from_static("167"));
        h.insert("X-RateLimit-Remaining", HeaderValue::from_static(" 0 "));
        h.insert("X-RateLimit-Reset", HeaderValue::from_static("1000"));
        h.insert("Retry-After", HeaderValue::from_static("soon"));
        let info = RateInfo::from_headers(&h);
        assert_eq!(info.limit, Some(167));
        assert_eq!(info.remaining, Some(0));
        assert_eq!(info.retry_after, None);
        assert_eq!(info.wait_hint(at(990)), Some(Duration::from_millis(10_050)));
        assert_eq!(info.wait_hint(at(2000)), Some(Duration::from_millis(50)));
    }

    #[test]
    fn waits_only_when_the_window_is_spent() {
        let gate = RateGate::default();
        assert_eq!(gate.wait_before_next(at(0)), None);
        gate.observe(RateInfo {
            remaining: Some(1),
            reset: Some(10),
            ..Default::default()
        });
        assert_eq!(gate.wait_before_next(at(5)), None);
        // The request above used the last one.
        assert!(gate.wait_before_next(at(5)).unwrap() >= Duration::from_secs(5));
        assert_eq!(gate.wait_before_next(at(11)), None);
    }
}
