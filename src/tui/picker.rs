//! The template picker: the approved templates, a filter over name, body,
//! language and category, and the highlighted entry.
//!
//! Each word of the filter must match: fuzzily in the template's name,
//! language or category (short, so the fuzzy matcher is cheap and its gaps
//! make sense), or as a plain substring of the body (a fuzzy match over a
//! 1,024-character body finds "ord" in nearly any text, and costs a full
//! alignment per template). Name matches rank above body matches.

use super::input::TextInput;
use crate::template::Template;
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

/// How many earlier results along the typed query are kept, so that
/// backspace costs nothing.
const TRAIL: usize = 32;

pub struct Picker {
    templates: Vec<Template>,
    /// Per template: "name language category", converted once so that a
    /// keystroke does not convert 10,000 strings.
    meta: Vec<Utf32String>,
    /// Per template: the body text, likewise.
    bodies: Vec<Utf32String>,
    /// The results of the queries typed on the way to this one, oldest first.
    trail: Vec<(String, Vec<usize>)>,
    pub filter: TextInput,
    /// Indices into `templates`, best match first.
    shown: Vec<usize>,
    selected: usize,
    matcher: Matcher,
}

impl std::fmt::Debug for Picker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Picker")
            .field("templates", &self.templates.len())
            .field("filter", &self.filter)
            .field("shown", &self.shown.len())
            .field("selected", &self.selected)
            .finish()
    }
}

impl Default for Picker {
    fn default() -> Self {
        Picker {
            templates: Vec::new(),
            meta: Vec::new(),
            bodies: Vec::new(),
            trail: Vec::new(),
            filter: TextInput::default(),
            shown: Vec::new(),
            selected: 0,
            matcher: Matcher::new(Config::DEFAULT),
        }
    }
}

fn meta(t: &Template) -> Utf32String {
    Utf32String::from(format!("{} {} {}", t.name, t.language, t.category))
}

/// True when every template matching `new` also matched `old`: typing more of
/// a plain query only narrows it. Negations and anchors (`!x`, `^x`, `x$`) do not.
fn narrows(old: &str, new: &str) -> bool {
    !old.is_empty() && new.starts_with(old) && !new.contains(['!', '^', '$', '\\', '\''])
}

/// A parsed filter: each atom as typed (for the name, language and category),
/// and, for plain and substring words, the same word as a substring atom for
/// the body.
struct Query {
    atoms: Vec<(Atom, Option<Atom>)>,
}

impl Query {
    fn parse(text: &str) -> Query {
        let pattern = Pattern::parse(text, CaseMatching::Ignore, Normalization::Smart);
        let atoms = pattern
            .atoms
            .into_iter()
            .map(|atom| {
                let body = match atom.kind {
                    AtomKind::Fuzzy | AtomKind::Substring => Some(Atom::new(
                        &atom.needle_text().to_string(),
                        CaseMatching::Ignore,
                        Normalization::Smart,
                        AtomKind::Substring,
                        false,
                    )),
                    _ => None,
                };
                (atom, body)
            })
            .collect();
        Query { atoms }
    }

    /// The template's score, or None when a word matches neither its name,
    /// language and category nor its body (or a `!word` matches either).
    fn score(&self, meta: &Utf32String, body: &Utf32String, m: &mut Matcher) -> Option<u32> {
        let mut total = 0u32;
        for (atom, body_atom) in &self.atoms {
            if atom.negative {
                // `!word` keeps the templates that have it nowhere.
                let in_body = body_atom
                    .as_ref()
                    .is_some_and(|b| b.score(body.slice(..), m).is_some());
                if atom.score(meta.slice(..), m).is_none() || in_body {
                    return None;
                }
                continue;
            }
            let in_meta = atom.score(meta.slice(..), m).map(u32::from);
            // A word in the body counts for less than one in the name.
            let in_body = || {
                body_atom
                    .as_ref()
                    .and_then(|b| b.score(body.slice(..), m))
                    .map(|s| u32::from(s) / 2)
            };
            total += in_meta.or_else(in_body)?;
        }
        Some(total)
    }
}

impl Picker {
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// Replaces the list, keeping the highlighted template when it is still there.
    pub fn set_templates(&mut self, templates: Vec<Template>) {
        let keep = self
            .selected()
            .map(|t| (t.name.clone(), t.language.clone()));
        self.meta = templates.iter().map(meta).collect();
        self.bodies = templates
            .iter()
            .map(|t| Utf32String::from(t.body()))
            .collect();
        self.templates = templates;
        self.trail.clear();
        self.refilter();
        if let Some((name, lang)) = keep
            && let Some(pos) = self
                .shown
                .iter()
                .position(|&i| self.templates[i].name == name && self.templates[i].language == lang)
        {
            self.selected = pos;
        }
    }

    /// Applies the filter text; call after every edit of `filter`.
    pub fn refilter(&mut self) {
        let query = self.filter.value().trim_start().to_string();
        self.selected = 0;
        if query.trim().is_empty() {
            self.shown = (0..self.templates.len()).collect();
            self.trail.clear();
            return;
        }
        // Back to a query typed on the way here (backspace): its result stands.
        if let Some(at) = self.trail.iter().rposition(|(q, _)| *q == query) {
            self.trail.truncate(at + 1);
            self.shown = self.trail[at].1.clone();
            return;
        }
        let candidates: Vec<usize> = match self.trail.last() {
            Some((last, shown)) if narrows(last, &query) => shown.clone(),
            _ => {
                self.trail.clear();
                (0..self.templates.len()).collect()
            }
        };
        let parsed = Query::parse(&query);
        let mut scored: Vec<(u32, usize)> = candidates
            .into_iter()
            .filter_map(|i| {
                parsed
                    .score(&self.meta[i], &self.bodies[i], &mut self.matcher)
                    .map(|s| (s, i))
            })
            .collect();
        // Best score first; ties keep the list's own order (name, language).
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        self.shown = scored.into_iter().map(|(_, i)| i).collect();
        if self.trail.len() == TRAIL {
            self.trail.remove(0);
        }
        self.trail.push((query, self.shown.clone()));
    }

    /// For each of `indices`, which characters of the template's name the
    /// filter matched (for highlighting). The filter is parsed once.
    pub fn name_matches(&mut self, indices: &[usize]) -> Vec<Vec<usize>> {
        let query = self.filter.value().trim();
        if query.is_empty() {
            return vec![Vec::new(); indices.len()];
        }
        let parsed = Query::parse(query);
        let mut found: Vec<u32> = Vec::new();
        indices
            .iter()
            .map(|&index| {
                let (Some(h), Some(t)) = (self.meta.get(index), self.templates.get(index)) else {
                    return Vec::new();
                };
                let name_len = t.name.chars().count() as u32;
                found.clear();
                for (atom, _) in parsed.atoms.iter().filter(|(a, _)| !a.negative) {
                    atom.indices(h.slice(..), &mut self.matcher, &mut found);
                }
                let mut hits: Vec<usize> = found
                    .iter()
                    .filter(|&&i| i < name_len)
                    .map(|&i| i as usize)
                    .collect();
                hits.sort_unstable();
                hits.dedup();
                hits
            })
            .collect()
    }

    pub fn shown(&self) -> &[usize] {
        &self.shown
    }

    pub fn selected_pos(&self) -> usize {
        self.selected
    }

    pub fn selected(&self) -> Option<&Template> {
        self.shown
            .get(self.selected)
            .and_then(|&i| self.templates.get(i))
    }

    pub fn up(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }

    pub fn down(&mut self) {
        if self.selected + 1 < self.shown.len() {
            self.selected += 1;
        }
    }

    pub fn page(&mut self, rows: usize, down: bool) {
        for _ in 0..rows.max(1) {
            if down { self.down() } else { self.up() }
        }
    }

    /// Highlights the template named `name` in `language`, if shown.
    pub fn select(&mut self, name: &str, language: &str) -> bool {
        match self
            .shown
            .iter()
            .position(|&i| self.templates[i].name == name && self.templates[i].language == language)
        {
            Some(p) => {
                self.selected = p;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(name: &str, lang: &str, body: &str) -> Template {
        Template::from_graph(
            json!({"name": name, "language": lang, "category": "UTILITY",
            "components": [{"type": "BODY", "text": body}]}),
        )
        .unwrap()
    }

    #[test]
    fn filters_fuzzily_and_keeps_the_selection() {
        let mut p = Picker::default();
        p.set_templates(vec![
            t("order_update", "en_US", "Your order shipped"),
            t("appointment_reminder", "es", "Hola, tu cita"),
            t("welcome_lead", "en", "Hi there"),
        ]);
        p.filter.insert("ordupd");
        p.refilter();
        assert_eq!(p.selected().unwrap().name, "order_update");
        let first = p.shown()[0];
        assert_eq!(p.name_matches(&[first])[0].len(), 6);
        p.filter.set("cita");
        p.refilter();
        assert_eq!(p.shown().len(), 1);
        assert_eq!(p.selected().unwrap().language, "es");
        p.filter.clear();
        p.refilter();
        assert!(p.select("welcome_lead", "en"));
        p.set_templates(vec![t("welcome_lead", "en", "Hi"), t("a", "en", "b")]);
        assert_eq!(p.selected().unwrap().name, "welcome_lead");
        p.filter.set("zzzzqqq");
        p.refilter();
        assert!(p.selected().is_none());
        p.down();
        p.up();
    }

    #[test]
    fn the_body_matches_whole_words_and_ranks_below_the_name() {
        let mut p = Picker::default();
        p.set_templates(vec![
            t("callback", "en", "Your order is on its way"),
            t("order_update", "en", "Hello"),
            t("scattered", "en", "one rare day"),
        ]);
        p.filter.set("order");
        p.refilter();
        let names: Vec<&str> = p
            .shown()
            .iter()
            .map(|&i| p.templates()[i].name.as_str())
            .collect();
        // "o…r…d…e…r" scattered through a body is not a match.
        assert_eq!(names, ["order_update", "callback"]);
        p.filter.set("order !way");
        p.refilter();
        assert_eq!(p.shown().len(), 1);
    }
}

#[cfg(test)]
mod narrowing_tests {
    use super::*;
    use serde_json::json;

    fn many() -> Vec<Template> {
        (0..200)
            .map(|i| {
                let name = format!("t{i}_{}", ["order", "remind", "otp", "welcome"][i % 4]);
                let language = ["en", "es", "de"][i % 3];
                Template::from_graph(json!({"name": name,
                    "language": language, "category": "UTILITY",
                    "components": [{"type": "BODY", "text": format!("body {i} ördnung")}]}))
                .unwrap()
            })
            .collect()
    }

    fn shown_for(p: &mut Picker, q: &str) -> Vec<usize> {
        p.filter.set(q);
        p.refilter();
        p.shown().to_vec()
    }

    #[test]
    fn typing_on_narrows_to_the_same_result_as_from_scratch() {
        let mut typed = Picker::default();
        typed.set_templates(many());
        for q in [
            "o", "or", "ord", "ord ", "ord e", "ord en", "ord", "or", "ord", "!x", "!xy", "o", "",
            "rem", "re", "r", "rem de",
        ] {
            let got = shown_for(&mut typed, q);
            let mut fresh = Picker::default();
            fresh.set_templates(many());
            assert_eq!(got, shown_for(&mut fresh, q), "query {q:?}");
        }
    }
}
