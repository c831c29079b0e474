//! The message as the customer will see it, with the values filled in.

use super::fill::{SlotKey, Values};
use super::model::{ButtonKind, Header, Template};
use super::placeholder::placeholders;

/// A run of preview text: template words, a filled value, or a gap still to fill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Filled(String),
    Missing(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PreviewButton {
    pub text: String,
    pub kind: ButtonKind,
    /// The link after filling, for URL buttons.
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// Header text after filling (None for media or no header).
    pub header_text: Option<String>,
    pub header_segments: Vec<Segment>,
    /// "image", "video" or "document" when the header is media.
    pub header_media: Option<(&'static str, String)>,
    pub body: Vec<Segment>,
    pub body_chars: usize,
    pub footer: Option<String>,
    pub buttons: Vec<PreviewButton>,
}

impl Preview {
    pub fn body_text(&self) -> String {
        flatten(&self.body)
    }
}

pub fn flatten(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Text(t) | Segment::Filled(t) | Segment::Missing(t) => t.as_str(),
        })
        .collect()
}

fn fill(text: &str, values: &Values, key: impl Fn(super::Placeholder) -> SlotKey) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut at = 0;
    for (range, p) in placeholders(text) {
        if range.start > at {
            out.push(Segment::Text(text[at..range.start].to_string()));
        }
        let label = p.to_string();
        let value = values.get(&key(p));
        out.push(if value.is_empty() {
            Segment::Missing(label)
        } else {
            Segment::Filled(value.to_string())
        });
        at = range.end;
    }
    if at < text.len() {
        out.push(Segment::Text(text[at..].to_string()));
    }
    out
}

pub fn preview(template: &Template, values: &Values) -> Preview {
    let (header_text, header_segments, header_media) = match template.header() {
        Some(Header::Text { text, .. }) => {
            let segs = fill(text, values, SlotKey::HeaderText);
            (Some(flatten(&segs)), segs, None)
        }
        Some(Header::Media { kind, .. }) => {
            let link = values.get(&SlotKey::HeaderMedia(*kind)).to_string();
            (None, Vec::new(), Some((kind.as_str(), link)))
        }
        _ => (None, Vec::new(), None),
    };
    let body = fill(template.body(), values, SlotKey::Body);
    let body_chars = flatten(&body).chars().count();
    let buttons = template
        .buttons()
        .iter()
        .enumerate()
        .map(|(index, b)| PreviewButton {
            text: b.text.clone(),
            kind: b.kind.clone(),
            url: b
                .url
                .as_ref()
                .map(|u| flatten(&fill(u, values, |_| SlotKey::UrlButton { index }))),
        })
        .collect();
    Preview {
        header_text,
        header_segments,
        header_media,
        body,
        body_chars,
        footer: template.footer().map(str::to_string),
        buttons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Placeholder;
    use serde_json::json;

    #[test]
    fn fills_what_is_known_and_marks_the_rest() {
        let t = Template::from_graph(json!({"name":"t","language":"en","components":[
            {"type":"BODY","text":"Hi {{1}}, order {{2}} ships."},
            {"type":"FOOTER","text":"Reply STOP"},
            {"type":"BUTTONS","buttons":[{"type":"URL","text":"Track","url":"https://x.io/{{1}}"}]}
        ]}))
        .unwrap();
        let mut v = Values::default();
        v.set(SlotKey::Body(Placeholder::Positional(1)), "Jane");
        v.set(SlotKey::UrlButton { index: 0 }, "A1");
        let p = preview(&t, &v);
        assert_eq!(p.body_text(), "Hi Jane, order {{2}} ships.");
        assert_eq!(p.body[1], Segment::Filled("Jane".into()));
        assert_eq!(p.body[3], Segment::Missing("{{2}}".into()));
        assert_eq!(p.buttons[0].url.as_deref(), Some("https://x.io/A1"));
        assert_eq!(p.footer.as_deref(), Some("Reply STOP"));
    }
}
