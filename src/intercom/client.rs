//! The Intercom client proper: headers on every call, errors mapped, pages followed.

use super::error::{ErrorContext, IntercomError, from_response};
use super::types::{Admin, Contact, MessageSent, WhatsAppMessage};
use crate::http::{Kind, Observer, Request, Transport, TransportError};
use crate::secret::Secret;
use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::Arc;

/// Many numbers in one search, for bulk imports (a child module: it uses the
/// private request helpers below).
mod many;

/// Intercom's data-hosting regions, each with its own API host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Region {
    Us,
    Eu,
    Au,
}

impl Region {
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://api.intercom.io/",
            Region::Eu => "https://api.eu.intercom.io/",
            Region::Au => "https://api.au.intercom.io/",
        }
    }
}

#[derive(Debug, Clone)]
pub struct IntercomConfig {
    pub base_url: Url,
    /// `Intercom-Version`, e.g. "2.16".
    pub version: String,
    pub token: Secret,
    /// Where the token comes from, for error messages: "INTERCOM_TOKEN" or "token_command".
    pub token_hint: String,
}

#[derive(Clone, Debug)]
pub struct Intercom {
    transport: Transport,
    cfg: Arc<IntercomConfig>,
}

/// Search pages followed at most; a search for one phone number that needs
/// more is either a broken server or a workspace to clean up.
const MAX_SEARCH_PAGES: usize = 20;
const PER_PAGE: u32 = 50;

#[derive(Deserialize)]
struct ContactPage {
    #[serde(default)]
    data: Value,
    #[serde(default)]
    total_count: Value,
    /// `{"next": {"starting_after": …}}`; any other shape means "no next page".
    #[serde(default)]
    pages: Value,
}

impl Intercom {
    pub fn new(transport: Transport, cfg: IntercomConfig) -> Self {
        Intercom {
            transport,
            cfg: Arc::new(cfg),
        }
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    pub fn base_url(&self) -> &Url {
        &self.cfg.base_url
    }

    fn request(&self, method: Method, path: &str, body: Option<Value>, kind: Kind) -> Request {
        let mut headers = HeaderMap::new();
        if let Ok(mut auth) = HeaderValue::from_str(&format!("Bearer {}", self.cfg.token.expose()))
        {
            auth.set_sensitive(true);
            headers.insert(AUTHORIZATION, auth);
        }
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Ok(v) = HeaderValue::from_str(&self.cfg.version) {
            headers.insert("Intercom-Version", v);
        }
        let body = body.map(|b| {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            Bytes::from(b.to_string())
        });
        let url = self
            .cfg
            .base_url
            .join(path)
            .unwrap_or_else(|_| self.cfg.base_url.clone());
        Request {
            method,
            url,
            headers,
            body,
            kind,
        }
    }

    /// One request, its error mapped to words, its answer decoded. A read whose
    /// answer cannot be decoded (a proxy's page, a cut-off body) is asked again
    /// like a 5xx; a write's undecodable answer is an unknown outcome, never repeated.
    async fn call<T: DeserializeOwned>(
        &self,
        req: Request,
        what: &'static str,
        obs: &Observer,
    ) -> Result<T, IntercomError> {
        let mut attempt = 1;
        loop {
            let resp = match self.transport.send(req.clone(), obs).await {
                Ok(r) => r,
                Err(TransportError::RateLimited { wait }) => {
                    return Err(IntercomError::RateLimited { retry_after: wait });
                }
                Err(e) => return Err(e.into()),
            };
            if resp.status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                // Given up waiting (too long, or too many times): say for how long.
                return Err(IntercomError::RateLimited {
                    retry_after: resp.rate.wait_hint(std::time::SystemTime::now()),
                });
            }
            if !resp.status.is_success() {
                return Err(from_response(
                    resp.status,
                    &resp.body,
                    &ErrorContext {
                        token_hint: &self.cfg.token_hint,
                        version: &self.cfg.version,
                        what,
                    },
                ));
            }
            match serde_json::from_slice(&resp.body) {
                Ok(v) => return Ok(v),
                Err(e)
                    if req.kind == Kind::Read
                        && attempt < self.transport.policy().read_attempts =>
                {
                    let cause = match e.classify() {
                        serde_json::error::Category::Eof => "a cut-off answer",
                        serde_json::error::Category::Syntax => "an answer that is not JSON",
                        _ => "an answer of an unexpected shape",
                    };
                    self.transport
                        .retry_wait(obs, attempt, cause.to_string())
                        .await;
                    attempt += 1;
                }
                Err(e) => {
                    return Err(IntercomError::Decode {
                        what,
                        detail: crate::text::one_line(&e.to_string(), 160),
                    });
                }
            }
        }
    }

    /// The admin the token belongs to, with the app's `id_code` for inbox links.
    pub async fn me(&self, obs: &Observer) -> Result<Admin, IntercomError> {
        self.call(
            self.request(Method::GET, "me", None, Kind::Read),
            "admin",
            obs,
        )
        .await
    }

    /// Every contact whose `phone` or `formatted_phone` is `e164`, most recently
    /// updated first. Contacts created in the last minutes may be missing (index lag).
    pub async fn search_by_phone(
        &self,
        e164: &str,
        obs: &Observer,
    ) -> Result<Vec<Contact>, IntercomError> {
        let mut found: Vec<Contact> = Vec::new();
        let mut skipped = 0;
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_SEARCH_PAGES {
            let mut pagination = json!({"per_page": PER_PAGE});
            if let Some(c) = &cursor {
                pagination["starting_after"] = json!(c);
            }
            let body = json!({
                "query": {"operator": "OR", "value": [
                    {"field": "phone", "operator": "=", "value": e164},
                    {"field": "formatted_phone", "operator": "=", "value": e164},
                ]},
                "pagination": pagination,
            });
            let page: ContactPage = self
                .call(
                    self.request(Method::POST, "contacts/search", Some(body), Kind::Read),
                    "contact",
                    obs,
                )
                .await?;
            // "Nobody has this number" leads to a create: only a real empty list says so.
            let items = match page.data {
                Value::Array(items) => items,
                Value::Null if page.total_count.as_u64().is_none_or(|n| n == 0) => Vec::new(),
                _ => {
                    return Err(IntercomError::Decode {
                        what: "contact list",
                        detail: "no list of contacts in the answer".into(),
                    });
                }
            };
            for item in items {
                // One odd entry must not hide the others.
                match serde_json::from_value::<Contact>(item) {
                    Ok(c) if !found.iter().any(|f| f.id == c.id) => found.push(c),
                    Ok(_) => {}
                    Err(e) => {
                        skipped += 1;
                        tracing::warn!(error = %e, "skipped an unreadable contact");
                    }
                }
            }
            let next = page
                .pages
                .get("next")
                .and_then(|n| n.get("starting_after"))
                .and_then(Value::as_str)
                .map(str::to_string);
            match next {
                Some(n) if Some(&n) != cursor.as_ref() => cursor = Some(n),
                _ => break,
            }
        }
        if found.is_empty() && skipped > 0 {
            // Contacts came back but none could be read: that is not "nobody".
            return Err(IntercomError::Decode {
                what: "contact list",
                detail: format!(
                    "{} without a readable id",
                    crate::text::count(skipped, "contact", "contacts")
                ),
            });
        }
        found.sort_by(|a, b| {
            b.updated_at
                .or(b.created_at)
                .cmp(&a.updated_at.or(a.created_at))
        });
        Ok(found)
    }

    /// A contact by id: confirms that a remembered lead still exists.
    pub async fn get_contact(&self, id: &str, obs: &Observer) -> Result<Contact, IntercomError> {
        let path = format!("contacts/{}", url_segment(id));
        self.call(
            self.request(Method::GET, &path, None, Kind::Read),
            "contact",
            obs,
        )
        .await
    }

    /// Creates a lead with only a phone number (and a name, when given).
    pub async fn create_lead(
        &self,
        e164: &str,
        name: Option<&str>,
        obs: &Observer,
    ) -> Result<Contact, IntercomError> {
        let mut body = json!({"role": "lead", "phone": e164});
        if let Some(n) = name.filter(|n| !n.trim().is_empty()) {
            body["name"] = json!(n.trim());
        }
        self.call(
            self.request(Method::POST, "contacts", Some(body), Kind::Write),
            "contact",
            obs,
        )
        .await
    }

    /// Starts the WhatsApp conversation with an approved template.
    pub async fn send_whatsapp(
        &self,
        msg: &WhatsAppMessage,
        obs: &Observer,
    ) -> Result<MessageSent, IntercomError> {
        let body = json!({
            "from": {"type": "admin", "id": msg.admin_id},
            "to": {"type": msg.to.role.as_str(), "id": msg.to.id},
            "message_type": "whatsapp",
            "template": msg.template,
            "locale": msg.locale,
            "components": msg.components,
            "create_conversation_without_contact_reply": true,
        });
        // A 404 here is about the contact; an unreadable answer is about the message.
        self.call(
            self.request(Method::POST, "messages", Some(body), Kind::Write),
            "contact",
            obs,
        )
        .await
        .map_err(|e| match e {
            IntercomError::Decode { detail, .. } => IntercomError::Decode {
                what: "message",
                detail,
            },
            other => other,
        })
    }

    /// The inbox link of a conversation, when the app's id code is known.
    pub fn inbox_link(id_code: &str, conversation_id: &str) -> String {
        format!("https://app.intercom.com/a/inbox/{id_code}/inbox/conversation/{conversation_id}")
    }
}

/// Ids come from the server; keep them to one safe path segment.
fn url_segment(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::RetryPolicy;

    fn client() -> Intercom {
        Intercom::new(
            Transport::new(
                std::time::Duration::from_secs(1),
                std::time::Duration::from_secs(1),
                RetryPolicy::fast(),
            ),
            IntercomConfig {
                base_url: Url::parse("https://api.eu.intercom.io/").unwrap(),
                version: "2.16".into(),
                token: Secret::new("tok_abc"),
                token_hint: "INTERCOM_TOKEN".into(),
            },
        )
    }

    #[test]
    fn every_call_carries_intercoms_headers() {
        let c = client();
        let get = c.request(Method::GET, "me", None, Kind::Read);
        assert_eq!(get.url.as_str(), "https://api.eu.intercom.io/me");
        assert_eq!(get.headers[AUTHORIZATION], "Bearer tok_abc");
        assert!(get.headers[AUTHORIZATION].is_sensitive());
        assert_eq!(get.headers[ACCEPT], "application/json");
        assert_eq!(get.headers["Intercom-Version"], "2.16");
        assert!(
            !get.headers.contains_key(CONTENT_TYPE),
            "no body, no Content-Type"
        );
        let post = c.request(
            Method::POST,
            "contacts",
            Some(json!({"role": "lead"})),
            Kind::Write,
        );
        assert_eq!(post.headers[CONTENT_TYPE], "application/json");
        assert_eq!(post.kind, Kind::Write);
        // The request's own Debug never shows the token.
        assert!(!format!("{post:?}").contains("tok_abc"));
    }

    #[test]
    fn ids_stay_one_path_segment() {
        assert_eq!(
            url_segment("6762f0dd1bb69f9f2193bb83"),
            "6762f0dd1bb69f9f2193bb83"
        );
        assert_eq!(url_segment("../admins?x=1"), "adminsx1");
    }
}
