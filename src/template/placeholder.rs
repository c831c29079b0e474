//! `{{1}}` and `{{first_name}}` tokens inside template text.

use std::fmt;
use std::ops::Range;

/// One variable of a template text: positional (`{{1}}`) or named (`{{first_name}}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Placeholder {
    Positional(u32),
    Named(String),
}

impl Placeholder {
    /// The name Meta uses as `parameter_name` for named parameters.
    pub fn name(&self) -> Option<&str> {
        match self {
            Placeholder::Named(n) => Some(n),
            Placeholder::Positional(_) => None,
        }
    }
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Placeholder::Positional(n) => write!(f, "{{{{{n}}}}}"),
            Placeholder::Named(n) => write!(f, "{{{{{n}}}}}"),
        }
    }
}

/// Every placeholder in `text`, in order of appearance, with its byte range.
/// Text that only looks like a token (`{{ }}`, `{{a-b}}`) is left as text, as Meta does.
pub fn placeholders(text: &str) -> Vec<(Range<usize>, Placeholder)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| i + from) {
        let Some(close) = text[open + 2..].find("}}").map(|i| i + open + 2) else {
            break;
        };
        let inner = text[open + 2..close].trim();
        let token = if !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()) {
            inner.parse().ok().map(Placeholder::Positional)
        } else if !inner.is_empty()
            && inner
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            Some(Placeholder::Named(inner.to_string()))
        } else {
            None
        };
        match token {
            Some(p) => {
                out.push((open..close + 2, p));
                from = close + 2;
            }
            None => from = open + 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_positional_and_named() {
        let found = placeholders("Hi {{1}}, order {{2}} for {{first_name}}.");
        let kinds: Vec<_> = found.iter().map(|(_, p)| p.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                Placeholder::Positional(1),
                Placeholder::Positional(2),
                Placeholder::Named("first_name".into())
            ]
        );
        assert_eq!(found[0].0, 3..8);
    }

    #[test]
    fn ignores_things_that_are_not_tokens() {
        assert!(placeholders("{{ }} {{a-b}} {{ unclosed").is_empty());
        assert_eq!(placeholders("{{{1}}}").len(), 1);
        assert_eq!(Placeholder::Positional(3).to_string(), "{{3}}");
    }
}
