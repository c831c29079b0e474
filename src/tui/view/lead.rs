//! The lead form: phone with its live verdict, name, and what Intercom knows.

use super::super::app::{App, Focus, LookupState};
use super::super::theme::Theme;
use super::{fit, spinner, wrap_words};
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
    // Narrow panes give the verdict the whole width.
    let indent_w = if width >= 40 { LABEL } else { 2 };
    for line in verdict_lines(app, theme, width.saturating_sub(indent_w)) {
        lines.push(indent(line, indent_w));
    }
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

fn indent(mut line: Line<'static>, by: usize) -> Line<'static> {
    line.spans.insert(0, Span::raw(" ".repeat(by)));
    line
}

/// The verdict in two lines of `w` cells: what the number is, then what will be sent.
fn verdict_lines(app: &App, theme: Theme, w: usize) -> [Line<'static>; 2] {
    let wrapped = |text: String, style| {
        let mut parts = wrap_words(&text, w).into_iter();
        let first = parts.next().unwrap_or_default();
        let rest: Vec<String> = parts.collect();
        [
            Line::from(Span::styled(first, style)),
            Line::from(Span::styled(fit(&rest.join(" "), w), style)),
        ]
    };
    match &app.verdict {
        Verdict::Empty => {
            let hint = match app.region {
                Some(r) => format!("+code, or a {r} number"),
                None => "with its +country code".to_string(),
            };
            [
                Line::from(Span::styled(fit(&hint, w), theme.dim())),
                Line::default(),
            ]
        }
        Verdict::Incomplete { reason } => wrapped(format!("… {reason}"), theme.warn()),
        Verdict::Invalid { reason } => wrapped(format!("✗ {reason}"), theme.error()),
        Verdict::Valid(v) => {
            let first = Line::from(Span::styled(
                fit(
                    &format!("✓ {} · {}", v.number_type.label(), v.country_name),
                    w,
                ),
                theme.ok(),
            ));
            let second = if v.whatsapp_warning().is_some() {
                Line::from(Span::styled(
                    fit("⚠ WhatsApp needs a mobile", w),
                    theme.warn(),
                ))
            } else {
                let note = v
                    .notes
                    .first()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                Line::from(vec![
                    Span::styled("→ ", theme.dim()),
                    Span::raw(fit(&format!("{}{note}", v.e164), w.saturating_sub(2))),
                ])
            };
            [first, second]
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
                let head = format!("● existing {}: {who}", k.contact.role.as_str());
                // The longest wording that fits: the age matters less than the name.
                let text = match k.created_at {
                    Some(t) => {
                        let ago = crate::time::ago(t, crate::time::unix_now());
                        [format!("{head}, created {ago}"), format!("{head} ({ago})")]
                            .into_iter()
                            .find(|c| c.width() <= w)
                            .unwrap_or(head)
                    }
                    None => head,
                };
                (text, theme.ok())
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
