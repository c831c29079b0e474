//! The Intercom endpoints leadline uses, with Intercom's rules.

use super::faults::Endpoint;
use super::reply::Reply;
use super::search;
use super::state::{FakeContact, FakeMessage, State, unix_now};
use super::whatsapp::check_send;
use crate::template::Template;
use serde_json::{Value, json};
use std::time::Instant;

/// API versions the fake accepts in `Intercom-Version`.
const VERSIONS: &[&str] = &[
    "1.0", "1.1", "1.2", "1.3", "1.4", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7",
    "2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14", "2.15", "2.16", "Unstable",
];
/// The version a request without `Intercom-Version` gets (the app's default).
const APP_DEFAULT_VERSION: &str = "2.11";
const MAX_PER_PAGE: u64 = 150;

pub fn endpoint(method: &str, path: &str) -> Option<Endpoint> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    Some(match (method, segs.as_slice()) {
        ("GET", ["me"]) => Endpoint::Me,
        ("GET", ["admins"]) => Endpoint::Admins,
        ("POST", ["contacts", "search"]) => Endpoint::Search,
        ("POST", ["contacts"]) => Endpoint::Create,
        ("GET", ["contacts", _]) => Endpoint::GetContact,
        ("POST", ["messages"]) => Endpoint::Message,
        _ => return None,
    })
}

pub struct Call<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub authorization: Option<&'a str>,
    pub accept: Option<&'a str>,
    pub version: Option<&'a str>,
    pub body: &'a [u8],
}

/// Checks that every Intercom call must pass, then routes it.
pub fn handle(state: &mut State, call: &Call) -> Reply {
    let token = call
        .authorization
        .and_then(|a| a.strip_prefix("Bearer "))
        .map(str::trim);
    if token != Some(state.identity.intercom_token.as_str()) {
        return Reply::intercom_error(401, "unauthorized", "Access Token Invalid");
    }
    if call.accept.is_none_or(|a| !a.contains("application/json")) {
        return Reply::intercom_error(
            406,
            "not_acceptable",
            "Accept header must be application/json",
        );
    }
    let version = call.version.unwrap_or(APP_DEFAULT_VERSION);
    if !VERSIONS.contains(&version) {
        return Reply::intercom_error(
            400,
            "intercom_version_invalid",
            "Requested resource is not available in current API version.",
        );
    }
    let body = if call.method == "POST" {
        match serde_json::from_slice::<Value>(call.body) {
            Ok(v) if v.is_object() => v,
            _ => {
                return Reply::intercom_error(
                    400,
                    "parameter_invalid",
                    "There was a problem in the JSON you submitted",
                );
            }
        }
    } else {
        Value::Null
    };
    match endpoint(call.method, call.path) {
        Some(Endpoint::Me) => me(state),
        Some(Endpoint::Admins) => admins(state),
        Some(Endpoint::Search) => search_contacts(state, &body),
        Some(Endpoint::Create) => create_contact(state, &body),
        Some(Endpoint::GetContact) => get_contact(state, call.path),
        Some(Endpoint::Message) => create_message(state, &body, version),
        _ => Reply::intercom_error(404, "not_found", "Resource Not Found"),
    }
}

/// The answer a scripted `STATUS` or `STATUS:code` fault gets, in Intercom's
/// words for that code where they are known.
pub fn error_for_fault(status: u16, code: Option<&str>) -> Reply {
    let code = code.unwrap_or(match status {
        401 => "unauthorized",
        403 => "api_plan_restricted",
        404 => "not_found",
        409 => "conflict",
        429 => "rate_limit_exceeded",
        s if s >= 500 => "server_error",
        _ => "parameter_invalid",
    });
    let message = match code {
        "unauthorized" => "Access Token Invalid",
        "token_not_found" => "Token not found",
        "token_revoked" => "Token revoked",
        "token_expired" => "Token expired",
        "api_plan_restricted" => "Active subscription needed.",
        "not_found" => "Resource Not Found",
        "conflict" => "A contact matching those details already exists",
        "rate_limit_exceeded" => "Exceeded rate limit of 167 in 10_seconds",
        "server_error" => "Server Error",
        "service_unavailable" => "Service Unavailable",
        "intercom_version_invalid" => "Requested resource is not available in current API version.",
        _ => "Injected fault",
    };
    Reply::intercom_error(status, code, message)
}

/// Turns a successful create into the 409 of a create that lost a race:
/// the contact exists, and the message names its id.
pub fn conflict_for_created(created: &Reply, archived: bool) -> Reply {
    let id = serde_json::from_slice::<Value>(&created.body)
        .ok()
        .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_default();
    let what = if archived {
        "An archived contact"
    } else {
        "A contact"
    };
    Reply::intercom_error(
        409,
        "conflict",
        &format!("{what} matching those details already exists with id={id}"),
    )
}

fn admin_json(state: &State) -> Value {
    let id = &state.identity;
    json!({
        "type": "admin", "id": id.admin_id, "name": "Demo Agent", "email": "agent@demo.example",
        "email_verified": true, "away_mode_enabled": false, "away_mode_reassign": false,
        "has_inbox_seat": true, "team_ids": [], "avatar": {"type": "avatar", "image_url": null}
    })
}

fn me(state: &State) -> Reply {
    let mut me = admin_json(state);
    me["app"] = json!({
        "type": "app", "id_code": state.identity.app_id_code, "name": "Demo Workspace",
        "created_at": 1_700_000_000, "secure": true, "identity_verification": false,
        "timezone": "Europe/London", "region": "US"
    });
    Reply::json(200, &me)
}

/// The workspace's admins: the token's own, and a second one. The `admin`
/// schema of a list has no `email_verified`, and `avatar` only on request.
fn all_admins(state: &State) -> Vec<Value> {
    let listed = |mut a: Value| {
        if let Some(map) = a.as_object_mut() {
            map.remove("email_verified");
            map.remove("avatar");
        }
        a
    };
    let mut second = admin_json(state);
    second["id"] = json!("991267460");
    second["name"] = json!("Second Agent");
    second["email"] = json!("second@demo.example");
    vec![listed(admin_json(state)), listed(second)]
}

fn admins(state: &State) -> Reply {
    Reply::json(
        200,
        &json!({"type": "admin.list", "admins": all_admins(state)}),
    )
}

fn search_contacts(state: &State, body: &Value) -> Reply {
    let Some(query) = body.get("query") else {
        return Reply::intercom_error(400, "parameter_invalid", "query is required");
    };
    let query = match search::parse(query) {
        Ok(q) => q,
        Err(e) => return Reply::intercom_error(400, "parameter_invalid", &e),
    };
    let pagination = body.get("pagination");
    let per_page = pagination
        .and_then(|p| p.get("per_page"))
        .and_then(Value::as_u64)
        .unwrap_or(50);
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Reply::intercom_error(
            400,
            "parameter_invalid",
            "per_page must be between 1 and 150",
        );
    }
    let after = pagination
        .and_then(|p| p.get("starting_after"))
        .and_then(Value::as_str);
    let hits: Vec<&FakeContact> = state
        .contacts
        .iter()
        .filter(|c| state.searchable(c) && search::matches(&query, c))
        .collect();
    let start = match after {
        Some(cursor) => match decode_cursor(cursor) {
            Some(n) => n,
            None => {
                return Reply::intercom_error(
                    400,
                    "parameter_invalid",
                    "starting_after is invalid",
                );
            }
        },
        None => 0,
    };
    let per_page = per_page as usize;
    let page: Vec<Value> = hits
        .iter()
        .skip(start)
        .take(per_page)
        .map(|c| contact_json(state, c))
        .collect();
    let total = hits.len();
    let total_pages = total.div_ceil(per_page).max(if total == 0 { 0 } else { 1 });
    let mut pages = json!({
        "type": "pages", "page": start / per_page + 1, "per_page": per_page, "total_pages": total_pages
    });
    if start + per_page < total {
        // API-FACTS shows {page, starting_after}; the 2.16 schema {per_page, starting_after}.
        pages["next"] = json!({
            "page": start / per_page + 2,
            "per_page": per_page,
            "starting_after": encode_cursor(start + per_page)
        });
    }
    Reply::json(
        200,
        &json!({"type": "list", "data": page, "total_count": total, "pages": pages}),
    )
}

/// Opaque cursors, like Intercom's: base64-looking text the client must not parse.
fn encode_cursor(n: usize) -> String {
    format!("WzE3MzQ1{n:x}XQ==")
}

fn decode_cursor(s: &str) -> Option<usize> {
    let inner = s.strip_prefix("WzE3MzQ1")?.strip_suffix("XQ==")?;
    usize::from_str_radix(inner, 16).ok()
}

/// A contact as this workspace answers it; with `quirks` on, in the shapes
/// real workspaces also show: `owner_id` a number (as before 2.16), `avatar` a
/// URL string or an object, a field no client knows yet, and no
/// `formatted_phone` (searchable, but absent from the 2.16 contact schema).
fn contact_json(state: &State, c: &FakeContact) -> Value {
    let mut v = c.to_json(&state.identity.workspace_id);
    if state.settings.quirks {
        if let Some(map) = v.as_object_mut() {
            map.remove("formatted_phone");
        }
        v["owner_id"] = json!(991_267_459u64);
        let odd = c.id.bytes().last().is_some_and(|b| b % 2 == 1);
        v["avatar"] = if odd {
            json!("https://static.intercomassets.com/avatars/1/square_128/jane.jpg")
        } else {
            json!({"type": "avatar", "image_url": null})
        };
        v["x_new_field"] = json!({"added_in": "2.17", "values": [1, "two", null]});
    }
    v
}

fn text_field(body: &Value, key: &str) -> Result<Option<String>, Reply> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Reply::intercom_error(
            400,
            "parameter_invalid",
            &format!("{key} must be a string"),
        )),
    }
}

/// Intercom's E.164 copy of a stored phone: only for numbers given with a `+`.
fn formatted(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    (phone.trim_start().starts_with('+') && (7..=15).contains(&digits.len()))
        .then(|| format!("+{digits}"))
}

fn create_contact(state: &mut State, body: &Value) -> Reply {
    let fields = (|| {
        Ok::<_, Reply>((
            text_field(body, "role")?,
            text_field(body, "phone")?,
            text_field(body, "name")?,
            text_field(body, "email")?,
            text_field(body, "external_id")?,
        ))
    })();
    let (role, phone, name, email, external_id) = match fields {
        Ok(f) => f,
        Err(r) => return r,
    };
    let role = role.unwrap_or_else(|| "user".into());
    if role != "user" && role != "lead" {
        return Reply::intercom_error(400, "parameter_invalid", "role must be user or lead");
    }
    if role == "user" && email.is_none() && external_id.is_none() {
        return Reply::intercom_error(
            400,
            "parameter_invalid",
            "A user requires an email or external_id",
        );
    }
    // Email and external_id are unique keys; phone is not.
    if let Some(existing) = state.contacts.iter().find(|c| {
        (email.is_some() && c.email == email)
            || (external_id.is_some() && c.external_id == external_id)
    }) {
        return Reply::intercom_error(
            409,
            "conflict",
            &format!(
                "A contact matching those details already exists with id={}",
                existing.id
            ),
        );
    }
    let now = unix_now();
    let contact = FakeContact {
        id: state.new_contact_id(),
        role,
        formatted_phone: phone.as_deref().and_then(formatted),
        phone,
        name,
        email,
        external_id,
        created_at: now,
        updated_at: now,
        born: Instant::now(),
    };
    let json = contact_json(state, &contact);
    state.contacts.push(contact);
    Reply::json(200, &json)
}

fn get_contact(state: &State, path: &str) -> Reply {
    let id = path.trim_matches('/').rsplit('/').next().unwrap_or("");
    match state.contacts.iter().find(|c| c.id == id) {
        Some(c) => Reply::json(200, &contact_json(state, c)),
        None => Reply::intercom_error(404, "not_found", "User Not Found"),
    }
}

fn version_at_least(version: &str, major: u32, minor: u32) -> bool {
    if version == "Unstable" {
        return true;
    }
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (a, b) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (a, b) >= (major, minor)
}

fn create_message(state: &mut State, body: &Value, version: &str) -> Reply {
    let from = body.get("from");
    if from.and_then(|f| f.get("type")).and_then(Value::as_str) != Some("admin") {
        return Reply::intercom_error(400, "parameter_invalid", "from must be an admin");
    }
    let admin = from
        .and_then(|f| f.get("id"))
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
        })
        .unwrap_or_default();
    let Some(mut owner) = all_admins(state)
        .into_iter()
        .find(|a| a.get("id").and_then(Value::as_str) == Some(admin.as_str()))
    else {
        return Reply::intercom_error(404, "admin_not_found", "Admin not found");
    };
    if body.get("message_type").and_then(Value::as_str) != Some("whatsapp") {
        return Reply::intercom_error(
            400,
            "parameter_invalid",
            "message_type must be whatsapp for this workspace's fake",
        );
    }
    if !version_at_least(version, 2, 16) {
        return Reply::intercom_error(
            400,
            "parameter_invalid",
            "WhatsApp messages require Intercom-Version 2.16 or later",
        );
    }
    let to = body.get("to").cloned().unwrap_or(Value::Null);
    let contact_idx = if let Some(id) = to.get("id").and_then(Value::as_str) {
        let kind = to.get("type").and_then(Value::as_str).unwrap_or("");
        if kind != "lead" && kind != "user" {
            return Reply::intercom_error(400, "parameter_invalid", "to.type must be lead or user");
        }
        state.contacts.iter().position(|c| c.id == id)
    } else if let Some(phone) = to.get("phone").and_then(Value::as_str) {
        state.contacts.iter().position(|c| {
            c.formatted_phone.as_deref() == Some(phone) || c.phone.as_deref() == Some(phone)
        })
    } else {
        return Reply::intercom_error(400, "parameter_invalid", "to is required");
    };
    let Some(idx) = contact_idx else {
        return Reply::intercom_error(404, "not_found", "User Not Found");
    };
    if state.contacts[idx].born.elapsed() < state.settings.new_contact_404 {
        return Reply::intercom_error(404, "not_found", "User Not Found");
    }
    let contact = state.contacts[idx].clone();
    let Some(phone) = contact.formatted_phone.clone().or(contact.phone.clone()) else {
        return Reply::intercom_error(400, "parameter_invalid", "The contact has no phone number");
    };
    let (Some(name), Some(locale)) = (
        body.get("template").and_then(Value::as_str),
        body.get("locale").and_then(Value::as_str),
    ) else {
        return Reply::intercom_error(400, "parameter_invalid", "template and locale are required");
    };
    let template = state
        .templates
        .iter()
        .filter_map(|t| Template::from_graph(t.clone()).ok())
        .find(|t| t.name == name && t.language == locale);
    let Some(template) = template else {
        return Reply::intercom_error(
            400,
            "parameter_invalid",
            "WhatsApp rejected the template: (#132001) Template name does not exist in the translation",
        );
    };
    // The 2.16 schema's WhatsApp message requires the list, even when empty.
    let components = match body.get("components") {
        None | Some(Value::Null) => {
            return Reply::intercom_error(
                400,
                "parameter_invalid",
                "components is required for WhatsApp messages",
            );
        }
        Some(Value::Array(a)) => a.clone(),
        Some(_) => {
            return Reply::intercom_error(400, "parameter_invalid", "components must be a list");
        }
    };
    let rendered = match check_send(&template, &phone, &components) {
        Ok(r) => r,
        Err(rej) => {
            return Reply::intercom_error(
                400,
                "parameter_invalid",
                &format!("WhatsApp rejected the template: {}", rej.message),
            );
        }
    };
    let id = state.new_numeric_id();
    let conversation_id = state.new_numeric_id();
    let now = unix_now();
    state.messages.push(FakeMessage {
        id: id.clone(),
        created_at: now,
        admin_id: admin,
        contact_id: contact.id.clone(),
        to,
        template: name.to_string(),
        locale: locale.to_string(),
        components: Value::Array(components),
        conversation_id: conversation_id.clone(),
        rendered_body: rendered.clone(),
    });
    if let Some(c) = state.contacts.get_mut(idx) {
        c.updated_at = now;
    }
    if let Some(o) = owner.as_object_mut() {
        o.retain(|k, _| {
            matches!(
                k.as_str(),
                "type" | "id" | "name" | "email" | "away_mode_enabled" | "away_mode_reassign"
            )
        });
    }
    let mut reply = json!({
        "type": "admin_message", "id": id, "created_at": now, "body": rendered,
        "message_type": "whatsapp", "owner": owner
    });
    // No conversation shows until the contact replies, unless one was asked for.
    let open_now = body
        .get("create_conversation_without_contact_reply")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if open_now && !state.settings.omit_conversation_id {
        reply["conversation_id"] = json!(conversation_id);
    }
    Reply::json(200, &reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        assert_eq!(decode_cursor(&encode_cursor(150)), Some(150));
        assert_eq!(decode_cursor("garbage"), None);
    }

    #[test]
    fn formatted_phone_only_for_plus_numbers() {
        assert_eq!(
            formatted("+44 7911 123456").as_deref(),
            Some("+447911123456")
        );
        assert_eq!(formatted("07911 123456"), None);
    }
}
