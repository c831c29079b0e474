//! A one-line text field: editing by grapheme, a cursor, and a bounded size,
//! so that odd pastes (tabs, emoji, 10 kB of text) are kept and shown safely.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The most a field holds; a longer paste is cut and the agent is told.
pub const MAX_CHARS: usize = 10_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    value: String,
    /// Cursor as a byte offset into `value`, always on a grapheme boundary.
    cursor: usize,
}

impl TextInput {
    pub fn with(value: &str) -> Self {
        let mut t = TextInput::default();
        t.set(value);
        t
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// Replaces the value; the cursor goes to the end. Returns false when cut.
    pub fn set(&mut self, value: &str) -> bool {
        let (v, whole) = bounded(value, MAX_CHARS);
        self.value = v;
        self.cursor = self.value.len();
        whole
    }

    pub fn clear(&mut self) {
        self.value.clear();
        self.cursor = 0;
    }

    /// Inserts text at the cursor. Returns false when it had to be cut to fit.
    pub fn insert(&mut self, text: &str) -> bool {
        let room = MAX_CHARS.saturating_sub(self.value.chars().count());
        let (text, whole) = bounded(text, room);
        self.value.insert_str(self.cursor, &text);
        self.cursor += text.len();
        whole
    }

    pub fn backspace(&mut self) {
        if let Some((start, _)) = self.value[..self.cursor].grapheme_indices(true).next_back() {
            self.value.replace_range(start..self.cursor, "");
            self.cursor = start;
        }
    }

    pub fn delete(&mut self) {
        if let Some(g) = self.value[self.cursor..].graphemes(true).next() {
            let end = self.cursor + g.len();
            self.value.replace_range(self.cursor..end, "");
        }
    }

    /// Deletes the word before the cursor (Ctrl-W, Alt-Backspace).
    pub fn delete_word(&mut self) {
        let before = &self.value[..self.cursor];
        let trimmed = before.trim_end();
        let start = trimmed
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map(|(i, c)| i + c.len_utf8())
            .unwrap_or(0);
        self.value.replace_range(start..self.cursor, "");
        self.cursor = start;
    }

    /// Deletes everything before the cursor (Ctrl-U).
    pub fn delete_to_start(&mut self) {
        self.value.replace_range(..self.cursor, "");
        self.cursor = 0;
    }

    pub fn left(&mut self) {
        if let Some((start, _)) = self.value[..self.cursor].grapheme_indices(true).next_back() {
            self.cursor = start;
        }
    }

    pub fn right(&mut self) {
        if let Some(g) = self.value[self.cursor..].graphemes(true).next() {
            self.cursor += g.len();
        }
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.value.len();
    }

    /// What to draw in `width` cells, and the cursor's column in it. Control
    /// characters are shown as visible symbols; the view scrolls to keep the
    /// cursor in sight.
    pub fn view(&self, width: usize) -> (String, usize) {
        if width == 0 {
            return (String::new(), 0);
        }
        let shown = |s: &str| -> String { s.chars().map(visible).collect() };
        let before: Vec<&str> = self.value[..self.cursor].graphemes(true).collect();
        // Walk back from the cursor until the window is full (leaving a cell for it).
        let mut used = 0;
        let mut start = before.len();
        while start > 0 {
            let w = shown(before[start - 1]).width().max(1);
            if used + w > width.saturating_sub(1) {
                break;
            }
            used += w;
            start -= 1;
        }
        let mut out: String = before[start..].iter().map(|g| shown(g)).collect();
        let cursor_col = out.width();
        for g in self.value[self.cursor..].graphemes(true) {
            let g = shown(g);
            if out.width() + g.width() > width {
                break;
            }
            out.push_str(&g);
        }
        (out, cursor_col)
    }
}

/// Tabs, newlines and other controls drawn as a visible mark instead of
/// moving the terminal's cursor.
fn visible(c: char) -> char {
    match c {
        '\t' => '⇥',
        '\n' | '\r' => '⏎',
        c if c.is_control() => '�',
        c => c,
    }
}

fn bounded(s: &str, max: usize) -> (String, bool) {
    match s.char_indices().nth(max) {
        Some((at, _)) => (s[..at].to_string(), false),
        None => (s.to_string(), true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_by_grapheme() {
        let mut t = TextInput::default();
        t.insert("ab👍🏽c");
        t.left();
        t.backspace();
        assert_eq!(t.value(), "abc");
        t.home();
        t.delete();
        assert_eq!(t.value(), "bc");
        t.end();
        t.insert(" de");
        t.delete_word();
        assert_eq!(t.value(), "bc ");
        t.delete_to_start();
        assert_eq!(t.value(), "");
        t.backspace();
        t.delete();
    }

    #[test]
    fn big_pastes_are_cut_and_reported() {
        let mut t = TextInput::default();
        assert!(!t.insert(&"9".repeat(MAX_CHARS + 5)));
        assert_eq!(t.value().chars().count(), MAX_CHARS);
        assert!(!t.insert("x"));
    }

    #[test]
    fn view_keeps_the_cursor_visible_and_controls_visible() {
        let mut t = TextInput::with("0123456789");
        let (s, col) = t.view(5);
        assert_eq!((s.as_str(), col), ("6789", 4));
        t.home();
        assert_eq!(t.view(5), ("01234".to_string(), 0));
        let t = TextInput::with("a\tb\nc");
        assert_eq!(t.view(20).0, "a⇥b⏎c");
        let t = TextInput::with("日本語");
        assert_eq!(t.view(20), ("日本語".to_string(), 6));
        assert_eq!(TextInput::with("x").view(0), (String::new(), 0));
    }
}
