//! Actions and the keys bound to them: defaults, overrides from `[keys]` in
//! the config, and the text the footer and the `?` screen show, all from one table.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    NextField,
    PrevField,
    Up,
    Down,
    Accept,
    FocusFilter,
    Send,
    NextLead,
    RefreshTemplates,
    CopyLink,
    History,
    Help,
    Cancel,
    Quit,
}

impl Action {
    pub const ALL: [Action; 14] = [
        Action::NextField,
        Action::PrevField,
        Action::Up,
        Action::Down,
        Action::Accept,
        Action::FocusFilter,
        Action::Send,
        Action::NextLead,
        Action::RefreshTemplates,
        Action::CopyLink,
        Action::History,
        Action::Help,
        Action::Cancel,
        Action::Quit,
    ];

    /// The name used in `[keys]`.
    pub fn name(self) -> &'static str {
        match self {
            Action::NextField => "next_field",
            Action::PrevField => "prev_field",
            Action::Up => "up",
            Action::Down => "down",
            Action::Accept => "accept",
            Action::FocusFilter => "filter",
            Action::Send => "send",
            Action::NextLead => "next_lead",
            Action::RefreshTemplates => "refresh_templates",
            Action::CopyLink => "copy_link",
            Action::History => "history",
            Action::Help => "help",
            Action::Cancel => "cancel",
            Action::Quit => "quit",
        }
    }

    /// Short word for the footer.
    pub fn hint(self) -> &'static str {
        match self {
            Action::NextField => "next",
            Action::PrevField => "back",
            Action::Up | Action::Down => "move",
            Action::Accept => "choose",
            Action::FocusFilter => "filter",
            Action::Send => "send",
            Action::NextLead => "next lead",
            Action::RefreshTemplates => "refresh",
            Action::CopyLink => "copy link",
            Action::History => "history",
            Action::Help => "help",
            Action::Cancel => "cancel",
            Action::Quit => "quit",
        }
    }

    /// One line for the help screen.
    pub fn describe(self) -> &'static str {
        match self {
            Action::NextField => "Move to the next field: phone, name, templates, variables, send",
            Action::PrevField => "Move to the previous field",
            Action::Up => "Move up in a list",
            Action::Down => "Move down in a list",
            Action::Accept => "Choose the highlighted entry; on Send, send",
            Action::FocusFilter => {
                "Filter the templates; on arrival, typing replaces a marked query (/ types itself in a text field)"
            }
            Action::Send => "Find or create the lead, then send the template",
            Action::NextLead => "Start the next lead, keeping the template and its other values",
            Action::RefreshTemplates => "Load the approved templates again",
            Action::CopyLink => "Copy the conversation's inbox link (OSC 52, works over SSH)",
            Action::History => "Show recent sends",
            Action::Help => "Show this help",
            Action::Cancel => "Close a window, or cancel the send in flight",
            Action::Quit => "Quit leadline",
        }
    }

    fn from_name(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Self {
        Key { code, mods }.normalized()
    }

    /// Terminals differ in how they report Shift with a character and Shift-Tab.
    fn normalized(mut self) -> Self {
        if let KeyCode::Char(c) = self.code {
            if self.mods.contains(KeyModifiers::SHIFT) && !c.is_ascii_alphabetic() {
                self.mods.remove(KeyModifiers::SHIFT);
            }
            if self.mods.contains(KeyModifiers::CONTROL) {
                self.code = KeyCode::Char(c.to_ascii_lowercase());
            }
        }
        if self.code == KeyCode::BackTab {
            self.mods.remove(KeyModifiers::SHIFT);
        }
        self
    }

    pub fn from_event(e: &KeyEvent) -> Self {
        Key::new(e.code, e.modifiers)
    }

    /// Parses "ctrl-s", "f1", "shift-tab", "esc", "?", "alt-enter".
    pub fn parse(s: &str) -> Result<Key, String> {
        let lower = s.trim().to_ascii_lowercase();
        let mut mods = KeyModifiers::NONE;
        let mut rest = lower.as_str();
        loop {
            let (m, r) = if let Some(r) = rest.strip_prefix("ctrl-") {
                (KeyModifiers::CONTROL, r)
            } else if let Some(r) = rest.strip_prefix("alt-") {
                (KeyModifiers::ALT, r)
            } else if let Some(r) = rest.strip_prefix("shift-") {
                (KeyModifiers::SHIFT, r)
            } else {
                break;
            };
            mods |= m;
            rest = r;
        }
        let code = match rest {
            "tab" if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            f if f.starts_with('f') && f.len() > 1 && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
            _ => {
                return Err(format!(
                    "{s:?} is not a key (try \"ctrl-s\", \"f2\", \"esc\")"
                ));
            }
        };
        Ok(Key::new(code, mods))
    }

    /// A printable character with no Ctrl/Alt: goes to the focused text field first.
    pub fn printable(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c)
                if !self
                    .mods
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                Some(c)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                write!(f, "{}", c.to_ascii_uppercase())
            }
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Key, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        use KeyCode::*;
        let k = |code, mods| Key::new(code, mods);
        let none = KeyModifiers::NONE;
        let ctrl = KeyModifiers::CONTROL;
        Keymap {
            bindings: vec![
                (k(Tab, none), Action::NextField),
                (k(BackTab, none), Action::PrevField),
                (k(Up, none), Action::Up),
                (k(Down, none), Action::Down),
                (k(Enter, none), Action::Accept),
                (k(Char('/'), none), Action::FocusFilter),
                (k(Char('s'), ctrl), Action::Send),
                (k(Char('n'), ctrl), Action::NextLead),
                (k(Char('r'), ctrl), Action::RefreshTemplates),
                (k(Char('y'), ctrl), Action::CopyLink),
                (k(Char('o'), ctrl), Action::History),
                (k(Char('?'), none), Action::Help),
                (k(F(1), none), Action::Help),
                (k(Esc, none), Action::Cancel),
                (k(Char('c'), ctrl), Action::Quit),
            ],
        }
    }
}

impl Keymap {
    /// Defaults with `[keys]` overrides: `send = "ctrl-s"` or a list of keys.
    /// An override replaces every default key of that action. Ctrl-C always quits.
    pub fn with_overrides(overrides: &BTreeMap<String, String>) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        for (name, keys) in overrides {
            let action = Action::from_name(name).ok_or_else(|| {
                format!(
                    "[keys] {name}: no such action (one of: {})",
                    Action::ALL.map(Action::name).join(", ")
                )
            })?;
            let keys: Vec<Key> = keys
                .split(',')
                .map(|k| Key::parse(k).map_err(|e| format!("[keys] {name}: {e}")))
                .collect::<Result<_, _>>()?;
            map.bindings.retain(|(_, a)| *a != action);
            for key in keys {
                map.bindings.retain(|(k, _)| *k != key);
                map.bindings.push((key, action));
            }
        }
        let ctrl_c = Key::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        map.bindings.retain(|(k, _)| *k != ctrl_c);
        map.bindings.push((ctrl_c, Action::Quit));
        Ok(map)
    }

    pub fn action(&self, key: &Key) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, a)| *a)
    }

    pub fn keys(&self, action: Action) -> Vec<Key> {
        self.bindings
            .iter()
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| *k)
            .collect()
    }

    /// "Ctrl-S" — the first key of an action, for hints.
    pub fn label(&self, action: Action) -> String {
        self.keys(action)
            .first()
            .map(|k| k.to_string())
            .unwrap_or_else(|| "—".into())
    }

    /// "? / F1" — every key of an action, for the help screen.
    pub fn labels(&self, action: Action) -> String {
        let keys = self.keys(action);
        if keys.is_empty() {
            return "(unbound)".into();
        }
        keys.iter()
            .map(Key::to_string)
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_keys() {
        assert_eq!(Key::parse("Ctrl-S").unwrap().to_string(), "Ctrl-S");
        assert_eq!(Key::parse("shift-tab").unwrap().code, KeyCode::BackTab);
        assert_eq!(Key::parse("f12").unwrap().to_string(), "F12");
        assert_eq!(Key::parse("?").unwrap().printable(), Some('?'));
        assert!(Key::parse("ctrl-").is_err());
        assert!(Key::parse("hyper-x").is_err());
    }

    #[test]
    fn overrides_replace_defaults_but_ctrl_c_stays() {
        let mut o = BTreeMap::new();
        o.insert("send".to_string(), "f5, ctrl-enter".to_string());
        o.insert("quit".to_string(), "ctrl-q".to_string());
        let m = Keymap::with_overrides(&o).unwrap();
        assert_eq!(m.action(&Key::parse("f5").unwrap()), Some(Action::Send));
        assert_eq!(m.action(&Key::parse("ctrl-s").unwrap()), None);
        assert_eq!(m.action(&Key::parse("ctrl-q").unwrap()), Some(Action::Quit));
        assert_eq!(m.action(&Key::parse("ctrl-c").unwrap()), Some(Action::Quit));
        assert_eq!(m.labels(Action::Help), "? / F1");
        let mut bad = BTreeMap::new();
        bad.insert("sned".to_string(), "f5".to_string());
        assert!(Keymap::with_overrides(&bad).unwrap_err().contains("sned"));
    }

    #[test]
    fn shift_is_ignored_on_symbols() {
        let e = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(
            Keymap::default().action(&Key::from_event(&e)),
            Some(Action::Help)
        );
    }
}
