//! Styles. With NO_COLOR (or a monochrome terminal) only bold, dim, underline
//! and reverse are used; meaning is always carried by ✓ ✗ ⚠ and words too.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub colors: bool,
}

impl Theme {
    fn fg(&self, c: Color) -> Style {
        if self.colors {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }

    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        Style::default().add_modifier(Modifier::DIM)
    }

    pub fn label(&self) -> Style {
        self.fg(Color::Cyan)
    }

    pub fn title(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.dim()
        }
    }

    pub fn selected(&self) -> Style {
        if self.colors {
            Style::default()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn matched(&self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn filled(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::UNDERLINED)
    }

    pub fn missing(&self) -> Style {
        if self.colors {
            Style::default().fg(Color::Black).bg(Color::Yellow)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn badge(&self, category: &str) -> Style {
        let c = match category {
            "MARKETING" => Color::Magenta,
            "AUTHENTICATION" => Color::Blue,
            _ => Color::Green,
        };
        self.fg(c)
    }

    pub fn button(&self, focused: bool) -> Style {
        if focused {
            self.selected()
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }
}
