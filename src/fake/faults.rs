//! Faults the fake can inject, per endpoint, as a scripted sequence:
//! `search=503,503,ok` answers the next two searches with 503, then behaves.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// The endpoints a fault script can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Me,
    Admins,
    Search,
    Create,
    GetContact,
    Message,
    Templates,
}

impl Endpoint {
    pub const ALL: [Endpoint; 7] = [
        Endpoint::Me,
        Endpoint::Admins,
        Endpoint::Search,
        Endpoint::Create,
        Endpoint::GetContact,
        Endpoint::Message,
        Endpoint::Templates,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Me => "me",
            Endpoint::Admins => "admins",
            Endpoint::Search => "search",
            Endpoint::Create => "create",
            Endpoint::GetContact => "contact",
            Endpoint::Message => "message",
            Endpoint::Templates => "templates",
        }
    }
}

impl FromStr for Endpoint {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Endpoint::ALL
            .into_iter()
            .find(|e| e.name() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown endpoint {s:?} (one of: {})",
                    Endpoint::ALL.map(Endpoint::name).join(", ")
                )
            })
    }
}

/// What the fake does with one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Behave normally.
    Ok,
    /// An error of this HTTP status in the service's own error shape.
    Status(u16),
    /// An error with a given Intercom error code, e.g. `token_revoked`.
    /// On `create`, a 409 (`409`, `409:conflict`, `409:archived`) is a race
    /// lost to another create: the contact is made, and the 409 names its id.
    Code(u16, String),
    /// 429 with `X-RateLimit-Reset` and `Retry-After` this far ahead (not
    /// processed). On Graph: a 400 with code 80007, as Graph limits are said.
    RateLimit(Duration),
    /// An HTML error page (as a proxy or load balancer sends).
    Html(u16),
    /// Processed, then answered 200 with a body that is not JSON.
    Malformed,
    /// Processed, then the body is cut off mid-way and the connection closed.
    Truncated,
    /// The connection is closed before the request is processed.
    DropBefore,
    /// The request is processed, then the connection is closed without an answer.
    DropAfter,
    /// Processed at once, answered after this long: a client that times out
    /// meanwhile meets a request that did happen (for write timeouts).
    Delay(Duration),
}

impl FromStr for Fault {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_lowercase();
        let secs = |v: &str| {
            v.trim_end_matches('s')
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| format!("bad duration {v:?} in fault"))
        };
        Ok(match s.as_str() {
            "ok" => Fault::Ok,
            "malformed" => Fault::Malformed,
            "truncated" => Fault::Truncated,
            "drop" | "drop-before" => Fault::DropBefore,
            "drop-after" => Fault::DropAfter,
            "429" => Fault::RateLimit(Duration::from_secs(1)),
            "html" => Fault::Html(502),
            _ => {
                if let Some(rest) = s.strip_prefix("429:") {
                    Fault::RateLimit(secs(rest)?)
                } else if let Some(rest) = s.strip_prefix("delay:") {
                    Fault::Delay(secs(rest)?)
                } else if let Some(rest) = s.strip_prefix("html:") {
                    Fault::Html(status(rest)?)
                } else if let Some((st, code)) = s.split_once(':') {
                    Fault::Code(status(st)?, code.to_string())
                } else {
                    Fault::Status(status(&s)?)
                }
            }
        })
    }
}

fn status(s: &str) -> Result<u16, String> {
    s.parse::<u16>()
        .ok()
        .filter(|n| (400..=599).contains(n))
        .ok_or_else(|| format!("bad fault {s:?}: expected ok, 4xx/5xx, 429:SECS, html[:STATUS], malformed, truncated, drop-before, drop-after, delay:SECS or STATUS:code"))
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Ok => write!(f, "ok"),
            Fault::Status(s) => write!(f, "{s}"),
            Fault::Code(s, c) => write!(f, "{s}:{c}"),
            Fault::RateLimit(d) => write!(f, "429:{}", d.as_secs_f64()),
            Fault::Html(s) => write!(f, "html:{s}"),
            Fault::Malformed => write!(f, "malformed"),
            Fault::Truncated => write!(f, "truncated"),
            Fault::DropBefore => write!(f, "drop-before"),
            Fault::DropAfter => write!(f, "drop-after"),
            Fault::Delay(d) => write!(f, "delay:{}", d.as_secs_f64()),
        }
    }
}

/// `search=503,503,ok` → (Search, [503, 503, ok]).
pub fn parse_script(s: &str) -> Result<(Endpoint, Vec<Fault>), String> {
    let (endpoint, faults) = s
        .split_once(['=', ':'])
        .ok_or_else(|| format!("bad fault script {s:?}: expected ENDPOINT=FAULT,FAULT,…"))?;
    let endpoint: Endpoint = endpoint.parse()?;
    let faults = faults
        .split(',')
        .filter(|f| !f.trim().is_empty())
        .map(str::parse)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((endpoint, faults))
}

/// The pending scripted faults of every endpoint.
#[derive(Debug, Default)]
pub struct Scripts(HashMap<Endpoint, VecDeque<Fault>>);

impl Scripts {
    pub fn push(&mut self, endpoint: Endpoint, faults: impl IntoIterator<Item = Fault>) {
        self.0.entry(endpoint).or_default().extend(faults);
    }

    pub fn next(&mut self, endpoint: Endpoint) -> Fault {
        self.0
            .get_mut(&endpoint)
            .and_then(VecDeque::pop_front)
            .unwrap_or(Fault::Ok)
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scripts() {
        let (e, f) = parse_script("search=503, 503, ok").unwrap();
        assert_eq!(e, Endpoint::Search);
        assert_eq!(f, vec![Fault::Status(503), Fault::Status(503), Fault::Ok]);
        let (_, f) =
            parse_script("message=429:2,drop-after,401:token_revoked,delay:0.5,html").unwrap();
        assert_eq!(
            f,
            vec![
                Fault::RateLimit(Duration::from_secs(2)),
                Fault::DropAfter,
                Fault::Code(401, "token_revoked".into()),
                Fault::Delay(Duration::from_millis(500)),
                Fault::Html(502)
            ]
        );
        assert!(parse_script("nope=ok").is_err());
        assert!(parse_script("search=200").is_err());
        for fault in f {
            assert_eq!(fault.to_string().parse::<Fault>().unwrap(), fault);
        }
    }

    #[test]
    fn scripts_run_in_order_then_behave() {
        let mut s = Scripts::default();
        s.push(Endpoint::Create, [Fault::Status(500), Fault::DropBefore]);
        assert_eq!(s.next(Endpoint::Create), Fault::Status(500));
        assert_eq!(s.next(Endpoint::Search), Fault::Ok);
        assert_eq!(s.next(Endpoint::Create), Fault::DropBefore);
        assert_eq!(s.next(Endpoint::Create), Fault::Ok);
    }
}
