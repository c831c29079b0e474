//! Graph errors (`{"error":{"code":…,"message":…}}`) mapped by code to sentences.

use crate::http::TransportError;
use crate::text::one_line;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GraphError {
    #[error("the WhatsApp (Meta) token expired or is invalid: set a new one in {token_hint}")]
    Token { token_hint: String },
    #[error(
        "the WhatsApp token lacks permission for this business account: it needs whatsapp_business_management"
    )]
    Permission,
    #[error("Meta does not know WhatsApp Business Account {waba_id}: check whatsapp.waba_id")]
    UnknownAccount { waba_id: String },
    #[error("Meta's rate limit is still exceeded after waiting: try again in a minute")]
    RateLimited,
    #[error("Meta had a server error (HTTP {status}): try again shortly")]
    Server { status: u16 },
    #[error("Meta refused the request (code {code}): {message}")]
    Other { code: i64, message: String },
    #[error("Meta: {0}")]
    Transport(#[from] TransportError),
    #[error("Meta sent an answer leadline could not read: {0}")]
    Decode(String),
    #[error("Meta's next page points to another server ({0}); not following it with the token")]
    ForeignLink(String),
}

#[derive(Deserialize)]
struct Envelope {
    error: Body,
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    message: Option<String>,
}

pub(crate) fn from_response(
    status: u16,
    body: &[u8],
    token_hint: &str,
    waba_id: &str,
) -> GraphError {
    let parsed = serde_json::from_slice::<Envelope>(body)
        .ok()
        .map(|e| e.error);
    let code = parsed.as_ref().and_then(|b| b.code);
    let message = parsed
        .and_then(|b| b.message)
        .map(|m| one_line(&m, 300))
        .unwrap_or_default();
    match code {
        Some(190) | Some(102) => GraphError::Token {
            token_hint: token_hint.to_string(),
        },
        Some(10) | Some(200..=299) => GraphError::Permission,
        Some(100) if message.contains("does not exist") => GraphError::UnknownAccount {
            waba_id: waba_id.to_string(),
        },
        Some(4) | Some(17) | Some(32) | Some(613) | Some(80007) | Some(130429) => {
            GraphError::RateLimited
        }
        Some(code) => GraphError::Other { code, message },
        None => match status {
            401 => GraphError::Token {
                token_hint: token_hint.to_string(),
            },
            403 => GraphError::Permission,
            429 => GraphError::RateLimited,
            s if s >= 500 => GraphError::Server { status: s },
            s => GraphError::Other {
                code: i64::from(s),
                message: "an answer that is not a Graph error".into(),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_become_sentences() {
        let e = from_response(
            401,
            br#"{"error":{"message":"Error validating access token","type":"OAuthException","code":190,"fbtrace_id":"x"}}"#,
            "WHATSAPP_TOKEN",
            "1",
        );
        assert_eq!(
            e.to_string(),
            "the WhatsApp (Meta) token expired or is invalid: set a new one in WHATSAPP_TOKEN"
        );
        assert_eq!(
            from_response(500, b"<html>", "T", "1"),
            GraphError::Server { status: 500 }
        );
        assert!(matches!(
            from_response(
                400,
                br#"{"error":{"code":100,"message":"Object with ID '9' does not exist"}}"#,
                "T",
                "9"
            ),
            GraphError::UnknownAccount { .. }
        ));
    }
}
