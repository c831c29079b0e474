//! The values an agent fills in: one slot per variable a template needs.

use super::model::{ButtonKind, Category, Header, MediaKind, ParameterFormat, Template};
use super::placeholder::{Placeholder, placeholders};
use std::collections::HashMap;

/// Where a value goes in the message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SlotKey {
    HeaderMedia(MediaKind),
    HeaderText(Placeholder),
    Body(Placeholder),
    /// The variable at the end of a URL button's link, by the button's position.
    UrlButton {
        index: usize,
    },
    CopyCode {
        index: usize,
    },
}

/// One field the agent fills in.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub key: SlotKey,
    /// Short label for the field: `{{1}}`, `first_name`, `image link`, `button "Track"`.
    pub label: String,
    /// The template's own example value, shown as the field's placeholder.
    pub example: Option<String>,
}

/// The filled-in values, by slot. Missing means empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values(HashMap<SlotKey, String>);

impl Values {
    pub fn get(&self, key: &SlotKey) -> &str {
        self.0.get(key).map(String::as_str).unwrap_or("")
    }

    pub fn set(&mut self, key: SlotKey, value: impl Into<String>) {
        self.0.insert(key, value.into());
    }

    pub fn clear(&mut self, key: &SlotKey) {
        self.0.remove(key);
    }
}

impl Template {
    /// Every value this template needs before it can be sent, in reading order.
    pub fn slots(&self) -> Vec<Slot> {
        let mut slots = Vec::new();
        match self.header() {
            Some(Header::Media { kind, example }) => slots.push(Slot {
                key: SlotKey::HeaderMedia(*kind),
                label: format!("{} link", kind.as_str()),
                example: example.clone(),
            }),
            Some(Header::Text { text, examples }) => {
                for (i, p) in distinct(text).into_iter().enumerate() {
                    slots.push(Slot {
                        label: format!("header {p}"),
                        example: examples.get(i).cloned(),
                        key: SlotKey::HeaderText(p),
                    });
                }
            }
            _ => {}
        }
        let examples = self.body_examples();
        for p in self.body_placeholders() {
            let example = match &p {
                Placeholder::Positional(n) => examples
                    .iter()
                    .filter(|(name, _)| name.is_none())
                    .nth((*n as usize).saturating_sub(1))
                    .map(|(_, v)| v.clone()),
                Placeholder::Named(name) => examples
                    .iter()
                    .find(|(n, _)| n.as_deref() == Some(name))
                    .map(|(_, v)| v.clone()),
            };
            slots.push(Slot {
                label: match &p {
                    Placeholder::Named(n) => n.clone(),
                    positional => positional.to_string(),
                },
                example,
                key: SlotKey::Body(p),
            });
        }
        for (index, b) in self.buttons().iter().enumerate() {
            match b.kind {
                ButtonKind::Url | ButtonKind::Otp
                    if b.url
                        .as_deref()
                        .is_some_and(|u| !placeholders(u).is_empty())
                        || (b.kind == ButtonKind::Otp
                            && self.category == Category::Authentication) =>
                {
                    slots.push(Slot {
                        key: SlotKey::UrlButton { index },
                        label: format!("button \"{}\"", b.text),
                        example: url_example_suffix(b.url.as_deref(), b.example.as_deref()),
                    })
                }
                ButtonKind::CopyCode => slots.push(Slot {
                    key: SlotKey::CopyCode { index },
                    label: "coupon code".into(),
                    example: b.example.clone(),
                }),
                _ => {}
            }
        }
        slots
    }

    /// Body placeholders in the order Meta expects their parameters: by number
    /// for positional templates, by first appearance for named ones.
    pub fn body_placeholders(&self) -> Vec<Placeholder> {
        let mut found = distinct(self.body());
        if self.parameter_format == ParameterFormat::Positional {
            found.sort();
        }
        found
    }
}

fn distinct(text: &str) -> Vec<Placeholder> {
    let mut out: Vec<Placeholder> = Vec::new();
    for (_, p) in placeholders(text) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// `https://x.io/t/{{1}}` with example `https://x.io/t/A1` gives `A1`.
fn url_example_suffix(url: Option<&str>, example: Option<&str>) -> Option<String> {
    let (url, example) = (url?, example?);
    let prefix = &url[..url.find("{{")?];
    example.strip_prefix(prefix).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template(v: serde_json::Value) -> Template {
        Template::from_graph(v).unwrap()
    }

    #[test]
    fn positional_slots_in_number_order_with_examples() {
        let t = template(json!({"name":"t","language":"en","components":[
            {"type":"HEADER","format":"IMAGE","example":{"header_handle":["https://cdn/x.jpg"]}},
            {"type":"BODY","text":"{{2}} then {{1}} and {{2}} again","example":{"body_text":[["one","two"]]}},
            {"type":"BUTTONS","buttons":[
                {"type":"QUICK_REPLY","text":"Stop"},
                {"type":"URL","text":"Track","url":"https://x.io/t/{{1}}","example":["https://x.io/t/A1"]},
                {"type":"COPY_CODE","example":"SAVE25"}
            ]}
        ]}));
        let slots = t.slots();
        let keys: Vec<_> = slots.iter().map(|s| s.key.clone()).collect();
        assert_eq!(
            keys,
            vec![
                SlotKey::HeaderMedia(MediaKind::Image),
                SlotKey::Body(Placeholder::Positional(1)),
                SlotKey::Body(Placeholder::Positional(2)),
                SlotKey::UrlButton { index: 1 },
                SlotKey::CopyCode { index: 2 },
            ]
        );
        let examples: Vec<_> = slots.iter().map(|s| s.example.as_deref()).collect();
        assert_eq!(
            examples,
            vec![
                Some("https://cdn/x.jpg"),
                Some("one"),
                Some("two"),
                Some("A1"),
                Some("SAVE25")
            ]
        );
    }

    #[test]
    fn named_slots_in_appearance_order() {
        let t = template(
            json!({"name":"t","language":"en","parameter_format":"NAMED","components":[
                {"type":"BODY","text":"Hi {{first_name}}, {{referrer}} sent you. Bye {{first_name}}",
                 "example":{"body_text_named_params":[{"param_name":"referrer","example":"Sam"},{"param_name":"first_name","example":"Jane"}]}}
            ]}),
        );
        let slots = t.slots();
        assert_eq!(slots.len(), 2);
        assert_eq!(slots[0].label, "first_name");
        assert_eq!(slots[0].example.as_deref(), Some("Jane"));
        assert_eq!(slots[1].example.as_deref(), Some("Sam"));
    }
}
