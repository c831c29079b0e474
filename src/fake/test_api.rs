//! `/_fake/*`: what tests and the CLI use to look inside the fake and steer it.
//! No token, no rate limit, no faults.

use super::faults::parse_script;
use super::reply::Reply;
use super::server::Shared;
use serde_json::{Value, json};
use std::time::Duration;

pub(super) fn handle(shared: &Shared, method: &str, what: &str, body: &[u8]) -> Reply {
    let mut st = shared.lock();
    match (method, what.trim_end_matches('/')) {
        ("GET", "contacts") => Reply::json(200, &json!({"contacts": st.contacts})),
        ("GET", "messages") => Reply::json(200, &json!({"messages": st.messages})),
        ("GET", "requests") => Reply::json(200, &json!({"requests": st.requests})),
        ("POST", "faults") => {
            // {"script": "search=503,503,ok"}
            let script = serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| v.get("script").and_then(Value::as_str).map(str::to_string));
            match script.as_deref().map(parse_script) {
                Some(Ok((endpoint, faults))) => {
                    st.scripts.push(endpoint, faults);
                    Reply::json(200, &json!({"ok": true}))
                }
                Some(Err(e)) => Reply::json(400, &json!({"error": e})),
                None => Reply::json(
                    400,
                    &json!({"error": "expected {\"script\": \"ENDPOINT=FAULT,…\"}"}),
                ),
            }
        }
        ("POST", "settings") => {
            let Ok(v) = serde_json::from_slice::<Value>(body) else {
                return Reply::json(400, &json!({"error": "expected a JSON object"}));
            };
            let secs = |k: &str| {
                v.get(k)
                    .and_then(Value::as_f64)
                    .filter(|n| n.is_finite() && *n >= 0.0)
                    .map(Duration::from_secs_f64)
            };
            let s = &mut st.settings;
            if let Some(d) = secs("latency_secs") {
                s.latency = d;
            }
            if let Some(d) = secs("index_lag_secs") {
                s.index_lag = d;
            }
            if let Some(d) = secs("new_contact_404_secs") {
                s.new_contact_404 = d;
            }
            if let Some(d) = secs("window_secs") {
                s.window = d;
            }
            match v.get("rate_limit") {
                Some(Value::Null) => s.rate_limit = None,
                Some(n) => s.rate_limit = n.as_u64().map(|n| n.min(u32::MAX as u64) as u32),
                None => {}
            }
            Reply::json(200, &json!({"ok": true}))
        }
        ("POST", "reset") => {
            st.contacts.clear();
            st.messages.clear();
            st.requests.clear();
            st.scripts.clear();
            Reply::json(200, &json!({"ok": true}))
        }
        _ => Reply::json(404, &json!({"error": "unknown test endpoint"})),
    }
}
