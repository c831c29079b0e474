//! The template picker: the approved templates, a fuzzy filter over name,
//! body, language and category, and the highlighted entry.

use super::input::TextInput;
use crate::template::Template;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

pub struct Picker {
    templates: Vec<Template>,
    /// What the filter searches, per template: "name language category body",
    /// converted once so that a keystroke does not convert 10,000 strings.
    haystacks: Vec<Utf32String>,
    /// The query `shown` was computed for; a longer query only narrows it.
    last_query: String,
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
            haystacks: Vec::new(),
            last_query: String::new(),
            filter: TextInput::default(),
            shown: Vec::new(),
            selected: 0,
            matcher: Matcher::new(Config::DEFAULT),
        }
    }
}

fn haystack(t: &Template) -> Utf32String {
    Utf32String::from(format!(
        "{} {} {} {}",
        t.name,
        t.language,
        t.category,
        t.body()
    ))
}

/// True when every template matching `new` also matched `old`: typing more of
/// a plain query only narrows it. Negations and anchors (`!x`, `^x`, `x$`) do not.
fn narrows(old: &str, new: &str) -> bool {
    !old.is_empty() && new.starts_with(old) && !new.contains(['!', '^', '$', '\\', '\''])
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
        self.haystacks = templates.iter().map(haystack).collect();
        self.templates = templates;
        self.last_query.clear();
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
        if query.trim().is_empty() {
            self.shown = (0..self.templates.len()).collect();
        } else {
            let pattern = Pattern::parse(&query, CaseMatching::Ignore, Normalization::Smart);
            let candidates: Vec<usize> = if narrows(&self.last_query, &query) {
                std::mem::take(&mut self.shown)
            } else {
                (0..self.templates.len()).collect()
            };
            let mut scored: Vec<(u32, usize)> = candidates
                .into_iter()
                .filter_map(|i| {
                    pattern
                        .score(self.haystacks[i].slice(..), &mut self.matcher)
                        .map(|s| (s, i))
                })
                .collect();
            // Best score first; ties keep the list's own order (name, language).
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            self.shown = scored.into_iter().map(|(_, i)| i).collect();
        }
        self.last_query = query;
        self.selected = 0;
    }

    /// Which characters of the template's name the filter matched (for highlighting).
    pub fn name_matches(&mut self, index: usize) -> Vec<usize> {
        let query = self.filter.value().trim();
        if query.is_empty() {
            return Vec::new();
        }
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let mut indices: Vec<u32> = Vec::new();
        let Some(h) = self.haystacks.get(index) else {
            return Vec::new();
        };
        pattern.indices(h.slice(..), &mut self.matcher, &mut indices);
        let name_len = self.templates[index].name.chars().count() as u32;
        let mut hits: Vec<usize> = indices
            .into_iter()
            .filter(|&i| i < name_len)
            .map(|i| i as usize)
            .collect();
        hits.sort_unstable();
        hits.dedup();
        hits
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
        assert_eq!(p.name_matches(p.shown()[0]).len(), 6);
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
            "o", "or", "ord", "ord ", "ord e", "ord en", "!x", "!xy", "o", "",
        ] {
            let got = shown_for(&mut typed, q);
            let mut fresh = Picker::default();
            fresh.set_templates(many());
            assert_eq!(got, shown_for(&mut fresh, q), "query {q:?}");
        }
    }
}
