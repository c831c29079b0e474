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
    #[error(
        "Meta's rate limit for this WhatsApp Business Account was reached: try again in a few minutes"
    )]
    RateLimited {
        /// Graph's code (4, 80007, 130429…), or the HTTP status when there was none.
        code: i64,
    },
    #[error("Meta had a temporary problem (code {code}): try again shortly")]
    Temporary { code: i64 },
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

/// Read tolerantly: a field of an unexpected type is as good as absent.
#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    code: serde_json::Value,
    #[serde(default)]
    message: serde_json::Value,
    #[serde(default)]
    is_transient: serde_json::Value,
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
    let code = parsed.as_ref().and_then(|b| {
        b.code
            .as_i64()
            .or_else(|| b.code.as_str().and_then(|s| s.trim().parse().ok()))
    });
    let transient = parsed
        .as_ref()
        .and_then(|b| b.is_transient.as_bool())
        .unwrap_or(false);
    let message = parsed
        .as_ref()
        .and_then(|b| b.message.as_str())
        .map(|m| one_line(m, 300))
        .unwrap_or_default();
    match code {
        Some(190) | Some(102) => GraphError::Token {
            token_hint: token_hint.to_string(),
        },
        Some(10) | Some(200..=299) => GraphError::Permission,
        Some(100) if message.contains("does not exist") => GraphError::UnknownAccount {
            waba_id: waba_id.to_string(),
        },
        Some(code @ (4 | 17 | 32 | 613 | 80007 | 130429)) => GraphError::RateLimited { code },
        Some(code @ (1 | 2)) => GraphError::Temporary { code },
        Some(code) if transient => GraphError::Temporary { code },
        Some(code) => GraphError::Other { code, message },
        None => match status {
            401 => GraphError::Token {
                token_hint: token_hint.to_string(),
            },
            403 => GraphError::Permission,
            429 => GraphError::RateLimited { code: 429 },
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

    #[test]
    fn rate_limits_and_temporary_errors_by_code() {
        for (status, code) in [(400, 4), (400, 80007), (400, 130429), (403, 613)] {
            let body = format!(
                r#"{{"error":{{"message":"(#{code}) limit","type":"OAuthException","code":{code}}}}}"#
            );
            let e = from_response(status, body.as_bytes(), "T", "1");
            assert_eq!(e, GraphError::RateLimited { code });
            assert!(e.to_string().contains("rate limit"), "{e}");
        }
        let e = from_response(
            500,
            br#"{"error":{"message":"An unexpected error has occurred.","type":"OAuthException","code":2,"is_transient":true}}"#,
            "T",
            "1",
        );
        assert_eq!(e, GraphError::Temporary { code: 2 });
        // Tolerant of odd types: a code written as a string still counts.
        assert!(matches!(
            from_response(
                401,
                br#"{"error":{"code":"190","is_transient":"no"}}"#,
                "T",
                "1"
            ),
            GraphError::Token { .. }
        ));
    }
}
