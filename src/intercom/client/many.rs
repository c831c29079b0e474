//! `search_by_phones`: one search for many numbers (`phone IN […] OR
//! formatted_phone IN […]`), so a bulk import spends its rate limit on creates,
//! not on one search per row.

use super::{Intercom, MAX_SEARCH_PAGES};
use crate::http::{Kind, Observer};
use crate::intercom::{Contact, IntercomError};
use crate::phone;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashMap;

const PER_PAGE: u32 = 150;

impl Intercom {
    /// The most numbers one search carries. Intercom documents `IN` without a
    /// bound; 50 keeps each request small and each answer within a page or two.
    pub const MAX_NUMBERS_PER_SEARCH: usize = 50;

    /// The contacts whose `phone` or `formatted_phone` is one of `numbers`
    /// (E.164), by number, most recently updated first. Numbers nobody has are
    /// absent from the map. Like [`Intercom::search_by_phone`], contacts created
    /// in the last minutes may be missing (index lag).
    ///
    /// At most [`Intercom::MAX_NUMBERS_PER_SEARCH`] numbers per call; more is a caller bug
    /// and is refused rather than sent.
    pub async fn search_by_phones(
        &self,
        numbers: &[String],
        obs: &Observer,
    ) -> Result<HashMap<String, Vec<Contact>>, IntercomError> {
        let mut by_number: HashMap<String, Vec<Contact>> = HashMap::new();
        if numbers.is_empty() {
            return Ok(by_number);
        }
        if numbers.len() > Self::MAX_NUMBERS_PER_SEARCH {
            return Err(IntercomError::Invalid {
                message: format!(
                    "at most {} numbers per search (got {})",
                    Self::MAX_NUMBERS_PER_SEARCH,
                    numbers.len()
                ),
                field: None,
            });
        }
        // A contact the search matched that cannot be tied to one of the numbers.
        let mut unplaced = false;
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_SEARCH_PAGES {
            let mut pagination = json!({"per_page": PER_PAGE});
            if let Some(c) = &cursor {
                pagination["starting_after"] = json!(c);
            }
            let body = json!({
                "query": {"operator": "OR", "value": [
                    {"field": "phone", "operator": "IN", "value": numbers},
                    {"field": "formatted_phone", "operator": "IN", "value": numbers},
                ]},
                "pagination": pagination,
            });
            let page: Value = self
                .call(
                    self.request(Method::POST, "contacts/search", Some(body), Kind::Read),
                    "contact",
                    obs,
                )
                .await?;
            // "Nobody has these numbers" leads to creates: only a real list says so.
            let items = match page.get("data") {
                Some(Value::Array(items)) => items.clone(),
                None | Some(Value::Null)
                    if page
                        .get("total_count")
                        .and_then(Value::as_u64)
                        .is_none_or(|n| n == 0) =>
                {
                    Vec::new()
                }
                _ => {
                    return Err(IntercomError::Decode {
                        what: "contact list",
                        detail: "no list of contacts in the answer".into(),
                    });
                }
            };
            for item in items {
                let text = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_string);
                let (phone, formatted) = (text("phone"), text("formatted_phone"));
                let contact = match serde_json::from_value::<Contact>(item) {
                    Ok(c) => c,
                    Err(e) => {
                        // A contact that cannot be read may hold one of these numbers:
                        // creating a lead for it could make a duplicate.
                        return Err(IntercomError::Decode {
                            what: "contact list",
                            detail: format!("a contact without a readable id ({e})"),
                        });
                    }
                };
                // The search matched one of its fields exactly; the digits
                // decide which number that was, whatever the spacing.
                let digits = |s: &Option<String>| {
                    s.as_deref()
                        .map(|s| s.chars().filter(char::is_ascii_digit).collect::<String>())
                };
                let (phone_digits, formatted_digits) = (digits(&phone), digits(&formatted));
                let mut hits: Vec<&String> = numbers
                    .iter()
                    .filter(|n| {
                        let nd: String = n.chars().filter(char::is_ascii_digit).collect();
                        phone.as_deref() == Some(n.as_str())
                            || formatted.as_deref() == Some(n.as_str())
                            || phone_digits.as_deref() == Some(&nd)
                            || formatted_digits.as_deref() == Some(&nd)
                    })
                    .collect();
                if hits.is_empty() {
                    // Matched on `formatted_phone`, which the answer may leave
                    // out, with `phone` stored nationally ("0151 23456789").
                    hits = phone
                        .as_deref()
                        .map(|p| numbers_read_nationally(p, numbers))
                        .unwrap_or_default();
                }
                unplaced |= hits.is_empty();
                for n in hits {
                    let list = by_number.entry(n.clone()).or_default();
                    if !list.iter().any(|c| c.id == contact.id) {
                        list.push(contact.clone());
                    }
                }
            }
            let next = page
                .get("pages")
                .and_then(|p| p.get("next"))
                .and_then(|n| n.get("starting_after"))
                .and_then(Value::as_str)
                .map(str::to_string);
            match next {
                Some(n) if Some(&n) != cursor.as_ref() => cursor = Some(n),
                _ => break,
            }
        }
        if unplaced {
            // Someone holds one of the numbers still without a contact, and the
            // answer does not say which: taking those for new would create
            // duplicates, so ask for each on its own.
            for n in numbers {
                if by_number.contains_key(n) {
                    continue;
                }
                let found = self.search_by_phone(n, obs).await?;
                if !found.is_empty() {
                    by_number.insert(n.clone(), found);
                }
            }
        }
        for list in by_number.values_mut() {
            list.sort_by(|a, b| {
                b.updated_at
                    .or(b.created_at)
                    .cmp(&a.updated_at.or(a.created_at))
            });
        }
        Ok(by_number)
    }
}

/// The numbers (E.164) that `stored` is when read as a national number of
/// each one's own region.
fn numbers_read_nationally<'a>(stored: &str, numbers: &'a [String]) -> Vec<&'a String> {
    numbers
        .iter()
        .filter(|n| {
            let region = phone::check(n, None).valid().map(|v| v.region);
            region.is_some_and(|r| {
                phone::check(stored, Some(r))
                    .valid()
                    .is_some_and(|v| &v.e164 == *n)
            })
        })
        .collect()
}
