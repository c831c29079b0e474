//! An answer of the fake before faults and headers are applied.

use serde_json::{Value, json};

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: &'static str,
}

impl Reply {
    pub fn json(status: u16, v: &Value) -> Reply {
        Reply {
            status,
            body: v.to_string().into_bytes(),
            content_type: "application/json",
        }
    }

    /// Intercom's error shape.
    pub fn intercom_error(status: u16, code: &str, message: &str) -> Reply {
        Reply::json(
            status,
            &json!({
                "type": "error.list",
                "request_id": request_id(),
                "errors": [{"code": code, "message": message}]
            }),
        )
    }

    /// Meta Graph's error shape.
    pub fn graph_error(status: u16, code: u32, kind: &str, message: &str) -> Reply {
        Reply::graph_error_full(status, code, None, kind, message, false)
    }

    /// Meta Graph's error shape with its optional parts: `error_subcode`
    /// (e.g. 463 for an expired token) and `is_transient`.
    pub fn graph_error_full(
        status: u16,
        code: u32,
        subcode: Option<u32>,
        kind: &str,
        message: &str,
        transient: bool,
    ) -> Reply {
        let mut error = json!({
            "message": message, "type": kind, "code": code, "is_transient": transient,
            "fbtrace_id": format!("A{}", &request_id()[..20].replace('-', ""))
        });
        if let Some(sub) = subcode {
            error["error_subcode"] = json!(sub);
        }
        Reply::json(status, &json!({ "error": error }))
    }

    pub fn html(status: u16) -> Reply {
        Reply {
            status,
            body: format!(
                "<html><head><title>{status} Error</title></head><body><h1>{status}</h1><p>The server encountered a temporary error.</p></body></html>"
            )
            .into_bytes(),
            content_type: "text/html; charset=utf-8",
        }
    }
}

/// A UUID-shaped request id; unique enough for a fake.
pub fn request_id() -> String {
    use std::hash::{BuildHasher, RandomState};
    let a = RandomState::new().hash_one(std::time::Instant::now());
    let b = RandomState::new().hash_one(a);
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b & 0xfff,
        b >> 16
    )
}
