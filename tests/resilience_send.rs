//! The message step (`POST /messages`) under every fault the fake can inject,
//! over real HTTP. A send is never repeated on its own: when its outcome is
//! unknown it is journaled "outcome unknown" and the agent is told to check.

mod send_harness;

use leadline::fake::{Endpoint, Fault, Identity, Settings};
use leadline::http::WaitReason;
use leadline::workflow::{SendError, SendRequest, SendStatus};
use send_harness::*;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Sent,
    /// Refused: nothing sent, the journal says "failed".
    Failed,
    /// Maybe sent: the journal says "outcome unknown", never retried.
    Unknown,
}

struct Case {
    name: &'static str,
    faults: Vec<Fault>,
    outcome: Outcome,
    words: &'static [&'static str],
    /// `POST /messages` requests.
    posts: usize,
    /// Messages the fake holds afterwards (a processed request whose answer was lost counts).
    delivered: usize,
}

fn s(code: &str) -> Fault {
    code.parse().expect("a fault")
}

async fn run(case: Case, timeouts: leadline::http::Timeouts) {
    let h = Harness::with_timeouts(timeouts).await;
    h.script(Endpoint::Message, case.faults.clone());
    let result = h.send(EXISTING_PHONE).await;
    let name = case.name;
    // Shown with --nocapture: what the agent reads for each fault.
    if let Err(e) = &result {
        eprintln!("{name}: {e}");
    }
    let record = h.last_record();
    match (case.outcome, &result) {
        (Outcome::Sent, Ok(out)) => {
            assert_eq!(record.status, SendStatus::Sent, "{name}");
            assert_eq!(record.message_id.as_deref(), Some(out.message.id.as_str()));
        }
        (Outcome::Failed, Err(e @ SendError::Message { unknown: false, .. })) => {
            assert!(!e.maybe_sent(), "{name}");
            assert_eq!(record.status, SendStatus::Failed, "{name}");
            assert_words(name, &e.to_string(), case.words);
        }
        (Outcome::Unknown, Err(e @ SendError::Message { unknown: true, .. })) => {
            assert!(e.maybe_sent(), "{name}");
            assert_eq!(record.status, SendStatus::Unknown, "{name}");
            assert_words(name, &e.to_string(), case.words);
            assert_words(
                name,
                &e.to_string(),
                &["may have been sent", "will not send it again"],
            );
            assert!(
                !e.to_string().contains("try again"),
                "{name}: an unknown send must not invite a retry: {e}"
            );
        }
        (want, got) => panic!("{name}: expected {want:?}, got {got:?}"),
    }
    assert_eq!(
        h.counts(),
        Counts {
            search: 1,
            create: 0,
            get: 0,
            message: case.posts
        },
        "{name}: requests per endpoint"
    );
    assert_eq!(
        h.messages_to(EXISTING_PHONE),
        case.delivered,
        "{name}: messages in the fake"
    );
    assert_eq!(h.contacts_at(EXISTING_PHONE), 1, "{name}: no new lead");
    h.assert_no_duplicates(name);

    // Whatever happened, the same template to the same number now asks first
    // (unless it surely failed): an unknown send is never repeated by accident.
    if case.outcome != Outcome::Failed {
        h.fake.clear_requests();
        let again = h.send(EXISTING_PHONE).await;
        assert!(
            matches!(again, Err(SendError::Repeat(_))),
            "{name}: {again:?}"
        );
        assert_eq!(h.count(Endpoint::Message), 0, "{name}");
    }
}

async fn run_all(cases: Vec<Case>, timeouts: leadline::http::Timeouts) {
    for case in cases {
        run(case, timeouts).await;
    }
}

#[tokio::test]
async fn message_faults_are_never_sent_twice() {
    use Outcome::*;
    let case = |name, faults, outcome, words, posts, delivered| Case {
        name,
        faults,
        outcome,
        words,
        posts,
        delivered,
    };
    run_all(
        vec![
            // The service may have acted: outcome unknown, one POST only.
            case(
                "message 503",
                vec![s("503")],
                Unknown,
                &["Intercom answered HTTP 503"],
                1,
                0,
            ),
            case(
                "message 500 then ok",
                vec![s("500"), s("ok")],
                Unknown,
                &["HTTP 500"],
                1,
                0,
            ),
            case(
                "message HTML error page",
                vec![s("html")],
                Unknown,
                &["HTTP 502"],
                1,
                0,
            ),
            case(
                "message malformed JSON",
                vec![s("malformed")],
                Unknown,
                &["could not be read"],
                1,
                1,
            ),
            case(
                "message truncated JSON",
                vec![s("truncated")],
                Unknown,
                &["connection broke"],
                1,
                1,
            ),
            case(
                "message dropped before",
                vec![s("drop-before")],
                Unknown,
                &["connection broke"],
                1,
                0,
            ),
            case(
                "message dropped after",
                vec![s("drop-after")],
                Unknown,
                &["connection broke"],
                1,
                1,
            ),
            // Refusals: nothing sent, said plainly, not repeated.
            case(
                "message 401",
                vec![s("401")],
                Failed,
                &["Intercom token was not accepted", "INTERCOM_TOKEN"],
                1,
                0,
            ),
            case(
                "message token_revoked",
                vec![s("401:token_revoked")],
                Failed,
                &["the Intercom token was revoked: set a new one in INTERCOM_TOKEN"],
                1,
                0,
            ),
            case(
                "message token_expired",
                vec![s("401:token_expired")],
                Failed,
                &["the Intercom token expired: set a new one in INTERCOM_TOKEN"],
                1,
                0,
            ),
            case(
                "message api_plan_restricted",
                vec![s("403:api_plan_restricted")],
                Failed,
                &["plan does not include", "api_plan_restricted"],
                1,
                0,
            ),
            // An old contact's 404 is an answer, not a delay: not retried.
            case(
                "message 404",
                vec![s("404")],
                Failed,
                &["Intercom does not know this contact"],
                1,
                0,
            ),
            case(
                "message 409",
                vec![s("409:conflict")],
                Failed,
                &["already exists"],
                1,
                0,
            ),
            case(
                "message admin_not_found",
                vec![s("404:admin_not_found")],
                Failed,
                &["sending admin does not exist", "admin_id"],
                1,
                0,
            ),
            case(
                "message 400",
                vec![s("400:parameter_invalid")],
                Failed,
                &["Intercom refused the request"],
                1,
                0,
            ),
            // 429 means "not processed": waited out and sent once.
            case(
                "message 429 with reset",
                vec![Fault::RateLimit(Duration::from_secs(1))],
                Sent,
                &[],
                2,
                1,
            ),
        ],
        roomy(),
    )
    .await;
}

#[tokio::test]
async fn message_timeout_is_an_unknown_outcome() {
    // The fake sends at once and answers after the client gave up.
    run(
        Case {
            name: "message timeout",
            faults: vec![Fault::Delay(LONG_DELAY)],
            outcome: Outcome::Unknown,
            words: &["no answer from Intercom within 1 s"],
            posts: 1,
            delivered: 1,
        },
        short(),
    )
    .await;
}

#[tokio::test]
async fn a_429_on_send_shows_a_countdown() {
    let h = Harness::new().await;
    h.script(
        Endpoint::Message,
        [Fault::RateLimit(Duration::from_secs(1))],
    );
    h.send(EXISTING_PHONE).await.expect("sent after the wait");
    assert!(h.waited(|r| *r == WaitReason::RateLimited));
    let statuses: Vec<u16> = h
        .fake
        .requests()
        .iter()
        .filter(|r| r.endpoint == Some("message"))
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [429, 200]);
}

#[tokio::test]
async fn a_429_too_long_to_wait_is_said() {
    let h = Harness::new().await;
    // The policy waits at most 90 s for a window; this one resets in 10 minutes.
    h.script(
        Endpoint::Message,
        [Fault::RateLimit(Duration::from_secs(600))],
    );
    let err = h.send(EXISTING_PHONE).await.unwrap_err();
    assert_words(
        "long 429",
        &err.to_string(),
        &["rate limit", "wait about 10 minutes, then try again"],
    );
    assert!(!err.maybe_sent());
    assert_eq!(h.last_record().status, SendStatus::Failed);
    assert_eq!(h.count(Endpoint::Message), 1);
    assert!(h.fake.messages().is_empty());
}

#[tokio::test]
async fn a_new_lead_gets_404_for_a_moment_and_is_retried_within_a_bound() {
    // Messages to contacts younger than 400 ms get 404, as Intercom does for
    // a short while after a create. Waits of 100, 200, 300… ms: 1.5 s in all
    // before the sixth and last attempt, well past the window.
    let policy = leadline::http::RetryPolicy {
        new_contact_delay: Duration::from_millis(100),
        ..leadline::http::RetryPolicy::fast()
    };
    let h = Harness::build_with(
        Settings {
            new_contact_404: Duration::from_millis(400),
            ..Settings::default()
        },
        Identity::default(),
        roomy(),
        policy.clone(),
    )
    .await;
    let out = h
        .send(NEW_PHONE)
        .await
        .expect("sent once the contact is ready");
    assert!(out.lead_created);
    let posts = h.count(Endpoint::Message);
    assert!((2..=6).contains(&posts), "{posts} POST /messages");
    assert!(h.waited(|r| matches!(r, WaitReason::NewContact { .. })));
    assert_eq!(h.messages_to(NEW_PHONE), 1);
    assert_eq!(h.contacts_at(NEW_PHONE), 1);
    h.assert_no_duplicates("young contact");

    // Longer than the bound: the agent is told, after exactly 6 attempts.
    let h = Harness::build(
        Settings {
            new_contact_404: Duration::from_secs(60),
            ..Settings::default()
        },
        Identity::default(),
        roomy(),
    )
    .await;
    let err = h.send(NEW_PHONE).await.unwrap_err();
    assert_words(
        "young contact, too long",
        &err.to_string(),
        &["does not know this contact"],
    );
    assert!(!err.maybe_sent());
    assert_eq!(
        h.count(Endpoint::Message) as u32,
        leadline::http::RetryPolicy::fast().new_contact_attempts
    );
    assert_eq!(h.last_record().status, SendStatus::Failed);
    assert!(h.fake.messages().is_empty());

    // A send minutes later to the lead leadline made still counts it as young
    // (the second attempt of an agent right after the first one failed).
    let age = h
        .fake
        .contacts()
        .iter()
        .find(|c| c.formatted_phone.as_deref() == Some(NEW_PHONE))
        .map(|c| c.born.elapsed())
        .unwrap();
    h.fake
        .settings(|s| s.new_contact_404 = age + Duration::from_millis(100));
    h.fake.clear_requests();
    h.send_request(SendRequest {
        confirmed_repeat: true,
        ..h.request(NEW_PHONE)
    })
    .await
    .expect("sent on the agent's second try");
    assert!(h.count(Endpoint::Message) >= 2);
    assert_eq!(h.contacts_at(NEW_PHONE), 1);
}

#[tokio::test]
async fn cancelling_while_sending_is_an_unknown_outcome() {
    let h = Harness::new().await;
    h.script(Endpoint::Message, [Fault::Delay(Duration::from_secs(2))]);
    let cancel = tokio_util::sync::CancellationToken::new();
    // Esc while the message is in flight.
    let (result, ()) = tokio::join!(
        h.send_cancellable(h.request(EXISTING_PHONE), cancel.clone()),
        async {
            h.until_received(Endpoint::Message).await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            cancel.cancel();
        }
    );
    let err = result.unwrap_err();
    assert_eq!(err, SendError::Cancelled { unknown: true });
    assert_words("cancel", &err.to_string(), &["may have been sent"]);
    assert_eq!(h.last_record().status, SendStatus::Unknown);
    assert_eq!(h.count(Endpoint::Message), 1);
}

#[tokio::test]
async fn meta_refusals_arrive_as_sentences() {
    let h = Harness::new().await;
    // One parameter missing: the fake applies Meta's check (132000).
    let mut values = Harness::values();
    values.set(
        leadline::template::SlotKey::Body(leadline::template::Placeholder::Positional(3)),
        "",
    );
    let mut req = h.request(EXISTING_PHONE);
    req.values = values;
    // The client's own checks catch it first, before any request.
    let err = h.send_request(req.clone()).await.unwrap_err();
    assert!(matches!(err, SendError::Invalid(_)), "{err:?}");
    assert_eq!(h.counts(), Counts::default());

    // A template that Meta no longer knows in that language (deleted since
    // the list was loaded): 132001 relayed by Intercom.
    h.fake.set_templates(vec![]);
    let err = h.send(EXISTING_PHONE).await.unwrap_err();
    assert_words(
        "132001",
        &err.to_string(),
        &[
            "WhatsApp refused the message",
            "does not exist in that language",
            "refresh the templates",
        ],
    );
    assert!(!err.maybe_sent());
    assert_eq!(h.last_record().status, SendStatus::Failed);
}

#[tokio::test]
async fn a_message_without_conversation_id_is_still_sent() {
    let h = Harness::build(
        Settings {
            omit_conversation_id: true,
            ..Settings::default()
        },
        Identity::default(),
        roomy(),
    )
    .await;
    let out = h.send(EXISTING_PHONE).await.expect("sent");
    assert_eq!(out.message.conversation_id, None);
    assert_eq!(out.link, None);
    let record = h.last_record();
    assert_eq!(record.status, SendStatus::Sent);
    assert_eq!(record.conversation_id, None);
}
