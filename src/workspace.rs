//! Everything a send needs to reach one workspace: the Intercom client, where
//! templates come from, who sends, and the data dir's journal and lead memory.

use crate::http::Observer;
use crate::intercom::{Intercom, IntercomError};
use crate::meta::Graph;
use crate::template::{Template, parse_template_json};
use crate::workflow::{Journal, LeadMemory};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::OnceCell;

/// Where the approved templates come from.
#[derive(Debug, Clone)]
pub enum TemplateSource {
    Graph(Graph),
    /// A JSON file in the Graph format, for workspaces without Meta access.
    File(PathBuf),
    /// Not set up for this run, and why (said if templates are asked for).
    Unavailable(String),
}

impl TemplateSource {
    /// The approved templates, sorted by name then language.
    pub async fn load(&self, obs: &Observer) -> Result<Vec<Template>, String> {
        let mut templates = match self {
            TemplateSource::Graph(g) => {
                g.approved_templates(obs).await.map_err(|e| e.to_string())?
            }
            TemplateSource::Unavailable(why) => return Err(why.clone()),
            TemplateSource::File(path) => {
                let text = tokio::fs::read(path)
                    .await
                    .map_err(|e| format!("cannot read templates_file {}: {e}", path.display()))?;
                let (templates, errors) = parse_template_json(&text).map_err(|e| {
                    format!(
                        "templates_file {} is not a list of templates: {e}",
                        path.display()
                    )
                })?;
                for e in errors {
                    tracing::warn!(error = %e, "skipped a template in templates_file");
                }
                templates
                    .into_iter()
                    .filter(Template::is_approved)
                    .collect()
            }
        };
        templates.sort_by(|a, b| (&a.name, &a.language).cmp(&(&b.name, &b.language)));
        Ok(templates)
    }
}

/// The admin messages are sent as, and the app's code for inbox links.
#[derive(Debug, Clone, PartialEq)]
pub struct Sender {
    pub admin_id: String,
    pub admin_name: Option<String>,
    pub app_id_code: Option<String>,
}

#[derive(Debug)]
pub struct Workspace {
    pub intercom: Intercom,
    pub templates: TemplateSource,
    pub journal: Journal,
    pub memory: Arc<LeadMemory>,
    pub data_dir: PathBuf,
    /// A short name for the screen: "Demo workspace", "api.eu.intercom.io".
    pub label: String,
    configured_admin: Option<String>,
    sender: OnceCell<Sender>,
}

impl Workspace {
    pub fn new(
        intercom: Intercom,
        templates: TemplateSource,
        data_dir: PathBuf,
        label: String,
        configured_admin: Option<String>,
    ) -> Self {
        let memory = LeadMemory::load(data_dir.join("leads.jsonl"), intercom.base_url().as_str());
        Workspace {
            journal: Journal::new(data_dir.join("journal.jsonl")),
            memory: Arc::new(memory),
            intercom,
            templates,
            data_dir,
            label,
            configured_admin,
            sender: OnceCell::new(),
        }
    }

    /// Where the last template list is kept for an instant start.
    pub fn template_cache_path(&self) -> PathBuf {
        self.data_dir.join("templates.json")
    }

    /// Who sends: the configured admin, with the app code from `GET /me`. Asked
    /// once; a failed `/me` is not remembered, so a fixed token works on retry.
    pub async fn sender(&self, obs: &Observer) -> Result<Sender, IntercomError> {
        self.sender
            .get_or_try_init(|| async {
                match self.intercom.me(obs).await {
                    Ok(me) => Ok(Sender {
                        admin_id: self.configured_admin.clone().unwrap_or(me.id),
                        admin_name: me.name,
                        app_id_code: me.app.and_then(|a| a.id_code),
                    }),
                    Err(e) if self.configured_admin.is_some() && !e.is_configuration() => {
                        tracing::warn!(error = %e, "GET /me failed; sending as the configured admin");
                        Ok(Sender {
                            admin_id: self.configured_admin.clone().unwrap_or_default(),
                            admin_name: None,
                            app_id_code: None,
                        })
                    }
                    Err(e) => Err(e),
                }
            })
            .await
            .cloned()
    }

    /// The sender, if already known (never waits).
    pub fn known_sender(&self) -> Option<Sender> {
        self.sender.get().cloned()
    }
}

/// Time allowed to open a connection, and for a whole request.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

impl Workspace {
    /// The workspace the config file describes; tokens are resolved here,
    /// once. With `needs_templates` false (a command that only finds and
    /// creates leads), a template source that cannot be set up, such as a
    /// missing WhatsApp token, is not an error.
    pub fn from_settings(
        settings: &crate::config::Settings,
        data_dir: PathBuf,
        policy: crate::http::RetryPolicy,
        needs_templates: bool,
    ) -> Result<Workspace, crate::config::ConfigError> {
        use crate::config::ConfigError;
        let transport = crate::http::Transport::new(CONNECT_TIMEOUT, REQUEST_TIMEOUT, policy);
        let token = settings
            .intercom_token
            .resolve("Intercom", "intercom")
            .map_err(ConfigError::Token)?;
        let intercom = Intercom::new(
            transport.clone(),
            crate::intercom::IntercomConfig {
                base_url: settings.intercom_url.clone(),
                version: settings.intercom_version.clone(),
                token,
                token_hint: settings.intercom_token.hint(),
            },
        );
        // Graph has its own rate limits; it gets its own transport.
        let templates = match TemplateSource::from_settings(settings, transport.policy().clone()) {
            Ok(t) => t,
            Err(e) if !needs_templates => TemplateSource::Unavailable(e.to_string()),
            Err(e) => return Err(e),
        };
        let label = settings
            .intercom_url
            .host_str()
            .unwrap_or("intercom")
            .to_string();
        Ok(Workspace::new(
            intercom,
            templates,
            data_dir,
            label,
            settings.admin_id.clone(),
        ))
    }

    /// A workspace talking to a running fake (the demo and the tests).
    pub fn for_fake(
        fake: &crate::fake::FakeServer,
        data_dir: PathBuf,
        policy: crate::http::RetryPolicy,
    ) -> Workspace {
        Workspace::for_fake_with(fake, data_dir, policy, crate::http::Timeouts::default())
    }

    /// Like [`Workspace::for_fake`], with chosen timeouts (tests use short ones).
    pub fn for_fake_with(
        fake: &crate::fake::FakeServer,
        data_dir: PathBuf,
        policy: crate::http::RetryPolicy,
        timeouts: crate::http::Timeouts,
    ) -> Workspace {
        let id = fake.identity();
        let transport = crate::http::Transport::with_timeouts(timeouts, policy);
        let url = |s: String| reqwest::Url::parse(&s).expect("the fake's URL");
        let intercom = Intercom::new(
            transport.clone(),
            crate::intercom::IntercomConfig {
                base_url: url(fake.intercom_url()),
                version: "2.16".into(),
                token: crate::secret::Secret::new(id.intercom_token.clone()),
                token_hint: "INTERCOM_TOKEN".into(),
            },
        );
        let graph = Graph::new(
            crate::http::Transport::with_timeouts(timeouts, transport.policy().clone()),
            crate::meta::GraphConfig {
                base_url: url(fake.graph_url()),
                version: "v23.0".into(),
                waba_id: id.waba_id.clone(),
                token: crate::secret::Secret::new(id.whatsapp_token.clone()),
                token_hint: "WHATSAPP_TOKEN".into(),
            },
        );
        Workspace::new(
            intercom,
            TemplateSource::Graph(graph),
            data_dir,
            "demo workspace".into(),
            None,
        )
    }
}

impl TemplateSource {
    /// Where the config says the templates are, with the Meta token resolved
    /// (not the Intercom one): for commands that only list templates.
    pub fn from_settings(
        settings: &crate::config::Settings,
        policy: crate::http::RetryPolicy,
    ) -> Result<TemplateSource, crate::config::ConfigError> {
        use crate::config::{ConfigError, TemplatesSetting};
        Ok(match &settings.templates {
            TemplatesSetting::File(path) => TemplateSource::File(path.clone()),
            TemplatesSetting::Graph {
                url,
                version,
                waba_id,
                token,
            } => {
                let secret =
                    token
                        .resolve("WhatsApp", "whatsapp")
                        .map_err(|e| ConfigError::Key {
                            key: "whatsapp.token_env",
                            reason: e,
                        })?;
                TemplateSource::Graph(Graph::new(
                    crate::http::Transport::new(CONNECT_TIMEOUT, REQUEST_TIMEOUT, policy),
                    crate::meta::GraphConfig {
                        base_url: url.clone(),
                        version: version.clone(),
                        waba_id: waba_id.clone(),
                        token: secret,
                        token_hint: token.hint(),
                    },
                ))
            }
        })
    }
}
