//! WhatsApp's rules for template parameters, checked before anything is sent
//! so that Meta's rejections (132000, 132005, 132012, 132018) never happen.

use super::fill::{SlotKey, Values};
use super::model::Template;
use super::preview::preview;

pub const HEADER_MAX: usize = 60;
pub const BODY_MAX: usize = 1024;
pub const URL_MAX: usize = 2000;
pub const CODE_MAX: usize = 15;

/// Something that would make Meta refuse the message.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleIssue {
    /// The field at fault, or `None` for the message as a whole.
    pub slot: Option<SlotKey>,
    pub message: String,
}

/// Every rule the filled values break, field by field, then the whole message.
pub fn check_values(template: &Template, values: &Values) -> Vec<RuleIssue> {
    let mut issues = Vec::new();
    for slot in template.slots() {
        let value = values.get(&slot.key);
        if let Some(message) = slot_issue(&slot.key, value) {
            issues.push(RuleIssue {
                slot: Some(slot.key.clone()),
                message,
            });
        }
    }
    let p = preview(template, values);
    if let Some(header) = &p.header_text {
        let n = header.chars().count();
        if n > HEADER_MAX {
            issues.push(RuleIssue {
                slot: None,
                message: format!("header is {n} characters; WhatsApp allows {HEADER_MAX}"),
            });
        }
    }
    if p.body_chars > BODY_MAX {
        issues.push(RuleIssue {
            slot: None,
            message: format!(
                "body is {} characters; WhatsApp allows {BODY_MAX}",
                p.body_chars
            ),
        });
    }
    for b in &p.buttons {
        if let Some(url) = &b.url
            && url.chars().count() > URL_MAX
        {
            issues.push(RuleIssue {
                slot: None,
                message: format!("button \"{}\" link is over {URL_MAX} characters", b.text),
            });
        }
    }
    issues
}

fn slot_issue(key: &SlotKey, value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return Some("required".into());
    }
    if let SlotKey::HeaderMedia(kind) = key {
        return media_link_issue(kind.as_str(), value);
    }
    if value.contains(['\n', '\r']) {
        return Some("no line breaks allowed".into());
    }
    if value.contains('\t') {
        return Some("no tabs allowed".into());
    }
    if value.contains("     ") {
        return Some("at most 4 spaces in a row".into());
    }
    match key {
        SlotKey::CopyCode { .. } if value.chars().count() > CODE_MAX => {
            Some(format!("a code has at most {CODE_MAX} characters"))
        }
        SlotKey::UrlButton { .. } if value.contains(char::is_whitespace) => {
            Some("no spaces in a link".into())
        }
        _ => None,
    }
}

fn media_link_issue(kind: &str, value: &str) -> Option<String> {
    let v = value.trim();
    if v.chars().count() > URL_MAX {
        return Some(format!("link is over {URL_MAX} characters"));
    }
    if v.contains(char::is_whitespace) {
        return Some("no spaces in a link".into());
    }
    let Ok(url) = reqwest::Url::parse(v) else {
        return Some(format!("the {kind} must be a full https:// link"));
    };
    if url.scheme() != "https" || url.host_str().is_none() {
        return Some(format!("the {kind} must be a full https:// link"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Placeholder;
    use serde_json::json;

    fn order_update() -> Template {
        Template::from_graph(json!({"name":"t","language":"en","components":[
            {"type":"HEADER","format":"TEXT","text":"Order {{1}}"},
            {"type":"BODY","text":"Hi {{1}}, order {{2}}"},
            {"type":"BUTTONS","buttons":[{"type":"COPY_CODE","example":"X"}]}
        ]}))
        .unwrap()
    }

    #[test]
    fn every_field_is_required() {
        let issues = check_values(&order_update(), &Values::default());
        assert_eq!(issues.len(), 4);
        assert!(issues.iter().all(|i| i.message == "required"));
    }

    #[test]
    fn whatsapp_text_rules() {
        let t = order_update();
        let mut v = Values::default();
        v.set(
            SlotKey::HeaderText(Placeholder::Positional(1)),
            "x".repeat(70),
        );
        v.set(SlotKey::Body(Placeholder::Positional(1)), "Jane\nDoe");
        v.set(SlotKey::Body(Placeholder::Positional(2)), "A     1");
        v.set(SlotKey::CopyCode { index: 0 }, "SIXTEEN-CHARS-XX");
        let messages: Vec<_> = check_values(&t, &v)
            .into_iter()
            .map(|i| i.message)
            .collect();
        assert!(messages.contains(&"no line breaks allowed".to_string()));
        assert!(messages.contains(&"at most 4 spaces in a row".to_string()));
        assert!(messages.contains(&"a code has at most 15 characters".to_string()));
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("header is 76 characters"))
        );
    }

    #[test]
    fn body_total_counts_after_filling() {
        let t = Template::from_graph(json!({"name":"t","language":"en","components":[
            {"type":"BODY","text":"{{1}}"}]}))
        .unwrap();
        let mut v = Values::default();
        v.set(SlotKey::Body(Placeholder::Positional(1)), "é".repeat(1025));
        let issues = check_values(&t, &v);
        assert_eq!(issues.len(), 1);
        assert_eq!(
            issues[0].message,
            "body is 1025 characters; WhatsApp allows 1024"
        );
    }

    #[test]
    fn media_links_must_be_https() {
        assert!(media_link_issue("image", "http://x.io/a.jpg").is_some());
        assert!(media_link_issue("image", "x.io/a.jpg").is_some());
        assert!(media_link_issue("image", "https://x.io/a.jpg").is_none());
    }
}
