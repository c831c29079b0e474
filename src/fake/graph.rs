//! Meta Graph's `GET /{version}/{waba_id}/message_templates`, paged by cursor.

use super::reply::Reply;
use super::state::State;
use serde_json::{Value, json};

/// `/v23.0/…` paths belong to Graph.
pub fn is_graph_path(path: &str) -> bool {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    first.len() > 1
        && first.starts_with('v')
        && first[1..]
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The answer a scripted status fault gets on a Graph path, in Graph's shape.
pub fn error_for_status(status: u16, waba_id: &str) -> Reply {
    match status {
        401 => Reply::graph_error_full(
            401,
            190,
            Some(463),
            "OAuthException",
            "Error validating access token: Session has expired on Tuesday, 10-Jun-25 04:00:00 PDT.",
            false,
        ),
        403 => Reply::graph_error_full(
            403,
            200,
            None,
            "OAuthException",
            "(#200) Requires whatsapp_business_management permission to manage the object",
            false,
        ),
        429 => rate_limited(waba_id),
        s if s >= 500 => Reply::graph_error_full(
            s,
            2,
            None,
            "OAuthException",
            "An unexpected error has occurred. Please retry your request later.",
            true,
        ),
        s => Reply::graph_error_full(
            s,
            100,
            None,
            "OAuthException",
            "(#100) Invalid parameter",
            false,
        ),
    }
}

/// Graph's "too many calls" for a WABA: HTTP 400 with code 80007.
pub fn rate_limited(waba_id: &str) -> Reply {
    Reply::graph_error_full(
        400,
        80007,
        None,
        "OAuthException",
        &format!("(#80007) Rate limit hit for WABA ID: {waba_id}"),
        false,
    )
}

/// Fields a message template has; asking for another is an error in Graph.
const TEMPLATE_FIELDS: &[&str] = &[
    "id",
    "name",
    "language",
    "status",
    "category",
    "sub_category",
    "previous_category",
    "parameter_format",
    "components",
    "rejected_reason",
    "quality_score",
    "library_template_name",
    "message_send_ttl_seconds",
    "cta_url_link_tracking_opted_out",
];

pub struct Call<'a> {
    pub path: &'a str,
    pub query: &'a str,
    pub authorization: Option<&'a str>,
    /// `http://127.0.0.1:PORT`, for the `next` links.
    pub origin: &'a str,
}

fn query_param(query: &str, key: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

pub fn handle(state: &State, call: &Call) -> Reply {
    let token = call
        .authorization
        .and_then(|a| a.strip_prefix("Bearer "))
        .map(str::trim)
        .map(str::to_string)
        .or_else(|| query_param(call.query, "access_token"));
    if token.as_deref() != Some(state.identity.whatsapp_token.as_str()) {
        return Reply::graph_error(
            401,
            190,
            "OAuthException",
            "Invalid OAuth access token - Cannot parse access token",
        );
    }
    let segs: Vec<&str> = call.path.trim_matches('/').split('/').collect();
    let (version, waba) = match segs.as_slice() {
        [version, waba, "message_templates"] => (*version, *waba),
        _ => {
            return Reply::graph_error(
                400,
                100,
                "GraphMethodException",
                "Unsupported get request. Please read the Graph API documentation",
            );
        }
    };
    if waba != state.identity.waba_id {
        return Reply::graph_error(
            400,
            100,
            "GraphMethodException",
            &format!(
                "Unsupported get request. Object with ID '{waba}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
            ),
        );
    }
    let status = query_param(call.query, "status");
    let limit = match query_param(call.query, "limit") {
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=1000).contains(&n) => n.min(state.settings.graph_page_size.max(1)),
            _ => {
                return Reply::graph_error(
                    400,
                    100,
                    "OAuthException",
                    "(#100) Param limit must be a positive integer",
                );
            }
        },
        None => state.settings.graph_page_size,
    };
    let cursor = |key: &str| query_param(call.query, key).map(|c| decode(&c).ok_or(()));
    let after = match (cursor("after"), cursor("before")) {
        (Some(Ok(n)), _) => n,
        (None, Some(Ok(n))) => n.saturating_sub(limit),
        (None, None) => 0,
        _ => return Reply::graph_error(400, 100, "OAuthException", "(#100) Invalid cursor"),
    };
    let matching: Vec<&Value> = state
        .templates
        .iter()
        .filter(|t| {
            status.as_deref().is_none_or(|want| {
                want.split(',').any(|w| {
                    t.get("status")
                        .and_then(Value::as_str)
                        .is_some_and(|s| s.eq_ignore_ascii_case(w.trim()))
                })
            })
        })
        .collect();
    // Graph returns the fields asked for (and always the id), nothing else.
    let fields: Option<Vec<String>> = query_param(call.query, "fields").map(|f| {
        f.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    });
    if let Some(unknown) = fields
        .iter()
        .flatten()
        .find(|f| !TEMPLATE_FIELDS.contains(&f.as_str()))
    {
        return Reply::graph_error(
            400,
            100,
            "OAuthException",
            &format!(
                "(#100) Tried accessing nonexisting field ({unknown}) on node type (WhatsAppBusinessHSM)"
            ),
        );
    }
    let page: Vec<Value> = matching
        .iter()
        .skip(after)
        .take(limit)
        .map(|t| match (&fields, t.as_object()) {
            (Some(fields), Some(obj)) => Value::Object(
                obj.iter()
                    .filter(|(k, _)| *k == "id" || fields.iter().any(|f| f == *k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            _ => (*t).clone(),
        })
        .collect();
    let end = after + page.len();
    let link = |cursor_key: &str, cursor: usize| {
        let mut url = url::Url::parse(&format!(
            "{}/{version}/{waba}/message_templates",
            call.origin
        ))
        .expect("origin is a URL");
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in url::form_urlencoded::parse(call.query.as_bytes()) {
                if !matches!(k.as_ref(), "after" | "before" | "access_token" | "limit") {
                    q.append_pair(&k, &v);
                }
            }
            q.append_pair("limit", &limit.to_string());
            q.append_pair(cursor_key, &encode(cursor));
        }
        url.to_string()
    };
    let mut paging = json!({"cursors": {"before": encode(after), "after": encode(end)}});
    if after > 0 {
        paging["previous"] = json!(link("before", after));
    }
    if end < matching.len() {
        paging["next"] = json!(link("after", end));
    }
    if page.is_empty() {
        // Graph leaves paging out of an empty answer.
        return Reply::json(200, &json!({"data": []}));
    }
    Reply::json(200, &json!({"data": page, "paging": paging}))
}

/// Graph cursors are opaque base64; these look the part.
fn encode(n: usize) -> String {
    format!("QVFIU{n:x}ZA")
}

fn decode(s: &str) -> Option<usize> {
    usize::from_str_radix(s.strip_prefix("QVFIU")?.strip_suffix("ZA")?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_paths() {
        assert!(is_graph_path("/v23.0/1/message_templates"));
        assert!(is_graph_path("/v19/1/message_templates"));
        assert!(!is_graph_path("/contacts/search"));
        assert!(!is_graph_path("/v/x"));
        assert_eq!(decode(&encode(77)), Some(77));
    }
}
