//! The lead step (search, create) under every fault the fake can inject, over
//! real HTTP. For each: no panic, a clear message, the right number of
//! requests, and never a second lead or a second message.

mod send_harness;

use leadline::fake::{Endpoint, Fault, Identity, Settings};
use leadline::http::WaitReason;
use leadline::workflow::{LeadPlan, SendError, SendRequest, SendStatus};
use send_harness::*;
use std::time::Duration;

/// One fault in the lead step, and what the agent and the fake must show.
struct Case {
    name: &'static str,
    endpoint: Endpoint,
    faults: Vec<Fault>,
    /// Words the error must hold; `None` when the send must succeed.
    error: Option<&'static [&'static str]>,
    counts: Counts,
}

fn c(search: usize, create: usize, get: usize, message: usize) -> Counts {
    Counts {
        search,
        create,
        get,
        message,
    }
}

fn s(code: &str) -> Fault {
    code.parse().expect("a fault")
}

async fn run(case: Case, timeouts: leadline::http::Timeouts) {
    let h = Harness::with_timeouts(timeouts).await;
    h.script(case.endpoint, case.faults.clone());
    let result = h.send(NEW_PHONE).await;
    let name = case.name;
    // Shown with --nocapture: what the agent reads for each fault.
    if let Err(e) = &result {
        eprintln!("{name}: {e}");
    }
    match (case.error, &result) {
        (None, Ok(out)) => {
            assert_eq!(h.contacts_at(NEW_PHONE), 1, "{name}: one lead");
            assert_eq!(h.messages_to(NEW_PHONE), 1, "{name}: one message");
            assert_eq!(h.last_record().status, SendStatus::Sent, "{name}");
            assert_eq!(
                h.fake
                    .contacts()
                    .iter()
                    .find(|c| c.id == out.lead.contact.id)
                    .map(|c| c.role.as_str()),
                Some("lead"),
                "{name}: the message went to the lead"
            );
        }
        (Some(words), Err(e)) => {
            assert_words(name, &e.to_string(), words);
            assert!(!e.maybe_sent(), "{name}: nothing can have been sent");
            assert_eq!(h.messages_to(NEW_PHONE), 0, "{name}: no message");
            assert!(h.contacts_at(NEW_PHONE) <= 1, "{name}: at most one lead");
            let record = h.last_record();
            assert_eq!(record.status, SendStatus::Failed, "{name}");
            assert_words(name, record.error.as_deref().unwrap_or(""), words);
        }
        (want, got) => panic!("{name}: expected error {want:?}, got {got:?}"),
    }
    assert_eq!(h.counts(), case.counts, "{name}: requests per endpoint");
    h.assert_no_duplicates(name);
}

async fn run_all(cases: Vec<Case>, timeouts: leadline::http::Timeouts) {
    for case in cases {
        run(case, timeouts).await;
    }
}

const SERVER_ERROR: &[&str] = &[
    "could not find or create the lead",
    "server error",
    "HTTP 503",
];
const TOKEN_INVALID: &[&str] = &["Intercom token was not accepted", "INTERCOM_TOKEN"];
const TOKEN_REVOKED: &[&str] = &["the Intercom token was revoked: set a new one in INTERCOM_TOKEN"];
const TOKEN_EXPIRED: &[&str] = &["the Intercom token expired: set a new one in INTERCOM_TOKEN"];
const PLAN: &[&str] = &["plan does not include", "api_plan_restricted"];

#[tokio::test]
async fn search_faults_are_retried_or_said_plainly() {
    let search = |name, faults: Vec<Fault>, error, counts| Case {
        name,
        endpoint: Endpoint::Search,
        faults,
        error,
        counts,
    };
    run_all(
        vec![
            // Reads are retried with backoff, up to RetryPolicy::fast().read_attempts (4).
            search(
                "search 503, 503, ok",
                vec![s("503"), s("503")],
                None,
                c(3, 1, 0, 1),
            ),
            search(
                "search 503 four times",
                vec![s("503"); 4],
                Some(SERVER_ERROR),
                c(4, 0, 0, 0),
            ),
            search(
                "search HTML error page",
                vec![s("html")],
                None,
                c(2, 1, 0, 1),
            ),
            search(
                "search malformed JSON",
                vec![s("malformed")],
                None,
                c(2, 1, 0, 1),
            ),
            search(
                "search truncated JSON",
                vec![s("truncated")],
                None,
                c(2, 1, 0, 1),
            ),
            search(
                "search dropped before",
                vec![s("drop-before")],
                None,
                c(2, 1, 0, 1),
            ),
            search(
                "search dropped after",
                vec![s("drop-after")],
                None,
                c(2, 1, 0, 1),
            ),
            // Said once, not retried: the agent fixes the token.
            search(
                "search 401",
                vec![s("401")],
                Some(TOKEN_INVALID),
                c(1, 0, 0, 0),
            ),
            search(
                "search token_revoked",
                vec![s("401:token_revoked")],
                Some(TOKEN_REVOKED),
                c(1, 0, 0, 0),
            ),
            search(
                "search token_expired",
                vec![s("401:token_expired")],
                Some(TOKEN_EXPIRED),
                c(1, 0, 0, 0),
            ),
            search(
                "search api_plan_restricted",
                vec![s("403:api_plan_restricted")],
                Some(PLAN),
                c(1, 0, 0, 0),
            ),
            // A 409 on a search is nonsense; it is said, not acted on.
            search(
                "search 409",
                vec![s("409:conflict")],
                Some(&["already exists"]),
                c(1, 0, 0, 0),
            ),
        ],
        roomy(),
    )
    .await;
}

#[tokio::test]
async fn search_timeouts_are_retried() {
    run(
        Case {
            name: "search timeout",
            endpoint: Endpoint::Search,
            faults: vec![Fault::Delay(LONG_DELAY)],
            error: None,
            counts: c(2, 1, 0, 1),
        },
        short(),
    )
    .await;
}

#[tokio::test]
async fn create_faults_never_make_a_second_lead() {
    let create = |name, faults: Vec<Fault>, error, counts| Case {
        name,
        endpoint: Endpoint::Create,
        faults,
        error,
        counts,
    };
    run_all(
        vec![
            // Not processed by the fake, outcome unknown to the client: search, then create again.
            create("create 503", vec![s("503")], None, c(2, 2, 0, 1)),
            create(
                "create HTML error page",
                vec![s("html")],
                None,
                c(2, 2, 0, 1),
            ),
            create(
                "create dropped before",
                vec![s("drop-before")],
                None,
                c(2, 2, 0, 1),
            ),
            // Processed, answer lost: the search after it finds the lead; no second create.
            create(
                "create malformed JSON",
                vec![s("malformed")],
                None,
                c(2, 1, 0, 1),
            ),
            create(
                "create truncated JSON",
                vec![s("truncated")],
                None,
                c(2, 1, 0, 1),
            ),
            create(
                "create dropped after",
                vec![s("drop-after")],
                None,
                c(2, 1, 0, 1),
            ),
            // 409: the id in the message is fetched and used.
            create(
                "create 409 conflict",
                vec![s("409:conflict")],
                None,
                c(1, 1, 1, 1),
            ),
            create(
                "create 409 archived",
                vec![s("409:archived")],
                None,
                c(1, 1, 1, 1),
            ),
            // Refusals are said, never repeated.
            create(
                "create 401",
                vec![s("401")],
                Some(TOKEN_INVALID),
                c(1, 1, 0, 0),
            ),
            create(
                "create token_revoked",
                vec![s("401:token_revoked")],
                Some(TOKEN_REVOKED),
                c(1, 1, 0, 0),
            ),
            create(
                "create token_expired",
                vec![s("401:token_expired")],
                Some(TOKEN_EXPIRED),
                c(1, 1, 0, 0),
            ),
            create(
                "create api_plan_restricted",
                vec![s("403:api_plan_restricted")],
                Some(PLAN),
                c(1, 1, 0, 0),
            ),
            create(
                "create 400",
                vec![s("400:parameter_invalid")],
                Some(&["Intercom refused the request"]),
                c(1, 1, 0, 0),
            ),
            // Unknown twice: one search between, then the agent is told; never a third create.
            create(
                "create 503 twice",
                vec![s("503"), s("503")],
                Some(SERVER_ERROR),
                c(2, 2, 0, 0),
            ),
        ],
        roomy(),
    )
    .await;
}

#[tokio::test]
async fn create_timeout_is_searched_before_creating_again() {
    // The fake creates the lead at once and answers after the client gave up.
    run(
        Case {
            name: "create timeout",
            endpoint: Endpoint::Create,
            faults: vec![Fault::Delay(LONG_DELAY)],
            error: None,
            counts: c(2, 1, 0, 1),
        },
        short(),
    )
    .await;
}

#[tokio::test]
async fn rate_limits_are_waited_out_with_a_countdown() {
    for endpoint in [Endpoint::Search, Endpoint::Create] {
        let h = Harness::new().await;
        h.script(endpoint, [Fault::RateLimit(Duration::from_secs(1))]);
        let started = std::time::Instant::now();
        h.send(NEW_PHONE).await.expect("sent after the wait");
        // Retry-After is whole seconds: the wait is the service's, not ours.
        assert!(
            started.elapsed() >= Duration::from_millis(900),
            "{endpoint:?}"
        );
        assert!(
            h.waited(|r| *r == WaitReason::RateLimited),
            "{endpoint:?}: countdown shown"
        );
        let want = match endpoint {
            Endpoint::Search => c(2, 1, 0, 1),
            _ => c(1, 2, 0, 1),
        };
        assert_eq!(h.counts(), want, "{endpoint:?}");
        assert_eq!(h.contacts_at(NEW_PHONE), 1);
        h.assert_no_duplicates("429 in the lead step");
    }
}

/// Sleeps into the start of the next whole second: the fake's windows are
/// aligned on Unix seconds, so a test can know which window it is in.
async fn next_window() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let into = Duration::from_nanos(u64::from(now.subsec_nanos()));
    tokio::time::sleep(Duration::from_secs(1) - into + Duration::from_millis(20)).await;
}

#[tokio::test]
async fn the_fakes_own_limit_is_respected() {
    // One request per 1-second window: the search's answer says "0 remaining",
    // so the client waits for the reset instead of earning a 429.
    let h = Harness::new().await;
    h.fake.settings(|s| {
        s.rate_limit = Some(1);
        s.window = Duration::from_secs(1);
    });
    next_window().await;
    let out = h.send(EXISTING_PHONE).await.expect("sent");
    assert_eq!(out.lead.contact.id, EXISTING_ID);
    assert!(h.waited(|r| *r == WaitReason::RateLimited));
    assert_eq!(h.counts(), c(1, 0, 0, 1));
    assert!(h.fake.requests().iter().all(|r| r.status != 429));

    // The window spent by someone else (another app on the workspace): the
    // search gets a 429 with X-RateLimit-Reset, waits, and goes on.
    let h = Harness::new().await;
    h.fake.settings(|s| {
        s.rate_limit = Some(1);
        s.window = Duration::from_secs(1);
    });
    next_window().await;
    let status = reqwest::Client::new()
        .get(format!("{}me", h.fake.intercom_url()))
        .header("Authorization", "Bearer demo-intercom-token")
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    h.send(EXISTING_PHONE).await.expect("sent");
    let statuses: Vec<u16> = h
        .fake
        .requests()
        .iter()
        .filter(|r| r.endpoint == Some("search"))
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [429, 200]);
    assert!(h.waited(|r| *r == WaitReason::RateLimited));
    assert_eq!(h.messages_to(EXISTING_PHONE), 1);
}

#[tokio::test]
async fn added_latency_only_slows_things_down() {
    let h = Harness::build(
        Settings {
            latency: Duration::from_millis(150),
            ..Settings::default()
        },
        Identity::default(),
        roomy(),
    )
    .await;
    let started = std::time::Instant::now();
    h.send(NEW_PHONE).await.expect("sent");
    assert!(started.elapsed() >= Duration::from_millis(450));
    assert_eq!(h.counts(), c(1, 1, 0, 1));
    h.assert_no_duplicates("latency");
}

#[tokio::test]
async fn search_lag_is_covered_by_the_memory_of_created_leads() {
    // New contacts stay out of search for a minute, as in Intercom.
    let h = Harness::build(
        Settings {
            index_lag: Duration::from_secs(60),
            ..Settings::default()
        },
        Identity::default(),
        roomy(),
    )
    .await;
    let first = h.send(NEW_PHONE).await.expect("first send");
    assert!(first.lead_created);
    assert_eq!(h.counts(), c(1, 1, 0, 1));

    // A second send moments later (another template, so no repeat question).
    let other =
        h.ws.templates
            .load(&leadline::http::quiet())
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.name == "appointment_reminder" && t.language == "es")
            .unwrap();
    h.fake.clear_requests();
    let second = h
        .send_request(SendRequest {
            template: other,
            ..h.request(NEW_PHONE)
        })
        .await
        .expect("second send");
    assert!(!second.lead_created);
    assert_eq!(second.lead.contact.id, first.lead.contact.id);
    // Confirmed by id, not searched (search would not see it yet), not created.
    assert_eq!(h.counts(), c(0, 0, 1, 1));
    assert_eq!(h.contacts_at(NEW_PHONE), 1);
    assert_eq!(h.messages_to(NEW_PHONE), 2);

    // A restart keeps the memory: a new workspace on the same data dir.
    let again = leadline::workspace::Workspace::for_fake_with(
        &h.fake,
        h.dir.path().to_path_buf(),
        leadline::http::RetryPolicy::fast(),
        roomy(),
    );
    match leadline::workflow::lookup_lead(&again, NEW_PHONE, &leadline::http::quiet())
        .await
        .unwrap()
    {
        leadline::workflow::Lookup::Existing(k) => assert_eq!(k.contact.id, first.lead.contact.id),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn several_contacts_are_shown_not_picked() {
    let h = Harness::new().await;
    // The demo holds two contacts for +49 151 23456789.
    let err = h.send("+4915123456789").await.unwrap_err();
    match &err {
        SendError::Several(list) => {
            assert_eq!(list.len(), 2);
            // Most recently updated first.
            assert!(list[0].updated_at >= list[1].updated_at);
        }
        other => panic!("{other:?}"),
    }
    assert_words(
        "several",
        &err.to_string(),
        &["2 contacts have this number", "pick one"],
    );
    assert_eq!(h.counts(), c(1, 0, 0, 0));
    assert!(h.fake.messages().is_empty());
}

#[tokio::test]
async fn a_user_is_as_good_as_a_lead() {
    let h = Harness::new().await;
    // Priya Shah is a `user` stored as "+44 7400 123456".
    let out = h.send("+447400123456").await.expect("sent");
    assert_eq!(out.lead.contact.role, leadline::intercom::Role::User);
    assert!(!out.lead_created);
    assert_eq!(h.fake.messages()[0].to["type"], "user");
    assert_eq!(h.counts(), c(1, 0, 0, 1));
}

#[tokio::test]
async fn cancelling_the_lead_step_sends_nothing() {
    let h = Harness::new().await;
    h.script(Endpoint::Search, [Fault::Delay(Duration::from_secs(2))]);
    let cancel = tokio_util::sync::CancellationToken::new();
    // Esc while the search is in flight.
    let (result, ()) = tokio::join!(
        h.send_cancellable(h.request(NEW_PHONE), cancel.clone()),
        async {
            h.until_received(Endpoint::Search).await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            cancel.cancel();
        }
    );
    let err = result.unwrap_err();
    assert_eq!(err, SendError::Cancelled { unknown: false });
    assert_words(
        "cancel",
        &err.to_string(),
        &["cancelled", "nothing was sent"],
    );
    assert_eq!(h.last_record().status, SendStatus::Failed);
    assert_eq!(h.counts(), c(1, 0, 0, 0));
    assert!(h.fake.messages().is_empty());
}

#[tokio::test]
async fn a_known_lead_skips_the_lead_step() {
    let h = Harness::new().await;
    let found =
        match leadline::workflow::lookup_lead(&h.ws, EXISTING_PHONE, &leadline::http::quiet())
            .await
            .unwrap()
        {
            leadline::workflow::Lookup::Existing(k) => k,
            other => panic!("{other:?}"),
        };
    h.fake.clear_requests();
    h.send_request(SendRequest {
        lead: LeadPlan::Known(found),
        ..h.request(EXISTING_PHONE)
    })
    .await
    .expect("sent");
    assert_eq!(h.counts(), c(0, 0, 0, 1));
}

#[tokio::test]
async fn quirky_answers_are_read() {
    // owner_id as a number, avatar as a URL string or an object, unknown fields.
    let h = Harness::build(
        Settings {
            quirks: true,
            ..Settings::default()
        },
        Identity::default(),
        roomy(),
    )
    .await;
    let found = h
        .send(EXISTING_PHONE)
        .await
        .expect("an existing lead, read");
    assert_eq!(found.lead.contact.id, EXISTING_ID);
    let created = h.send(NEW_PHONE).await.expect("a new lead, read");
    assert!(created.lead_created);
    assert_eq!(h.counts(), c(2, 1, 0, 2));
    h.assert_no_duplicates("quirks");
}
