//! What the commands share: the templates from the config, finding one by name
//! and language, turning `--var` flags into template values, and the exit code
//! for a service error.

use super::{exit, fail};
use crate::config::{Settings, VariablesSection};
use crate::http::Observer;
use crate::intercom::IntercomError;
use crate::template::{Header, Placeholder, RuleIssue, SlotKey, Template, Values};
use crate::workspace::TemplateSource;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

/// The exit code for an Intercom error: refusals (token, plan, a rejected
/// request) are 3; trouble that may pass (network, 5xx, rate limit) is 1.
pub fn intercom_exit(e: &IntercomError) -> u8 {
    match e {
        IntercomError::Unauthorized { .. }
        | IntercomError::TokenRevoked { .. }
        | IntercomError::TokenExpired { .. }
        | IntercomError::PlanRestricted
        | IntercomError::VersionInvalid { .. }
        | IntercomError::WhatsAppRejected { .. }
        | IntercomError::Invalid { .. }
        | IntercomError::NotFound { .. }
        | IntercomError::Conflict { .. } => exit::REFUSED,
        _ => exit::SOME_FAILED,
    }
}

/// True when stderr is a terminal (progress may be drawn there).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// The config's settings and template source, without the Intercom token:
/// listing templates needs only Meta's (or a templates file).
pub fn open_templates(config_flag: Option<&Path>) -> Result<(TemplateSource, Settings), ExitCode> {
    use crate::config::{self, ConfigError};
    let Some(config_path) = config::config_path(config_flag) else {
        return Err(fail(exit::USAGE, ConfigError::NoDataDir));
    };
    let settings = config::load_settings(&config_path).map_err(|e| fail(exit::USAGE, e))?;
    if let Ok(dir) = config::data_dir() {
        crate::logging::init(&dir);
    }
    let source = TemplateSource::from_settings(&settings, crate::http::RetryPolicy::default())
        .map_err(|e| fail(exit::USAGE, e))?;
    Ok((source, settings))
}

/// The approved templates, or the error printed and its exit code.
pub async fn load_templates(
    source: &TemplateSource,
    obs: &Observer,
) -> Result<Vec<Template>, ExitCode> {
    source.load(obs).await.map_err(|e| {
        let code = if e.contains("token") || e.contains("(#190)") || e.contains("OAuth") {
            exit::REFUSED
        } else {
            exit::SOME_FAILED
        };
        fail(code, format!("could not load the templates: {e}"))
    })
}

/// `en-us`, `EN_US` and `en_US` name the same language.
fn same_language(a: &str, b: &str) -> bool {
    a.replace('-', "_")
        .eq_ignore_ascii_case(&b.replace('-', "_"))
}

/// The approved template `name` in `language` (or its only language).
pub fn find_template(
    templates: &[Template],
    name: &str,
    language: Option<&str>,
) -> Result<Template, String> {
    let same_name: Vec<&Template> = templates.iter().filter(|t| t.name == name).collect();
    if same_name.is_empty() {
        let near: Vec<&str> = templates
            .iter()
            .map(|t| t.name.as_str())
            .filter(|n| n.eq_ignore_ascii_case(name) || n.contains(name) || name.contains(*n))
            .collect();
        let hint = match near.first() {
            Some(n) => format!(" (did you mean {n}?)"),
            None => String::new(),
        };
        return Err(format!(
            "no approved template named {name:?}{hint}: `leadline templates` lists them"
        ));
    }
    let languages = same_name
        .iter()
        .map(|t| t.language.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    match language {
        Some(lang) => same_name
            .iter()
            .find(|t| same_language(&t.language, lang))
            .map(|t| (*t).clone())
            .ok_or_else(|| format!("{name} has no approved {lang} version (it has: {languages})")),
        None if same_name.len() == 1 => Ok(same_name[0].clone()),
        None => Err(format!(
            "{name} exists in several languages ({languages}): pass --language"
        )),
    }
}

/// The name a variable goes by on the command line (`1`, `first_name`,
/// `header.1`); media headers and buttons have their own flags.
pub fn var_name(key: &SlotKey) -> Option<String> {
    let bare = |p: &Placeholder| match p {
        Placeholder::Positional(n) => n.to_string(),
        Placeholder::Named(n) => n.clone(),
    };
    match key {
        SlotKey::Body(p) => Some(bare(p)),
        SlotKey::HeaderText(p) => Some(format!("header.{}", bare(p))),
        _ => None,
    }
}

/// Every input a template needs, as `leadline templates` shows it.
pub fn describe_inputs(t: &Template) -> Vec<String> {
    t.slots()
        .iter()
        .map(|s| match &s.key {
            SlotKey::HeaderMedia(kind) => format!("--header-url ({})", kind.as_str()),
            SlotKey::UrlButton { .. } | SlotKey::CopyCode { .. } => {
                format!("--button-var ({})", s.label)
            }
            k => var_name(k).unwrap_or_default(),
        })
        .collect()
}

/// The template variables given on the command line.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct VarArgs {
    /// A template variable: `VALUE` fills the next one in the order `leadline
    /// templates` lists them; `NAME=VALUE` fills a named one (`first_name=Jane`,
    /// `2=A123`, `header.1=Spring`). Repeatable.
    #[arg(long = "var", value_name = "VALUE|NAME=VALUE")]
    pub vars: Vec<String>,
    /// The link of the template's image, video or document header.
    #[arg(long, value_name = "URL")]
    pub header_url: Option<String>,
    /// The variable of a URL button (the end of its link) or a coupon code,
    /// in button order. Repeatable.
    #[arg(long = "button-var", value_name = "VALUE")]
    pub button_vars: Vec<String>,
}

/// Values given explicitly for a template, checked against it.
#[derive(Debug, Clone, Default)]
pub struct Given {
    values: HashMap<SlotKey, String>,
}

impl VarArgs {
    /// Which slot each flag fills. Slots named in `[variables]` are left for
    /// the lead's name when `name_given` (positional values skip them).
    pub fn resolve(
        &self,
        t: &Template,
        names: &VariablesSection,
        name_given: bool,
    ) -> Result<Given, String> {
        let slots = t.slots();
        let mut values: HashMap<SlotKey, String> = HashMap::new();
        let text_slots: Vec<&SlotKey> = slots
            .iter()
            .map(|s| &s.key)
            .filter(|k| var_name(k).is_some())
            .collect();
        let known: Vec<String> = text_slots.iter().filter_map(|k| var_name(k)).collect();
        let mut positional = Vec::new();
        for v in &self.vars {
            let named = v.split_once('=').filter(|(n, _)| {
                let n = n.trim();
                known.iter().any(|k| k == n)
                    || (!n.is_empty()
                        && n.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                        && t.parameter_format == crate::template::ParameterFormat::Named)
            });
            match named {
                Some((n, value)) => {
                    let n = n.trim();
                    let Some(key) = text_slots
                        .iter()
                        .find(|k| var_name(k).as_deref() == Some(n))
                    else {
                        return Err(format!(
                            "{} has no variable {n:?} (its variables: {})",
                            t.name,
                            list_or_none(&known)
                        ));
                    };
                    values.insert((*key).clone(), value.to_string());
                }
                None => positional.push(v.clone()),
            }
        }
        let reserved = |k: &SlotKey| name_given && name_source(k, names).is_some();
        let open_slots: Vec<&SlotKey> = text_slots
            .iter()
            .copied()
            .filter(|k| !values.contains_key(*k) && !reserved(k))
            .collect();
        let mut open = open_slots.into_iter();
        for v in positional {
            match open.next() {
                Some(k) => {
                    values.insert(k.clone(), v);
                }
                None => {
                    return Err(format!(
                        "too many --var values for {} (its variables: {})",
                        t.name,
                        list_or_none(&known)
                    ));
                }
            }
        }
        let mut buttons = slots
            .iter()
            .map(|s| &s.key)
            .filter(|k| matches!(k, SlotKey::UrlButton { .. } | SlotKey::CopyCode { .. }));
        for v in &self.button_vars {
            match buttons.next() {
                Some(k) => {
                    values.insert(k.clone(), v.clone());
                }
                None => return Err(format!("{} has no button variable left for {v:?}", t.name)),
            }
        }
        if let Some(url) = &self.header_url {
            match t.header() {
                Some(Header::Media { kind, .. }) => {
                    values.insert(SlotKey::HeaderMedia(*kind), url.clone());
                }
                _ => return Err(format!("{} has no image, video or document header", t.name)),
            }
        }
        Ok(Given { values })
    }
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum NameSource {
    First,
    Full,
}

/// Whether `[variables]` maps this slot to the lead's first or full name (as the TUI does).
fn name_source(key: &SlotKey, names: &VariablesSection) -> Option<NameSource> {
    let (SlotKey::Body(p) | SlotKey::HeaderText(p)) = key else {
        return None;
    };
    let label = match p.name() {
        Some(n) => n.to_string(),
        None => p.to_string().trim_matches(['{', '}']).to_string(),
    };
    if names.first_name.contains(&label) {
        Some(NameSource::First)
    } else if names.full_name.contains(&label) {
        Some(NameSource::Full)
    } else {
        None
    }
}

impl Given {
    pub fn has(&self, key: &SlotKey) -> bool {
        self.values.contains_key(key)
    }

    /// The inputs no row can fill: not given, no column named like them
    /// (`has_column(var_name)`), not filled from the name.
    pub fn unfillable(
        &self,
        t: &Template,
        names: &VariablesSection,
        has_name: bool,
        has_column: &dyn Fn(&str) -> bool,
    ) -> Vec<String> {
        let mut missing = Vec::new();
        for slot in t.slots() {
            if self.has(&slot.key) {
                continue;
            }
            match &slot.key {
                SlotKey::HeaderMedia(kind) => {
                    missing.push(format!("--header-url ({})", kind.as_str()))
                }
                SlotKey::UrlButton { .. } | SlotKey::CopyCode { .. } => {
                    missing.push(format!("--button-var ({})", slot.label))
                }
                k => {
                    let var = var_name(k).unwrap_or_default();
                    let from_name = has_name && name_source(k, names).is_some();
                    if !from_name && !has_column(&var) {
                        missing.push(format!("variable {var}"));
                    }
                }
            }
        }
        missing
    }

    /// The values for one lead: given ones first, then `column(var_name)` (a CSV
    /// column of that name), then the lead's name for name-mapped variables.
    pub fn complete(
        &self,
        t: &Template,
        name: Option<&str>,
        names: &VariablesSection,
        column: &dyn Fn(&str) -> Option<String>,
    ) -> Values {
        let mut v = Values::default();
        let full = name
            .map(|n| crate::text::one_line(n, 200))
            .unwrap_or_default();
        let first = full.split_whitespace().next().unwrap_or("").to_string();
        for slot in t.slots() {
            if let Some(given) = self.values.get(&slot.key) {
                v.set(slot.key.clone(), given.clone());
                continue;
            }
            if let Some(from_column) = var_name(&slot.key)
                .and_then(|n| column(&n))
                .filter(|c| !c.trim().is_empty())
            {
                v.set(slot.key.clone(), from_column);
                continue;
            }
            match name_source(&slot.key, names) {
                Some(NameSource::First) if !first.is_empty() => v.set(slot.key.clone(), &*first),
                Some(NameSource::Full) if !full.is_empty() => v.set(slot.key.clone(), &*full),
                _ => {}
            }
        }
        v
    }
}

/// The rule issues in words, naming each variable as the command line does.
pub fn describe_issues(t: &Template, issues: &[RuleIssue]) -> String {
    let slots = t.slots();
    issues
        .iter()
        .map(|i| {
            let Some(key) = &i.slot else {
                return i.message.clone();
            };
            let slot = slots.iter().find(|s| &s.key == key);
            let what = match key {
                SlotKey::HeaderMedia(_) => "--header-url".to_string(),
                SlotKey::UrlButton { .. } | SlotKey::CopyCode { .. } => format!(
                    "--button-var ({})",
                    slot.map(|s| s.label.as_str()).unwrap_or("button")
                ),
                k => format!("variable {}", var_name(k).unwrap_or_default()),
            };
            let example = slot
                .and_then(|s| s.example.as_deref())
                .filter(|_| i.message == "required")
                .map(|e| format!(" (e.g. {})", crate::text::one_line(e, 40)))
                .unwrap_or_default();
            format!("{what}: {}{example}", i.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Prints `⚠ text` on stderr.
pub fn warn(text: impl std::fmt::Display) {
    eprintln!("leadline: ⚠ {text}");
}
