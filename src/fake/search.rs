//! Intercom's contact search query language, as far as the fake needs it:
//! filters and AND/OR groups, nested at most 2 levels, at most 15 per group.

use super::state::FakeContact;
use serde_json::Value;

const MAX_FILTERS: usize = 15;
const MAX_DEPTH: usize = 2;

#[derive(Debug)]
pub enum Query {
    Filter {
        field: String,
        op: String,
        value: Value,
    },
    Group {
        and: bool,
        items: Vec<Query>,
    },
}

pub fn parse(v: &Value) -> Result<Query, String> {
    parse_at(v, 0)
}

fn parse_at(v: &Value, depth: usize) -> Result<Query, String> {
    let op = v
        .get("operator")
        .and_then(Value::as_str)
        .ok_or("query is missing an operator")?;
    if let Some(field) = v.get("field") {
        let field = field.as_str().ok_or("field must be a string")?.to_string();
        let value = v.get("value").cloned().ok_or("filter is missing a value")?;
        if !["=", "!=", "IN", "NIN", "~", "!~", "^", "$", ">", "<"].contains(&op) {
            return Err(format!("{op} is not a valid operator"));
        }
        return Ok(Query::Filter {
            field,
            op: op.to_string(),
            value,
        });
    }
    let and = match op {
        "AND" => true,
        "OR" => false,
        other => return Err(format!("{other} is not a valid operator for a group")),
    };
    if depth >= MAX_DEPTH {
        return Err(format!("queries can be nested at most {MAX_DEPTH} levels"));
    }
    let items = v
        .get("value")
        .and_then(Value::as_array)
        .ok_or("a group needs a list of filters")?;
    if items.len() > MAX_FILTERS {
        return Err(format!("at most {MAX_FILTERS} filters per group"));
    }
    Ok(Query::Group {
        and,
        items: items
            .iter()
            .map(|i| parse_at(i, depth + 1))
            .collect::<Result<_, _>>()?,
    })
}

fn field<'a>(c: &'a FakeContact, name: &str) -> Option<String> {
    let s = |o: &'a Option<String>| o.clone();
    match name {
        "id" => Some(c.id.clone()),
        "role" => Some(c.role.clone()),
        "phone" => s(&c.phone),
        "formatted_phone" => s(&c.formatted_phone),
        "name" => s(&c.name),
        "email" => s(&c.email),
        "external_id" => s(&c.external_id),
        "created_at" => Some(c.created_at.to_string()),
        "updated_at" => Some(c.updated_at.to_string()),
        _ => None,
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

pub fn matches(q: &Query, c: &FakeContact) -> bool {
    match q {
        Query::Group { and: true, items } => items.iter().all(|i| matches(i, c)),
        Query::Group { and: false, items } => items.iter().any(|i| matches(i, c)),
        Query::Filter {
            field: f,
            op,
            value,
        } => {
            let have = field(c, f);
            if op == "IN" || op == "NIN" {
                // Compared in place: a search for 50 numbers over thousands of
                // contacts must not copy the list once per contact.
                let inside = have.as_deref().is_some_and(|h| {
                    value.as_array().is_some_and(|a| {
                        a.iter().any(|x| match x {
                            Value::String(s) => s == h,
                            other => text(other).as_deref() == Some(h),
                        })
                    })
                });
                return inside == (op == "IN");
            }
            let want = text(value);
            let (h, w) = (have.as_deref(), want.as_deref());
            match op.as_str() {
                "=" => h == w,
                "!=" => h != w,
                "~" => matches!((h, w), (Some(h), Some(w)) if h.contains(w)),
                "!~" => !matches!((h, w), (Some(h), Some(w)) if h.contains(w)),
                "^" => matches!((h, w), (Some(h), Some(w)) if h.starts_with(w)),
                "$" => matches!((h, w), (Some(h), Some(w)) if h.ends_with(w)),
                ">" | "<" => {
                    let (Some(h), Some(w)) = (
                        h.and_then(|h| h.parse::<f64>().ok()),
                        w.and_then(|w| w.parse::<f64>().ok()),
                    ) else {
                        return false;
                    };
                    if op == ">" { h > w } else { h < w }
                }
                _ => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Instant;

    fn contact(phone: &str) -> FakeContact {
        FakeContact {
            id: "a".into(),
            role: "lead".into(),
            phone: Some(phone.into()),
            formatted_phone: Some("+447911123456".into()),
            name: None,
            email: None,
            external_id: None,
            created_at: 1,
            updated_at: 1,
            born: Instant::now(),
        }
    }

    #[test]
    fn phone_or_formatted_phone() {
        let q = parse(&json!({"operator":"OR","value":[
            {"field":"phone","operator":"=","value":"+447911123456"},
            {"field":"formatted_phone","operator":"=","value":"+447911123456"}]}))
        .unwrap();
        assert!(matches(&q, &contact("07911 123456")));
        let q = parse(&json!({"field":"phone","operator":"^","value":"079"})).unwrap();
        assert!(matches(&q, &contact("07911 123456")));
    }

    #[test]
    fn in_and_nin_lists() {
        let q = parse(&json!({"field":"formatted_phone","operator":"IN","value":["+34612345678","+447911123456"]}))
            .unwrap();
        assert!(matches(&q, &contact("x")));
        let q = parse(&json!({"field":"phone","operator":"IN","value":["+447911123456"]})).unwrap();
        assert!(!matches(&q, &contact("07911 123456")));
        let q =
            parse(&json!({"field":"phone","operator":"NIN","value":["+447911123456"]})).unwrap();
        assert!(matches(&q, &contact("07911 123456")));
        let q = parse(&json!({"field":"created_at","operator":"IN","value":[1, 2]})).unwrap();
        assert!(matches(&q, &contact("x")));
    }

    #[test]
    fn limits_are_enforced() {
        let many: Vec<_> = (0..16)
            .map(|i| json!({"field":"phone","operator":"=","value":i.to_string()}))
            .collect();
        assert!(parse(&json!({"operator":"OR","value":many})).is_err());
        let deep = json!({"operator":"OR","value":[{"operator":"AND","value":[
            {"operator":"OR","value":[{"field":"phone","operator":"=","value":"1"}]}]}]});
        assert!(parse(&deep).is_err());
        assert!(parse(&json!({"field":"phone","operator":"LIKE","value":"1"})).is_err());
    }
}
