//! Text from outside (API messages, pastes, CSV cells) made safe to show:
//! no control characters (a hostile server could send terminal escapes), one line,
//! bounded length.

/// `s` on one line, control characters removed, whitespace runs collapsed,
/// at most `max` characters (an ellipsis marks the cut).
pub fn one_line(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max * 4));
    let mut count = 0;
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            pending_space = c.is_whitespace() || pending_space;
            continue;
        }
        if is_invisible_format(c) {
            continue;
        }
        if pending_space && count > 0 {
            if count + 1 >= max {
                out.push('…');
                return out;
            }
            out.push(' ');
            count += 1;
        }
        pending_space = false;
        if count + 1 >= max && count + 1 < s.chars().count() {
            out.push('…');
            return out;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// Bidi overrides and similar can reorder what the agent sees; drop them.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// "1 variable", "3 variables": a count with its noun.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escapes_and_newlines() {
        assert_eq!(one_line("a\x1b[31mred\n\tb", 100), "a[31mred b");
        assert_eq!(one_line("  lead  ", 100), "lead");
        assert_eq!(one_line("\u{202E}evil", 100), "evil");
    }

    #[test]
    fn bounded() {
        let s = one_line(&"x".repeat(10_000), 20);
        assert_eq!(s.chars().count(), 20);
        assert!(s.ends_with('…'));
        assert_eq!(one_line("exactly", 7), "exactly");
    }
}
