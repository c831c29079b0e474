//! The demo workspace's data: templates from `assets/demo/templates.json`
//! (embedded in the binary) and a few existing contacts.

use super::state::{FakeContact, unix_now};
use serde_json::Value;
use std::time::Instant;

const TEMPLATES: &str = include_str!("../../assets/demo/templates.json");

/// The demo's Graph template objects, approved and not.
pub fn demo_templates() -> Vec<Value> {
    serde_json::from_str::<Value>(TEMPLATES)
        .ok()
        .and_then(|v| v.get("data").and_then(Value::as_array).cloned())
        .unwrap_or_default()
}

/// Contacts the demo workspace starts with, so that "existing lead" and
/// "several contacts share this number" can be tried.
pub fn demo_contacts() -> Vec<FakeContact> {
    let now = unix_now();
    let day = 86_400;
    let contact =
        |id: &str, role: &str, phone: &str, formatted: &str, name: &str, age_days: i64| {
            FakeContact {
                id: id.into(),
                role: role.into(),
                phone: Some(phone.into()),
                formatted_phone: Some(formatted.into()),
                name: Some(name.into()),
                email: None,
                external_id: None,
                created_at: now - age_days * day,
                updated_at: now - age_days * day / 2,
                // Old enough for search and for messages.
                born: Instant::now()
                    .checked_sub(std::time::Duration::from_secs(3600))
                    .unwrap_or_else(Instant::now),
            }
        };
    vec![
        contact(
            "6762f0dd1bb69f9f2193bb83",
            "user",
            "+44 7400 123456",
            "+447400123456",
            "Priya Shah",
            3,
        ),
        contact(
            "6762f0e11bb69f9f2193bb90",
            "lead",
            "+34612345678",
            "+34612345678",
            "Lucía García",
            12,
        ),
        contact(
            "6762f0e51bb69f9f2193bb97",
            "lead",
            "0151 23456789",
            "+4915123456789",
            "Jonas Weber",
            40,
        ),
        contact(
            "6762f0e91bb69f9f2193bb9e",
            "lead",
            "+49 151 23456789",
            "+4915123456789",
            "J. Weber (old)",
            200,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::parse_template_list;

    #[test]
    fn demo_templates_are_rich_enough() {
        let raw = demo_templates();
        let (templates, errors) = parse_template_list(Value::Array(raw));
        assert!(errors.is_empty());
        let approved: Vec<_> = templates.iter().filter(|t| t.is_approved()).collect();
        assert!(approved.len() >= 8);
        let langs: std::collections::BTreeSet<_> = approved.iter().map(|t| &t.language).collect();
        assert!(langs.len() >= 2);
        assert!(
            approved
                .iter()
                .any(|t| t.parameter_format == crate::template::ParameterFormat::Named)
        );
        assert!(
            approved
                .iter()
                .any(|t| matches!(t.header(), Some(crate::template::Header::Media { .. })))
        );
        assert!(
            approved
                .iter()
                .any(|t| matches!(t.header(), Some(crate::template::Header::Text { .. })))
        );
        assert!(approved.iter().any(|t| t.footer().is_some()));
        assert!(approved.iter().any(|t| {
            t.slots()
                .iter()
                .any(|s| matches!(s.key, crate::template::SlotKey::UrlButton { .. }))
        }));
        assert!(
            approved
                .iter()
                .any(|t| t.category == crate::template::Category::Utility)
        );
        assert!(
            approved
                .iter()
                .any(|t| t.category == crate::template::Category::Marketing)
        );
    }
}
