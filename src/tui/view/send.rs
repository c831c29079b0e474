//! The send pane: a checklist before sending, each step while sending, and
//! the result (ids, inbox link) or the error in words with the next step.

use super::super::app::{App, Focus, SendState, StepLine, StepStatus};
use super::super::keymap::Action;
use super::super::theme::Theme;
use super::{fit, spinner};
use crate::http::WaitReason;
use crate::phone::Verdict;
use crate::workflow::SendError;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let focused = app.focus == Focus::Send;
    let block = super::panel(Span::styled(" Send ", theme.title()), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let lines = match &app.send {
        SendState::Idle => checklist(app, theme, w),
        SendState::Running { steps, waiting, .. } => {
            let mut lines = step_lines(app, steps, theme, w);
            if let Some((until, reason)) = waiting {
                let secs = until
                    .saturating_duration_since(app.now)
                    .as_secs_f64()
                    .ceil() as u64;
                let why = match reason {
                    WaitReason::RateLimited => "rate limited".to_string(),
                    WaitReason::Retry { attempt, cause } => format!("retry {attempt} ({cause})"),
                    WaitReason::NewContact { .. } => "new lead not ready yet".to_string(),
                };
                lines.push(Line::from(Span::styled(
                    fit(&format!("⏳ {why} · again in {secs} s"), w),
                    theme.warn(),
                )));
            }
            lines.push(Line::from(Span::styled(
                fit(&format!("{} cancel", app.keymap.label(Action::Cancel)), w),
                theme.dim(),
            )));
            lines
        }
        SendState::Done { steps, outcome } => {
            let mut lines = step_lines(app, steps, theme, w);
            lines.push(Line::from(Span::styled(
                fit(
                    &format!(
                        "✓ sent {} to {}",
                        outcome_template(app),
                        app.e164().unwrap_or("")
                    ),
                    w,
                ),
                theme.ok(),
            )));
            match &outcome.link {
                Some(link) => {
                    lines.push(Line::from(Span::raw(link.clone())));
                    lines.push(Line::from(Span::styled(
                        fit(
                            &format!(
                                "{} copy link · {} next lead",
                                app.keymap.label(Action::CopyLink),
                                app.keymap.label(Action::NextLead)
                            ),
                            w,
                        ),
                        theme.dim(),
                    )));
                }
                None => lines.push(Line::from(Span::styled(
                    fit("no conversation yet: it opens when the lead replies", w),
                    theme.dim(),
                ))),
            }
            lines
        }
        SendState::Failed { steps, error } => {
            let mut lines = step_lines(app, steps, theme, w);
            let (mark, style) = if error.maybe_sent() {
                ("⚠ outcome unknown: ", theme.warn())
            } else {
                ("✗ not sent: ", theme.error())
            };
            lines.push(Line::from(vec![
                Span::styled(mark, style),
                Span::raw(error.to_string()),
            ]));
            lines.push(Line::from(Span::styled(next_step(app, error), theme.dim())));
            lines
        }
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn outcome_template(app: &App) -> String {
    app.template().map(|t| t.name.clone()).unwrap_or_default()
}

fn next_step(app: &App, e: &SendError) -> String {
    let send = app.keymap.label(Action::Send);
    match e {
        SendError::Message { unknown: true, .. } | SendError::Cancelled { unknown: true } => {
            "Check the conversation in Intercom before sending again; the journal marks it.".into()
        }
        SendError::Lead(_) | SendError::Message { .. } => {
            format!("Nothing is lost: fix what the message says, then {send} to retry.")
        }
        _ => format!("{send} to try again."),
    }
}

fn step_lines(app: &App, steps: &[StepLine], theme: Theme, w: usize) -> Vec<Line<'static>> {
    steps
        .iter()
        .map(|s| {
            let (mark, style, time) = match s.status {
                StepStatus::Running { since } => (
                    spinner(app).to_string(),
                    theme.label(),
                    format!(
                        " {:.1} s",
                        app.now.saturating_duration_since(since).as_secs_f64()
                    ),
                ),
                StepStatus::Done { took_ms } => (
                    "✓".to_string(),
                    theme.ok(),
                    format!(" {:.1} s", took_ms as f64 / 1000.0),
                ),
                StepStatus::Failed => ("✗".to_string(), theme.error(), String::new()),
            };
            Line::from(vec![
                Span::styled(format!("{mark} "), style),
                Span::raw(fit(&s.text, w.saturating_sub(2 + time.len()))),
                Span::styled(time, theme.dim()),
            ])
        })
        .collect()
}

/// Before sending: what is ready and what is missing, then the button.
fn checklist(app: &App, theme: Theme, w: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let item = |ok: Option<bool>, text: String| {
        let (mark, style) = match ok {
            Some(true) => ("✓ ", theme.ok()),
            Some(false) => ("✗ ", theme.error()),
            None => ("○ ", theme.dim()),
        };
        Line::from(vec![
            Span::styled(mark, style),
            Span::raw(fit(&text, w.saturating_sub(2))),
        ])
    };
    lines.push(match &app.verdict {
        Verdict::Valid(v) => item(Some(true), format!("to {}", v.e164)),
        Verdict::Empty => item(None, "a phone number".into()),
        Verdict::Incomplete { .. } => item(None, "a complete phone number".into()),
        Verdict::Invalid { .. } => item(Some(false), "the phone number is not valid".into()),
    });
    lines.push(match app.template() {
        Some(t) => item(Some(true), format!("{} ({})", t.name, t.language)),
        None => item(None, "a template".into()),
    });
    if app.template().is_some() {
        let open = app.issues().len();
        lines.push(if open == 0 {
            item(Some(true), "every variable filled".into())
        } else if app.show_required {
            item(
                Some(false),
                format!(
                    "{} to fix",
                    crate::text::count(open, "variable", "variables")
                ),
            )
        } else {
            item(
                None,
                format!(
                    "{} to fill",
                    crate::text::count(open, "variable", "variables")
                ),
            )
        });
    }
    if let Some(Err(e)) = &app.sender {
        lines.push(item(Some(false), e.clone()));
    }
    lines.push(Line::default());
    let label = format!("[ Send  {} ]", app.keymap.label(Action::Send));
    lines.push(Line::from(Span::styled(
        fit(&label, w),
        theme.button(app.focus == Focus::Send),
    )));
    lines
}
