//! One search for many numbers (what `leadline import` does) must tie every
//! contact back to its number even when the answer has no `formatted_phone`
//! (the 2.16 contact schema does not list it) and `phone` was stored in a
//! national or odd form: a contact missed here becomes a duplicate lead.

mod cli_support;

use cli_support::old_contact;
use leadline::fake::{Endpoint, FakeOptions, FakeServer};
use leadline::http::{RetryPolicy, quiet};
use leadline::intercom::Contact;
use leadline::workspace::Workspace;
use std::collections::HashMap;

fn contact(id: u8, phone: &str, e164: &str) -> leadline::fake::FakeContact {
    old_contact(&format!("{id:024x}"), phone, e164, &format!("Lead {id}"))
}

/// Searches `numbers` at once, with the requests it took.
async fn search(fake: &FakeServer, numbers: &[&str]) -> (HashMap<String, Vec<Contact>>, usize) {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::for_fake(fake, dir.path().into(), RetryPolicy::fast());
    let numbers: Vec<String> = numbers.iter().map(|n| n.to_string()).collect();
    fake.clear_requests();
    let found = ws
        .intercom
        .search_by_phones(&numbers, &quiet())
        .await
        .unwrap();
    let searches = fake
        .requests()
        .iter()
        .filter(|r| r.endpoint == Some(Endpoint::Search.name()))
        .count();
    (found, searches)
}

#[tokio::test]
async fn contacts_stored_nationally_or_oddly_are_found_without_formatted_phone() {
    let fake = FakeServer::start(FakeOptions::default()).await.unwrap();
    fake.settings(|s| s.quirks = true);
    fake.add_contact(contact(1, "07400 555111", "+447400555111"));
    fake.add_contact(contact(2, "+44 (0)7400-555-222", "+447400555222"));
    // Nothing in `phone` says which number this is: only its formatted_phone.
    fake.add_contact(contact(3, "ask reception", "+447400555333"));
    let (found, searches) = search(
        &fake,
        &[
            "+447400555111",
            "+447400555222",
            "+447400555333",
            "+447400555444",
        ],
    )
    .await;

    let id_of = |n: &str| found.get(n).map(|cs| cs[0].id.clone());
    assert_eq!(id_of("+447400555111"), Some(format!("{:024x}", 1)));
    assert_eq!(id_of("+447400555222"), Some(format!("{:024x}", 2)));
    assert_eq!(id_of("+447400555333"), Some(format!("{:024x}", 3)));
    assert_eq!(id_of("+447400555444"), None, "nobody has this one");

    // One search for all four, then one each for the two it could not place.
    assert_eq!(searches, 3);
}

#[tokio::test]
async fn one_search_is_enough_when_every_contact_can_be_placed() {
    let fake = FakeServer::start(FakeOptions::default()).await.unwrap();
    fake.settings(|s| s.quirks = true);
    fake.add_contact(contact(1, "07400 555111", "+447400555111"));
    fake.add_contact(contact(2, "+447400555222", "+447400555222"));
    let (found, searches) =
        search(&fake, &["+447400555111", "+447400555222", "+34612345678"]).await;
    assert_eq!(found.len(), 2);
    assert_eq!(searches, 1);
}
