//! The Web API calls the bot makes, on slack-morphism's hyper client, with the pacing Slack asks for:
//! `chat.postMessage` about once a second per channel, other methods by their rate tier, a 429's
//! `Retry-After` waited out (briefly, inside the call) or handed back to the outbox (when long), and a
//! time limit on every call.
//!
//! slack-morphism's own rate control is not used: it paces `chat.postMessage` once a second for the
//! whole workspace rather than per channel, and its retry waits however long a server says.

use super::settings::Pacing;
use crate::secret::Secret;
use slack_morphism::hyper_tokio::{SlackClientHyperConnector, SlackClientHyperHttpsConnector};
use slack_morphism::prelude::*;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;
use tracing::{debug, warn};

/// The longest one Web API call may take before it counts as failed.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// 429s waited out inside one call before the call gives up with [`ApiError::RateLimited`].
const MAX_INLINE_RETRIES: usize = 3;
/// Messages fetched per `conversations.replies` / `conversations.history` page (Slack's maximum is
/// 1,000; 200 is what Slack recommends).
pub const PAGE_SIZE: u16 = 200;

pub type Client = SlackClient<SlackClientHyperHttpsConnector>;

/// The query value `true`, borrowed by request parameters.
static TRUE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| "true".to_string());

/// One page of `conversations.replies`, read as loosely as the bot needs: messages stay JSON until
/// [`lenient_message`] turns each into slack-morphism's type.
#[derive(serde::Deserialize)]
struct RepliesPage {
    #[serde(default)]
    messages: Vec<serde_json::Value>,
    response_metadata: Option<SlackResponseMetadata>,
}

/// A message of a thread as slack-morphism's type. Another app's metadata may carry numbers or
/// objects, which slack-morphism's string map cannot hold (one such value would fail the whole page):
/// they are kept as their JSON text. A message that still does not fit is skipped, not fatal.
fn lenient_message(mut m: serde_json::Value) -> Option<SlackHistoryMessage> {
    if let Some(payload) = m.pointer_mut("/metadata/event_payload").and_then(|p| p.as_object_mut()) {
        for value in payload.values_mut() {
            if !value.is_string() {
                *value = serde_json::Value::String(value.to_string());
            }
        }
    }
    match serde_json::from_value(m) {
        Ok(message) => Some(message),
        Err(e) => {
            debug!(error = %e, "Skipped a thread message of an unexpected shape.");
            None
        }
    }
}

/// Why a Web API call failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("Slack is rate limiting {method}; retry after {retry_after:?}")]
    RateLimited { method: &'static str, retry_after: Duration },
    /// The request may or may not have reached Slack (a timeout, a dropped connection).
    #[error("{method} did not complete: {message}")]
    Transport { method: &'static str, message: String },
    /// Slack answered `ok: false`.
    #[error("{method} failed: {code}")]
    Slack { method: &'static str, code: String },
}

impl ApiError {
    /// The Slack error code, when Slack answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Slack { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// Rate tiers of the methods the bot reads with (docs.slack.dev/apis/web-api/rate-limits).
#[derive(Debug, Clone, Copy)]
enum Tier {
    Three,
    Four,
}

/// Spaces calls that share a key: each call reserves the next free slot, so a burst is queued in
/// order rather than sent at once and answered with 429s. A 429 holds the key: calls that were
/// already waiting queue again behind the hold instead of all firing when it ends.
#[derive(Default)]
struct Pacer {
    slots: Mutex<HashMap<String, Slots>>,
}

#[derive(Clone, Copy)]
struct Slots {
    next: Instant,
    held_until: Instant,
}

impl Pacer {
    async fn wait(&self, key: &str, interval: Duration) {
        loop {
            let at = {
                let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                let s = slots.entry(key.to_string()).or_insert(Slots { next: now, held_until: now });
                let at = s.next.max(now);
                s.next = at + interval;
                at
            };
            tokio::time::sleep_until(at).await;
            let held_until = {
                let slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
                slots.get(key).map(|s| s.held_until)
            };
            if held_until.is_none_or(|h| h <= Instant::now()) {
                return;
            }
        }
    }

    /// Nothing under `key` before `until` (a 429's `Retry-After`).
    fn hold(&self, key: &str, until: Instant) {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let s = slots.entry(key.to_string()).or_insert(Slots { next: until, held_until: until });
        s.held_until = s.held_until.max(until);
        s.next = s.next.max(until);
    }
}

/// Who the bot is in its workspace, from `auth.test`.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user_id: String,
    pub bot_id: Option<String>,
    /// The workspace's base URL (`https://acme.slack.com/`), which permalinks are built on.
    pub workspace_url: String,
}

/// The bot's Web API client.
pub struct SlackApi {
    client: Arc<Client>,
    token: SlackApiToken,
    pacing: Pacing,
    pacer: Pacer,
}

/// Builds the hyper client for `api_url`. slack-morphism's default connector is https-only, which
/// would refuse a test server on 127.0.0.1; `SLACK_API_URL` is already restricted to https unless
/// private addresses are allowed, so the connector may speak both.
pub fn client(api_url: &url::Url) -> Result<Arc<Client>, std::io::Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()?
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .build();
    let connector = SlackClientHyperConnector::with_connector(https).with_slack_api_url(api_url.as_str());
    Ok(Arc::new(SlackClient::new(connector)))
}

fn transport(method: &'static str, e: impl std::fmt::Display) -> ApiError {
    ApiError::Transport { method, message: e.to_string() }
}

impl SlackApi {
    pub fn new(client: Arc<Client>, bot_token: &Secret, pacing: Pacing) -> Self {
        let token = SlackApiToken::new(SlackApiTokenValue::new(bot_token.expose().to_string()));
        Self { client, token, pacing, pacer: Pacer::default() }
    }

    fn session(&self) -> SlackClientSession<'_, SlackClientHyperHttpsConnector> {
        self.client.open_session(&self.token)
    }

    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    /// Runs one call under `key`'s pacing, waiting out short 429s.
    async fn call<T, F, Fut>(&self, method: &'static str, key: &str, interval: Duration, f: F) -> Result<T, ApiError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = ClientResult<T>>,
    {
        let mut attempt = 0;
        loop {
            self.pacer.wait(key, interval).await;
            let result = tokio::time::timeout(CALL_TIMEOUT, f()).await;
            match result {
                Err(_) => return Err(transport(method, format!("no answer within {CALL_TIMEOUT:?}"))),
                Ok(Ok(v)) => return Ok(v),
                Ok(Err(slack_morphism::errors::SlackClientError::RateLimitError(e))) => {
                    let retry_after = e.retry_after.unwrap_or(Duration::from_secs(1));
                    self.pacer.hold(key, Instant::now() + retry_after);
                    attempt += 1;
                    if attempt > MAX_INLINE_RETRIES || retry_after > self.pacing.max_inline_wait {
                        return Err(ApiError::RateLimited { method, retry_after });
                    }
                    warn!(method, ?retry_after, attempt, "Slack rate limited a call; waiting before retrying.");
                }
                Ok(Err(slack_morphism::errors::SlackClientError::ApiError(e))) => {
                    return Err(ApiError::Slack { method, code: e.code });
                }
                Ok(Err(e)) => return Err(transport(method, e)),
            }
        }
    }

    async fn tiered<T, F, Fut>(&self, method: &'static str, tier: Tier, f: F) -> Result<T, ApiError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = ClientResult<T>>,
    {
        let interval = match tier {
            Tier::Three => self.pacing.tier3,
            Tier::Four => self.pacing.tier4,
        };
        self.call(method, method, interval, f).await
    }

    pub async fn auth_test(&self) -> Result<Identity, ApiError> {
        let r = self.tiered("auth.test", Tier::Four, || async move { self.session().auth_test().await }).await?;
        Ok(Identity {
            user_id: r.user_id.to_string(),
            bot_id: r.bot_id.map(|b| b.to_string()),
            workspace_url: r.url.0.to_string(),
        })
    }

    /// Posts a message; returns its `ts`.
    pub async fn post_message(&self, req: SlackApiChatPostMessageRequest) -> Result<SlackTs, ApiError> {
        let key = format!("post:{}", req.channel);
        let req = &req;
        let r = self
            .call("chat.postMessage", &key, self.pacing.post_per_channel, || async move {
                self.session().chat_post_message(req).await
            })
            .await?;
        debug!(channel = %r.channel, ts = %r.ts, "Posted a message.");
        Ok(r.ts)
    }

    pub async fn update_message(&self, req: SlackApiChatUpdateRequest) -> Result<(), ApiError> {
        let key = format!("update:{}", req.channel);
        let req = &req;
        self.call(
            "chat.update",
            &key,
            self.pacing.post_per_channel,
            || async move { self.session().chat_update(req).await },
        )
        .await
        .map(|_| ())
    }

    pub async fn post_ephemeral(&self, req: SlackApiChatPostEphemeralRequest) -> Result<(), ApiError> {
        let req = &req;
        self.tiered("chat.postEphemeral", Tier::Four, || async move { self.session().chat_post_ephemeral(req).await })
            .await
            .map(|_| ())
    }

    /// A thread's messages, oldest first, following `next_cursor` until the thread ends or `max`
    /// messages have been read. Returns the messages and whether more were left unread.
    ///
    /// Asked with `include_all_metadata=true`: Slack returns message metadata (the bot's delivery
    /// keys) only when asked, and slack-morphism's request type has no such field, so the call goes
    /// through the session's `http_get` (keeping its tier pacing) into [`RepliesPage`].
    pub async fn replies(
        &self,
        channel: &SlackChannelId,
        ts: &SlackTs,
        max: usize,
    ) -> Result<(Vec<SlackHistoryMessage>, bool), ApiError> {
        let mut out = Vec::new();
        let mut cursor: Option<SlackCursorId> = None;
        loop {
            let limit = PAGE_SIZE.to_string();
            let params: Vec<(&str, Option<&String>)> = vec![
                ("channel", Some(&channel.0)),
                ("ts", Some(&ts.0)),
                ("limit", Some(&limit)),
                ("include_all_metadata", Some(&TRUE)),
                ("cursor", cursor.as_ref().map(|c| &c.0)),
            ];
            let params = &params;
            let page: RepliesPage = self
                .tiered("conversations.replies", Tier::Three, || async move {
                    self.session()
                        .http_session_api
                        .http_get("conversations.replies", params, Some(&SLACK_TIER3_METHOD_CONFIG))
                        .await
                })
                .await?;
            out.extend(page.messages.into_iter().filter_map(lenient_message));
            cursor = page.response_metadata.and_then(|m| m.next_cursor).filter(|c| !c.0.is_empty());
            if out.len() >= max {
                let more = cursor.is_some() || out.len() > max;
                out.truncate(max);
                return Ok((out, more));
            }
            if cursor.is_none() {
                return Ok((out, false));
            }
        }
    }

    /// The channel's newest top-level messages with their metadata, up to `max`.
    pub async fn recent_history(
        &self,
        channel: &SlackChannelId,
        max: usize,
    ) -> Result<Vec<SlackHistoryMessage>, ApiError> {
        let mut out = Vec::new();
        let mut cursor: Option<SlackCursorId> = None;
        loop {
            let req = SlackApiConversationsHistoryRequest::new()
                .with_channel(channel.clone())
                .with_limit(PAGE_SIZE)
                .with_include_all_metadata(true)
                .opt_cursor(cursor.clone());
            let req = &req;
            let page = self
                .tiered("conversations.history", Tier::Three, || async move {
                    self.session().conversations_history(req).await
                })
                .await?;
            out.extend(page.messages);
            cursor = page.response_metadata.and_then(|m| m.next_cursor).filter(|c| !c.0.is_empty());
            if cursor.is_none() || out.len() >= max {
                out.truncate(max);
                return Ok(out);
            }
        }
    }

    /// Who created a channel (`None` for channels Slack reports no creator for).
    pub async fn channel_creator(&self, channel: &SlackChannelId) -> Result<Option<String>, ApiError> {
        let req = SlackApiConversationsInfoRequest::new(channel.clone());
        let req = &req;
        let r = self
            .tiered("conversations.info", Tier::Three, || async move { self.session().conversations_info(req).await })
            .await?;
        Ok(r.channel.creator.map(|c| c.to_string()))
    }

    /// Whether a user is a workspace admin or owner.
    pub async fn is_admin(&self, user: &SlackUserId) -> Result<bool, ApiError> {
        let req = SlackApiUsersInfoRequest::new(user.clone());
        let req = &req;
        let r = self.tiered("users.info", Tier::Four, || async move { self.session().users_info(req).await }).await?;
        let f = &r.user.flags;
        Ok(f.is_admin.unwrap_or(false) || f.is_owner.unwrap_or(false) || f.is_primary_owner.unwrap_or(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_apps_numeric_metadata_does_not_hide_the_thread() {
        let m = serde_json::json!({"type": "message", "ts": "1700000000.000200", "text": "hi", "user": "U1",
            "metadata": {"event_type": "task_created", "event_payload": {"id": 42, "done": false}}});
        let message = lenient_message(m).expect("the message is kept");
        let payload = message.content.metadata.and_then(|md| md.event_payload).unwrap();
        assert_eq!(payload["id"], "42");
    }
}
