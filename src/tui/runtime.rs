//! Runs the effects `update` asks for as tokio tasks; their results come back
//! as messages on the loop's channel.

use super::msg::{Effect, Msg};
use crate::http::{Observer, quiet};
use crate::template::{Template, TemplatePage, parse_template_json};
use crate::workflow::{Event, Progress, ProgressFn, lookup_lead, quick_send};
use crate::workspace::Workspace;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// What the history window lists and the start-up check looks through:
/// the last 30 days (`leadline history` has them all).
const RECENT_SECS: i64 = 30 * 86_400;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub type CopyFn = Arc<dyn Fn(&str) + Send + Sync>;

pub struct Runtime {
    ws: Arc<Workspace>,
    tx: UnboundedSender<Msg>,
    /// Wait after the last keystroke before looking a number up.
    pub debounce: Duration,
    lookup: Option<JoinHandle<()>>,
    send_cancel: Option<CancellationToken>,
    copy: CopyFn,
    in_flight: Arc<AtomicUsize>,
}

/// Counts a task from spawn to its last message, so tests can wait for quiet.
struct Flight(Arc<AtomicUsize>);

impl Flight {
    fn new(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        Flight(counter.clone())
    }
}

impl Drop for Flight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Runtime {
    pub fn new(ws: Arc<Workspace>, tx: UnboundedSender<Msg>, copy: CopyFn) -> Self {
        Runtime {
            ws,
            tx,
            debounce: Duration::from_millis(250),
            lookup: None,
            send_cancel: None,
            copy,
            in_flight: Arc::default(),
        }
    }

    pub fn workspace(&self) -> &Arc<Workspace> {
        &self.ws
    }

    /// Background tasks still running.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    pub fn run(&mut self, effect: Effect) {
        let ws = self.ws.clone();
        let tx = self.tx.clone();
        let flight = Flight::new(&self.in_flight);
        match effect {
            Effect::LoadSender => {
                tokio::spawn(async move {
                    let r = ws.sender(&quiet()).await.map_err(|e| e.to_string());
                    let _ = tx.send(Msg::SenderLoaded(r));
                    drop(flight);
                });
            }
            Effect::LoadTemplates => {
                tokio::spawn(async move {
                    let r = ws.templates.load(&quiet()).await;
                    if let Ok(list) = &r {
                        save_cache(&ws, list);
                    }
                    let _ = tx.send(Msg::TemplatesLoaded(r));
                    drop(flight);
                });
            }
            Effect::Lookup { e164 } => {
                if let Some(old) = self.lookup.take() {
                    old.abort();
                }
                let debounce = self.debounce;
                self.lookup = Some(tokio::spawn(async move {
                    let _flight = flight;
                    tokio::time::sleep(debounce).await;
                    let obs: Observer = quiet();
                    let result = lookup_lead(&ws, &e164, &obs)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::LookupDone { e164, result });
                }));
            }
            Effect::CancelLookup => {
                if let Some(old) = self.lookup.take() {
                    old.abort();
                }
            }
            Effect::Send(req) => {
                let cancel = CancellationToken::new();
                self.send_cancel = Some(cancel.clone());
                let ptx = tx.clone();
                let progress: ProgressFn = Arc::new(move |p: Progress| {
                    let _ = ptx.send(Msg::SendProgress(p));
                });
                tokio::spawn(async move {
                    let r = quick_send(&ws, *req, progress, cancel).await;
                    let _ = tx.send(Msg::SendDone(r));
                    drop(flight);
                });
            }
            Effect::CancelSend => {
                if let Some(c) = self.send_cancel.take() {
                    c.cancel();
                }
            }
            Effect::Copy(text) => (self.copy)(&text),
            Effect::LoadHistory { at_start } => {
                tokio::spawn(async move {
                    let journal = ws.journal.clone();
                    let since = crate::time::unix_now() - RECENT_SECS;
                    let r = tokio::task::spawn_blocking(move || journal.records_since(since))
                        .await
                        .map_err(|e| e.to_string())
                        .and_then(|r| r.map_err(|e| e.to_string()));
                    let _ = tx.send(Msg::HistoryLoaded {
                        result: r,
                        at_start,
                    });
                    drop(flight);
                });
            }
            Effect::MarkChecked(ids) => {
                for id in ids {
                    if let Err(e) = ws.journal.append(
                        &id,
                        Event::Resolved {
                            note: "checked by the agent".into(),
                        },
                    ) {
                        tracing::error!(error = %e, "could not write the journal");
                    }
                }
            }
        }
    }
}

/// The last template list, for an instant start next time.
fn save_cache(ws: &Workspace, list: &[Template]) {
    let path = ws.template_cache_path();
    let tmp = path.with_extension("json.tmp");
    let write = || -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        serde_json::to_writer(&mut file, &TemplatePage { data: list })
            .map_err(std::io::Error::other)?;
        std::io::Write::flush(&mut file)?;
        drop(file);
        std::fs::rename(&tmp, &path)
    };
    if let Err(e) = write() {
        tracing::warn!(error = %e, "could not cache the templates");
    }
}

/// The cached template list, if any (read before the first frame: disk only).
pub fn load_cache(ws: &Workspace) -> Option<Vec<Template>> {
    let text = std::fs::read(ws.template_cache_path()).ok()?;
    let (list, _) = parse_template_json(&text).ok()?;
    Some(list)
}
