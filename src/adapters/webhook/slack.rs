//! Slack incoming webhooks: post-only (no thread, no edit), mrkdwn text with unfurls off.

use super::http::{outcome, transport};
use super::render::{SLACK as STYLE, post, update};
use crate::core::message::{StoryPost, StoryUpdate};
use crate::delivery::{Capabilities, DeliveryError, Destination, PostRef};
use crate::secret::Secret;
use async_trait::async_trait;
use serde_json::json;

/// Slack advises keeping a message's text under 4,000 characters.
const TEXT_LIMIT: usize = 3_900;

pub struct SlackWebhook {
    /// The webhook URL: its path is the credential.
    url: Secret,
    client: reqwest::Client,
    /// Pieces of a split message already posted, by delivery key: a retry after a failure part-way
    /// resumes where it stopped instead of posting the first pieces again.
    progress: std::sync::Mutex<std::collections::HashMap<String, usize>>,
}

impl SlackWebhook {
    pub fn new(url: Secret, client: reqwest::Client) -> Self {
        Self { url, client, progress: std::sync::Mutex::new(std::collections::HashMap::new()) }
    }

    async fn send(&self, key: &str, text: &str) -> Result<PostRef, DeliveryError> {
        let progress = || self.progress.lock().unwrap_or_else(|p| p.into_inner());
        let already = progress().get(key).copied().unwrap_or(0);
        for (i, piece) in (STYLE.split)(text, TEXT_LIMIT).into_iter().enumerate().skip(already) {
            let body = json!({ "text": piece, "mrkdwn": true, "unfurl_links": false, "unfurl_media": false });
            let response = self
                .client
                .post(self.url.expose())
                .json(&body)
                .send()
                .await
                .map_err(|e| transport("slack-webhook", e))?;
            outcome("slack-webhook", response).await?;
            progress().insert(key.to_string(), i + 1);
        }
        progress().remove(key);
        Ok(PostRef(String::new()))
    }
}

#[async_trait]
impl Destination for SlackWebhook {
    fn name(&self) -> crate::delivery::DestinationId {
        crate::delivery::DestinationId::output("slack-webhook")
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { threads: false, edits: false }
    }

    async fn post_story(&self, key: &str, p: &StoryPost) -> Result<PostRef, DeliveryError> {
        self.send(key, &post(p, &STYLE, false)).await
    }

    async fn post_update(
        &self,
        key: &str,
        _thread: Option<&PostRef>,
        u: &StoryUpdate,
    ) -> Result<PostRef, DeliveryError> {
        self.send(key, &update(u, &STYLE)).await
    }

    async fn edit_story(&self, key: &str, _first: &PostRef, p: &StoryPost) -> Result<(), DeliveryError> {
        self.send(key, &post(p, &STYLE, true)).await.map(|_| ())
    }
}
