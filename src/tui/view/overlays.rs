//! Windows over the form: help (from the keymap), confirm a repeat, pick one of
//! several contacts, the history of sends, and sends that need checking.

use super::super::app::{App, Overlay};
use super::super::keymap::Action;
use super::super::theme::Theme;
use super::{fit, pad, wrap_words};
use crate::workflow::{SendRecord, SendStatus};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn window(frame: &mut Frame, area: Rect, title: &str, theme: Theme) -> Rect {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(format!(" {title} "), theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// Sends whose phone, name, template or status contain `filter`, newest first.
pub fn history_matches<'a>(records: &'a [SendRecord], filter: &str) -> Vec<&'a SendRecord> {
    let f = filter.trim().to_lowercase();
    records
        .iter()
        .filter(|r| {
            f.is_empty()
                || r.phone.contains(&f)
                || r.template.to_lowercase().contains(&f)
                || r.name.as_deref().unwrap_or("").to_lowercase().contains(&f)
                || r.status.label().contains(&f)
        })
        .collect()
}

fn status_mark(s: SendStatus) -> &'static str {
    match s {
        SendStatus::Sent => "✓",
        SendStatus::Failed => "✗",
        SendStatus::Unknown | SendStatus::Interrupted => "⚠",
        SendStatus::Resolved => "·",
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect, theme: Theme) -> Option<Position> {
    let overlay = app.overlay.as_ref()?;
    match overlay {
        Overlay::Help { scroll } => {
            let rect = centered(area, 80, area.height.saturating_sub(2));
            let inner = window(frame, rect, "Keys · ↑↓ scroll · Esc closes", theme);
            const FIELD_KEYS: &str = "← → Home End";
            let key_w = Action::ALL
                .iter()
                .map(|a| app.keymap.labels(*a).width())
                .chain([FIELD_KEYS.width()])
                .max()
                .unwrap_or(8)
                .clamp(8, 16)
                + 2;
            let text_w = (inner.width as usize).saturating_sub(key_w).max(10);
            let mut lines = Vec::new();
            let mut entry = |keys: String, text: &str| {
                for (i, part) in wrap_words(text, text_w).into_iter().enumerate() {
                    let k = if i == 0 { keys.clone() } else { String::new() };
                    lines.push(Line::from(vec![
                        // A long label is cut, never run into its text.
                        Span::styled(pad(&fit(&k, key_w - 1), key_w), theme.label()),
                        Span::raw(part),
                    ]));
                }
            };
            for a in Action::ALL {
                entry(app.keymap.labels(a), a.describe());
            }
            entry(
                FIELD_KEYS.into(),
                "Move in a field; Ctrl-W deletes a word, Ctrl-U to the start",
            );
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                fit(
                    "Keys can be changed in the [keys] section of the config.",
                    inner.width as usize,
                ),
                theme.dim(),
            )));
            lines.push(Line::from(Span::styled(
                fit(
                    &format!("Workspace: {}", app.workspace_label),
                    inner.width as usize,
                ),
                theme.dim(),
            )));
            lines.push(Line::from(Span::styled(
                fit(
                    &format!("Data (journal, leads): {}", app.paths.data_dir.display()),
                    inner.width as usize,
                ),
                theme.dim(),
            )));
            if let Some(log) = &app.paths.log_file {
                lines.push(Line::from(Span::styled(
                    fit(&format!("Log: {}", log.display()), inner.width as usize),
                    theme.dim(),
                )));
            }
            let max_scroll = (lines.len() as u16).saturating_sub(inner.height);
            frame.render_widget(
                Paragraph::new(lines).scroll(((*scroll).min(max_scroll), 0)),
                inner,
            );
            None
        }
        Overlay::ConfirmRepeat(r) => {
            let rect = centered(area, 64, 9);
            let inner = window(frame, rect, "Send again?", theme);
            let when = crate::time::ago(r.at, crate::time::unix_now());
            let lines = vec![
                Line::from(Span::styled(
                    format!(
                        "⚠ {} ({}) went to {} {when}",
                        r.template, r.language, r.phone
                    ),
                    theme.warn(),
                )),
                Line::from(format!("Status then: {}.", r.status.label())),
                Line::default(),
                Line::from(vec![
                    Span::styled("Enter / y", theme.label()),
                    Span::raw(" send again   "),
                    Span::styled("Esc / n", theme.label()),
                    Span::raw(" do not send"),
                ]),
            ];
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
            None
        }
        Overlay::PickContact { contacts, selected } => {
            let rect = centered(area, 72, (contacts.len() as u16 + 5).min(area.height));
            let inner = window(frame, rect, "Several contacts have this number", theme);
            let now = crate::time::unix_now();
            let mut lines = vec![Line::from(Span::styled(
                "Pick the one to message (most recently updated first):",
                theme.dim(),
            ))];
            for (i, c) in contacts.iter().enumerate() {
                let updated = c
                    .updated_at
                    .map(|t| format!("updated {}", crate::time::ago(t, now)))
                    .unwrap_or_default();
                let text = format!(
                    "{} {} · {} · {updated}",
                    if i == *selected { "›" } else { " " },
                    super::super::msg::contact_label(c),
                    c.id
                );
                let style = if i == *selected {
                    theme.selected()
                } else {
                    Default::default()
                };
                lines.push(Line::from(Span::styled(
                    pad(&text, inner.width as usize),
                    style,
                )));
            }
            lines.push(Line::from(Span::styled(
                "↑↓ move · Enter send to this one · Esc cancel",
                theme.dim(),
            )));
            frame.render_widget(Paragraph::new(lines), inner);
            None
        }
        Overlay::History {
            records,
            filter,
            selected,
        } => {
            let rect = centered(
                area,
                area.width.saturating_sub(4).min(110),
                area.height.saturating_sub(2),
            );
            let inner = window(
                frame,
                rect,
                "Last 30 days · Enter copies the link · Esc closes",
                theme,
            );
            let w = inner.width as usize;
            let (ftext, fcol) = filter.view(w.saturating_sub(2));
            let mut lines = vec![Line::from(vec![
                Span::styled("/ ", theme.label()),
                if ftext.is_empty() {
                    Span::styled("type to filter", theme.dim())
                } else {
                    Span::raw(ftext)
                },
            ])];
            let shown = history_matches(records, filter.value());
            let now = crate::time::unix_now();
            if shown.is_empty() {
                lines.push(Line::from(Span::styled("no sends yet", theme.dim())));
            }
            let rows = inner.height.saturating_sub(1) as usize;
            let start = selected.saturating_sub(rows.saturating_sub(1));
            for (i, r) in shown.iter().enumerate().skip(start).take(rows) {
                let text = format!(
                    "{} {:<12} {:<16} {:<22} {:<16} {}",
                    status_mark(r.status),
                    crate::time::ago(r.at, now),
                    r.phone,
                    fit(&format!("{} {}", r.template, r.language), 22),
                    r.status.label(),
                    r.link.as_deref().or(r.error.as_deref()).unwrap_or("")
                );
                let style = if i == *selected {
                    theme.selected()
                } else {
                    Default::default()
                };
                lines.push(Line::from(Span::styled(pad(&text, w), style)));
            }
            frame.render_widget(Paragraph::new(lines), inner);
            Some(Position::new(inner.x + 2 + fcol as u16, inner.y))
        }
        Overlay::Attention(records) => {
            let rect = centered(area, 76, (records.len() as u16 + 8).min(area.height));
            let inner = window(frame, rect, "Sends to check", theme);
            let mut lines = vec![
                Line::from(Span::styled(
                    format!(
                        "⚠ {} from an earlier session may or may not have reached the customer:",
                        crate::text::count(records.len(), "send", "sends")
                    ),
                    theme.warn(),
                )),
                Line::default(),
            ];
            for r in records {
                lines.push(Line::from(format!(
                    "{} {} → {} ({}) {}",
                    status_mark(r.status),
                    crate::time::rfc3339(r.at),
                    r.phone,
                    r.template,
                    r.error.as_deref().unwrap_or("the app stopped mid-send")
                )));
            }
            lines.push(Line::default());
            lines.push(Line::from(
                "Check these conversations in Intercom before sending again.",
            ));
            lines.push(Line::from(vec![
                Span::styled("Enter", theme.label()),
                Span::raw(" mark as checked   "),
                Span::styled("Esc", theme.label()),
                Span::raw(" remind me next time"),
            ]));
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
            None
        }
    }
}
