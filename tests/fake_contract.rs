//! The fake workspace answers like the real services: the shapes of the
//! vendors' own examples (Intercom 2.16 and Graph v23.0 OpenAPI files, checked
//! by hand; the keys below are copied from their examples), their rules, and
//! their errors. Then the Graph client against it: paging and faults.

use leadline::fake::{Endpoint, FakeOptions, FakeServer, Fault, Settings};
use leadline::http::{RetryPolicy, Timeouts, quiet};
use leadline::workspace::Workspace;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use std::time::Duration;

const TOKEN: &str = "demo-intercom-token";

struct Api {
    http: reqwest::Client,
    base: String,
}

struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Value,
}

/// A plain client, as another program would use; reqwest is built without a
/// default TLS provider here, so one is installed first.
fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

impl Api {
    fn new(fake: &FakeServer) -> Api {
        Api {
            http: client(),
            base: fake.intercom_url(),
        }
    }

    async fn call(&self, req: reqwest::RequestBuilder) -> Answer {
        let resp = req.send().await.expect("the fake answers");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        Answer {
            status,
            headers,
            body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        }
    }

    fn with_headers(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        req.header("Authorization", format!("Bearer {TOKEN}"))
            .header("Accept", "application/json")
            .header("Intercom-Version", "2.16")
    }

    async fn get(&self, path: &str) -> Answer {
        self.call(self.with_headers(self.http.get(format!("{}{path}", self.base))))
            .await
    }

    async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(
            self.with_headers(self.http.post(format!("{}{path}", self.base)))
                .json(&body),
        )
        .await
    }
}

async fn fake() -> FakeServer {
    FakeServer::start(FakeOptions {
        seed_contacts: true,
        ..FakeOptions::default()
    })
    .await
    .unwrap()
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// Every key of the vendor's example is in the fake's answer.
fn assert_has_keys(what: &str, v: &Value, example: &[&str]) {
    let have = keys(v);
    let missing: Vec<&&str> = example
        .iter()
        .filter(|k| !have.iter().any(|h| h == *k))
        .collect();
    assert!(missing.is_empty(), "{what}: missing {missing:?} in {v:#}");
}

fn assert_error_list(what: &str, a: &Answer, status: u16, code: &str) {
    assert_eq!(a.status, status, "{what}: {:#}", a.body);
    assert_eq!(a.body["type"], "error.list", "{what}");
    assert!(a.body["request_id"].is_string(), "{what}");
    assert_eq!(a.body["errors"][0]["code"], code, "{what}: {:#}", a.body);
    assert!(a.body["errors"][0]["message"].is_string(), "{what}");
}

/// `POST /contacts` example of intercom-api-2.16.yaml (`successful`).
const CONTACT_EXAMPLE: &[&str] = &[
    "type",
    "id",
    "workspace_id",
    "external_id",
    "role",
    "email",
    "phone",
    "name",
    "avatar",
    "owner_id",
    "social_profiles",
    "has_hard_bounced",
    "marked_email_as_spam",
    "unsubscribed_from_emails",
    "created_at",
    "updated_at",
    "signed_up_at",
    "last_seen_at",
    "last_replied_at",
    "last_contacted_at",
    "last_email_opened_at",
    "last_email_clicked_at",
    "language_override",
    "browser",
    "browser_version",
    "browser_language",
    "os",
    "location",
    "android_app_name",
    "android_app_version",
    "android_device",
    "android_os_version",
    "android_sdk_version",
    "android_last_seen_at",
    "ios_app_name",
    "ios_app_version",
    "ios_device",
    "ios_os_version",
    "ios_sdk_version",
    "ios_last_seen_at",
    "custom_attributes",
    "tags",
    "notes",
    "companies",
    "opted_out_subscription_types",
    "opted_in_subscription_types",
    "utm_campaign",
    "utm_content",
    "utm_medium",
    "utm_source",
    "utm_term",
    "referrer",
    "enabled_push_messaging",
];

#[tokio::test]
async fn intercom_answers_have_the_shapes_of_the_vendor_examples() {
    let fake = fake().await;
    let api = Api::new(&fake);

    // GET /me
    let me = api.get("me").await;
    assert_eq!(me.status, 200);
    assert_has_keys(
        "me",
        &me.body,
        &[
            "type",
            "id",
            "email",
            "name",
            "email_verified",
            "app",
            "avatar",
            "has_inbox_seat",
        ],
    );
    assert_has_keys(
        "me.app",
        &me.body["app"],
        &[
            "type",
            "id_code",
            "name",
            "created_at",
            "secure",
            "identity_verification",
            "timezone",
            "region",
        ],
    );
    assert!(me.body["id"].is_string(), "admin ids are strings");

    // GET /admins
    let admins = api.get("admins").await;
    assert_eq!(admins.body["type"], "admin.list");
    assert_has_keys(
        "admins[0]",
        &admins.body["admins"][0],
        &[
            "type",
            "email",
            "id",
            "name",
            "away_mode_enabled",
            "away_mode_reassign",
            "has_inbox_seat",
            "team_ids",
        ],
    );

    // POST /contacts, GET /contacts/{id}
    let created = api
        .post(
            "contacts",
            json!({"role": "lead", "phone": "+447911123456", "name": "Jane Doe"}),
        )
        .await;
    assert_eq!(created.status, 200);
    assert_has_keys("created contact", &created.body, CONTACT_EXAMPLE);
    let id = created.body["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 24);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(created.body["created_at"].is_i64());
    assert_eq!(created.body["role"], "lead");
    assert_eq!(created.body["email"], Value::Null);
    assert_has_keys(
        "location",
        &created.body["location"],
        &[
            "type",
            "country",
            "region",
            "city",
            "country_code",
            "continent_code",
        ],
    );
    assert_has_keys(
        "tags",
        &created.body["tags"],
        &["type", "data", "url", "total_count", "has_more"],
    );
    let fetched = api.get(&format!("contacts/{id}")).await;
    assert_eq!(fetched.status, 200);
    assert_has_keys("fetched contact", &fetched.body, CONTACT_EXAMPLE);

    // POST /contacts/search
    let found = api
        .post(
            "contacts/search",
            json!({"query": {"field": "phone", "operator": "=", "value": "+447911123456"}}),
        )
        .await;
    assert_has_keys(
        "search",
        &found.body,
        &["type", "data", "total_count", "pages"],
    );
    assert_has_keys(
        "search.pages",
        &found.body["pages"],
        &["type", "page", "per_page", "total_pages"],
    );
    assert_eq!(found.body["type"], "list");

    // POST /messages
    let sent = api
        .post(
            "messages",
            json!({
                "from": {"type": "admin", "id": "991267459"},
                "to": {"type": "lead", "id": id},
                "message_type": "whatsapp",
                "template": "appointment_reminder", "locale": "en_US",
                "components": [{"type": "BODY", "parameters": [
                    {"type": "text", "text": "Jane"}, {"type": "text", "text": "12 March"},
                    {"type": "text", "text": "10:30"}]}],
                "create_conversation_without_contact_reply": true
            }),
        )
        .await;
    assert_eq!(sent.status, 200, "{:#}", sent.body);
    assert_has_keys(
        "message",
        &sent.body,
        &[
            "type",
            "id",
            "created_at",
            "body",
            "message_type",
            "owner",
            "conversation_id",
        ],
    );
    assert_eq!(sent.body["type"], "admin_message");
    assert_eq!(sent.body["message_type"], "whatsapp");
    assert!(sent.body["id"].is_string() && sent.body["conversation_id"].is_string());
    assert_has_keys(
        "message.owner",
        &sent.body["owner"],
        &[
            "type",
            "id",
            "name",
            "email",
            "away_mode_enabled",
            "away_mode_reassign",
        ],
    );

    // Errors
    let missing = api.get("contacts/000000000000000000000000").await;
    assert_error_list("unknown contact", &missing, 404, "not_found");
}

#[tokio::test]
async fn intercom_rules_are_enforced() {
    let fake = fake().await;
    let api = Api::new(&fake);
    let url = |p: &str| format!("{}{p}", api.base);

    // A wrong token: 401 unauthorized, "Access Token Invalid".
    let a = api
        .call(
            api.http
                .get(url("me"))
                .header("Authorization", "Bearer nope")
                .header("Accept", "application/json"),
        )
        .await;
    assert_error_list("wrong token", &a, 401, "unauthorized");
    assert_eq!(a.body["errors"][0]["message"], "Access Token Invalid");
    // No token at all: the same.
    let a = api
        .call(api.http.get(url("me")).header("Accept", "application/json"))
        .await;
    assert_error_list("no token", &a, 401, "unauthorized");

    // No Accept header (reqwest then sends "*/*"): 406. The fake wants
    // application/json, as every Intercom example sends it.
    let a = api
        .call(
            api.http
                .get(url("me"))
                .header("Authorization", format!("Bearer {TOKEN}")),
        )
        .await;
    assert_eq!(a.status, 406);
    assert_eq!(a.body["type"], "error.list");

    // A body that is not JSON: 400.
    let a = api
        .call(
            api.with_headers(api.http.post(url("contacts")))
                .header("Content-Type", "application/json")
                .body("role=lead&phone=+44"),
        )
        .await;
    assert_error_list("not JSON", &a, 400, "parameter_invalid");

    // An unknown version: intercom_version_invalid.
    let a = api
        .call(
            api.http
                .get(url("me"))
                .header("Authorization", format!("Bearer {TOKEN}"))
                .header("Accept", "application/json")
                .header("Intercom-Version", "9.9"),
        )
        .await;
    assert_error_list("bad version", &a, 400, "intercom_version_invalid");

    // WhatsApp messages need 2.16 or later.
    let a = api
        .call(
            api.http
                .post(url("messages"))
                .header("Authorization", format!("Bearer {TOKEN}"))
                .header("Accept", "application/json")
                .header("Intercom-Version", "2.11")
                .json(&json!({"from": {"type": "admin", "id": "991267459"},
                    "to": {"type": "lead", "id": "6762f0e11bb69f9f2193bb90"},
                    "message_type": "whatsapp", "template": "x", "locale": "en"})),
        )
        .await;
    assert_error_list("old version", &a, 400, "parameter_invalid");

    // Rate-limit headers on every answer, errors included; 429 past the limit.
    fake.settings(|s| {
        s.rate_limit = Some(3);
        s.window = Duration::from_secs(10);
    });
    let mut last = None;
    for _ in 0..5 {
        let a = api.get("contacts/nope").await;
        for h in [
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
        ] {
            assert!(a.headers.contains_key(h), "{h} on a {}", a.status);
        }
        last = Some(a);
    }
    let last = last.unwrap();
    assert_error_list("over the limit", &last, 429, "rate_limit_exceeded");
    assert_eq!(last.headers["x-ratelimit-remaining"], "0");
    assert_eq!(last.headers["x-ratelimit-limit"], "3");
    assert_eq!(
        last.body["errors"][0]["message"],
        "Exceeded rate limit of 3 in 10_seconds"
    );
    let reset: u64 = last.headers["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        reset > now && reset <= now + 10,
        "reset is Unix seconds within the window"
    );
}

#[tokio::test]
async fn contacts_follow_intercoms_rules() {
    let fake = fake().await;
    let api = Api::new(&fake);

    // Phone is stored exactly as sent; formatted_phone is the E.164 copy.
    let a = api
        .post(
            "contacts",
            json!({"role": "lead", "phone": "+44 7911 123456"}),
        )
        .await;
    assert_eq!(a.body["phone"], "+44 7911 123456");
    let stored = fake.contacts();
    let c = stored.iter().find(|c| c.id == a.body["id"]).unwrap();
    assert_eq!(c.formatted_phone.as_deref(), Some("+447911123456"));

    // Phone is not a uniqueness key: a second create makes a second lead.
    let b = api
        .post(
            "contacts",
            json!({"role": "lead", "phone": "+447911123456"}),
        )
        .await;
    assert_eq!(b.status, 200);
    assert_ne!(a.body["id"], b.body["id"]);

    // Email is: 409 conflict naming the existing contact.
    let first = api
        .post(
            "contacts",
            json!({"role": "lead", "email": "jane@example.com"}),
        )
        .await;
    let dup = api
        .post(
            "contacts",
            json!({"role": "user", "email": "jane@example.com"}),
        )
        .await;
    assert_error_list("duplicate email", &dup, 409, "conflict");
    assert_eq!(
        dup.body["errors"][0]["message"],
        format!(
            "A contact matching those details already exists with id={}",
            first.body["id"].as_str().unwrap()
        )
    );
    // A user needs an email or an external_id; a lead needs neither.
    let bare_user = api
        .post(
            "contacts",
            json!({"role": "user", "phone": "+447911123457"}),
        )
        .await;
    assert_error_list("bare user", &bare_user, 400, "parameter_invalid");

    // Search: phone OR formatted_phone; body cursors; per_page at most 150.
    for i in 0..3 {
        api.post(
            "contacts",
            json!({"role": "lead", "phone": format!("+3361234567{i}")}),
        )
        .await;
    }
    let query = json!({"operator": "OR", "value": [
        {"field": "phone", "operator": "^", "value": "+3361234567"},
        {"field": "formatted_phone", "operator": "^", "value": "+3361234567"}]});
    let page1 = api
        .post(
            "contacts/search",
            json!({"query": query, "pagination": {"per_page": 2}}),
        )
        .await;
    assert_eq!(page1.body["total_count"], 3);
    assert_eq!(page1.body["data"].as_array().unwrap().len(), 2);
    let cursor = page1.body["pages"]["next"]["starting_after"]
        .as_str()
        .unwrap();
    // The cursor in the query string is ignored: page 1 again.
    let ignored = api
        .post(
            &format!("contacts/search?starting_after={cursor}"),
            json!({"query": query, "pagination": {"per_page": 2}}),
        )
        .await;
    assert_eq!(ignored.body["data"], page1.body["data"]);
    let page2 = api
        .post(
            "contacts/search",
            json!({"query": query, "pagination": {"per_page": 2, "starting_after": cursor}}),
        )
        .await;
    assert_eq!(page2.body["data"].as_array().unwrap().len(), 1);
    assert!(
        page2.body["pages"].get("next").is_none(),
        "no next on the last page"
    );
    let too_many = api
        .post(
            "contacts/search",
            json!({"query": query, "pagination": {"per_page": 151}}),
        )
        .await;
    assert_error_list("per_page 151", &too_many, 400, "parameter_invalid");
    let max = api
        .post(
            "contacts/search",
            json!({"query": query, "pagination": {"per_page": 150}}),
        )
        .await;
    assert_eq!(max.status, 200);

    // Search lags creation.
    fake.settings(|s| s.index_lag = Duration::from_secs(60));
    api.post("contacts", json!({"role": "lead", "phone": "+33612345679"}))
        .await;
    let lagging = api
        .post(
            "contacts/search",
            json!({"query": {"field": "formatted_phone", "operator": "=", "value": "+33612345679"}}),
        )
        .await;
    assert_eq!(lagging.body["total_count"], 0);
}

fn whatsapp(to: Value, template: &str, locale: &str, components: Value) -> Value {
    json!({"from": {"type": "admin", "id": 991267459}, "to": to, "message_type": "whatsapp",
           "template": template, "locale": locale, "components": components,
           "create_conversation_without_contact_reply": true})
}

fn body(params: &[&str]) -> Value {
    json!([{"type": "body", "parameters": params.iter().map(|p| json!({"type": "text", "text": p})).collect::<Vec<_>>()}])
}

#[tokio::test]
async fn messages_are_checked_like_meta_does() {
    let fake = fake().await;
    let api = Api::new(&fake);
    let lucia = json!({"type": "lead", "id": "6762f0e11bb69f9f2193bb90"});
    let meta_code = |a: &Answer| {
        let m = a.body["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .to_string();
        m.split("(#")
            .nth(1)
            .and_then(|r| r.split(')').next())
            .map(str::to_string)
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "unknown language",
            whatsapp(
                lucia.clone(),
                "appointment_reminder",
                "fr",
                body(&["a", "b", "c"]),
            ),
            "132001",
        ),
        (
            "unknown name",
            whatsapp(lucia.clone(), "nope", "en_US", body(&[])),
            "132001",
        ),
        (
            "too few parameters",
            whatsapp(
                lucia.clone(),
                "appointment_reminder",
                "en_US",
                body(&["a", "b"]),
            ),
            "132000",
        ),
        (
            "a newline",
            whatsapp(
                lucia.clone(),
                "appointment_reminder",
                "en_US",
                body(&["a\nb", "b", "c"]),
            ),
            "132018",
        ),
        (
            "a tab",
            whatsapp(
                lucia.clone(),
                "appointment_reminder",
                "en_US",
                body(&["a\tb", "b", "c"]),
            ),
            "132018",
        ),
        (
            "five spaces",
            whatsapp(
                lucia.clone(),
                "appointment_reminder",
                "en_US",
                body(&["a     b", "b", "c"]),
            ),
            "132018",
        ),
        (
            "body over 1024",
            whatsapp(
                lucia.clone(),
                "appointment_reminder",
                "en_US",
                body(&[&"x".repeat(1000), "b", "c"]),
            ),
            "132005",
        ),
        (
            "missing media header",
            whatsapp(lucia.clone(), "delivery_window", "en_US", body(&["a", "b"])),
            "132012",
        ),
    ];
    for (name, msg, code) in cases {
        let a = api.post("messages", msg).await;
        assert_eq!(a.status, 400, "{name}: {:#}", a.body);
        assert_eq!(a.body["type"], "error.list", "{name}");
        assert_eq!(meta_code(&a).as_deref(), Some(code), "{name}: {:#}", a.body);
    }
    assert!(fake.messages().is_empty());

    // MARKETING to a +1 number is refused.
    let us = api
        .post("contacts", json!({"role": "lead", "phone": "+12025550123"}))
        .await;
    let named = json!([{"type": "body", "parameters": [
        {"type": "text", "parameter_name": "first_name", "text": "Jo"},
        {"type": "text", "parameter_name": "referrer", "text": "Sam"},
        {"type": "text", "parameter_name": "product", "text": "the plan"}]}]);
    let a = api
        .post(
            "messages",
            whatsapp(
                json!({"type": "lead", "id": us.body["id"]}),
                "welcome_lead",
                "en",
                named.clone(),
            ),
        )
        .await;
    assert_eq!(meta_code(&a).as_deref(), Some("131049"), "{:#}", a.body);
    // The same to a +34 number goes.
    let a = api
        .post(
            "messages",
            whatsapp(lucia.clone(), "welcome_lead", "en", named),
        )
        .await;
    assert_eq!(a.status, 200, "{:#}", a.body);

    // `to` as {type, id} only for lead or user; Intercom's own example form
    // {phone, name} is accepted too.
    let a = api
        .post(
            "messages",
            whatsapp(
                json!({"type": "contact", "id": "6762f0e11bb69f9f2193bb90"}),
                "appointment_reminder",
                "es",
                body(&["a", "b", "c"]),
            ),
        )
        .await;
    assert_error_list("to.type contact", &a, 400, "parameter_invalid");
    let a = api
        .post(
            "messages",
            whatsapp(
                json!({"phone": "+34612345678", "name": "Lucía"}),
                "appointment_reminder",
                "es",
                body(&["a", "b", "c"]),
            ),
        )
        .await;
    assert_eq!(a.status, 200, "{:#}", a.body);

    // The WhatsApp message schema requires `components`, even an empty list.
    let mut bare = whatsapp(lucia.clone(), "callback_request", "de", body(&["Jo"]));
    bare.as_object_mut().unwrap().remove("components");
    let a = api.post("messages", bare).await;
    assert_error_list("no components", &a, 400, "parameter_invalid");

    // No conversation until the contact replies, unless one is asked for.
    let mut quiet_open = whatsapp(
        lucia.clone(),
        "appointment_reminder",
        "en_US",
        body(&["a", "b", "c"]),
    );
    quiet_open
        .as_object_mut()
        .unwrap()
        .remove("create_conversation_without_contact_reply");
    let a = api.post("messages", quiet_open).await;
    assert_eq!(a.status, 200);
    assert!(a.body.get("conversation_id").is_none(), "{:#}", a.body);
    fake.settings(|s| s.omit_conversation_id = true);
    let a = api
        .post(
            "messages",
            whatsapp(lucia.clone(), "callback_request", "de", body(&["a"])),
        )
        .await;
    assert_eq!(a.status, 200, "{:#}", a.body);
    assert!(a.body.get("conversation_id").is_none());

    // A contact created moments ago: 404 for a while.
    fake.settings(|s| s.new_contact_404 = Duration::from_secs(60));
    let young = api
        .post(
            "contacts",
            json!({"role": "lead", "phone": "+447911000111"}),
        )
        .await;
    let a = api
        .post(
            "messages",
            whatsapp(
                json!({"type": "lead", "id": young.body["id"]}),
                "appointment_reminder",
                "en_US",
                body(&["a", "b", "c"]),
            ),
        )
        .await;
    assert_error_list("young contact", &a, 404, "not_found");
}

fn graph_url(fake: &FakeServer, query: &str) -> String {
    format!(
        "{}v23.0/{}/message_templates?{query}",
        fake.graph_url(),
        fake.identity().waba_id
    )
}

#[tokio::test]
async fn graph_answers_like_graph() {
    let fake = FakeServer::start(FakeOptions {
        settings: Settings {
            graph_page_size: 4,
            ..Settings::default()
        },
        ..FakeOptions::default()
    })
    .await
    .unwrap();
    let http = client();
    let get = |url: String, token: &'static str| {
        let http = http.clone();
        async move {
            let resp = http.get(url).bearer_auth(token).send().await.unwrap();
            (resp.status().as_u16(), resp.json::<Value>().await.unwrap())
        }
    };

    // Wrong token: OAuthException 190 in Graph's error shape.
    let (status, body) = get(graph_url(&fake, "limit=100"), "nope").await;
    assert_eq!(status, 401);
    assert_has_keys(
        "graph error",
        &body["error"],
        &["message", "type", "code", "fbtrace_id"],
    );
    assert_eq!(body["error"]["code"], 190);
    assert_eq!(body["error"]["type"], "OAuthException");

    // Unknown account: code 100 "does not exist".
    let (status, body) = get(
        format!("{}v23.0/1/message_templates", fake.graph_url()),
        "demo-whatsapp-token",
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], 100);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not exist")
    );

    // A field templates do not have: (#100), as Graph says it.
    let (status, body) = get(
        graph_url(&fake, "fields=name,langauge"),
        "demo-whatsapp-token",
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("nonexisting field (langauge)")
    );

    // Pages: at most graph_page_size, `next` until the end, `previous` after the first.
    let mut url = graph_url(
        &fake,
        "status=APPROVED&fields=name,language,status,category,components&limit=100",
    );
    let mut names = Vec::new();
    let mut pages = 0;
    loop {
        let (status, body) = get(url.clone(), "demo-whatsapp-token").await;
        assert_eq!(status, 200);
        pages += 1;
        let data = body["data"].as_array().unwrap();
        assert!(data.len() <= 4);
        for t in data {
            // The fields asked for and the id; nothing else (no parameter_format here).
            let mut k = keys(t);
            k.sort();
            assert!(
                k.iter().all(
                    |k| ["category", "components", "id", "language", "name", "status"]
                        .contains(&k.as_str())
                ),
                "{k:?}"
            );
            assert_eq!(t["status"], "APPROVED");
            names.push(format!("{}/{}", t["name"], t["language"]));
        }
        assert_has_keys(
            "paging.cursors",
            &body["paging"]["cursors"],
            &["before", "after"],
        );
        if pages > 1 {
            assert!(body["paging"]["previous"].is_string());
        }
        match body["paging"]["next"].as_str() {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    assert_eq!(names.len(), 11, "{names:?}");
    assert_eq!(pages, 3);
}

async fn graph_ws(fake: &FakeServer) -> (Workspace, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::for_fake_with(
        fake,
        dir.path().to_path_buf(),
        RetryPolicy::fast(),
        Timeouts {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(5),
        },
    );
    (ws, dir)
}

fn template_requests(fake: &FakeServer) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.endpoint == Some("templates"))
        .count()
}

#[tokio::test]
async fn the_graph_client_follows_pages_and_survives_faults() {
    let fake = FakeServer::start(FakeOptions {
        settings: Settings {
            graph_page_size: 2,
            ..Settings::default()
        },
        ..FakeOptions::default()
    })
    .await
    .unwrap();
    let (ws, _dir) = graph_ws(&fake).await;

    // 11 approved templates, 2 a page: 6 pages, every one followed.
    let all = ws.templates.load(&quiet()).await.unwrap();
    assert_eq!(all.len(), 11);
    assert!(all.iter().all(|t| t.is_approved()));
    assert_eq!(template_requests(&fake), 6);

    // Faults a read survives: each costs one more request.
    for (fault, name) in [
        ("500", "5xx with Graph's transient error"),
        ("html", "an HTML error page"),
        ("malformed", "malformed JSON"),
        ("truncated", "truncated JSON"),
        ("drop-before", "a dropped connection"),
        ("drop-after", "a connection dropped after"),
    ] {
        fake.clear_requests();
        fake.script(Endpoint::Templates, [Fault::Ok, fault.parse().unwrap()]);
        let all = ws
            .templates
            .load(&quiet())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(all.len(), 11, "{name}");
        assert_eq!(template_requests(&fake), 7, "{name}");
    }

    // Faults said in words, not retried.
    let said = [
        (
            "401",
            "the WhatsApp (Meta) token expired or is invalid: set a new one in WHATSAPP_TOKEN",
        ),
        (
            "429",
            "Meta's rate limit for this WhatsApp Business Account was reached",
        ),
        ("403", "lacks permission"),
    ];
    for (fault, words) in said {
        fake.clear_requests();
        fake.script(Endpoint::Templates, [fault.parse().unwrap()]);
        let err = ws.templates.load(&quiet()).await.unwrap_err();
        assert!(err.contains(words), "{fault}: {err}");
        assert_eq!(template_requests(&fake), 1, "{fault}");
    }

    // 5xx until the retries run out.
    fake.clear_requests();
    fake.script(Endpoint::Templates, vec![Fault::Status(503); 4]);
    let err = ws.templates.load(&quiet()).await.unwrap_err();
    assert!(err.contains("temporary problem"), "{err}");
    assert_eq!(template_requests(&fake), 4);
}
