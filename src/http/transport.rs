//! One HTTP request with the retry rules of leadline:
//! - reads (GET, search) retry on 5xx, timeouts and broken connections, with backoff;
//! - writes (create, send) are repeated only when they provably never left
//!   (connection refused) or the service said 429 (not processed);
//! - 429 waits for the window to reset, bounded, and says so through the observer.

use super::events::{HttpEvent, Observer, WaitReason};
use super::rate_gate::{RateGate, RateInfo};
use super::retry::RetryPolicy;
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// The largest answer leadline reads (a page of 150 contacts is well under 1 MB).
pub const MAX_BODY: usize = 16_000_000;

/// Whether repeating a request could do something twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Read,
    Write,
}

#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Option<Bytes>,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: StatusCode,
    pub body: Bytes,
    pub rate: RateInfo,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// Nothing reached the service (connection refused, DNS, TLS handshake).
    #[error("could not connect ({0})")]
    NotSent(String),
    #[error("no answer within {}", seconds(*.after))]
    Timeout { after: Duration },
    /// The connection broke, or the answer was cut short.
    #[error("the connection broke before the answer arrived ({0})")]
    Interrupted(String),
    /// Still over the rate limit after waiting as long as allowed.
    #[error("still rate limited after waiting")]
    RateLimited { wait: Option<Duration> },
}

impl TransportError {
    /// True when a write may have been processed even though no answer came.
    pub fn maybe_processed(&self) -> bool {
        matches!(
            self,
            TransportError::Timeout { .. } | TransportError::Interrupted(_)
        )
    }
}

/// How long to wait for a connection, and for a whole request (answer included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(20),
        }
    }
}

impl Timeouts {
    /// Short timeouts for tests against the fake on 127.0.0.1.
    pub fn fast() -> Self {
        Timeouts {
            connect: Duration::from_millis(500),
            request: Duration::from_millis(400),
        }
    }
}

#[derive(Clone)]
pub struct Transport {
    client: reqwest::Client,
    policy: RetryPolicy,
    gate: Arc<RateGate>,
    request_timeout: Duration,
    sent: Arc<AtomicU64>,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("policy", &self.policy)
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

fn install_crypto_provider() {
    // Only the first call installs; later ones (or another library's) are fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Transport {
    pub fn new(connect_timeout: Duration, request_timeout: Duration, policy: RetryPolicy) -> Self {
        install_crypto_provider();
        let client = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(request_timeout)
            .user_agent(concat!("leadline/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Transport {
            client,
            policy,
            gate: Arc::default(),
            request_timeout,
            sent: Arc::default(),
        }
    }

    pub fn with_timeouts(timeouts: Timeouts, policy: RetryPolicy) -> Self {
        Transport::new(timeouts.connect, timeouts.request, policy)
    }

    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    /// Requests put on the wire so far, retries included.
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    pub async fn send(&self, req: Request, obs: &Observer) -> Result<Response, TransportError> {
        let mut attempt = 1;
        let mut rate_limited = 0;
        loop {
            if let Some(wait) = self.gate.wait_before_next(SystemTime::now()) {
                if wait > self.policy.max_rate_limit_wait {
                    return Err(TransportError::RateLimited { wait: Some(wait) });
                }
                self.wait(obs, wait, WaitReason::RateLimited).await;
                self.gate.forget();
            }
            match self.once(&req).await {
                Ok(resp) if resp.status == StatusCode::TOO_MANY_REQUESTS => {
                    rate_limited += 1;
                    let wait = resp
                        .rate
                        .wait_hint(SystemTime::now())
                        .unwrap_or_else(|| self.policy.backoff(rate_limited));
                    if rate_limited >= self.policy.rate_limit_attempts
                        || wait > self.policy.max_rate_limit_wait
                    {
                        return Ok(resp);
                    }
                    self.wait(obs, wait, WaitReason::RateLimited).await;
                    self.gate.forget();
                }
                Ok(resp)
                    if resp.status.is_server_error()
                        && req.kind == Kind::Read
                        && attempt < self.policy.read_attempts =>
                {
                    let cause = format!("the service answered {}", resp.status.as_u16());
                    self.retry_wait(obs, attempt, cause).await;
                    attempt += 1;
                }
                Ok(resp) => return Ok(resp),
                Err(e) => {
                    let safe = req.kind == Kind::Read || matches!(e, TransportError::NotSent(_));
                    if !safe || attempt >= self.policy.read_attempts {
                        return Err(e);
                    }
                    self.retry_wait(obs, attempt, e.to_string()).await;
                    attempt += 1;
                }
            }
        }
    }

    /// Waits before retry number `attempt` of a read, telling the observer why.
    /// For clients that retry a read on grounds the transport cannot see
    /// (an answer that could not be decoded).
    pub async fn retry_wait(&self, obs: &Observer, attempt: u32, cause: String) {
        let wait = self.policy.backoff(attempt);
        tracing::info!(attempt, %cause, ?wait, "retrying");
        self.wait(obs, wait, WaitReason::Retry { attempt, cause })
            .await;
    }

    async fn wait(&self, obs: &Observer, wait: Duration, reason: WaitReason) {
        obs(HttpEvent::Waiting {
            until: Instant::now() + wait,
            reason,
        });
        tokio::time::sleep(wait).await;
    }

    async fn once(&self, req: &Request) -> Result<Response, TransportError> {
        let mut builder = self
            .client
            .request(req.method.clone(), req.url.clone())
            .headers(req.headers.clone());
        if let Some(body) = &req.body {
            builder = builder.body(body.clone());
        }
        self.sent.fetch_add(1, Ordering::Relaxed);
        let resp = builder.send().await.map_err(|e| self.classify(e))?;
        let status = resp.status();
        let rate = RateInfo::from_headers(resp.headers());
        self.gate.observe(rate);
        let body = self.read_body(resp).await?;
        tracing::debug!(method = %req.method, path = req.url.path(), status = status.as_u16(), "response");
        Ok(Response { status, body, rate })
    }

    /// The whole body, refusing more than [`MAX_BODY`]: a broken or hostile
    /// server must not make leadline hold gigabytes.
    async fn read_body(&self, mut resp: reqwest::Response) -> Result<Bytes, TransportError> {
        let mut buf = bytes::BytesMut::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.classify(e))? {
            if buf.len() + chunk.len() > MAX_BODY {
                return Err(TransportError::Interrupted(format!(
                    "answer larger than {} MB",
                    MAX_BODY / 1_000_000
                )));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf.freeze())
    }

    fn classify(&self, e: reqwest::Error) -> TransportError {
        if e.is_connect() {
            TransportError::NotSent(root_cause(&e))
        } else if e.is_timeout() {
            TransportError::Timeout {
                after: self.request_timeout,
            }
        } else {
            TransportError::Interrupted(root_cause(&e))
        }
    }
}

/// "20 s", "0.4 s": a duration as an agent reads it.
pub fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// The innermost error's words, without URLs (they may carry query strings).
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    let text = cur.to_string();
    if text.contains("://") {
        return "network error".to_string();
    }
    // "Connection refused (os error 111)" reads better as "connection refused".
    let text = match text.find(" (os error") {
        Some(at) => &text[..at],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "network error".to_string(),
    }
}
