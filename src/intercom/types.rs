//! The Intercom objects leadline reads and writes, decoded tolerantly.

use super::lenient;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Lead,
    User,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Lead => "lead",
            Role::User => "user",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct App {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id_code: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub region: Option<String>,
}

/// `GET /me` and the entries of `GET /admins`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Admin {
    #[serde(deserialize_with = "lenient::string")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub email: Option<String>,
    #[serde(default)]
    pub app: Option<App>,
}

/// A contact as search or create returns it. Only what leadline needs is kept;
/// `owner_id`, `avatar` and the rest may be of any shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(deserialize_with = "lenient::string")]
    pub id: String,
    #[serde(default, deserialize_with = "role")]
    pub role: Role,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub phone: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub created_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub updated_at: Option<i64>,
}

fn role<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Role, D::Error> {
    // "user" is as good as "lead" for messaging; anything unknown is treated as a lead.
    Ok(match Value::deserialize(d)? {
        Value::String(s) if s.eq_ignore_ascii_case("user") => Role::User,
        _ => Role::Lead,
    })
}

impl Contact {
    pub fn as_ref(&self) -> ContactRef {
        ContactRef {
            role: self.role,
            id: self.id.clone(),
        }
    }
}

/// Who a message goes to: `{"type":"lead","id":…}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRef {
    #[serde(rename = "type")]
    pub role: Role,
    pub id: String,
}

/// What `POST /messages` needs for a WhatsApp template.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatsAppMessage {
    pub admin_id: String,
    pub to: ContactRef,
    pub template: String,
    pub locale: String,
    pub components: Vec<Value>,
}

/// The answer of `POST /messages`. `conversation_id` may be absent: the
/// conversation can appear only once the contact replies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageSent {
    #[serde(deserialize_with = "lenient::string")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub conversation_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub created_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_tolerates_version_quirks() {
        let c: Contact = serde_json::from_str(
            r#"{"type":"contact","id":"6762f0dd1bb69f9f2193bb83","role":"user","owner_id":123,
                "avatar":{"type":"avatar","image_url":null},"phone":"+44 7911 123456",
                "created_at":1734537437,"updated_at":"1734537440","custom_attributes":{},"new_field":[1]}"#,
        )
        .unwrap();
        assert_eq!(c.role, Role::User);
        assert_eq!(c.updated_at, Some(1734537440));
        let c: Contact = serde_json::from_str(r#"{"id":"x","role":null,"owner_id":"12"}"#).unwrap();
        assert_eq!(c.role, Role::Lead);
        // avatar as a URL string or null, ids as numbers, nulls everywhere.
        for avatar in [
            r#""https://x.io/a.png""#,
            "null",
            r#"{"type":"avatar"}"#,
            "[]",
        ] {
            let c: Contact = serde_json::from_str(&format!(
                r#"{{"id":123,"avatar":{avatar},"owner_id":null,"phone":null,"name":null}}"#
            ))
            .unwrap();
            assert_eq!(c.id, "123");
        }
        let a: Admin =
            serde_json::from_str(r#"{"id":991267459,"app":{"id_code":"abc","region":"EU","x":1}}"#)
                .unwrap();
        assert_eq!(a.id, "991267459");
        let m: MessageSent =
            serde_json::from_str(r#"{"type":"admin_message","id":19,"created_at":"1734537786"}"#)
                .unwrap();
        assert_eq!((m.id.as_str(), m.conversation_id), ("19", None));
    }
}
