//! One field per template variable, its example as a placeholder, and
//! WhatsApp's rules checked live.

use super::super::app::{App, Focus};
use super::super::theme::Theme;
use super::{fit, pad};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub fn draw(app: &App, frame: &mut Frame, area: Rect, theme: Theme, cursor: &mut Option<Position>) {
    let focused = matches!(app.focus, Focus::Variable(_));
    let block = super::panel(Span::styled(" Variables ", theme.title()), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    let width = inner.width as usize;
    let fields = app.fields();
    if app.template().is_none() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                fit("pick a template first", width),
                theme.dim(),
            )),
            inner,
        );
        return;
    }
    if fields.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                fit("this template has no variables", width),
                theme.dim(),
            )),
            inner,
        );
        return;
    }
    let issues = app.issues();
    let label_w = fields
        .iter()
        .map(|f| f.slot.label.width())
        .max()
        .unwrap_or(4)
        .clamp(4, (width / 3).max(4));
    let rows = inner.height as usize;
    let focus_i = match app.focus {
        Focus::Variable(i) => i,
        _ => 0,
    };
    let start = focus_i.saturating_sub(rows.saturating_sub(1));
    let mut lines = Vec::new();
    for (i, f) in fields.iter().enumerate().skip(start).take(rows) {
        let issue = issues
            .iter()
            .find(|x| x.slot.as_ref() == Some(&f.slot.key))
            .map(|x| x.message.as_str());
        let mark = match issue {
            Some("required") if !app.show_required => ("·", theme.dim()),
            Some(_) => ("✗", theme.error()),
            None => ("✓", theme.ok()),
        };
        let issue_text = match issue {
            Some("required") if !app.show_required => String::new(),
            Some(m) => format!(" {m}"),
            None => String::new(),
        };
        let input_w = width
            .saturating_sub(label_w + 3)
            .saturating_sub(issue_text.width().min(width / 3));
        let (text, col) = f.input.view(input_w);
        let mut spans = vec![
            Span::styled(mark.0, mark.1),
            Span::raw(" "),
            Span::styled(pad(&f.slot.label, label_w), theme.label()),
            Span::raw(" "),
        ];
        if text.is_empty() {
            let example = f
                .slot
                .example
                .as_deref()
                .map(|e| format!("e.g. {e}"))
                .unwrap_or_default();
            spans.push(Span::styled(pad(&example, input_w), theme.dim()));
        } else {
            spans.push(Span::raw(pad(&text, input_w)));
        }
        if !issue_text.is_empty() {
            spans.push(Span::styled(fit(&issue_text, width / 3), theme.error()));
        }
        lines.push(Line::from(spans));
        if app.focus == Focus::Variable(i) && app.overlay.is_none() {
            *cursor = Some(Position::new(
                inner.x + (label_w + 3 + col) as u16,
                inner.y + (i - start) as u16,
            ));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
