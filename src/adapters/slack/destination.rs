//! Story posts into one Slack channel: the first post starts the story's thread, later coverage and
//! overflow go into that thread, and `chat.update` replaces the first post when the facts change.
//!
//! Idempotency: Slack has no nonce, so every message carries its delivery key in Slack message
//! metadata (`event_type: layoffwatch_delivery`, `event_payload: {key, part}`). Before the first post
//! into a channel (or thread) after a start, or after a call whose outcome is unknown (a timeout),
//! the bot reads back the channel's recent history (or the thread's replies) and remembers which keys
//! are already there; a delivery whose key it finds is not posted again but answered with the
//! message that is there. From then on it tracks what it posts itself, so the read-back costs one
//! call per channel per start. Delivery stays at least once (the outbox retries), and the read-back
//! turns the retry after a crash between "posted" and "marked sent" into a no-op.

use super::blocks::{self, Rendered};
use super::client::{ApiError, Identity, SlackApi};
use crate::core::message::{DigestPost, StoryPost, StoryUpdate};
use crate::delivery::{Capabilities, DeliveryError, Destination, PostRef};
use async_trait::async_trait;
use slack_morphism::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tracing::{info, warn};

/// The metadata event type that marks the bot's own deliveries.
pub const DELIVERY_EVENT: &str = "layoffwatch_delivery";
/// How far back the read-back looks: a retried delivery is minutes or hours old, never hundreds of
/// messages back.
const READ_BACK: usize = 200;

/// Where a message goes: a channel, or a thread in it.
type Place = (String, Option<String>);

/// What the bot knows it has posted, by delivery key and piece.
#[derive(Default)]
struct Recall {
    /// Places whose history was read back since the start (or since an unknown outcome).
    scanned: HashSet<Place>,
    /// (key, piece) → message ts.
    posted: HashMap<(String, usize), String>,
    /// Deliveries an earlier attempt may have posted unrecorded (another instance's, say): their
    /// places are read back again before they are posted, until they are.
    unsure: HashSet<String>,
}

/// The shared posting machinery of every channel.
pub struct Poster {
    pub api: Arc<SlackApi>,
    pub identity: Identity,
    recall: Mutex<Recall>,
}

impl Poster {
    pub fn new(api: Arc<SlackApi>, identity: Identity) -> Self {
        Self { api, identity, recall: Mutex::new(Recall::default()) }
    }

    fn recall(&self) -> std::sync::MutexGuard<'_, Recall> {
        self.recall.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reads back `place` once, remembering the delivery keys of the bot's own messages there.
    async fn ensure_scanned(&self, place: &Place) -> Result<(), ApiError> {
        if self.recall().scanned.contains(place) {
            return Ok(());
        }
        let channel = SlackChannelId::new(place.0.clone());
        let messages = match &place.1 {
            None => self.api.recent_history(&channel, READ_BACK).await?,
            Some(ts) => self.api.replies(&channel, &SlackTs::new(ts.clone()), READ_BACK * 5).await?.0,
        };
        let mut recall = self.recall();
        for m in messages {
            let ours = match (&m.sender.bot_id, &self.identity.bot_id) {
                (Some(theirs), Some(ours)) => theirs.0 == *ours,
                _ => m.sender.user.as_ref().is_some_and(|u| u.0 == self.identity.user_id),
            };
            let Some(meta) = m.content.metadata.as_ref().filter(|md| ours && md.event_type == DELIVERY_EVENT) else {
                continue;
            };
            let payload = meta.event_payload.as_ref();
            let key = payload.and_then(|p| p.get("key")).cloned();
            let part = payload.and_then(|p| p.get("part")).and_then(|p| p.parse::<usize>().ok());
            if let (Some(key), Some(part)) = (key, part) {
                recall.posted.entry((key, part)).or_insert_with(|| m.origin.ts.0.clone());
            }
        }
        recall.scanned.insert(place.clone());
        Ok(())
    }

    /// Posts `pieces` for delivery `key`: the first into `thread` (or the channel), the rest into the
    /// thread the first started. Pieces already there are skipped. Returns the first piece's ts.
    pub(super) async fn post_pieces(
        &self,
        channel: &str,
        key: &str,
        thread: Option<&str>,
        pieces: Vec<Rendered>,
        destination: &(impl std::fmt::Display + ?Sized),
    ) -> Result<String, DeliveryError> {
        let destination = destination.to_string();
        let destination = destination.as_str();
        let mut first: Option<String> = None;
        let unsure = self.recall().unsure.contains(key);
        let mut reread: HashSet<Place> = HashSet::new();
        for (i, piece) in pieces.into_iter().enumerate() {
            let thread_ts =
                if i == 0 { thread.map(str::to_string) } else { thread.map(str::to_string).or(first.clone()) };
            let place: Place = (channel.to_string(), thread_ts.clone());
            if unsure && reread.insert(place.clone()) {
                // Another instance may have posted here since this process last looked.
                self.recall().scanned.remove(&place);
            }
            self.ensure_scanned(&place).await.map_err(|e| delivery_error(destination, e))?;
            if let Some(ts) = self.recall().posted.get(&(key.to_string(), i)).cloned() {
                info!(destination, key, piece = i, "Already posted; not posting again.");
                first.get_or_insert(ts);
                continue;
            }
            let metadata = SlackMessageMetadata::new(DELIVERY_EVENT.to_string()).with_event_payload(
                [("key".to_string(), key.to_string()), ("part".to_string(), i.to_string())].into_iter().collect(),
            );
            let content =
                SlackMessageContent::new().with_text(piece.text).with_blocks(piece.blocks).with_metadata(metadata);
            let req = SlackApiChatPostMessageRequest::new(SlackChannelId::new(channel.to_string()), content)
                .with_unfurl_links(false)
                .with_unfurl_media(false)
                .opt_thread_ts(thread_ts.clone().map(SlackTs::new));
            match self.api.post_message(req).await {
                Ok(ts) => {
                    let mut recall = self.recall();
                    recall.posted.insert((key.to_string(), i), ts.0.clone());
                    if thread_ts.is_none() {
                        // A thread this process started holds only what this process posts, all of
                        // it remembered here: it never needs reading back.
                        recall.scanned.insert((channel.to_string(), Some(ts.0.clone())));
                    }
                    first.get_or_insert(ts.0);
                }
                Err(e) => {
                    if matches!(e, ApiError::Transport { .. }) {
                        // It may have been posted: read the place back before the retry.
                        self.recall().scanned.remove(&place);
                    }
                    return Err(delivery_error(destination, e));
                }
            }
        }
        self.recall().unsure.remove(key);
        first.ok_or_else(|| DeliveryError::Rejected {
            destination: destination.to_string(),
            message: "the message rendered to nothing".into(),
        })
    }
}

/// Slack's answer as a delivery outcome: rate limits and outages are retried, a refusal is not.
pub fn delivery_error(destination: &(impl std::fmt::Display + ?Sized), e: ApiError) -> DeliveryError {
    let destination = destination.to_string();
    match e {
        ApiError::RateLimited { retry_after, .. } => DeliveryError::RateLimited { destination, retry_after },
        ApiError::Transport { .. } => DeliveryError::Transient { destination, message: e.to_string() },
        ApiError::Slack { ref code, .. } => {
            let retryable = matches!(
                code.as_str(),
                "internal_error" | "fatal_error" | "service_unavailable" | "request_timeout" | "ratelimited"
            );
            let hint = match code.as_str() {
                "not_in_channel" => "; invite the bot with /invite @layoffwatch",
                "channel_not_found" => "; check the channel id and that the bot was invited",
                "is_archived" => "; the channel is archived, unsubscribe it",
                "invalid_auth" | "token_revoked" | "account_inactive" => "; check SLACK_BOT_TOKEN",
                "missing_scope" => "; reinstall the app from slack/manifest.yml so it has every scope",
                _ => "",
            };
            let message = format!("{e}{hint}");
            if retryable {
                DeliveryError::Transient { destination, message }
            } else {
                DeliveryError::Rejected { destination, message }
            }
        }
    }
}

/// One channel as a destination.
pub struct SlackChannel {
    pub poster: Arc<Poster>,
    pub channel: String,
}

#[async_trait]
impl Destination for SlackChannel {
    fn name(&self) -> crate::delivery::DestinationId {
        crate::delivery::DestinationId::channel("slack", self.channel.clone())
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { threads: true, edits: true }
    }

    fn may_be_posted(&self, key: &str) {
        self.poster.recall().unsure.insert(key.to_string());
    }

    async fn post_story(&self, key: &str, post: &StoryPost) -> Result<PostRef, DeliveryError> {
        let pieces = blocks::story(post, false);
        self.poster.post_pieces(&self.channel, key, None, pieces, &self.name()).await.map(PostRef)
    }

    async fn post_update(
        &self,
        key: &str,
        thread: Option<&PostRef>,
        update: &StoryUpdate,
    ) -> Result<PostRef, DeliveryError> {
        let thread = thread.map(|t| t.0.as_str()).filter(|t| !t.is_empty());
        let pieces = blocks::update(update);
        self.poster.post_pieces(&self.channel, key, thread, pieces, &self.name()).await.map(PostRef)
    }

    async fn edit_story(&self, key: &str, first: &PostRef, post: &StoryPost) -> Result<(), DeliveryError> {
        let mut pieces = blocks::story(post, true).into_iter();
        let Some(head) = pieces.next() else {
            return Ok(());
        };
        let content = SlackMessageContent::new().with_text(head.text).with_blocks(head.blocks);
        let req = SlackApiChatUpdateRequest::new(
            SlackChannelId::new(self.channel.clone()),
            content,
            SlackTs::new(first.0.clone()),
        );
        self.poster.api.update_message(req).await.map_err(|e| delivery_error(&self.name(), e))?;
        let rest: Vec<Rendered> = pieces.collect();
        if !rest.is_empty() {
            // Overflow of the new version goes into the thread, keyed by this edit so a retry does
            // not repeat it. Its pieces are numbered after the head, which is never posted.
            warn!(destination = %self.name(), pieces = rest.len(), "Edited story is longer than one message; posting the rest in its thread.");
            let mut numbered = vec![blocks::notice("_The updated story continues below._").remove(0)];
            numbered.extend(rest);
            self.poster.post_pieces(&self.channel, key, Some(&first.0), numbered, &self.name()).await?;
        }
        Ok(())
    }

    async fn post_digest(&self, key: &str, digest: &DigestPost) -> Result<PostRef, DeliveryError> {
        let pieces = blocks::digest(digest);
        self.poster.post_pieces(&self.channel, key, None, pieces, &self.name()).await.map(PostRef)
    }
}
