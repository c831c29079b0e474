//! The `components` of a send request, in Meta's send format (which Intercom's
//! `POST /messages` passes on): header, body in placeholder order, then buttons.

use super::fill::{SlotKey, Values};
use super::model::{Header, ParameterFormat, Template};
use super::placeholder::{Placeholder, placeholders};
use serde_json::{Value, json};

fn text_parameter(p: &Placeholder, value: &str, format: ParameterFormat) -> Value {
    match (p.name(), format) {
        (Some(name), ParameterFormat::Named) => {
            json!({"type": "text", "parameter_name": name, "text": value})
        }
        _ => json!({"type": "text", "text": value}),
    }
}

/// The components for sending `template` with `values`. Values are sent as
/// typed except for surrounding whitespace, which WhatsApp would show verbatim.
pub fn send_components(template: &Template, values: &Values) -> Vec<Value> {
    let format = template.parameter_format;
    let mut components = Vec::new();
    match template.header() {
        Some(Header::Media { kind, .. }) => {
            let link = values.get(&SlotKey::HeaderMedia(*kind)).trim();
            components.push(json!({
                "type": "header",
                "parameters": [{"type": kind.as_str(), kind.as_str(): {"link": link}}]
            }));
        }
        Some(Header::Text { text, .. }) => {
            let params: Vec<Value> = distinct(text)
                .iter()
                .map(|p| {
                    let v = values.get(&SlotKey::HeaderText(p.clone())).trim();
                    text_parameter(p, v, format)
                })
                .collect();
            if !params.is_empty() {
                components.push(json!({"type": "header", "parameters": params}));
            }
        }
        _ => {}
    }
    let body: Vec<Value> = template
        .body_placeholders()
        .iter()
        .map(|p| text_parameter(p, values.get(&SlotKey::Body(p.clone())).trim(), format))
        .collect();
    if !body.is_empty() {
        components.push(json!({"type": "body", "parameters": body}));
    }
    for slot in template.slots() {
        match slot.key {
            SlotKey::UrlButton { index } => components.push(json!({
                "type": "button", "sub_type": "url", "index": index.to_string(),
                "parameters": [{"type": "text", "text": values.get(&slot.key).trim()}]
            })),
            SlotKey::CopyCode { index } => components.push(json!({
                "type": "button", "sub_type": "copy_code", "index": index.to_string(),
                "parameters": [{"type": "coupon_code", "coupon_code": values.get(&slot.key).trim()}]
            })),
            _ => {}
        }
    }
    components
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positional_and_buttons_in_meta_format() {
        let t = Template::from_graph(json!({"name":"t","language":"en","components":[
            {"type":"HEADER","format":"IMAGE"},
            {"type":"BODY","text":"{{2}} {{1}}"},
            {"type":"BUTTONS","buttons":[
                {"type":"URL","text":"Go","url":"https://x.io/{{1}}"},
                {"type":"COPY_CODE"}]}
        ]}))
        .unwrap();
        let mut v = Values::default();
        v.set(
            SlotKey::HeaderMedia(super::super::MediaKind::Image),
            " https://c/x.jpg ",
        );
        v.set(SlotKey::Body(Placeholder::Positional(1)), "one");
        v.set(SlotKey::Body(Placeholder::Positional(2)), "two");
        v.set(SlotKey::UrlButton { index: 0 }, "A1");
        v.set(SlotKey::CopyCode { index: 1 }, "SAVE");
        assert_eq!(
            Value::Array(send_components(&t, &v)),
            json!([
                {"type":"header","parameters":[{"type":"image","image":{"link":"https://c/x.jpg"}}]},
                {"type":"body","parameters":[{"type":"text","text":"one"},{"type":"text","text":"two"}]},
                {"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"A1"}]},
                {"type":"button","sub_type":"copy_code","index":"1","parameters":[{"type":"coupon_code","coupon_code":"SAVE"}]}
            ])
        );
    }

    #[test]
    fn named_parameters_carry_their_names() {
        let t = Template::from_graph(
            json!({"name":"t","language":"en","parameter_format":"NAMED",
            "components":[{"type":"BODY","text":"Hi {{first_name}}"}]}),
        )
        .unwrap();
        let mut v = Values::default();
        v.set(
            SlotKey::Body(Placeholder::Named("first_name".into())),
            "Jane",
        );
        assert_eq!(
            send_components(&t, &v)[0],
            json!({"type":"body","parameters":[{"type":"text","parameter_name":"first_name","text":"Jane"}]})
        );
    }
}
