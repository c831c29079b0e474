//! Meta's checks on a template send, as the fake applies them to `POST /messages`.
//! Written from Meta's side (the request as received), independent of the
//! client's own pre-checks, so that a client bug shows up as a rejection.

use crate::template::{ButtonKind, Category, Header, ParameterFormat, Template, placeholders};
use serde_json::Value;
use std::collections::BTreeSet;

/// A rejection: Meta's error code and its message.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub code: u32,
    pub message: String,
}

fn reject(code: u32, message: impl Into<String>) -> Rejection {
    Rejection {
        code,
        message: message.into(),
    }
}

fn distinct_count(text: &str) -> usize {
    placeholders(text)
        .into_iter()
        .map(|(_, p)| p)
        .collect::<BTreeSet<_>>()
        .len()
}

fn component<'a>(components: &'a [Value], kind: &str) -> Option<&'a Value> {
    components.iter().find(|c| {
        c.get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case(kind))
    })
}

fn params(c: Option<&Value>) -> Vec<Value> {
    c.and_then(|c| c.get("parameters"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn param_text(p: &Value) -> Result<String, Rejection> {
    let text = p
        .get("text")
        .and_then(Value::as_str)
        .ok_or_else(|| reject(131008, "(#131008) Required parameter is missing: text"))?;
    if text.is_empty() {
        return Err(reject(
            131008,
            "(#131008) Required parameter is missing: text is empty",
        ));
    }
    if text.contains(['\n', '\t', '\r']) || text.contains("     ") {
        return Err(reject(
            132018,
            "(#132018) There was an issue with the parameters in your template: param text cannot have new-line/tab characters or more than 4 consecutive spaces",
        ));
    }
    Ok(text.to_string())
}

/// Fills `text` with `values` (positional by number, named by name).
fn fill(text: &str, values: &[(Option<String>, String)], named: bool) -> Result<String, Rejection> {
    let mut out = String::new();
    let mut at = 0;
    for (range, p) in placeholders(text) {
        out.push_str(&text[at..range.start]);
        let value = match (&p, named) {
            (crate::template::Placeholder::Named(n), true) => values
                .iter()
                .find(|(name, _)| name.as_deref() == Some(n))
                .map(|(_, v)| v.clone()),
            (crate::template::Placeholder::Positional(i), false) => values
                .get((*i as usize).saturating_sub(1))
                .map(|(_, v)| v.clone()),
            _ => None,
        };
        match value {
            Some(v) => out.push_str(&v),
            None => {
                return Err(reject(
                    132000,
                    format!(
                        "(#132000) Number of parameters does not match the expected number of params: no value for {p}"
                    ),
                ));
            }
        }
        at = range.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

fn named_values(
    ps: &[Value],
    format: ParameterFormat,
) -> Result<Vec<(Option<String>, String)>, Rejection> {
    ps.iter()
        .map(|p| {
            let name = p
                .get("parameter_name")
                .and_then(Value::as_str)
                .map(str::to_string);
            if format == ParameterFormat::Named && name.is_none() {
                return Err(reject(
                    100,
                    "(#100) Invalid parameter: parameter_name is required for a template with named parameters",
                ));
            }
            Ok((name, param_text(p)?))
        })
        .collect()
}

/// Checks a send of `template` to `phone` with `components`; on success, the
/// body text the customer would read.
pub fn check_send(
    template: &Template,
    phone: &str,
    components: &[Value],
) -> Result<String, Rejection> {
    match template.status.to_ascii_uppercase().as_str() {
        "APPROVED" => {}
        "PAUSED" => {
            return Err(reject(
                132015,
                "(#132015) Template is paused due to low quality",
            ));
        }
        "DISABLED" => return Err(reject(132016, "(#132016) Template has been disabled")),
        _ => {
            return Err(reject(
                132001,
                "(#132001) Template name does not exist in the translation",
            ));
        }
    }
    if template.category == Category::Marketing && phone.trim_start().starts_with("+1") {
        return Err(reject(
            131049,
            "(#131049) Marketing template messages cannot be delivered to US phone numbers",
        ));
    }
    let named = template.parameter_format == ParameterFormat::Named;
    match template.header() {
        Some(Header::Media { kind, .. }) => {
            let ps = params(component(components, "header"));
            let ok = ps.first().is_some_and(|p| {
                p.get("type").and_then(Value::as_str) == Some(kind.as_str())
                    && p.get(kind.as_str())
                        .and_then(|m| m.get("link").or_else(|| m.get("id")))
                        .and_then(Value::as_str)
                        .is_some_and(|l| !l.is_empty())
            });
            if !ok {
                return Err(reject(
                    132012,
                    format!(
                        "(#132012) Parameter format does not match format in the created template: header expected {}",
                        kind.as_str().to_ascii_uppercase()
                    ),
                ));
            }
        }
        Some(Header::Text { text, .. }) => {
            let want = distinct_count(text);
            let ps = params(component(components, "header"));
            if ps.len() != want {
                return Err(reject(
                    132000,
                    format!(
                        "(#132000) Number of parameters does not match the expected number of params: header expects {want}, got {}",
                        ps.len()
                    ),
                ));
            }
            let filled = fill(text, &named_values(&ps, template.parameter_format)?, named)?;
            if filled.chars().count() > 60 {
                return Err(reject(
                    132005,
                    "(#132005) Translated text too long: header over 60 characters",
                ));
            }
        }
        _ => {}
    }
    let body = template.body();
    let want = distinct_count(body);
    let ps = params(component(components, "body"));
    if ps.len() != want {
        return Err(reject(
            132000,
            format!(
                "(#132000) Number of parameters does not match the expected number of params: body expects {want}, got {}",
                ps.len()
            ),
        ));
    }
    let rendered = fill(body, &named_values(&ps, template.parameter_format)?, named)?;
    if rendered.chars().count() > 1024 {
        return Err(reject(
            132005,
            "(#132005) Translated text too long: body over 1024 characters",
        ));
    }
    for (index, button) in template.buttons().iter().enumerate() {
        let sent = components.iter().find(|c| {
            c.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("button"))
                && c.get("index")
                    .and_then(|i| {
                        i.as_str()
                            .map(str::to_string)
                            .or_else(|| i.as_u64().map(|n| n.to_string()))
                    })
                    .as_deref()
                    == Some(index.to_string().as_str())
        });
        let needs_url_var = matches!(button.kind, ButtonKind::Url | ButtonKind::Otp)
            && (button.url.as_deref().is_some_and(|u| distinct_count(u) > 0)
                || button.kind == ButtonKind::Otp);
        if needs_url_var {
            let Some(sent) = sent else {
                return Err(reject(
                    132000,
                    format!(
                        "(#132000) Number of parameters does not match the expected number of params: button {index} needs a URL parameter"
                    ),
                ));
            };
            let p = params(Some(sent));
            let text = p.first().map(param_text).transpose()?.ok_or_else(|| {
                reject(
                    131008,
                    format!("(#131008) Required parameter is missing: button {index}"),
                )
            })?;
            let url = button.url.clone().unwrap_or_default();
            if url.chars().count() + text.chars().count() > 2000 {
                return Err(reject(
                    132005,
                    "(#132005) Translated text too long: button URL over 2000 characters",
                ));
            }
        }
        if button.kind == ButtonKind::CopyCode {
            let code = sent
                .map(|s| params(Some(s)))
                .and_then(|p| p.first().cloned())
                .and_then(|p| {
                    p.get("coupon_code")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                });
            match code {
                Some(c) if !c.is_empty() && c.chars().count() <= 15 => {}
                Some(c) if c.chars().count() > 15 => {
                    return Err(reject(
                        132005,
                        "(#132005) Translated text too long: coupon code over 15 characters",
                    ));
                }
                _ => {
                    return Err(reject(
                        131008,
                        format!(
                            "(#131008) Required parameter is missing: coupon_code for button {index}"
                        ),
                    ));
                }
            }
        }
    }
    Ok(rendered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(v: Value) -> Template {
        Template::from_graph(v).unwrap()
    }

    #[test]
    fn counts_and_rules() {
        let tpl = t(
            json!({"name":"x","language":"en","status":"APPROVED","category":"UTILITY","components":[
            {"type":"BODY","text":"Hi {{1}}, order {{2}}"}]}),
        );
        let ok = check_send(
            &tpl,
            "+44",
            &[
                json!({"type":"body","parameters":[{"type":"text","text":"Jane"},{"type":"text","text":"A1"}]}),
            ],
        );
        assert_eq!(ok.unwrap(), "Hi Jane, order A1");
        let few = check_send(
            &tpl,
            "+44",
            &[json!({"type":"BODY","parameters":[{"type":"text","text":"Jane"}]})],
        );
        assert_eq!(few.unwrap_err().code, 132000);
        let tab = check_send(
            &tpl,
            "+44",
            &[
                json!({"type":"body","parameters":[{"type":"text","text":"Ja\tne"},{"type":"text","text":"A1"}]}),
            ],
        );
        assert_eq!(tab.unwrap_err().code, 132018);
    }

    #[test]
    fn media_header_is_required_and_marketing_to_us_is_blocked() {
        let tpl = t(
            json!({"name":"x","language":"en","status":"APPROVED","category":"MARKETING","components":[
            {"type":"HEADER","format":"IMAGE"},{"type":"BODY","text":"Hello"}]}),
        );
        assert_eq!(check_send(&tpl, "+44", &[]).unwrap_err().code, 132012);
        let header = json!({"type":"header","parameters":[{"type":"image","image":{"link":"https://x/y.jpg"}}]});
        assert!(check_send(&tpl, "+44", std::slice::from_ref(&header)).is_ok());
        assert_eq!(
            check_send(&tpl, "+12025550123", &[header])
                .unwrap_err()
                .code,
            131049
        );
    }

    #[test]
    fn named_parameters_need_names() {
        let tpl = t(
            json!({"name":"x","language":"en","status":"APPROVED","parameter_format":"NAMED","components":[
            {"type":"BODY","text":"Hi {{first_name}}"}]}),
        );
        assert_eq!(
            check_send(
                &tpl,
                "+44",
                &[json!({"type":"body","parameters":[{"type":"text","text":"Jane"}]})]
            )
            .unwrap_err()
            .code,
            100
        );
        assert_eq!(
            check_send(&tpl, "+44", &[json!({"type":"body","parameters":[{"type":"text","parameter_name":"first_name","text":"Jane"}]})]).unwrap(),
            "Hi Jane"
        );
    }
}
