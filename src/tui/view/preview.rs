//! The message as the customer will see it: header, body, footer, buttons,
//! with filled values marked and gaps showing their placeholder.

use super::super::app::App;
use super::super::theme::Theme;
use crate::template::{ButtonKind, Segment, preview};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

fn segments(segs: &[Segment], theme: Theme, base: ratatui::style::Style) -> Vec<Span<'static>> {
    segs.iter()
        .map(|s| match s {
            Segment::Text(t) => Span::styled(t.replace(['\n', '\t'], " "), base),
            Segment::Filled(t) => Span::styled(
                t.chars()
                    .map(|c| if c.is_control() { '�' } else { c })
                    .collect::<String>(),
                base.patch(theme.filled()),
            ),
            Segment::Missing(t) => Span::styled(t.clone(), theme.missing()),
        })
        .collect()
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let Some(t) = app.template() else {
        let block = super::panel(Span::styled(" Preview ", theme.title()), false, theme);
        frame.render_widget(block, area);
        return;
    };
    let p = preview(t, &app.values());
    let count_style = if p.body_chars > crate::template::BODY_MAX {
        theme.error()
    } else {
        theme.dim()
    };
    let title = Line::from(vec![
        Span::styled(" Preview ", theme.title()),
        Span::styled(
            format!("{}/{} ", p.body_chars, crate::template::BODY_MAX),
            count_style,
        ),
        Span::styled(format!("· {} · {} ", t.language, t.category), theme.dim()),
    ]);
    let block = super::panel(title, false, theme);
    let mut lines: Vec<Line> = Vec::new();
    if let Some((kind, link)) = &p.header_media {
        let shown = if link.is_empty() {
            Span::styled(format!("[{kind}: link needed]"), theme.missing())
        } else {
            Span::styled(format!("[{kind}] {link}"), theme.filled())
        };
        lines.push(Line::from(shown));
    }
    if !p.header_segments.is_empty() {
        let bold = ratatui::style::Style::default().add_modifier(Modifier::BOLD);
        lines.push(Line::from(segments(&p.header_segments, theme, bold)));
    }
    // The body keeps its own line breaks.
    let mut current: Vec<Span> = Vec::new();
    for span in segments(&p.body, theme, Default::default()) {
        let content = span.content.to_string();
        let mut parts = content.split('\n').peekable();
        while let Some(part) = parts.next() {
            current.push(Span::styled(part.to_string(), span.style));
            if parts.peek().is_some() {
                lines.push(Line::from(std::mem::take(&mut current)));
            }
        }
    }
    lines.push(Line::from(current));
    if let Some(f) = &p.footer {
        lines.push(Line::from(Span::styled(f.clone(), theme.dim())));
    }
    for b in &p.buttons {
        let text = match (&b.kind, &b.url) {
            (ButtonKind::Url, Some(url)) => format!("[ {} ↗ ] {url}", b.text),
            (ButtonKind::PhoneNumber, _) => format!("[ ☎ {} ]", b.text),
            (ButtonKind::CopyCode, _) => {
                let code = app
                    .fields()
                    .iter()
                    .find(|f| matches!(f.slot.key, crate::template::SlotKey::CopyCode { .. }))
                    .map(|f| f.input.value().to_string())
                    .unwrap_or_default();
                format!("[ Copy code {code} ]")
            }
            _ => format!("[ {} ]", b.text),
        };
        lines.push(Line::from(Span::styled(text, theme.label())));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
