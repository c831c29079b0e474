//! `draw(&app, frame)`: the screen from the state, nothing else. Two columns:
//! lead and send on the left, templates, variables and preview on the right.

mod footer;
mod lead;
mod overlays;
mod preview;
mod send;
mod templates;
mod variables;

use super::app::App;
use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub use overlays::history_matches;

/// Below this the layout cannot show a usable form.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn spinner(app: &App) -> &'static str {
    SPINNER[(app.frame % SPINNER.len() as u64) as usize]
}

pub fn draw(app: &mut App, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme { colors: app.colors };
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, theme);
        return;
    }
    let [main, notice, footer_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let left_w = (area.width * 2 / 5).clamp(32, 52);
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Min(1)]).areas(main);
    let [lead_area, send_area] =
        Layout::vertical([Constraint::Length(7), Constraint::Min(3)]).areas(left);
    let list_h = (main.height * 2 / 5).max(5);
    let vars_h = (app.fields().len() as u16 + 2)
        .max(3)
        .min((main.height - list_h) / 2);
    let [list_area, vars_area, preview_area] = Layout::vertical([
        Constraint::Length(list_h),
        Constraint::Length(vars_h),
        Constraint::Min(3),
    ])
    .areas(right);

    let mut cursor = None;
    lead::draw(app, frame, lead_area, theme, &mut cursor);
    send::draw(app, frame, send_area, theme);
    templates::draw(app, frame, list_area, theme, &mut cursor);
    variables::draw(app, frame, vars_area, theme, &mut cursor);
    preview::draw(app, frame, preview_area, theme);
    footer::notice(app, frame, notice, theme);
    footer::hints(app, frame, footer_area, theme);
    if app.overlay.is_some() {
        cursor = overlays::draw(app, frame, area, theme);
    }
    if let Some(pos) = cursor {
        frame.set_cursor_position(pos);
    }
}

fn too_small(frame: &mut Frame, area: Rect, theme: Theme) {
    let lines = vec![
        Line::from(Span::styled("⚠ terminal too small", theme.warn())),
        Line::from(format!(
            "leadline needs {MIN_WIDTH}×{MIN_HEIGHT}; this is {}×{}.",
            area.width, area.height
        )),
        Line::from("Enlarge the window; nothing typed is lost."),
    ];
    frame.render_widget(
        Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: true }),
        area,
    );
}

/// A bordered pane with its title, highlighted when focused, one cell of padding inside.
pub fn panel<'a>(
    title: impl Into<Line<'a>>,
    focused: bool,
    theme: Theme,
) -> ratatui::widgets::Block<'a> {
    ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(theme.border(focused))
        .padding(ratatui::widgets::Padding::left(1))
        .title(title)
}

/// `s` cut to `width` display cells, with an ellipsis when cut.
pub fn fit(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `text` broken into lines of at most `width` columns, at spaces where possible.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed = if line.is_empty() { 0 } else { 1 } + word.chars().count();
        if !line.is_empty() && line.chars().count() + needed > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.into_iter().map(|l| fit(&l, width)).collect()
}

/// `s` padded with spaces (or cut) to exactly `width` cells.
pub fn pad(s: &str, width: usize) -> String {
    let s = fit(s, width);
    let w = s.width();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_and_pad_count_cells() {
        assert_eq!(fit("hello", 10), "hello");
        assert_eq!(fit("hello world", 6), "hello…");
        assert_eq!(fit("日本語テキスト", 5), "日本…");
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(wrap_words("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap_words("", 5), [""]);
        assert_eq!(wrap_words("abcdefghij", 4), ["abc…"]);
    }
}
