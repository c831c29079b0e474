//! The lead form: phone with its live verdict, name, and what Intercom knows.

use super::super::app::{App, Focus, LookupState};
use super::super::theme::Theme;
use super::{fit, spinner};
use crate::phone::{self, Verdict};
use crate::workflow::Lookup;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

const LABEL: usize = 7;

pub fn draw(app: &App, frame: &mut Frame, area: Rect, theme: Theme, cursor: &mut Option<Position>) {
    let focused = matches!(app.focus, Focus::Phone | Focus::Name);
    let block = super::panel(Span::styled(" Lead ", theme.title()), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let field_w = width.saturating_sub(LABEL);

    // The phone, formatted as typed while the cursor is at the end.
    let (phone_text, phone_col) = {
        let (raw, col) = app.phone.view(field_w);
        let at_end = col == raw.width() && app.phone.value().width() <= field_w;
        if at_end && !app.phone.is_empty() {
            let f = phone::format_as_you_type(app.phone.value(), app.region);
            let f = if f.width() <= field_w.saturating_sub(1) {
                f
            } else {
                raw
            };
            let w = f.width();
            (f, w)
        } else {
            (raw, col)
        }
    };
    let mut lines = vec![field_line("Phone", &phone_text, "+44 7911 123456", theme)];
    let (verdict, detail) = verdict_lines(app, theme, field_w);
    lines.push(indent(verdict));
    lines.push(indent(detail));
    let (name_text, name_col) = app.name.view(field_w);
    lines.push(field_line("Name", &name_text, "optional", theme));
    lines.push(lookup_line(app, theme, width));
    frame.render_widget(Paragraph::new(lines), inner);

    let (row, col) = match app.focus {
        Focus::Phone => (0, phone_col),
        Focus::Name => (3, name_col),
        _ => return,
    };
    if app.overlay.is_none() {
        *cursor = Some(Position::new(
            inner.x + (LABEL + col).min(width.saturating_sub(1)) as u16,
            inner.y + row,
        ));
    }
}

fn field_line(label: &str, text: &str, placeholder: &str, theme: Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(format!("{label:<LABEL$}"), theme.label())];
    if text.is_empty() {
        spans.push(Span::styled(placeholder.to_string(), theme.dim()));
    } else {
        spans.push(Span::raw(text.to_string()));
    }
    Line::from(spans)
}

fn indent(mut line: Line<'static>) -> Line<'static> {
    line.spans.insert(0, Span::raw(" ".repeat(LABEL)));
    line
}

fn verdict_lines(app: &App, theme: Theme, w: usize) -> (Line<'static>, Line<'static>) {
    match &app.verdict {
        Verdict::Empty => (
            Line::from(Span::styled(
                fit("international, or local to your region", w),
                theme.dim(),
            )),
            Line::default(),
        ),
        Verdict::Incomplete { reason } => (
            Line::from(Span::styled(fit(&format!("… {reason}"), w), theme.warn())),
            Line::default(),
        ),
        Verdict::Invalid { reason } => (
            Line::from(Span::styled(fit(&format!("✗ {reason}"), w), theme.error())),
            Line::default(),
        ),
        Verdict::Valid(v) => {
            let first = Line::from(Span::styled(
                fit(
                    &format!("✓ {} · {}", v.number_type.label(), v.country_name),
                    w,
                ),
                theme.ok(),
            ));
            let second = match v.whatsapp_warning() {
                Some(warn) => Line::from(Span::styled(fit(&format!("⚠ {warn}"), w), theme.warn())),
                None => {
                    let note = v
                        .notes
                        .first()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default();
                    Line::from(vec![
                        Span::styled("→ ", theme.dim()),
                        Span::raw(fit(&format!("{}{note}", v.e164), w.saturating_sub(2))),
                    ])
                }
            };
            (first, second)
        }
    }
}

fn lookup_line(app: &App, theme: Theme, w: usize) -> Line<'static> {
    let (text, style) = match &app.lookup {
        LookupState::Idle => match app.verdict {
            Verdict::Valid(_) => (String::new(), theme.dim()),
            _ => (String::new(), theme.dim()),
        },
        LookupState::Waiting { .. } => (
            format!("{} looking up in Intercom…", spinner(app)),
            theme.dim(),
        ),
        LookupState::Done { lookup, .. } => match lookup {
            Lookup::Existing(k) => {
                let who = k.name.clone().unwrap_or_else(|| "(no name)".into());
                let age = k
                    .created_at
                    .map(|t| format!(", created {}", crate::time::ago(t, crate::time::unix_now())))
                    .unwrap_or_default();
                (
                    format!("● existing {}: {who}{age}", k.contact.role.as_str()),
                    theme.ok(),
                )
            }
            Lookup::New => ("+ new lead: created on send".into(), theme.label()),
            Lookup::Several(list) => (
                format!("⚠ {} contacts have this number", list.len()),
                theme.warn(),
            ),
        },
        LookupState::Failed { error, .. } => (
            format!("⚠ lookup failed ({error}); send looks again"),
            theme.warn(),
        ),
    };
    Line::from(Span::styled(fit(&text, w), style))
}
