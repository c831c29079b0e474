//! `GET /<version>/<waba>/message_templates`, every page, approved only.

use super::error::{GraphError, from_response};
use crate::http::{Kind, Observer, Request, Transport, same_origin};
use crate::secret::Secret;
use crate::template::{Template, parse_template_list};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use serde_json::Value;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct GraphConfig {
    /// e.g. `https://graph.facebook.com/`
    pub base_url: Url,
    /// e.g. `v23.0`
    pub version: String,
    pub waba_id: String,
    pub token: Secret,
    pub token_hint: String,
}

#[derive(Clone, Debug)]
pub struct Graph {
    transport: Transport,
    cfg: Arc<GraphConfig>,
}

/// Pages followed at most: 100 templates a page makes 20,000 templates.
const MAX_PAGES: usize = 200;
const FIELDS: &str = "name,language,status,category,parameter_format,components";

impl Graph {
    pub fn new(transport: Transport, cfg: GraphConfig) -> Self {
        Graph {
            transport,
            cfg: Arc::new(cfg),
        }
    }

    fn first_page(&self) -> Result<Url, GraphError> {
        let path = format!(
            "{}/{}/message_templates",
            self.cfg.version.trim_matches('/'),
            self.cfg.waba_id.trim_matches('/')
        );
        let mut url = self
            .cfg
            .base_url
            .join(&path)
            .map_err(|e| GraphError::Decode(e.to_string()))?;
        url.query_pairs_mut()
            .append_pair("status", "APPROVED")
            .append_pair("fields", FIELDS)
            .append_pair("limit", "100");
        Ok(url)
    }

    fn request(&self, url: Url) -> Request {
        let mut headers = HeaderMap::new();
        if let Ok(mut auth) = HeaderValue::from_str(&format!("Bearer {}", self.cfg.token.expose()))
        {
            auth.set_sensitive(true);
            headers.insert(AUTHORIZATION, auth);
        }
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        Request {
            method: Method::GET,
            url,
            headers,
            body: None,
            kind: Kind::Read,
        }
    }

    /// One page as JSON. A page that cannot be decoded (a proxy's answer, a
    /// cut-off body) is asked for again like a 5xx: reading it twice is harmless.
    async fn page(&self, url: &Url, obs: &Observer) -> Result<Value, GraphError> {
        let mut attempt = 1;
        loop {
            let resp = self.transport.send(self.request(url.clone()), obs).await?;
            if !resp.status.is_success() {
                return Err(from_response(
                    resp.status.as_u16(),
                    &resp.body,
                    &self.cfg.token_hint,
                    &self.cfg.waba_id,
                ));
            }
            match serde_json::from_slice::<Value>(&resp.body) {
                Ok(page) => return Ok(page),
                Err(_) if attempt < self.transport.policy().read_attempts => {
                    self.transport
                        .retry_wait(obs, attempt, "an answer that is not JSON".into())
                        .await;
                    attempt += 1;
                }
                Err(e) => {
                    return Err(GraphError::Decode(crate::text::one_line(
                        &e.to_string(),
                        160,
                    )));
                }
            }
        }
    }

    /// Every APPROVED template of the account, `paging.next` followed to the end.
    /// Templates that cannot be read are skipped and logged, not fatal.
    pub async fn approved_templates(&self, obs: &Observer) -> Result<Vec<Template>, GraphError> {
        let mut url = self.first_page()?;
        let mut all = Vec::new();
        for _ in 0..MAX_PAGES {
            let page = self.page(&url, obs).await?;
            let next = page
                .get("paging")
                .and_then(|p| p.get("next"))
                .and_then(Value::as_str)
                .map(str::to_string);
            if !page.get("data").is_some_and(Value::is_array) {
                return Err(GraphError::Decode("no \"data\" list in the answer".into()));
            }
            let (templates, skipped) = parse_template_list(page);
            for e in skipped {
                tracing::warn!(error = %e, "skipped a template");
            }
            all.extend(templates.into_iter().filter(Template::is_approved));
            match next {
                Some(n) => {
                    let next_url =
                        Url::parse(&n).map_err(|_| GraphError::Decode("bad paging.next".into()))?;
                    if !same_origin(&self.cfg.base_url, &next_url) {
                        return Err(GraphError::ForeignLink(
                            next_url.host_str().unwrap_or("?").to_string(),
                        ));
                    }
                    if next_url == url {
                        break;
                    }
                    url = next_url;
                }
                None => break,
            }
        }
        Ok(all)
    }
}
