//! `/_fake/*`: what tests and the CLI use to look inside the fake and steer it.
//! No token, no rate limit, no faults.
//!
//! - `GET contacts|messages|requests|settings`, `DELETE requests`
//! - `POST faults {"script":"search=503,503,ok"}`
//! - `POST settings {"latency_secs":…, "rate_limit":N|null, "window_secs":…,
//!   "index_lag_secs":…, "new_contact_404_secs":…, "graph_page_size":N,
//!   "omit_conversation_id":bool, "quirks":bool}` (`null` rate limit: Intercom's usual one)
//! - `POST reset`: contacts, messages, requests and scripts cleared

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
        ("DELETE", "requests") => {
            st.requests.clear();
            Reply::json(200, &json!({"ok": true}))
        }
        ("GET", "settings") => {
            let s = &st.settings;
            Reply::json(
                200,
                &json!({
                    "latency_secs": s.latency.as_secs_f64(),
                    "rate_limit": s.rate_limit.unwrap_or(super::state::DEFAULT_RATE_LIMIT),
                    "window_secs": s.window.as_secs_f64(),
                    "index_lag_secs": s.index_lag.as_secs_f64(),
                    "new_contact_404_secs": s.new_contact_404.as_secs_f64(),
                    "graph_page_size": s.graph_page_size,
                    "omit_conversation_id": s.omit_conversation_id,
                    "quirks": s.quirks,
                }),
            )
        }
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
            if let Some(n) = v.get("graph_page_size").and_then(Value::as_u64) {
                s.graph_page_size = (n as usize).max(1);
            }
            if let Some(b) = v.get("omit_conversation_id").and_then(Value::as_bool) {
                s.omit_conversation_id = b;
            }
            if let Some(b) = v.get("quirks").and_then(Value::as_bool) {
                s.quirks = b;
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
