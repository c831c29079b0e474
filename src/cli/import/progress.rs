//! Import progress on stderr: a bar (indicatif) on a terminal, a plain line
//! every few seconds otherwise (logs, CI, pipes).

use super::report::{MessageStatus, Status};
use crate::http::{HttpEvent, Observer, WaitReason};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often a plain progress line is printed.
pub const PLAIN_EVERY: Duration = Duration::from_secs(2);

pub struct Progress {
    bar: Option<ProgressBar>,
    plain: bool,
    total: u64,
    done: u64,
    counts: BTreeMap<Status, u64>,
    messages: BTreeMap<&'static str, u64>,
    last_line: Instant,
    waiting: Arc<Mutex<Option<(Instant, &'static str)>>>,
}

impl Progress {
    /// `terminal`: draw a bar; otherwise plain lines unless `quiet`.
    pub fn new(total: u64, terminal: bool, quiet: bool) -> Self {
        let bar = (terminal && !quiet).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} [{bar:24}] {pos}/{len} rows · eta {eta} · {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            plain: !terminal && !quiet,
            total,
            done: 0,
            counts: BTreeMap::new(),
            messages: BTreeMap::new(),
            last_line: Instant::now(),
            waiting: Arc::default(),
        }
    }

    /// An observer that notes rate-limit waits, for the progress line.
    pub fn observer(&self) -> Observer {
        let waiting = self.waiting.clone();
        Arc::new(move |e: HttpEvent| {
            let HttpEvent::Waiting { until, reason } = e;
            let what = match reason {
                WaitReason::RateLimited => "paused for the rate limit",
                WaitReason::Retry { .. } => "retrying after an error",
                WaitReason::NewContact { .. } => "waiting for a new lead",
            };
            *waiting.lock().unwrap_or_else(|e| e.into_inner()) = Some((until, what));
        })
    }

    pub fn row(&mut self, status: Status) {
        self.done += 1;
        *self.counts.entry(status).or_default() += 1;
        if let Some(bar) = &self.bar {
            bar.set_position(self.done);
        }
    }

    pub fn message(&mut self, status: MessageStatus) {
        *self.messages.entry(status.as_str()).or_default() += 1;
    }

    fn summary(&self) -> String {
        // A narrow terminal cuts the line from the right: a wait goes first.
        let waiting = *self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        let mut parts: Vec<String> = waiting
            .filter(|(until, _)| *until > Instant::now())
            .map(|(_, what)| what.to_string())
            .into_iter()
            .collect();
        parts.extend(
            self.counts
                .iter()
                .map(|(s, n)| format!("{n} {}", s.as_str())),
        );
        if !self.messages.is_empty() {
            let m: Vec<String> = self
                .messages
                .iter()
                .map(|(s, n)| format!("{n} {s}"))
                .collect();
            parts.push(format!("messages: {}", m.join(", ")));
        }
        parts.join(" · ")
    }

    /// Refreshes the bar's words, or prints a plain line when one is due.
    pub fn tick(&mut self) {
        if let Some(bar) = &self.bar {
            bar.set_message(self.summary());
        } else if self.plain && self.last_line.elapsed() >= PLAIN_EVERY {
            self.line();
        }
    }

    fn line(&mut self) {
        self.last_line = Instant::now();
        let pct = (self.done * 100).checked_div(self.total).unwrap_or(100);
        eprintln!(
            "import: {}/{} rows ({pct}%) · {}",
            self.done,
            self.total,
            self.summary()
        );
    }

    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        } else if self.plain {
            self.line();
        }
    }
}
