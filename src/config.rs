//! The config file (TOML, documented key by key in `config.example.toml`),
//! where it is found, and how tokens are obtained without ever being stored.

use crate::http::check_base_url;
use crate::intercom::Region as IntercomRegion;
use crate::phone::Region;
use crate::secret::Secret;
use reqwest::Url;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "no config file at {path}: copy config.example.toml there (or pass --config PATH), or try the demo with --demo"
    )]
    Missing { path: String },
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path}: {reason}")]
    Invalid { path: String, reason: String },
    #[error("{key}: {reason}")]
    Key { key: &'static str, reason: String },
    #[error("no Intercom token: {0}")]
    Token(String),
    #[error("cannot find a home directory for leadline's data: set LEADLINE_DATA_DIR")]
    NoDataDir,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub default_region: Option<String>,
    #[serde(default)]
    pub intercom: IntercomSection,
    #[serde(default)]
    pub whatsapp: WhatsAppSection,
    #[serde(default)]
    pub variables: VariablesSection,
    /// Action name → key, e.g. `send = "ctrl-s"`.
    #[serde(default)]
    pub keys: BTreeMap<String, String>,
    #[serde(default)]
    pub ui: UiSection,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntercomSection {
    pub region: Option<IntercomRegion>,
    pub base_url: Option<String>,
    pub version: Option<String>,
    pub token_env: Option<String>,
    pub token_command: Option<String>,
    pub admin_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatsAppSection {
    pub graph_url: Option<String>,
    pub graph_version: Option<String>,
    pub waba_id: Option<String>,
    pub token_env: Option<String>,
    pub token_command: Option<String>,
    pub templates_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariablesSection {
    /// Placeholders filled with the lead's first name.
    #[serde(default = "default_first_name")]
    pub first_name: Vec<String>,
    /// Placeholders filled with the lead's full name.
    #[serde(default = "default_full_name")]
    pub full_name: Vec<String>,
}

fn default_first_name() -> Vec<String> {
    vec!["first_name".into(), "firstname".into(), "name".into()]
}

fn default_full_name() -> Vec<String> {
    vec!["full_name".into(), "customer_name".into()]
}

impl Default for VariablesSection {
    fn default() -> Self {
        VariablesSection {
            first_name: default_first_name(),
            full_name: default_full_name(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiSection {
    #[serde(default)]
    pub mouse: bool,
}

/// The config file to read: `--config`, else `LEADLINE_CONFIG`, else the platform config dir.
pub fn config_path(flag: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = flag {
        return Some(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("LEADLINE_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "leadline").map(|d| d.config_dir().join("config.toml"))
}

/// Where the journal, lead memory, template cache and logs live.
pub fn data_dir() -> Result<PathBuf, ConfigError> {
    if let Some(p) = std::env::var_os("LEADLINE_DATA_DIR").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "leadline")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or(ConfigError::NoDataDir)
}

pub fn load(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ConfigError::Missing {
                path: path.display().to_string(),
            });
        }
        Err(e) => {
            return Err(ConfigError::Unreadable {
                path: path.display().to_string(),
                reason: e.to_string(),
            });
        }
    };
    parse(&text).map_err(|reason| ConfigError::Invalid {
        path: path.display().to_string(),
        reason,
    })
}

/// The file at `path`, read and checked: settings with defaults applied and
/// paths in it taken relative to its folder. A wrong value names the file
/// and the key.
pub fn load_settings(path: &Path) -> Result<Settings, ConfigError> {
    load(path)?
        .settings(path.parent().unwrap_or(Path::new(".")))
        .map_err(|e| match e {
            ConfigError::Key { .. } => ConfigError::Invalid {
                path: path.display().to_string(),
                reason: e.to_string(),
            },
            other => other,
        })
}

pub fn parse(text: &str) -> Result<FileConfig, String> {
    toml::from_str(text).map_err(|e| crate::text::one_line(&e.to_string(), 300))
}

/// Settings with defaults applied and every value checked.
#[derive(Debug, Clone)]
pub struct Settings {
    pub default_region: Option<Region>,
    pub intercom_url: Url,
    pub intercom_version: String,
    pub intercom_token: TokenSource,
    pub admin_id: Option<String>,
    pub templates: TemplatesSetting,
    pub variables: VariablesSection,
    pub keys: BTreeMap<String, String>,
    pub mouse: bool,
}

#[derive(Debug, Clone)]
pub enum TemplatesSetting {
    Graph {
        url: Url,
        version: String,
        waba_id: String,
        token: TokenSource,
    },
    File(PathBuf),
}

/// Where a token comes from; it is read only when a client is built.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenSource {
    Env(String),
    Command(String),
}

impl TokenSource {
    /// For messages: "INTERCOM_TOKEN" or "token_command".
    pub fn hint(&self) -> String {
        match self {
            TokenSource::Env(var) => var.clone(),
            TokenSource::Command(_) => "the output of token_command".into(),
        }
    }

    pub fn resolve(&self, what: &str, key: &str) -> Result<Secret, String> {
        match self {
            TokenSource::Env(var) => match std::env::var(var) {
                Ok(v) if !v.trim().is_empty() => Ok(Secret::new(v.trim())),
                _ => Err(format!(
                    "set the {what} token in the environment variable {var} (or set {key}.token_command)"
                )),
            },
            TokenSource::Command(cmd) => {
                let out = shell(cmd)
                    .output()
                    .map_err(|e| format!("{key}.token_command could not be started: {e}"))?;
                if !out.status.success() {
                    let err = crate::text::one_line(&String::from_utf8_lossy(&out.stderr), 200);
                    let said = if err.trim().is_empty() {
                        String::new()
                    } else {
                        format!(": {err}")
                    };
                    return Err(format!("{key}.token_command failed ({}){said}", out.status));
                }
                let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
                if token.is_empty() {
                    return Err(format!("{key}.token_command printed nothing"));
                }
                Ok(Secret::new(token))
            }
        }
    }
}

fn shell(cmd: &str) -> Command {
    if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", cmd]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", cmd]);
        c
    }
}

fn token_source(env: &Option<String>, command: &Option<String>, default_env: &str) -> TokenSource {
    match (command, env) {
        (Some(c), _) if !c.trim().is_empty() => TokenSource::Command(c.clone()),
        (_, Some(e)) if !e.trim().is_empty() => TokenSource::Env(e.trim().to_string()),
        _ => TokenSource::Env(default_env.to_string()),
    }
}

impl FileConfig {
    pub fn settings(&self, base_dir: &Path) -> Result<Settings, ConfigError> {
        let default_region = match &self.default_region {
            Some(r) => Some(r.parse::<Region>().map_err(|_| ConfigError::Key {
                key: "default_region",
                reason: format!("{r:?} is not a two-letter region code such as \"GB\" or \"US\""),
            })?),
            None => None,
        };
        let i = &self.intercom;
        let intercom_url = match (&i.base_url, i.region) {
            (Some(url), _) => check_base_url(url).map_err(|e| ConfigError::Key {
                key: "intercom.base_url",
                reason: e.to_string(),
            })?,
            (None, region) => {
                Url::parse(region.unwrap_or(IntercomRegion::Us).base_url()).expect("valid")
            }
        };
        let version = i.version.clone().unwrap_or_else(|| "2.16".into());
        if !version_ok(&version) {
            return Err(ConfigError::Key {
                key: "intercom.version",
                reason: format!("{version:?} cannot send WhatsApp messages: use \"2.16\" or later"),
            });
        }
        let w = &self.whatsapp;
        let templates = if let Some(file) = &w.templates_file {
            let path = if file.is_relative() {
                base_dir.join(file)
            } else {
                file.clone()
            };
            TemplatesSetting::File(path)
        } else {
            let waba_id =
                w.waba_id
                    .clone()
                    .filter(|s| !s.trim().is_empty())
                    .ok_or(ConfigError::Key {
                        key: "whatsapp.waba_id",
                        reason:
                            "set your WhatsApp Business Account id (or whatsapp.templates_file)"
                                .into(),
                    })?;
            if !waba_id.chars().all(|c| c.is_ascii_digit()) {
                return Err(ConfigError::Key {
                    key: "whatsapp.waba_id",
                    reason: format!(
                        "{waba_id:?} is not a WhatsApp Business Account id (digits only)"
                    ),
                });
            }
            let url = check_base_url(
                w.graph_url
                    .as_deref()
                    .unwrap_or("https://graph.facebook.com"),
            )
            .map_err(|e| ConfigError::Key {
                key: "whatsapp.graph_url",
                reason: e.to_string(),
            })?;
            let version = w.graph_version.clone().unwrap_or_else(|| "v23.0".into());
            if !graph_version_ok(&version) {
                return Err(ConfigError::Key {
                    key: "whatsapp.graph_version",
                    reason: format!("{version:?} is not a Graph version such as \"v23.0\""),
                });
            }
            TemplatesSetting::Graph {
                url,
                version,
                waba_id,
                token: token_source(&w.token_env, &w.token_command, "WHATSAPP_TOKEN"),
            }
        };
        Ok(Settings {
            default_region,
            intercom_url,
            intercom_version: version,
            intercom_token: token_source(&i.token_env, &i.token_command, "INTERCOM_TOKEN"),
            admin_id: i.admin_id.clone().filter(|s| !s.trim().is_empty()),
            templates,
            variables: self.variables.clone(),
            keys: self.keys.clone(),
            mouse: self.ui.mouse,
        })
    }
}

fn version_ok(v: &str) -> bool {
    if v == "Unstable" {
        return true;
    }
    let mut parts = v.split('.');
    match (
        parts.next().and_then(|p| p.parse::<u32>().ok()),
        parts.next().and_then(|p| p.parse::<u32>().ok()),
        parts.next(),
    ) {
        (Some(a), Some(b), None) => (a, b) >= (2, 16),
        _ => false,
    }
}

fn graph_version_ok(v: &str) -> bool {
    v.strip_prefix('v').is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str) -> Result<Settings, ConfigError> {
        parse(text)
            .map_err(|reason| ConfigError::Invalid {
                path: "x".into(),
                reason,
            })?
            .settings(Path::new("/cfg"))
    }

    #[test]
    fn a_wrong_value_names_the_file_and_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "default_region = \"XX\"\n").unwrap();
        let e = load_settings(&path).unwrap_err().to_string();
        assert!(e.starts_with(&path.display().to_string()), "{e}");
        assert!(e.contains("default_region: \"XX\""), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_token_command_that_fails_says_what_it_can() {
        let silent = TokenSource::Command("exit 3".into()).resolve("Intercom", "intercom");
        assert_eq!(
            silent.unwrap_err(),
            "intercom.token_command failed (exit status: 3)"
        );
        let loud =
            TokenSource::Command("echo locked >&2; exit 1".into()).resolve("Intercom", "intercom");
        assert_eq!(
            loud.unwrap_err(),
            "intercom.token_command failed (exit status: 1): locked"
        );
    }

    #[test]
    fn the_example_config_is_valid() {
        let s = settings(include_str!("../config.example.toml")).unwrap();
        assert_eq!(s.intercom_version, "2.16");
        assert_eq!(s.intercom_url.as_str(), "https://api.intercom.io/");
    }

    #[test]
    fn defaults_and_regions() {
        let s = settings("[intercom]\nregion = \"eu\"\n[whatsapp]\nwaba_id = \"123\"\n").unwrap();
        assert_eq!(s.intercom_url.as_str(), "https://api.eu.intercom.io/");
        assert_eq!(s.intercom_token, TokenSource::Env("INTERCOM_TOKEN".into()));
        assert!(
            matches!(s.templates, TemplatesSetting::Graph { ref version, .. } if version == "v23.0")
        );
    }

    #[test]
    fn mistakes_name_the_key() {
        let e = settings("[whatsapp]\n").unwrap_err();
        assert!(e.to_string().starts_with("whatsapp.waba_id:"), "{e}");
        let e = settings(
            "[intercom]\nbase_url = \"http://intercom.example\"\n[whatsapp]\nwaba_id=\"1\"",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("intercom.base_url:"), "{e}");
        let e = settings("[intercom]\nversion = \"2.11\"\n[whatsapp]\nwaba_id=\"1\"").unwrap_err();
        assert!(e.to_string().starts_with("intercom.version:"), "{e}");
        let e = settings("[intercom]\ntokn_env = \"X\"\n").unwrap_err();
        assert!(e.to_string().contains("tokn_env"), "{e}");
        let e =
            settings("default_region = \"United Kingdom\"\n[whatsapp]\nwaba_id=\"1\"").unwrap_err();
        assert!(e.to_string().starts_with("default_region:"), "{e}");
    }

    #[test]
    fn tokens_from_env_and_command() {
        let t = TokenSource::Command("printf ' tok123 \\n'".into());
        assert_eq!(
            t.resolve("Intercom", "intercom").unwrap().expose(),
            "tok123"
        );
        let t = TokenSource::Command("exit 3".into());
        assert!(
            t.resolve("Intercom", "intercom")
                .unwrap_err()
                .contains("failed")
        );
        let t = TokenSource::Env("LEADLINE_TEST_SURELY_UNSET_VAR".into());
        let e = t.resolve("Intercom", "intercom").unwrap_err();
        assert!(e.contains("LEADLINE_TEST_SURELY_UNSET_VAR"));
    }
}
