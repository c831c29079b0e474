//! The template picker: filter line, then one row per approved template with
//! its language and category, matched letters highlighted.

use super::super::app::{App, Focus};
use super::super::theme::Theme;
use super::{fit, spinner};
use crate::template::Category;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn draw(
    app: &mut App,
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
    cursor: &mut Option<Position>,
) {
    let focused = app.focus == Focus::Templates;
    let total = app.picker.templates().len();
    let shown = app.picker.shown().len();
    let mut title = vec![Span::styled(" Templates ", theme.title())];
    let count = if shown == total {
        format!("{total} ")
    } else {
        format!("{shown}/{total} ")
    };
    title.push(Span::styled(count, theme.dim()));
    if app.templates_status.loading {
        title.push(Span::styled(
            format!("{} refreshing ", spinner(app)),
            theme.dim(),
        ));
    } else if app.templates_status.error.is_some() {
        title.push(Span::styled("✗ not refreshed ", theme.error()));
    } else if app.templates_status.from_cache {
        title.push(Span::styled("(cached) ", theme.dim()));
    }
    let block = super::panel(Line::from(title), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width < 4 {
        return;
    }
    let width = inner.width as usize;

    // The filter line.
    let (filter_text, filter_col) = app.picker.filter.view(width.saturating_sub(2));
    let filter_line = if app.picker.filter.is_empty() && !focused {
        Line::from(Span::styled(
            fit(
                &format!(
                    "{} to filter",
                    app.keymap.label(super::super::keymap::Action::FocusFilter)
                ),
                width,
            ),
            theme.dim(),
        ))
    } else if app.picker.filter.is_empty() {
        Line::from(vec![
            Span::styled("/ ", theme.label()),
            Span::styled(
                fit("type to filter: name, text, language, category", width - 2),
                theme.dim(),
            ),
        ])
    } else {
        // Marked while typing would replace it (the focus has just come here).
        let query_style = if app.filter_replaced_on_type() {
            theme.selected()
        } else {
            Default::default()
        };
        Line::from(vec![
            Span::styled("/ ", theme.label()),
            Span::styled(filter_text, query_style),
        ])
    };
    let mut lines = vec![filter_line];
    if focused && app.overlay.is_none() {
        *cursor = Some(Position::new(inner.x + 2 + filter_col as u16, inner.y));
    }

    let rows = inner.height.saturating_sub(1) as usize;
    if shown == 0 {
        let msg = if app.templates_status.loading && total == 0 {
            "loading the approved templates…".to_string()
        } else if total == 0 {
            match &app.templates_status.error {
                Some(e) => format!("✗ {e}"),
                None => "no approved WhatsApp templates in this workspace".into(),
            }
        } else {
            format!(
                "nothing matches \"{}\" (Esc clears)",
                app.picker.filter.value()
            )
        };
        lines.push(Line::from(Span::styled(fit(&msg, width), theme.dim())));
    }
    let selected = app.picker.selected_pos();
    let start = selected.saturating_sub(rows.saturating_sub(1));
    let us_number = app.e164().is_some_and(|e| e.starts_with("+1"));
    // Narrow panes keep the name readable and shorten the badges.
    let narrow = width < 48;
    let lang_w = if narrow { 5 } else { 6 };
    let cat_w = if narrow { 4 } else { 10 };
    let name_w = width.saturating_sub(2 + lang_w + 1 + cat_w + 1).max(4);
    let indices: Vec<usize> = app
        .picker
        .shown()
        .iter()
        .skip(start)
        .take(rows)
        .copied()
        .collect();
    let hits = app.picker.name_matches(&indices);
    frame.render_widget(Paragraph::new(lines), inner);

    // Rows are written column by column straight into the buffer: padding
    // a name to the pane's width only to have every space walked again
    // cost a third of a frame.
    let buf = frame.buffer_mut();
    let lang_x = inner.x + (2 + name_w + 1) as u16;
    let cat_x = lang_x + (lang_w + 1) as u16;
    for (row, (index, hits)) in indices.into_iter().zip(hits).enumerate() {
        let y = inner.y + 1 + row as u16;
        if y >= inner.bottom() {
            break;
        }
        let pos = start + row;
        let is_sel = pos == selected;
        let t = &app.picker.templates()[index];
        let base = if is_sel {
            theme.selected()
        } else {
            Default::default()
        };
        if is_sel {
            buf.set_style(Rect::new(inner.x, y, inner.width, 1), base);
        }
        buf.set_stringn(inner.x, y, if is_sel { "› " } else { "  " }, 2, base);
        // Runs of matched and unmatched letters, one write each.
        let name = fit(&t.name, name_w);
        let mut x = inner.x + 2;
        let mut run = String::new();
        let mut run_hit = false;
        let mut flush = |run: &mut String, hit: bool, x: &mut u16| {
            let style = if hit {
                base.patch(theme.matched())
            } else {
                base
            };
            let room = (lang_x.min(inner.right()) - 1).saturating_sub(*x) as usize;
            *x = buf.set_stringn(*x, y, run.as_str(), room, style).0;
            run.clear();
        };
        for (i, c) in name.chars().enumerate() {
            let hit = hits.binary_search(&i).is_ok();
            if hit != run_hit && !run.is_empty() {
                flush(&mut run, run_hit, &mut x);
            }
            run_hit = hit;
            run.push(c);
        }
        if !run.is_empty() {
            flush(&mut run, run_hit, &mut x);
        }
        // On the narrowest panes the badges may not fit at all.
        let room = |x: u16, want: usize| (inner.right().saturating_sub(x) as usize).min(want);
        if lang_x < inner.right() {
            let w = room(lang_x, lang_w);
            buf.set_stringn(lang_x, y, fit(&t.language, w), w, base.patch(theme.dim()));
        }
        let blocked = us_number && t.category == Category::Marketing;
        let cat = match (blocked, narrow) {
            (true, false) => "⚠ US block".to_string(),
            (true, true) => "⚠US".to_string(),
            (false, false) => short_category(&t.category).to_string(),
            (false, true) => tiny_category(&t.category).to_string(),
        };
        let cat_style = if blocked {
            theme.warn().add_modifier(Modifier::BOLD)
        } else {
            theme.badge(t.category.as_str())
        };
        if cat_x < inner.right() {
            let w = room(cat_x, cat_w);
            buf.set_stringn(cat_x, y, fit(&cat, w), w, base.patch(cat_style));
        }
    }
}

fn tiny_category(c: &Category) -> &str {
    match c {
        Category::Utility => "UTIL",
        Category::Marketing => "MKTG",
        Category::Authentication => "AUTH",
        Category::Other(s) => s.get(..4).unwrap_or(s),
    }
}

fn short_category(c: &Category) -> &str {
    match c {
        Category::Authentication => "AUTH",
        other => other.as_str(),
    }
}
