//! Templates come from Meta, and a workspace's can be odd: placeholders like
//! `{{0}}`, `{{99999999999}}` or `{{ 1 }}`, unknown component and button
//! types, fields of the wrong type, huge texts. Whatever the object, decoding,
//! the variable fields, the preview, the rules and the send components never
//! panic, and every component sent names a part the template has.

use leadline::template::{
    Template, Values, check_values, parse_template_list, preview, send_components,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-zA-Z ,.!]{0,12}",
        2 => (0u64..5).prop_map(|n| format!("{{{{{n}}}}}")),
        1 => any::<u64>().prop_map(|n| format!("{{{{{n}}}}}")),
        1 => "[a-z_]{1,10}".prop_map(|n| format!("{{{{{n}}}}}")),
        1 => prop::sample::select(vec!["{{", "}}", "{{}}", "{{ 1 }}", "{{-1}}", "{{1", "😀", "\n", "\t", "ب"])
            .prop_map(str::to_string),
        1 => any::<String>(),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

/// Any JSON, to stand where a string or a list is expected.
fn junk() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::from),
        Just(json!([])),
        Just(json!({})),
        Just(json!([["a", 1, null]])),
    ]
}

fn button() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec![
            "QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE", "OTP", "FLOW", "CATALOG", "WHAT",
        ]),
        text(),
        text(),
        junk(),
    )
        .prop_map(|(kind, label, url, example)| {
            json!({"type": kind, "text": label, "url": format!("https://x.io/{url}"), "example": example})
        })
}

fn component() -> impl Strategy<Value = Value> {
    prop_oneof![
        (
            prop::sample::select(vec!["TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION", "GIF", ""]),
            text(),
            junk()
        )
            .prop_map(|(format, t, example)| json!({"type": "HEADER", "format": format, "text": t, "example": example})),
        (text(), junk()).prop_map(|(t, example)| json!({"type": "BODY", "text": t, "example": example})),
        text().prop_map(|t| json!({"type": "FOOTER", "text": t})),
        prop::collection::vec(button(), 0..12).prop_map(|b| json!({"type": "BUTTONS", "buttons": b})),
        (junk(), junk()).prop_map(|(t, x)| json!({"type": t, "text": x})),
    ]
}

fn template() -> impl Strategy<Value = Value> {
    (
        "[a-z_]{0,20}",
        prop::sample::select(vec!["en_US", "es", "", "zz"]),
        prop::sample::select(vec!["POSITIONAL", "NAMED", "named", ""]),
        prop::sample::select(vec!["UTILITY", "MARKETING", "AUTHENTICATION", "OTHER"]),
        prop::collection::vec(component(), 0..6),
        junk(),
    )
        .prop_map(|(name, language, format, category, components, odd)| {
            json!({"name": name, "language": language, "status": "APPROVED",
                   "parameter_format": format, "category": category,
                   "components": components, "id": odd})
        })
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[A-Za-z0-9 ]{1,20}",
        any::<String>(),
        (1usize..3000).prop_map(|n| "x".repeat(n)),
        Just("a\nb\tc     d".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_template_object_panics_anything(raw in template(), values in prop::collection::vec(value(), 0..24)) {
        let Ok(t) = Template::from_graph(raw.clone()) else { return Ok(()); };
        let slots = t.slots();
        let mut filled = Values::default();
        for (slot, v) in slots.iter().zip(values.iter().cycle()) {
            filled.set(slot.key.clone(), v);
        }
        let _ = preview(&t, &filled);
        let _ = preview(&t, &Values::default());
        let _ = check_values(&t, &filled);
        let components = send_components(&t, &filled);
        // Every component sent is a part the template has.
        for c in &components {
            let kind = c["type"].as_str().unwrap_or_default();
            prop_assert!(["header", "body", "button"].contains(&kind), "{c}");
        }
        if components.iter().any(|c| c["type"] == "header") {
            prop_assert!(t.header().is_some(), "a header sent for a template without one");
        }
        // A cached copy reads back as the same template.
        let (again, errors) = parse_template_list(json!([serde_json::from_str::<Value>(t.raw().get()).unwrap()]));
        prop_assert!(errors.is_empty());
        prop_assert_eq!(&again[0], &t);
    }

    #[test]
    fn any_json_as_a_template_list_is_refused_in_words_not_a_panic(v in junk(), w in junk()) {
        let _ = parse_template_list(v.clone());
        let _ = parse_template_list(json!({"data": [v, w]}));
    }
}
