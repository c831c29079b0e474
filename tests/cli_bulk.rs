//! The bulk core under `leadline import` (`ensure_leads`), against the fake's
//! faults: a create whose answer never came is found, not repeated; one that
//! search cannot see yet is held back, not created twice; a refused token
//! stops the run.

mod cli_support;

use cli_support::Env;
use leadline::fake::{Endpoint, FakeOptions, Fault};
use leadline::http::RetryPolicy;
use leadline::workflow::{
    BulkItem, BulkOptions, BulkOutcome, DEFAULT_SETTLE, FailKind, ImportLog, ensure_leads,
};
use leadline::workspace::Workspace;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

fn items(numbers: &[&str], interrupted_at: Option<i64>) -> Vec<BulkItem> {
    numbers
        .iter()
        .enumerate()
        .map(|(key, n)| BulkItem {
            key,
            e164: n.to_string(),
            name: Some(format!("Lead {key}")),
            interrupted_at,
        })
        .collect()
}

async fn run(
    ws: &Workspace,
    items: Vec<BulkItem>,
    log: &ImportLog,
    settle: Duration,
) -> (Vec<(usize, BulkOutcome)>, leadline::workflow::BulkEnd) {
    let out = Mutex::new(Vec::new());
    let opts = BulkOptions {
        requests: Arc::new(Semaphore::new(4)),
        dry_run: false,
        settle,
        observer: leadline::http::quiet(),
    };
    let on_done = |k: usize, o: BulkOutcome| out.lock().unwrap().push((k, o));
    let end = ensure_leads(
        ws,
        items,
        Some(log),
        &opts,
        &on_done,
        &CancellationToken::new(),
    )
    .await;
    let mut v = out.into_inner().unwrap();
    v.sort_by_key(|(k, _)| *k);
    (v, end)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_without_an_answer_is_found_not_repeated() {
    let env = Env::start(FakeOptions::default()).await;
    let ws = Workspace::for_fake(&env.fake, env.data_dir(), RetryPolicy::fast());
    let (log, _) = ImportLog::open(&env.path("imports/a.jsonl")).unwrap();
    // The fake creates the contact, then hangs up without answering.
    env.fake.script(Endpoint::Create, [Fault::DropAfter]);
    let (out, end) = run(&ws, items(&["+447911100001"], None), &log, DEFAULT_SETTLE).await;
    assert_eq!(end, Default::default());
    assert!(
        matches!(
            &out[0].1,
            BulkOutcome::Created {
                recovered: true,
                ..
            }
        ),
        "{out:?}"
    );
    assert_eq!(env.fake.contacts().len(), 1, "created once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_search_cannot_see_yet_is_held_back() {
    let env = Env::start(FakeOptions::default()).await;
    let ws = Workspace::for_fake(&env.fake, env.data_dir(), RetryPolicy::fast());
    let log_path = env.path("imports/b.jsonl");
    let (log, _) = ImportLog::open(&log_path).unwrap();
    // Search lags creation (as Intercom's does), and the create's answer is lost.
    env.fake
        .settings(|s| s.index_lag = Duration::from_secs(600));
    env.fake.script(Endpoint::Create, [Fault::DropAfter]);
    let (out, _) = run(&ws, items(&["+447911100002"], None), &log, DEFAULT_SETTLE).await;
    assert!(
        matches!(
            &out[0].1,
            BulkOutcome::Failed {
                kind: FailKind::Unknown,
                ..
            }
        ),
        "{out:?}"
    );
    assert_eq!(env.fake.contacts().len(), 1);
    drop(log);

    // The next run learns from the log that a create may have happened, and
    // does not create again while search may still be hiding it.
    let (log, rows) = ImportLog::open(&log_path).unwrap();
    let at = rows[&0]
        .interrupted_at
        .expect("the log remembers the create");
    let (out, _) = run(
        &ws,
        items(&["+447911100002"], Some(at)),
        &log,
        DEFAULT_SETTLE,
    )
    .await;
    match &out[0].1 {
        BulkOutcome::Failed {
            kind: FailKind::HeldBack,
            error,
        } => {
            assert!(error.contains("run the import again in"), "{error}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(env.fake.contacts().len(), 1, "never created twice");

    // Once search shows it, it is reported as created by the earlier run.
    env.fake.settings(|s| s.index_lag = Duration::ZERO);
    let (out, _) = run(
        &ws,
        items(&["+447911100002"], Some(at)),
        &log,
        DEFAULT_SETTLE,
    )
    .await;
    assert!(
        matches!(
            &out[0].1,
            BulkOutcome::Created {
                recovered: true,
                ..
            }
        ),
        "{out:?}"
    );
    assert_eq!(env.fake.contacts().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remembered_leads_are_used_while_search_lags() {
    let env = Env::start(FakeOptions::default()).await;
    let ws = Workspace::for_fake(&env.fake, env.data_dir(), RetryPolicy::fast());
    let (log, _) = ImportLog::open(&env.path("imports/c.jsonl")).unwrap();
    env.fake
        .settings(|s| s.index_lag = Duration::from_secs(600));
    let numbers = ["+447911100003", "+447911100004", "+447911100005"];
    let (first, _) = run(&ws, items(&numbers, None), &log, DEFAULT_SETTLE).await;
    assert!(first.iter().all(|(_, o)| matches!(
        o,
        BulkOutcome::Created {
            recovered: false,
            ..
        }
    )));
    // Another import of the same numbers (another file): search still lags,
    // the lead memory knows them.
    let (log2, _) = ImportLog::open(&env.path("imports/d.jsonl")).unwrap();
    let (second, _) = run(&ws, items(&numbers, None), &log2, DEFAULT_SETTLE).await;
    assert!(
        second
            .iter()
            .all(|(_, o)| matches!(o, BulkOutcome::Existing { .. })),
        "{second:?}"
    );
    assert_eq!(env.fake.contacts().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_stops_the_import() {
    let env = Env::start(FakeOptions::default()).await;
    let numbers: Vec<String> = (0..120)
        .map(|i| format!("+447911{:06}", 110_000 + i))
        .collect();
    let csv: String = std::iter::once("phone".to_string())
        .chain(numbers.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(env.path("leads.csv"), csv).unwrap();
    // The token is revoked after the run has started (GET /me passed).
    env.fake
        .script(Endpoint::Create, [Fault::Code(401, "token_revoked".into())]);
    let r = env
        .run(&["import", "leads.csv", "--concurrency", "1"])
        .await;
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("revoked"), "{r:?}");
    assert!(
        r.stderr.contains("run the same command again to resume"),
        "{r:?}"
    );
    let rows = cli_support::report(&env.path("leads.report.csv"));
    assert_eq!(rows.len(), 120, "every row is in the report");
    assert!(rows.iter().all(|r| r["status"] == "failed"), "{rows:?}");
    assert!(
        rows.iter()
            .any(|r| r["detail"].starts_with("not done: Intercom refused"))
    );
    assert!(env.fake.contacts().is_empty());
    // Fixed, the same command finishes the job.
    let r = env.run(&["import", "leads.csv"]).await;
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(env.fake.contacts().len(), 120);
}
