//! The Graph API's template objects, decoded tolerantly: unknown component and
//! button types are kept as catch-alls, missing optional fields get Meta's defaults.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Utility,
    Marketing,
    Authentication,
    Other(String),
}

impl Category {
    fn parse(s: &str) -> Self {
        match s.to_ascii_uppercase().as_str() {
            "UTILITY" => Category::Utility,
            "MARKETING" => Category::Marketing,
            "AUTHENTICATION" => Category::Authentication,
            other => Category::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Category::Utility => "UTILITY",
            Category::Marketing => "MARKETING",
            Category::Authentication => "AUTHENTICATION",
            Category::Other(s) => s,
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterFormat {
    Positional,
    Named,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    Image,
    Video,
    Document,
}

impl MediaKind {
    /// The lowercase word Meta uses as the parameter `type` and key.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Document => "document",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Header {
    Text {
        text: String,
        /// Example values for the header's variable, in order.
        examples: Vec<String>,
    },
    Media {
        kind: MediaKind,
        example: Option<String>,
    },
    Location,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ButtonKind {
    QuickReply,
    Url,
    PhoneNumber,
    CopyCode,
    Otp,
    Other(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    pub kind: ButtonKind,
    pub text: String,
    pub url: Option<String>,
    pub phone_number: Option<String>,
    pub example: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Component {
    Header(Header),
    Body {
        text: String,
        /// Example values by placeholder: positional in order, or (name, value).
        examples: Vec<(Option<String>, String)>,
    },
    Footer {
        text: String,
    },
    Buttons(Vec<Button>),
    Other(String),
}

/// An approved (or not) WhatsApp template, identified by `(name, language)`.
#[derive(Debug, Clone)]
pub struct Template {
    pub id: String,
    pub name: String,
    pub language: String,
    pub status: String,
    pub category: Category,
    pub parameter_format: ParameterFormat,
    pub components: Vec<Component>,
    /// The object as Graph sent it, kept for caching and `--json` output: as
    /// JSON text (a few hundred bytes), not a tree (several kB), since a
    /// workspace may have 10,000 of them.
    raw: Box<RawValue>,
}

impl PartialEq for Template {
    fn eq(&self, other: &Self) -> bool {
        (
            &self.id,
            &self.name,
            &self.language,
            &self.status,
            &self.category,
            &self.parameter_format,
            &self.components,
            self.raw.get(),
        ) == (
            &other.id,
            &other.name,
            &other.language,
            &other.status,
            &other.category,
            &other.parameter_format,
            &other.components,
            other.raw.get(),
        )
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("template {name:?}: {reason}")]
pub struct TemplateError {
    pub name: String,
    pub reason: String,
}

impl Template {
    pub fn is_approved(&self) -> bool {
        self.status.eq_ignore_ascii_case("APPROVED")
    }

    /// The Graph object, as JSON text.
    pub fn raw(&self) -> &RawValue {
        &self.raw
    }

    pub fn header(&self) -> Option<&Header> {
        self.components.iter().find_map(|c| match c {
            Component::Header(h) => Some(h),
            _ => None,
        })
    }

    pub fn body(&self) -> &str {
        self.components
            .iter()
            .find_map(|c| match c {
                Component::Body { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .unwrap_or("")
    }

    pub fn body_examples(&self) -> &[(Option<String>, String)] {
        self.components
            .iter()
            .find_map(|c| match c {
                Component::Body { examples, .. } => Some(examples.as_slice()),
                _ => None,
            })
            .unwrap_or(&[])
    }

    pub fn footer(&self) -> Option<&str> {
        self.components.iter().find_map(|c| match c {
            Component::Footer { text } => Some(text.as_str()),
            _ => None,
        })
    }

    pub fn buttons(&self) -> &[Button] {
        self.components
            .iter()
            .find_map(|c| match c {
                Component::Buttons(b) => Some(b.as_slice()),
                _ => None,
            })
            .unwrap_or(&[])
    }

    /// Decodes one Graph template object.
    pub fn from_graph(value: Value) -> Result<Template, TemplateError> {
        let raw = serde_json::value::to_raw_value(&value).map_err(|e| TemplateError {
            name: str_field(&value, "name").unwrap_or_default(),
            reason: e.to_string(),
        })?;
        Template::decode(&value, raw)
    }

    /// Decodes one template from its JSON text.
    pub fn from_raw(raw: &RawValue) -> Result<Template, TemplateError> {
        let value: Value = serde_json::from_str(raw.get()).map_err(|e| TemplateError {
            name: String::new(),
            reason: e.to_string(),
        })?;
        Template::decode(&value, raw.to_owned())
    }

    fn decode(value: &Value, raw: Box<RawValue>) -> Result<Template, TemplateError> {
        let name = str_field(value, "name").unwrap_or_default();
        let fail = |reason: &str| TemplateError {
            name: name.clone(),
            reason: reason.to_string(),
        };
        if name.is_empty() {
            return Err(fail("has no name"));
        }
        let language = str_field(value, "language").ok_or_else(|| fail("has no language"))?;
        let components = match value.get("components") {
            Some(Value::Array(items)) => items.iter().map(component).collect(),
            None | Some(Value::Null) => Vec::new(),
            Some(_) => return Err(fail("components is not a list")),
        };
        let parameter_format = match str_field(value, "parameter_format").as_deref() {
            Some(f) if f.eq_ignore_ascii_case("NAMED") => ParameterFormat::Named,
            _ => ParameterFormat::Positional,
        };
        Ok(Template {
            id: str_field(value, "id").unwrap_or_default(),
            name: name.clone(),
            language,
            status: str_field(value, "status").unwrap_or_else(|| "APPROVED".into()),
            category: Category::parse(&str_field(value, "category").unwrap_or_default()),
            parameter_format,
            components,
            raw,
        })
    }
}

impl Serialize for Template {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Template::from_graph(value).map_err(serde::de::Error::custom)
    }
}

/// Like [`parse_template_list`], from JSON text, without building the whole
/// list as a tree first (10,000 templates would make a tree of ~40 MB).
pub fn parse_template_json(
    text: &[u8],
) -> Result<(Vec<Template>, Vec<TemplateError>), serde_json::Error> {
    #[derive(Deserialize)]
    struct Page<'a> {
        #[serde(borrow, default)]
        data: Vec<&'a RawValue>,
    }
    let items = match serde_json::from_slice::<Page>(text) {
        Ok(page) => page.data,
        Err(as_page) => serde_json::from_slice::<Vec<&RawValue>>(text).map_err(|_| as_page)?,
    };
    Ok(keep_templates(items.into_iter().map(Template::from_raw)))
}

/// The templates that decoded, and what was wrong with the others.
fn keep_templates(
    decoded: impl Iterator<Item = Result<Template, TemplateError>>,
) -> (Vec<Template>, Vec<TemplateError>) {
    let mut templates = Vec::new();
    let mut errors = Vec::new();
    for d in decoded {
        match d {
            Ok(t) => templates.push(t),
            Err(e) => errors.push(e),
        }
    }
    (templates, errors)
}

/// The body of a template cache or `templates --json`: `{"data":[…]}`,
/// written straight from the templates' JSON text.
#[derive(Serialize)]
pub struct TemplatePage<'a> {
    pub data: &'a [Template],
}

/// Decodes a Graph `{"data":[…]}` page or a bare list, skipping (and reporting)
/// objects that are not templates instead of failing the whole list.
pub fn parse_template_list(value: Value) -> (Vec<Template>, Vec<TemplateError>) {
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove("data") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    keep_templates(items.into_iter().map(Template::from_graph))
}

fn str_field(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .flat_map(|v| match v {
                // body_text is a list of lists: [["Jane","A123"]]
                Value::Array(inner) => inner.iter().filter_map(value_text).collect::<Vec<_>>(),
                other => value_text(other).into_iter().collect::<Vec<_>>(),
            })
            .collect(),
        Some(other) => value_text(other).into_iter().collect(),
        None => Vec::new(),
    }
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn named_examples(value: Option<&Value>) -> Vec<(Option<String>, String)> {
    let Some(Value::Array(items)) = value else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let name = str_field(item, "param_name")?;
            let example = str_field(item, "example").unwrap_or_default();
            Some((Some(name), example))
        })
        .collect()
}

fn component(value: &Value) -> Component {
    let kind = str_field(value, "type")
        .unwrap_or_default()
        .to_ascii_uppercase();
    let text = str_field(value, "text").unwrap_or_default();
    let example = value.get("example");
    match kind.as_str() {
        "HEADER" => {
            let format = str_field(value, "format")
                .unwrap_or_else(|| "TEXT".into())
                .to_ascii_uppercase();
            let media = |kind| Header::Media {
                kind,
                example: strings(example.and_then(|e| e.get("header_handle")))
                    .into_iter()
                    .next(),
            };
            Component::Header(match format.as_str() {
                "TEXT" => {
                    let mut examples = strings(example.and_then(|e| e.get("header_text")));
                    if examples.is_empty() {
                        examples =
                            named_examples(example.and_then(|e| e.get("header_text_named_params")))
                                .into_iter()
                                .map(|(_, v)| v)
                                .collect();
                    }
                    Header::Text { text, examples }
                }
                "IMAGE" => media(MediaKind::Image),
                "VIDEO" => media(MediaKind::Video),
                "DOCUMENT" => media(MediaKind::Document),
                "LOCATION" => Header::Location,
                other => Header::Other(other.to_string()),
            })
        }
        "BODY" => {
            let mut examples: Vec<(Option<String>, String)> =
                strings(example.and_then(|e| e.get("body_text")))
                    .into_iter()
                    .map(|v| (None, v))
                    .collect();
            if examples.is_empty() {
                examples = named_examples(example.and_then(|e| e.get("body_text_named_params")));
            }
            Component::Body { text, examples }
        }
        "FOOTER" => Component::Footer { text },
        "BUTTONS" => Component::Buttons(match value.get("buttons") {
            Some(Value::Array(items)) => items.iter().map(button).collect(),
            _ => Vec::new(),
        }),
        other => Component::Other(other.to_string()),
    }
}

fn button(value: &Value) -> Button {
    let kind = match str_field(value, "type")
        .unwrap_or_default()
        .to_ascii_uppercase()
        .as_str()
    {
        "QUICK_REPLY" => ButtonKind::QuickReply,
        "URL" => ButtonKind::Url,
        "PHONE_NUMBER" => ButtonKind::PhoneNumber,
        "COPY_CODE" => ButtonKind::CopyCode,
        "OTP" => ButtonKind::Otp,
        other => ButtonKind::Other(other.to_string()),
    };
    Button {
        kind,
        text: str_field(value, "text").unwrap_or_default(),
        url: str_field(value, "url"),
        phone_number: str_field(value, "phone_number"),
        example: strings(value.get("example")).into_iter().next(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_a_full_template() {
        let t = Template::from_graph(json!({
            "id": "1387", "name": "order_update", "language": "en_US", "status": "APPROVED",
            "category": "UTILITY",
            "components": [
                {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["A1"]}},
                {"type": "BODY", "text": "Hi {{1}}", "example": {"body_text": [["Jane"]]}},
                {"type": "FOOTER", "text": "Reply STOP"},
                {"type": "BUTTONS", "buttons": [
                    {"type": "URL", "text": "Track", "url": "https://x.io/t/{{1}}", "example": ["https://x.io/t/A1"]},
                    {"type": "FLOW", "text": "Book"}
                ]},
                {"type": "CAROUSEL"}
            ],
            "unknown_field": {"nested": true}
        }))
        .unwrap();
        assert_eq!(t.parameter_format, ParameterFormat::Positional);
        assert_eq!(t.body(), "Hi {{1}}");
        assert_eq!(t.body_examples(), &[(None, "Jane".to_string())]);
        assert_eq!(t.buttons()[1].kind, ButtonKind::Other("FLOW".into()));
        assert!(matches!(t.header(), Some(Header::Text { examples, .. }) if examples == &["A1"]));
        assert_eq!(
            t.components.last(),
            Some(&Component::Other("CAROUSEL".into()))
        );
        // Round-trips as the object Graph sent.
        let again: Template = serde_json::from_value(serde_json::to_value(&t).unwrap()).unwrap();
        assert_eq!(again, t);
    }

    #[test]
    fn a_bad_item_does_not_sink_the_list() {
        let (ok, bad) = parse_template_list(json!({"data": [
            {"name": "a", "language": "en"},
            {"language": "en"},
            "not an object",
            {"name": "b", "language": "de", "components": "nope"}
        ]}));
        assert_eq!(ok.len(), 1);
        assert_eq!(bad.len(), 3);
    }
}
