//! A quick send against the fake over real HTTP, with what a resilience test
//! needs to look at afterwards: requests per endpoint, contacts and messages
//! in the fake, the journal, and the progress the agent saw.
#![allow(dead_code)]

use leadline::fake::{Endpoint, FakeOptions, FakeServer, Fault, Identity, Settings};
use leadline::http::{RetryPolicy, Timeouts, WaitReason, quiet};
use leadline::template::{Placeholder, SlotKey, Template, Values};
use leadline::workflow::{
    LeadPlan, Progress, SendError, SendOutcome, SendRecord, SendRequest, quick_send,
};
use leadline::workspace::Workspace;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Nobody in the fake has this number: the lead step creates one.
pub const NEW_PHONE: &str = "+447911123456";
/// A lead the demo workspace already holds (Lucía García), old enough to message.
pub const EXISTING_PHONE: &str = "+34612345678";
pub const EXISTING_ID: &str = "6762f0e11bb69f9f2193bb90";

/// Generous: no request to 127.0.0.1 takes this long, even on a busy machine,
/// so only the faults decide how many requests a test sees.
pub fn roomy() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(5),
        request: Duration::from_secs(5),
    }
}

/// For timeout tests: short, paired with a `delay` well above it (and a
/// timeout long enough that a busy machine does not trip it elsewhere).
pub const SHORT_TIMEOUT: Duration = Duration::from_secs(1);
pub const LONG_DELAY: Duration = Duration::from_millis(2500);

pub fn short() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(5),
        request: SHORT_TIMEOUT,
    }
}

pub struct Harness {
    pub fake: FakeServer,
    pub ws: Workspace,
    pub dir: tempfile::TempDir,
    pub template: Template,
    pub events: Arc<Mutex<Vec<Progress>>>,
    /// Ids of the contacts the fake started with (the demo's).
    pub seeded: Vec<String>,
}

impl Harness {
    pub async fn new() -> Self {
        Harness::build(Settings::default(), Identity::default(), roomy()).await
    }

    pub async fn with_timeouts(timeouts: Timeouts) -> Self {
        Harness::build(Settings::default(), Identity::default(), timeouts).await
    }

    /// A fake with the demo's contacts, a workspace with fast retries, the
    /// sender and the templates already known, and the request log cleared:
    /// what the test then counts is the send alone.
    pub async fn build(settings: Settings, identity: Identity, timeouts: Timeouts) -> Self {
        Harness::build_with(settings, identity, timeouts, RetryPolicy::fast()).await
    }

    pub async fn build_with(
        settings: Settings,
        identity: Identity,
        timeouts: Timeouts,
        policy: RetryPolicy,
    ) -> Self {
        let fake = FakeServer::start(FakeOptions {
            settings,
            identity,
            seed_contacts: true,
            ..FakeOptions::default()
        })
        .await
        .expect("the fake starts");
        let dir = tempfile::tempdir().expect("a temp dir");
        let ws = Workspace::for_fake_with(&fake, dir.path().to_path_buf(), policy, timeouts);
        ws.sender(&quiet()).await.expect("GET /me");
        let template = ws
            .templates
            .load(&quiet())
            .await
            .expect("templates")
            .into_iter()
            .find(|t| t.name == "appointment_reminder" && t.language == "en_US")
            .expect("appointment_reminder en_US");
        fake.clear_requests();
        let seeded = fake.contacts().into_iter().map(|c| c.id).collect();
        Harness {
            fake,
            ws,
            dir,
            template,
            events: Arc::default(),
            seeded,
        }
    }

    pub fn values() -> Values {
        let mut v = Values::default();
        v.set(SlotKey::Body(Placeholder::Positional(1)), "Jane");
        v.set(SlotKey::Body(Placeholder::Positional(2)), "12 March");
        v.set(SlotKey::Body(Placeholder::Positional(3)), "10:30");
        v
    }

    pub fn request(&self, phone: &str) -> SendRequest {
        SendRequest {
            phone: phone.into(),
            name: Some("Jane Doe".into()),
            lead: LeadPlan::LookUp,
            template: self.template.clone(),
            values: Harness::values(),
            confirmed_repeat: false,
        }
    }

    pub async fn send(&self, phone: &str) -> Result<SendOutcome, SendError> {
        self.send_request(self.request(phone)).await
    }

    pub async fn send_request(&self, req: SendRequest) -> Result<SendOutcome, SendError> {
        self.send_cancellable(req, CancellationToken::new()).await
    }

    pub async fn send_cancellable(
        &self,
        req: SendRequest,
        cancel: CancellationToken,
    ) -> Result<SendOutcome, SendError> {
        let events = self.events.clone();
        let progress = Arc::new(move |p: Progress| {
            events.lock().unwrap().push(p);
        });
        quick_send(&self.ws, req, progress, cancel).await
    }

    /// Waits (bounded) until the fake has received a request for `endpoint`:
    /// for tests that act while a request is in flight.
    pub async fn until_received(&self, endpoint: Endpoint) {
        for _ in 0..500 {
            if self.count(endpoint) > 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no {endpoint:?} request arrived");
    }

    pub fn script(&self, endpoint: Endpoint, faults: impl IntoIterator<Item = Fault>) {
        self.fake.script(endpoint, faults);
    }

    /// Requests the fake received for one endpoint since the harness was built.
    pub fn count(&self, endpoint: Endpoint) -> usize {
        self.fake
            .requests()
            .iter()
            .filter(|r| r.endpoint == Some(endpoint.name()))
            .count()
    }

    pub fn counts(&self) -> Counts {
        Counts {
            search: self.count(Endpoint::Search),
            create: self.count(Endpoint::Create),
            get: self.count(Endpoint::GetContact),
            message: self.count(Endpoint::Message),
        }
    }

    /// Contacts in the fake reachable at `phone` (its E.164 copy).
    pub fn contacts_at(&self, phone: &str) -> usize {
        self.fake
            .contacts()
            .iter()
            .filter(|c| c.formatted_phone.as_deref() == Some(phone))
            .count()
    }

    /// Messages the fake accepted for contacts reachable at `phone`.
    pub fn messages_to(&self, phone: &str) -> usize {
        let ids: Vec<String> = self
            .fake
            .contacts()
            .into_iter()
            .filter(|c| c.formatted_phone.as_deref() == Some(phone))
            .map(|c| c.id)
            .collect();
        self.fake
            .messages()
            .iter()
            .filter(|m| ids.contains(&m.contact_id))
            .count()
    }

    pub fn last_record(&self) -> SendRecord {
        self.ws
            .journal
            .records()
            .expect("the journal reads")
            .pop()
            .expect("a journaled send")
    }

    pub fn waited(&self, want: impl Fn(&WaitReason) -> bool) -> bool {
        self.events.lock().unwrap().iter().any(|p| match p {
            Progress::Waiting { reason, .. } => want(reason),
            _ => false,
        })
    }

    /// No phone in the fake has two contacts that this suite made, and no
    /// contact got the same template twice: the promise of one key press.
    pub fn assert_no_duplicates(&self, case: &str) {
        let contacts = self.fake.contacts();
        let mut phones: Vec<&str> = contacts
            .iter()
            .filter(|c| !self.seeded.contains(&c.id))
            .filter_map(|c| c.formatted_phone.as_deref())
            .collect();
        let before = phones.len();
        phones.sort_unstable();
        phones.dedup();
        assert_eq!(
            before,
            phones.len(),
            "{case}: duplicate leads: {contacts:#?}"
        );
        let messages = self.fake.messages();
        let mut keys: Vec<(String, String, String)> = messages
            .iter()
            .map(|m| (m.contact_id.clone(), m.template.clone(), m.locale.clone()))
            .collect();
        let before = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(before, keys.len(), "{case}: duplicate messages");
    }
}

/// Requests per endpoint of the lead and message steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub search: usize,
    pub create: usize,
    pub get: usize,
    pub message: usize,
}

/// Asserts that `text` holds every one of `words` (case-insensitive).
pub fn assert_words(case: &str, text: &str, words: &[&str]) {
    let lower = text.to_lowercase();
    for w in words {
        assert!(
            lower.contains(&w.to_lowercase()),
            "{case}: expected {w:?} in the message {text:?}"
        );
    }
}
