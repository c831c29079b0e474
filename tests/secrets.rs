//! The tokens never leave the Authorization header: not in the log file (at
//! the most talkative level), the data dir (journal, lead memory, template
//! cache), error messages or debug output, whatever goes wrong.
//!
//! One test in this binary: it sets LEADLINE_LOG and installs the global
//! logger the app uses, which can happen once per process.

mod send_harness;

use leadline::fake::{Endpoint, Fault, Identity, Settings};
use leadline::http::quiet;
use leadline::workflow::SendRequest;
use send_harness::*;
use std::path::Path;
use std::time::Duration;

const INTERCOM_TOKEN: &str = "tok_ic_SECRET_4f9a2b7c51";
const WHATSAPP_TOKEN: &str = "tok_wa_SECRET_8e1d3f6a90";

/// Pieces of the tokens that would betray them even if cut or re-encoded.
fn needles() -> Vec<String> {
    let mut n = Vec::new();
    for t in [INTERCOM_TOKEN, WHATSAPP_TOKEN] {
        n.push(t.to_string());
        n.push(t[t.len() - 10..].to_string());
        n.push(t.replace('_', "%5F"));
    }
    n.push("SECRET".into());
    n
}

fn assert_clean(what: &str, text: &str) {
    for needle in needles() {
        assert!(
            !text.contains(&needle),
            "{what} holds {needle:?}:\n{}",
            &text[..text.len().min(2000)]
        );
    }
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn tokens_never_leave_the_authorization_header() {
    // SAFETY: the only test of this binary, before any thread of ours starts.
    unsafe { std::env::set_var("LEADLINE_LOG", "trace") };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run());
}

async fn run() {
    let identity = Identity {
        intercom_token: INTERCOM_TOKEN.into(),
        whatsapp_token: WHATSAPP_TOKEN.into(),
        ..Identity::default()
    };
    // The log file goes where the app puts it; it is started first so that
    // the start-up requests (GET /me, the templates) are in it too.
    let log_dir = tempfile::tempdir().unwrap();
    let log = leadline::logging::init(log_dir.path()).expect("the log file opens");
    let h = Harness::build(Settings::default(), identity, short()).await;
    let data = h.dir.path().to_path_buf();

    let mut said: Vec<String> = Vec::new();
    let mut remember =
        |r: &Result<leadline::workflow::SendOutcome, leadline::workflow::SendError>| match r {
            Ok(out) => said.push(format!("{out:?}")),
            Err(e) => {
                said.push(e.to_string());
                said.push(format!("{e:?}"));
            }
        };

    // The template list, cached to the data dir the way the app caches it.
    let templates = h.ws.templates.load(&quiet()).await.unwrap();
    std::fs::write(
        h.ws.template_cache_path(),
        serde_json::to_vec(&serde_json::json!({ "data": templates })).unwrap(),
    )
    .unwrap();

    // A good send: a lead created and remembered, a message journaled.
    remember(&h.send(NEW_PHONE).await);

    // Sends that go wrong in every way the fake knows.
    let faults: Vec<(Endpoint, Vec<Fault>)> = vec![
        (Endpoint::Search, vec![Fault::Status(401)]),
        (
            Endpoint::Search,
            vec![Fault::Code(401, "token_revoked".into())],
        ),
        (Endpoint::Search, vec![Fault::Status(503); 4]),
        (
            Endpoint::Search,
            vec![Fault::Malformed, Fault::Truncated, Fault::DropAfter],
        ),
        (Endpoint::Create, vec![Fault::DropAfter]),
        (Endpoint::Create, vec![Fault::Code(409, "conflict".into())]),
        (Endpoint::Create, vec![Fault::Delay(LONG_DELAY)]),
        (Endpoint::Message, vec![Fault::Status(503)]),
        (
            Endpoint::Message,
            vec![Fault::Code(401, "token_expired".into())],
        ),
        (Endpoint::Message, vec![Fault::Malformed]),
        (Endpoint::Message, vec![Fault::Delay(LONG_DELAY)]),
        (
            Endpoint::Message,
            vec![Fault::RateLimit(Duration::from_secs(1))],
        ),
    ];
    for (i, (endpoint, script)) in faults.into_iter().enumerate() {
        h.script(endpoint, script);
        let phone = format!("+44791100{i:04}");
        remember(&h.send(&phone).await);
    }
    // A repeat, and an unknown remembered lead.
    remember(
        &h.send_request(SendRequest {
            confirmed_repeat: true,
            ..h.request(NEW_PHONE)
        })
        .await,
    );

    // Graph failures.
    for fault in ["401", "429", "500", "malformed"] {
        h.script(Endpoint::Templates, [fault.parse().unwrap()]);
        if let Err(e) = h.ws.templates.load(&quiet()).await {
            said.push(e);
        }
    }
    // A /me with a revoked token (the start-up check).
    h.script(Endpoint::Me, [Fault::Code(401, "token_revoked".into())]);
    if let Err(e) = h.ws.intercom.me(&quiet()).await {
        said.push(e.to_string());
        said.push(format!("{e:?}"));
    }

    // Errors and debug output of what the app holds.
    assert!(said.len() > 20, "the sends ran: {said:#?}");
    for s in &said {
        assert_clean("an error or outcome", s);
    }
    assert_clean("the workspace's Debug", &format!("{:?}", h.ws));
    assert_clean(
        "the fake's request log",
        &format!("{:?}", h.fake.requests()),
    );

    // Every file leadline wrote: journal, lead memory, template cache, log.
    let mut written = Vec::new();
    files(&data, &mut written);
    files(log_dir.path(), &mut written);
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for want in [
        "journal.jsonl",
        "leads.jsonl",
        "templates.json",
        "leadline.log",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    for path in &written {
        let bytes = std::fs::read(path).unwrap();
        assert_clean(
            &path.display().to_string(),
            &String::from_utf8_lossy(&bytes),
        );
    }

    // The log really was at its most talkative (so the check above means something).
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(
        log_text.contains("TRACE") && log_text.contains("DEBUG"),
        "{}",
        &log_text[..log_text.len().min(500)]
    );
    assert!(log_text.contains("retrying"), "retries are logged");
    assert!(log_text.contains("POST") && log_text.contains("/contacts/search"));
}
