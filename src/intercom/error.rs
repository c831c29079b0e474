//! Intercom's `error.list` codes as typed errors, each with a sentence an agent
//! understands and the next step to take.

use crate::http::TransportError;
use crate::text::one_line;
use reqwest::StatusCode;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IntercomError {
    #[error("the Intercom token was not accepted: set a valid one in {token_hint}")]
    Unauthorized { token_hint: String },
    #[error("the Intercom token was revoked: set a new one in {token_hint}")]
    TokenRevoked { token_hint: String },
    #[error("the Intercom token expired: set a new one in {token_hint}")]
    TokenExpired { token_hint: String },
    #[error(
        "this Intercom workspace's plan does not include this feature (api_plan_restricted): ask an Intercom admin"
    )]
    PlanRestricted,
    #[error("Intercom does not know this {what}: {message}")]
    NotFound { what: &'static str, message: String },
    #[error("the sending admin does not exist in this Intercom workspace: check intercom.admin_id")]
    AdminNotFound,
    #[error("Intercom says a contact with those details already exists: {message}")]
    Conflict {
        existing_id: Option<String>,
        message: String,
    },
    #[error("WhatsApp refused the message: {}", whatsapp_sentence(*.code, .message))]
    WhatsAppRejected { code: u32, message: String },
    #[error("Intercom refused the request: {message}")]
    Invalid {
        message: String,
        field: Option<String>,
    },
    #[error(
        "Intercom does not accept API version {version}: set intercom.version to 2.16 or later"
    )]
    VersionInvalid { version: String },
    #[error("Intercom's rate limit is exceeded: {}", retry_words(*.retry_after))]
    RateLimited {
        /// When the service's window resets, if it said; nothing was processed.
        retry_after: Option<std::time::Duration>,
    },
    #[error("Intercom had a server error (HTTP {status}): try again shortly")]
    Server { status: u16 },
    #[error("Intercom answered HTTP {status}: {message}")]
    Unexpected { status: u16, message: String },
    #[error("Intercom: {0}")]
    Transport(#[from] TransportError),
    #[error("Intercom sent an answer leadline could not read ({what}): {detail}")]
    Decode { what: &'static str, detail: String },
}

impl IntercomError {
    /// True when the request may have been carried out although no clear answer came:
    /// a create or send in this state must not be repeated blindly.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            IntercomError::Transport(t) => t.maybe_processed(),
            IntercomError::Server { .. } | IntercomError::Decode { .. } => true,
            _ => false,
        }
    }

    /// What happened, without advice: for sentences such as "the message may
    /// have been sent (Intercom did not answer within 20 s)".
    pub fn cause(&self) -> String {
        match self {
            IntercomError::Transport(TransportError::Timeout { after }) => format!(
                "no answer from Intercom within {}",
                crate::http::seconds(*after)
            ),
            IntercomError::Transport(TransportError::Interrupted(_)) => {
                "the connection broke before Intercom's answer arrived".into()
            }
            IntercomError::Transport(t) => t.to_string(),
            IntercomError::Server { status } => format!("Intercom answered HTTP {status}"),
            IntercomError::Decode { .. } => "Intercom's answer could not be read".into(),
            other => other.to_string(),
        }
    }

    /// True for errors the agent fixes in the configuration, not by retrying.
    pub fn is_configuration(&self) -> bool {
        matches!(
            self,
            IntercomError::Unauthorized { .. }
                | IntercomError::TokenRevoked { .. }
                | IntercomError::TokenExpired { .. }
                | IntercomError::PlanRestricted
                | IntercomError::VersionInvalid { .. }
                | IntercomError::AdminNotFound
        )
    }
}

/// `{"type":"error.list","errors":[…]}`; a few endpoints answer
/// `{"type":"error","message":…}` instead, so both are read.
#[derive(Deserialize)]
struct ErrorList {
    #[serde(default)]
    errors: Option<Vec<ErrorItem>>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
struct ErrorItem {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    field: Option<String>,
}

/// Context needed to turn an error body into words.
pub(crate) struct ErrorContext<'a> {
    pub token_hint: &'a str,
    pub version: &'a str,
    /// What a 404 refers to on this endpoint ("contact", "admin").
    pub what: &'static str,
}

pub(crate) fn from_response(status: StatusCode, body: &[u8], cx: &ErrorContext) -> IntercomError {
    let first = serde_json::from_slice::<ErrorList>(body)
        .ok()
        .and_then(|l| match l.errors.and_then(|e| e.into_iter().next()) {
            Some(e) => Some(e),
            None => l.message.map(|m| ErrorItem {
                code: String::new(),
                message: Some(m),
                field: None,
            }),
        });
    let (code, message, field) = match first {
        Some(e) => (
            e.code,
            one_line(e.message.as_deref().unwrap_or(""), 300),
            e.field,
        ),
        None => (String::new(), String::new(), None),
    };
    let token_hint = cx.token_hint.to_string();
    // Meta's refusals come relayed in a 400 (or 422), under whichever Intercom
    // code: "(#132000) …" in the message is what counts.
    if matches!(status.as_u16(), 400 | 422)
        && let Some(code) = meta_code(&message)
    {
        return IntercomError::WhatsAppRejected { code, message };
    }
    let message_or = |fallback: &str| {
        if message.is_empty() {
            fallback.to_string()
        } else {
            message.clone()
        }
    };
    match code.as_str() {
        "token_revoked" => return IntercomError::TokenRevoked { token_hint },
        "token_expired" => return IntercomError::TokenExpired { token_hint },
        "unauthorized" | "token_not_found" | "token_unauthorized" => {
            return IntercomError::Unauthorized { token_hint };
        }
        "api_plan_restricted" => return IntercomError::PlanRestricted,
        "intercom_version_invalid" => {
            return IntercomError::VersionInvalid {
                version: cx.version.to_string(),
            };
        }
        "rate_limit_exceeded" => return IntercomError::RateLimited { retry_after: None },
        "admin_not_found" => return IntercomError::AdminNotFound,
        // A merged contact answers 410 on its old id: gone, like a 404.
        "not_found" | "contact_merged" => {
            return IntercomError::NotFound {
                what: cx.what,
                message: message_or("not found"),
            };
        }
        "conflict" => {
            return IntercomError::Conflict {
                existing_id: existing_id(&message),
                message: message_or("conflict"),
            };
        }
        "parameter_invalid"
        | "parameter_not_found"
        | "parameter_mismatch"
        | "missing_parameter"
        | "bad_request" => {
            return IntercomError::Invalid {
                message: message_or("a parameter is invalid"),
                field,
            };
        }
        _ => {}
    }
    match status.as_u16() {
        401 => IntercomError::Unauthorized { token_hint },
        403 if code.is_empty() => IntercomError::Unexpected {
            status: 403,
            message: "access denied".into(),
        },
        404 | 410 => IntercomError::NotFound {
            what: cx.what,
            message: message_or("not found"),
        },
        409 => IntercomError::Conflict {
            existing_id: existing_id(&message),
            message: message_or("conflict"),
        },
        429 => IntercomError::RateLimited { retry_after: None },
        400 | 422 => IntercomError::Invalid {
            message: message_or("the request was refused"),
            field,
        },
        s if s >= 500 => IntercomError::Server { status: s },
        s => IntercomError::Unexpected {
            status: s,
            message: if message.is_empty() {
                if code.is_empty() {
                    "an answer that is not an Intercom error".into()
                } else {
                    code
                }
            } else {
                message
            },
        },
    }
}

/// "try again in a minute", or as long as the service said.
fn retry_words(after: Option<std::time::Duration>) -> String {
    match after.map(|d| d.as_secs()) {
        Some(s) if s > 90 => format!("wait about {} minutes, then try again", s.div_ceil(60)),
        Some(s) if s > 5 => format!("wait about {s} seconds, then try again"),
        _ => "try again in a minute".into(),
    }
}

/// Meta's error code inside a relayed message: "… (#132000) Number of …" → 132000.
pub(crate) fn meta_code(message: &str) -> Option<u32> {
    let at = message.find("(#")? + 2;
    let digits: String = message[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// What Meta's code means for the agent, and what to do next.
fn whatsapp_sentence(code: u32, message: &str) -> String {
    match code {
        132000 => "the number of variables does not match the template: refresh the templates and fill every field".into(),
        132001 => "this template does not exist in that language or is no longer approved: refresh the templates".into(),
        132005 => "the filled-in text is too long for WhatsApp: shorten the variables".into(),
        132012 => "a variable has the wrong format (a media header needs a link): check the header".into(),
        132015 => "Meta paused this template for low quality: pick another one".into(),
        132016 => "Meta disabled this template: pick another one".into(),
        132018 => "a variable contains a line break, a tab or more than 4 spaces in a row".into(),
        131008 => "a required variable is empty: fill every field".into(),
        131026 => "WhatsApp cannot deliver to this number (it may not be on WhatsApp)".into(),
        131047 => "more than 24 hours since the customer last wrote: only a template can be sent".into(),
        131049 => "Meta does not deliver MARKETING templates to this number (US +1 numbers are blocked): use a UTILITY template".into(),
        131056 => "too many messages to this number in a short time: wait before sending again".into(),
        130429 => "WhatsApp's sending rate for this business was exceeded: try again in a minute".into(),
        _ => format!("(#{code}) {}", message.split_once(") ").map(|(_, m)| m).unwrap_or(message)),
    }
}

/// "A contact matching those details already exists with id=6762f0dd…" → the id.
pub(crate) fn existing_id(message: &str) -> Option<String> {
    let at = message.find("id=")? + 3;
    let id: String = message[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    (!id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(status: u16, body: &str) -> IntercomError {
        from_response(
            StatusCode::from_u16(status).unwrap(),
            body.as_bytes(),
            &ErrorContext {
                token_hint: "INTERCOM_TOKEN",
                version: "2.16",
                what: "contact",
            },
        )
    }

    #[test]
    fn codes_become_sentences() {
        let e = map(
            401,
            r#"{"type":"error.list","errors":[{"code":"token_revoked","message":"x"}]}"#,
        );
        assert_eq!(
            e.to_string(),
            "the Intercom token was revoked: set a new one in INTERCOM_TOKEN"
        );
        assert!(e.is_configuration());
        assert_eq!(
            map(403, r#"{"errors":[{"code":"api_plan_restricted"}]}"#),
            IntercomError::PlanRestricted
        );
        assert_eq!(
            map(502, "<html>Bad gateway</html>"),
            IntercomError::Server { status: 502 }
        );
        assert!(map(502, "").outcome_unknown());
        assert_eq!(
            map(401, "<html>"),
            IntercomError::Unauthorized {
                token_hint: "INTERCOM_TOKEN".into()
            }
        );
    }

    #[test]
    fn merged_contacts_are_gone() {
        let e = map(
            410,
            r#"{"type":"error.list","errors":[{"code":"contact_merged","message":"This contact has been merged. See the 'Link' header for the canonical contact."}]}"#,
        );
        assert!(matches!(e, IntercomError::NotFound { .. }), "{e:?}");
        assert!(matches!(map(410, ""), IntercomError::NotFound { .. }));
    }

    #[test]
    fn other_error_shapes_are_read() {
        // {"type":"error","message":…} as some endpoints answer.
        let e = map(
            400,
            r#"{"type":"error","request_id":"x","message":"message_id is required"}"#,
        );
        assert_eq!(
            e.to_string(),
            "Intercom refused the request: message_id is required"
        );
        // A Meta refusal relayed under another code still reads as one.
        let e = map(
            422,
            r#"{"type":"error.list","errors":[{"code":"whatsapp_error","message":"(#132018) param text cannot have new-line"}]}"#,
        );
        assert!(matches!(
            e,
            IntercomError::WhatsAppRejected { code: 132018, .. }
        ));
        assert!(e.to_string().contains("line break"));
        assert_eq!(
            map(404, r#"{"errors":[{"code":"admin_not_found"}]}"#),
            IntercomError::AdminNotFound
        );
        let e = map(429, "");
        assert_eq!(
            e.to_string(),
            "Intercom's rate limit is exceeded: try again in a minute"
        );
    }

    #[test]
    fn conflict_carries_the_existing_id() {
        let e = map(
            409,
            r#"{"type":"error.list","errors":[{"code":"conflict","message":"A contact matching those details already exists with id=6762f0dd1bb69f9f2193bb83"}]}"#,
        );
        assert!(
            matches!(e, IntercomError::Conflict { existing_id: Some(id), .. } if id == "6762f0dd1bb69f9f2193bb83")
        );
        assert_eq!(
            existing_id(
                "An archived contact matching those details already exists with id=abc123."
            ),
            Some("abc123".into())
        );
        assert_eq!(existing_id("no id here"), None);
    }

    #[test]
    fn hostile_messages_are_tamed() {
        let long = format!(
            r#"{{"errors":[{{"code":"parameter_invalid","message":"\u001b[2J{}"}}]}}"#,
            "x".repeat(5000)
        );
        let e = map(400, &long).to_string();
        assert!(!e.contains('\x1b'));
        assert!(e.chars().count() < 400);
    }
}

#[cfg(test)]
mod whatsapp_tests {
    use super::*;

    #[test]
    fn meta_codes_inside_intercom_errors() {
        let e = from_response(
            StatusCode::BAD_REQUEST,
            br#"{"type":"error.list","errors":[{"code":"parameter_invalid","message":"WhatsApp rejected the template: (#132000) Number of parameters does not match"}]}"#,
            &ErrorContext { token_hint: "T", version: "2.16", what: "contact" },
        );
        assert!(matches!(
            e,
            IntercomError::WhatsAppRejected { code: 132000, .. }
        ));
        assert!(
            e.to_string()
                .contains("the number of variables does not match")
        );
        assert_eq!(meta_code("x (#131049) y"), Some(131049));
        assert_eq!(meta_code("no code"), None);
    }
}
