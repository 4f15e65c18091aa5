//! Discord webhooks: messages with `allowed_mentions` that parse nothing, edited in place when a
//! story's facts change (`PATCH …/messages/{id}`), and a nonce derived from the delivery key so a
//! replay after a crash is recognised by Discord rather than posted twice.

use super::http::{outcome, transport};
use super::render::{DISCORD as STYLE, post, update};
use crate::core::message::{StoryPost, StoryUpdate};
use crate::delivery::{Capabilities, DeliveryError, Destination, PostRef};
use crate::secret::Secret;
use async_trait::async_trait;
use serde_json::json;
use xxhash_rust::xxh3::xxh3_64;

/// Discord's limit on a message's content.
const CONTENT_LIMIT: usize = 2_000;

pub struct DiscordWebhook {
    /// The webhook URL: its path is the credential.
    url: Secret,
    client: reqwest::Client,
}

impl DiscordWebhook {
    pub fn new(url: Secret, client: reqwest::Client) -> Self {
        Self { url, client }
    }

    /// The webhook URL, parsed where it is used so the parsed form never outlives the request.
    fn url(&self) -> Result<reqwest::Url, DeliveryError> {
        reqwest::Url::parse(self.url.expose()).map_err(|_| DeliveryError::Rejected {
            destination: "discord-webhook".into(),
            message: "DISCORD_WEBHOOK_URL is not a URL; copy it exactly as Discord shows it".into(),
        })
    }

    fn body(content: &str, nonce: Option<String>) -> serde_json::Value {
        let mut body = json!({ "content": content, "allowed_mentions": { "parse": [] }, "flags": 4 });
        if let Some(n) = nonce {
            body["nonce"] = json!(n);
            body["enforce_nonce"] = json!(true);
        }
        body
    }

    async fn send(&self, key: &str, text: &str) -> Result<PostRef, DeliveryError> {
        let mut url = self.url()?;
        url.query_pairs_mut().append_pair("wait", "true");
        let mut first: Option<String> = None;
        for (i, piece) in (STYLE.split)(text, CONTENT_LIMIT).into_iter().enumerate() {
            // Nonces are at most 25 characters; a hash of the key and piece fits and repeats exactly.
            let nonce = format!("{:016x}{i}", xxh3_64(key.as_bytes()));
            let response = self
                .client
                .post(url.clone())
                .json(&Self::body(&piece, Some(nonce)))
                .send()
                .await
                .map_err(|e| transport("discord-webhook", e))?;
            let body = outcome("discord-webhook", response).await?;
            if first.is_none() {
                first = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v["id"].as_str().map(String::from));
            }
        }
        Ok(PostRef(first.unwrap_or_default()))
    }
}

#[async_trait]
impl Destination for DiscordWebhook {
    fn name(&self) -> crate::delivery::DestinationId {
        crate::delivery::DestinationId::output("discord-webhook")
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { threads: false, edits: true }
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

    async fn edit_story(&self, key: &str, first: &PostRef, p: &StoryPost) -> Result<(), DeliveryError> {
        let text = post(p, &STYLE, true);
        let pieces = (STYLE.split)(&text, CONTENT_LIMIT);
        if first.0.is_empty() || pieces.len() > 1 {
            // Nothing to edit, or the edit no longer fits one message: post it instead.
            return self.send(key, &text).await.map(|_| ());
        }
        let mut url = self.url()?;
        url.path_segments_mut()
            .map_err(|()| DeliveryError::Rejected {
                destination: "discord-webhook".into(),
                message: "the webhook URL cannot hold a path".into(),
            })?
            .push("messages")
            .push(&first.0);
        let mut body = Self::body(&pieces[0], None);
        if let Some(obj) = body.as_object_mut() {
            obj.remove("flags");
        }
        let response = self.client.patch(url).json(&body).send().await.map_err(|e| transport("discord-webhook", e))?;
        outcome("discord-webhook", response).await.map(|_| ())
    }
}
