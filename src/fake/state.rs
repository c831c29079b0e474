//! What the fake workspace holds: contacts, messages, admins, templates, the
//! settings that shape its behaviour and the log of requests it received.

use super::faults::{Endpoint, Scripts};
use serde::Serialize;
use serde_json::{Value, json};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Intercom's limit per 10-second window (about 10,000 calls a minute per app).
pub const DEFAULT_RATE_LIMIT: u32 = 1666;

/// How the fake behaves; every field can be set from flags and from tests.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Added before every answer.
    pub latency: Duration,
    /// Intercom requests allowed per window; `None` means Intercom's usual
    /// [`DEFAULT_RATE_LIMIT`]. Either way every answer carries the headers.
    pub rate_limit: Option<u32>,
    /// Length of a rate-limit window (Intercom: 10 s).
    pub window: Duration,
    /// New contacts stay out of search results this long.
    pub index_lag: Duration,
    /// `POST /messages` to a contact younger than this answers 404.
    pub new_contact_404: Duration,
    /// Templates per Graph page at most, whatever `limit` the client asks
    /// for (Graph may return fewer than asked, so clients must follow `next`).
    pub graph_page_size: usize,
    /// Leave `conversation_id` out of message answers (it may be missing for real).
    pub omit_conversation_id: bool,
    /// Answer contacts with the type quirks of real workspaces (`owner_id` a
    /// number, `avatar` a string or an object, unknown fields, no `formatted_phone`).
    pub quirks: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            latency: Duration::ZERO,
            rate_limit: None,
            window: Duration::from_secs(10),
            index_lag: Duration::ZERO,
            new_contact_404: Duration::ZERO,
            graph_page_size: 25,
            omit_conversation_id: false,
            quirks: false,
        }
    }
}

/// The credentials and identities of the fake workspace.
#[derive(Debug, Clone, Serialize)]
pub struct Identity {
    pub intercom_token: String,
    pub whatsapp_token: String,
    pub waba_id: String,
    pub admin_id: String,
    pub app_id_code: String,
    pub workspace_id: String,
}

impl Default for Identity {
    fn default() -> Self {
        Identity {
            intercom_token: "demo-intercom-token".into(),
            whatsapp_token: "demo-whatsapp-token".into(),
            waba_id: "102290129340398".into(),
            admin_id: "991267459".into(),
            app_id_code: "demo4x2k".into(),
            workspace_id: "demo4x2k".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FakeContact {
    pub id: String,
    pub role: String,
    pub phone: Option<String>,
    pub formatted_phone: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(skip)]
    pub born: Instant,
}

impl FakeContact {
    /// The contact object as Intercom 2.16 returns it (the fields that matter and
    /// a representative set of the others, so clients meet a realistic shape).
    pub fn to_json(&self, workspace_id: &str) -> Value {
        let list = |what: &str| {
            json!({"type": "list", "data": [], "url": format!("/contacts/{}/{what}", self.id),
                   "total_count": 0, "has_more": false})
        };
        let mut contact = json!({
            "type": "contact",
            "id": self.id,
            "workspace_id": workspace_id,
            "external_id": self.external_id,
            "role": self.role,
            "email": self.email,
            "phone": self.phone,
            "formatted_phone": self.formatted_phone,
            "name": self.name,
            "avatar": null,
            "owner_id": null,
            "social_profiles": {"type": "list", "data": []},
            "has_hard_bounced": false,
            "marked_email_as_spam": false,
            "unsubscribed_from_emails": false,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "signed_up_at": null,
            "last_seen_at": null,
            "last_replied_at": null,
            "last_contacted_at": null,
            "last_email_opened_at": null,
            "last_email_clicked_at": null,
            "language_override": null,
            "browser": null,
            "os": null,
            "location": {"type": "location", "country": null, "region": null, "city": null,
                         "country_code": null, "continent_code": null},
            "custom_attributes": {},
            "tags": list("tags"),
            "notes": list("notes"),
            "companies": list("companies"),
            "opted_out_subscription_types": list("subscriptions"),
            "opted_in_subscription_types": list("subscriptions"),
            "utm_campaign": null, "utm_content": null, "utm_medium": null,
            "utm_source": null, "utm_term": null, "referrer": null,
            "enabled_push_messaging": null
        });
        contact["email_domain"] = json!(
            self.email
                .as_deref()
                .and_then(|e| e.split_once('@'))
                .map(|(_, d)| d)
        );
        contact["browser_version"] = Value::Null;
        contact["browser_language"] = Value::Null;
        // The mobile-SDK fields, always null for a phone-only lead.
        for device in ["android", "ios"] {
            for field in [
                "app_name",
                "app_version",
                "device",
                "os_version",
                "sdk_version",
                "last_seen_at",
            ] {
                contact[format!("{device}_{field}")] = Value::Null;
            }
        }
        contact
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FakeMessage {
    pub id: String,
    pub created_at: i64,
    pub admin_id: String,
    pub contact_id: String,
    pub to: Value,
    pub template: String,
    pub locale: String,
    pub components: Value,
    pub conversation_id: String,
    /// The body as the customer reads it, filled in by the fake.
    pub rendered_body: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    pub endpoint: Option<&'static str>,
    /// 0 when the connection was dropped without an answer.
    pub status: u16,
    /// Milliseconds since the fake started.
    pub at_ms: u64,
    /// The scripted fault applied to this request (`503`, `drop-after`, …), if any.
    pub fault: Option<String>,
}

#[derive(Debug, Default)]
struct Window {
    start: u64,
    used: u32,
}

#[derive(Debug)]
pub struct State {
    pub identity: Identity,
    pub settings: Settings,
    pub contacts: Vec<FakeContact>,
    pub messages: Vec<FakeMessage>,
    pub templates: Vec<Value>,
    pub scripts: Scripts,
    pub requests: Vec<RequestRecord>,
    window: Window,
    started: Instant,
    next_id: u64,
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Rate-limit facts for the headers of one answer.
#[derive(Debug, Clone, Copy)]
pub struct RateStatus {
    pub limit: u32,
    pub remaining: u32,
    pub reset: u64,
    pub exceeded: bool,
}

impl State {
    pub fn new(identity: Identity, settings: Settings, templates: Vec<Value>) -> Self {
        State {
            identity,
            settings,
            contacts: Vec::new(),
            messages: Vec::new(),
            templates,
            scripts: Scripts::default(),
            requests: Vec::new(),
            window: Window::default(),
            started: Instant::now(),
            next_id: 1,
        }
    }

    /// A 24-hex id shaped like Intercom's (a Mongo ObjectId: time, then a counter).
    pub fn new_contact_id(&mut self) -> String {
        // Deterministic, so that test screens are stable from run to run.
        self.next_id += 1;
        format!(
            "6762f{:03x}1bb69f9f{:08x}",
            self.next_id % 4096,
            self.next_id
        )
    }

    pub fn new_numeric_id(&mut self) -> String {
        self.next_id += 1;
        (403_918_000 + self.next_id).to_string()
    }

    /// Counts one Intercom request against the current window.
    pub fn take_rate(&mut self) -> RateStatus {
        let limit = self.settings.rate_limit.unwrap_or(DEFAULT_RATE_LIMIT);
        let window = self.settings.window.as_secs().max(1);
        let now = unix_now() as u64;
        let start = now - now % window;
        if self.window.start != start {
            self.window = Window { start, used: 0 };
        }
        let exceeded = self.window.used >= limit;
        if !exceeded {
            self.window.used += 1;
        }
        RateStatus {
            limit,
            remaining: limit - self.window.used.min(limit),
            reset: start + window,
            exceeded,
        }
    }

    pub fn log(
        &mut self,
        method: &str,
        path: &str,
        endpoint: Option<Endpoint>,
        status: u16,
        fault: Option<String>,
    ) {
        // The log is for tests and benches; keep it bounded for long demo runs.
        if self.requests.len() >= 200_000 {
            self.requests.drain(..100_000);
        }
        self.requests.push(RequestRecord {
            method: method.to_string(),
            path: path.to_string(),
            endpoint: endpoint.map(Endpoint::name),
            status,
            at_ms: self.started.elapsed().as_millis() as u64,
            fault,
        });
    }

    pub fn searchable(&self, c: &FakeContact) -> bool {
        c.born.elapsed() >= self.settings.index_lag
    }
}
