//! The notice line and the key hints, from the live keymap.

use super::super::app::{App, Focus, Level, SendState};
use super::super::keymap::Action;
use super::super::theme::Theme;
use super::fit;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn notice(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let Some(n) = &app.notice else {
        return;
    };
    let style = match n.level {
        Level::Info => theme.ok(),
        Level::Warn => theme.warn(),
        Level::Error => theme.error(),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            fit(&format!(" {}", n.text), area.width as usize),
            style,
        )),
        area,
    );
}

/// The actions worth a hint right now, most useful first.
pub fn hint_actions(app: &App) -> Vec<Action> {
    let mut a = vec![Action::NextField];
    match &app.send {
        SendState::Running { .. } => a.push(Action::Cancel),
        SendState::Done { .. } => {
            a.push(Action::NextLead);
            a.push(Action::CopyLink);
        }
        _ => a.push(Action::Send),
    }
    if app.focus == Focus::Templates {
        a.push(Action::Down);
        a.push(Action::RefreshTemplates);
    } else {
        a.push(Action::FocusFilter);
    }
    if !matches!(app.send, SendState::Done { .. }) {
        a.push(Action::NextLead);
    }
    a.extend([Action::History, Action::Help, Action::Quit]);
    a
}

pub fn hints(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let width = area.width as usize;
    let label = |action: Action| {
        if action == Action::Down {
            format!(
                "{}{}",
                app.keymap.label(Action::Up),
                app.keymap.label(Action::Down)
            )
        } else {
            app.keymap.label(action)
        }
    };
    let cost = |a: Action| 3 + label(a).chars().count() + 1 + a.hint().chars().count();
    // Help and quit are always shown; the others as room allows, in order.
    let actions = hint_actions(app);
    let fixed: usize = [Action::Help, Action::Quit].into_iter().map(cost).sum();
    let mut used = fixed;
    let mut chosen: Vec<Action> = Vec::new();
    for a in actions
        .iter()
        .copied()
        .filter(|a| !matches!(a, Action::Help | Action::Quit))
    {
        if used + cost(a) > width {
            break;
        }
        used += cost(a);
        chosen.push(a);
    }
    chosen.extend([Action::Help, Action::Quit]);
    let mut spans = Vec::new();
    for (i, action) in chosen.into_iter().enumerate() {
        spans.push(Span::raw(if i == 0 { " " } else { " · " }));
        spans.push(Span::styled(label(action), theme.label()));
        spans.push(Span::styled(format!(" {}", action.hint()), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
