//! The one interface every destination implements — console, webhooks, Slack, Discord — so the
//! pipeline never knows which platform it is posting to. Destinations say what they can do (threads,
//! edits) and the pipeline degrades gracefully: without edits, a correction goes into the thread.
//! [`fit`] makes text fit each platform (escaping, splitting, clipping) for every renderer; [`id`]
//! names each destination.

pub mod fit;
pub mod id;

pub use id::{ChannelId, DestinationId, DestinationIdError};

use crate::core::message::{DigestPost, StoryPost, StoryUpdate};
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

/// Where a post landed on its platform (a message timestamp, a message id, a thread id); replies and
/// edits are addressed by it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PostRef(pub String);

/// What a destination supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Replies can be grouped under the story's first post.
    pub threads: bool,
    /// The first post can be edited when the facts change.
    pub edits: bool,
}

/// Why a delivery did not happen, and whether trying again can help.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("{destination} is rate limiting us; retry after {retry_after:?}")]
    RateLimited { destination: String, retry_after: Duration },
    #[error("{destination} could not be reached: {message}; it will be retried")]
    Transient { destination: String, message: String },
    #[error("{destination} refused the message: {message}")]
    Rejected { destination: String, message: String },
}

impl DeliveryError {
    pub fn is_retryable(&self) -> bool {
        !matches!(self, DeliveryError::Rejected { .. })
    }
}

#[async_trait]
pub trait Destination: Send + Sync {
    /// The destination's stable identity, for logs, idempotency keys and the outbox ("console",
    /// "slack:C123", "discord-webhook").
    fn name(&self) -> DestinationId;
    fn capabilities(&self) -> Capabilities;
    /// Posts a story. `key` is the delivery's idempotency key (story, destination, revision, kind): a
    /// destination that can recognise a repeat (a nonce, a read-back) must not post it twice.
    async fn post_story(&self, key: &str, post: &StoryPost) -> Result<PostRef, DeliveryError>;
    /// A reply in the story's thread (`thread` is the first post, when the destination has threads).
    async fn post_update(
        &self,
        key: &str,
        thread: Option<&PostRef>,
        update: &StoryUpdate,
    ) -> Result<PostRef, DeliveryError>;
    /// An earlier attempt at delivery `key` may have reached the platform without a record (another
    /// instance stopped mid-send, or a call timed out): the next post of `key` must look at the
    /// platform first, whatever this process remembers of the place. Destinations that cannot look
    /// (webhooks, files) ignore it.
    fn may_be_posted(&self, _key: &str) {}
    /// Replaces the first post. Only called when `capabilities().edits` is true.
    async fn edit_story(&self, key: &str, first: &PostRef, post: &StoryPost) -> Result<(), DeliveryError>;
    /// A channel's periodic digest, posted instead of live story posts. Only chat channels that chose a
    /// digest (`/layoffs digest`) are sent one, so the fixed outputs keep this refusal.
    async fn post_digest(&self, _key: &str, _digest: &DigestPost) -> Result<PostRef, DeliveryError> {
        Err(DeliveryError::Rejected {
            destination: self.name().to_string(),
            message: "this output does not take digests".into(),
        })
    }
}

/// A chat platform whose channels subscribe to feeds (the Slack and Discord bots). The watcher routes
/// each story to the channels subscribed to its feeds and asks the platform for one destination per
/// channel, so the outbox can name a channel and find its sender again after a restart.
pub trait Platform: Send + Sync {
    /// `slack` or `discord`: the platform column of stored subscriptions and digests.
    fn platform(&self) -> &'static str;
    /// The destination posting into `channel`. Its `name()` must be
    /// `DestinationId::Channel { platform: self.platform(), channel }`.
    fn channel(&self, channel: &str) -> Arc<dyn Destination>;
}
