//! The chat commands, once for every platform: `subscribe`, `unsubscribe`, `list`, `digest`, `help`,
//! thread summaries and the full claim list behind a post's button ([`claims`]), each in its own file, each taking a parsed [`Command`] and returning a typed
//! [`Reply`]. This layer owns what the commands mean: preset expansion and the SSRF check on feed URLs
//! ([`target`]), the store writes, and the summarizer. The chat adapters own only what is platform
//! specific: parsing a payload into a command, checking the platform's permissions, and rendering the
//! reply in the platform's markup.
//!
//! It also owns the durable path every command and chat event takes ([`inbox`]): written to the store
//! before the platform is acknowledged, answered once, removed when the reply is delivered, and
//! resumed after a restart.
//!
//! Adapters reach the store and the summarizer only through [`Commands`], which hides both behind
//! this layer's own vocabulary.

pub mod claims;
pub mod digest;
pub mod help;
pub mod inbox;
pub mod list;
pub mod subscribe;
pub mod summarize;
pub mod target;
pub mod unsubscribe;

pub use crate::store::DigestMode;
pub use claims::{ClaimList, StoryRef};
pub use help::PresetInfo;
pub use inbox::{Accepted, InboxError, Pending};
pub use summarize::ThreadSummary;
pub use target::{Refusal, Target};

use crate::feeds::presets::Presets;
use crate::store::{Store, StoreError, Subscription};
use crate::summaries::SummaryService;
use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use std::sync::Arc;
use tracing::Instrument;

/// A parsed command, whichever platform it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Subscribe(Target),
    /// `None`: every feed of the channel.
    Unsubscribe(Option<Target>),
    List,
    Digest(DigestMode),
    Help,
    /// The full claim list of a story, recomputed (a post's "all claims" button).
    Claims(StoryRef),
}

impl Command {
    /// Whether the command changes the channel (and so needs the platform's permission check).
    pub fn changes_channel(&self) -> bool {
        matches!(self, Command::Subscribe(_) | Command::Unsubscribe(_) | Command::Digest(_))
    }

    /// The command's name, for its log span (never its arguments: a feed URL can carry a token).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Subscribe(_) => "subscribe",
            Command::Unsubscribe(_) => "unsubscribe",
            Command::List => "list",
            Command::Digest(_) => "digest",
            Command::Help => "help",
            Command::Claims(_) => "claims",
        }
    }
}

/// Where a command was typed and by whom: the platform (`slack`, `discord`), its channel id and the
/// user's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place<'a> {
    pub platform: &'a str,
    pub channel: &'a str,
    pub user: &'a str,
}

/// What a command answers, for the adapter to render in its platform's words and markup.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    Help {
        presets: Vec<PresetInfo>,
    },
    Listing {
        feeds: Vec<String>,
        #[serde(with = "digest_text")]
        digest: DigestMode,
    },
    /// `preset` names the preset subscribed to; `already` the feeds the channel had before.
    Subscribed {
        preset: Option<String>,
        added: Vec<String>,
        already: Vec<String>,
    },
    /// Empty when the channel followed none of what was named.
    Unsubscribed {
        removed: Vec<String>,
    },
    DigestSet(#[serde(with = "digest_text")] DigestMode),
    /// The command was not carried out, and why.
    Refused(Refusal),
    /// Every claim of a story, each with what backs it.
    Claims(Box<ClaimList>),
    /// The story a button names is no longer kept (its text expired) or never was.
    StoryGone,
    /// The store failed; nothing was changed.
    Failed,
}

/// A [`DigestMode`] as the text it parses from, in stored replies.
mod digest_text {
    use super::DigestMode;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(mode: &DigestMode, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&mode.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DigestMode, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// The store operations the commands use, as a trait object, so adapters hold [`Commands`] without
/// naming the store's type. Implemented for every [`Store`].
#[async_trait]
pub(crate) trait Backend: Send + Sync {
    async fn subscriptions(&self, platform: &str, channel: &str) -> Result<Vec<String>, StoreError>;
    async fn subscribe(&self, subscription: &Subscription) -> Result<bool, StoreError>;
    async fn unsubscribe(&self, platform: &str, channel: &str, feed: &str) -> Result<bool, StoreError>;
    async fn digest(&self, platform: &str, channel: &str) -> Result<Option<DigestMode>, StoreError>;
    async fn story_exists(&self, id: &str) -> Result<bool, StoreError>;
    async fn story_items(&self, id: &str) -> Result<Vec<crate::store::SeenItem>, StoreError>;
    async fn set_digest(&self, platform: &str, channel: &str, mode: DigestMode) -> Result<(), StoreError>;
    async fn inbox_accept(&self, entry: &crate::store::InboxEntry) -> Result<bool, StoreError>;
    async fn inbox_answer(&self, id: &str, reply: &str) -> Result<(), StoreError>;
    async fn inbox_remove(&self, id: &str) -> Result<(), StoreError>;
    async fn inbox_entries(&self, platform: &str) -> Result<Vec<crate::store::InboxEntry>, StoreError>;
    async fn inbox_take(
        &self,
        platform: &str,
        now: DateTime<Utc>,
        accepted_before: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<crate::store::InboxEntry>, StoreError>;
    async fn prune_events(&self, older_than: DateTime<Utc>) -> Result<u64, StoreError>;
}

#[async_trait]
impl<S: Store> Backend for S {
    async fn subscriptions(&self, platform: &str, channel: &str) -> Result<Vec<String>, StoreError> {
        Ok(self.subscriptions_for_channel(platform, channel).await?.into_iter().map(|s| s.feed).collect())
    }

    async fn subscribe(&self, subscription: &Subscription) -> Result<bool, StoreError> {
        self.add_subscription(subscription).await
    }

    async fn unsubscribe(&self, platform: &str, channel: &str, feed: &str) -> Result<bool, StoreError> {
        self.remove_subscription(platform, channel, feed).await
    }

    async fn digest(&self, platform: &str, channel: &str) -> Result<Option<DigestMode>, StoreError> {
        self.get_digest(platform, channel).await
    }

    async fn story_exists(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.get_story(id).await?.is_some())
    }

    async fn story_items(&self, id: &str) -> Result<Vec<crate::store::SeenItem>, StoreError> {
        Store::story_items(self, id).await
    }

    async fn set_digest(&self, platform: &str, channel: &str, mode: DigestMode) -> Result<(), StoreError> {
        Store::set_digest(self, platform, channel, mode).await
    }

    async fn inbox_accept(&self, entry: &crate::store::InboxEntry) -> Result<bool, StoreError> {
        Store::inbox_accept(self, entry).await
    }

    async fn inbox_answer(&self, id: &str, reply: &str) -> Result<(), StoreError> {
        Store::inbox_answer(self, id, reply).await
    }

    async fn inbox_remove(&self, id: &str) -> Result<(), StoreError> {
        Store::inbox_remove(self, id).await
    }

    async fn inbox_entries(&self, platform: &str) -> Result<Vec<crate::store::InboxEntry>, StoreError> {
        Store::inbox_entries(self, platform).await
    }

    async fn inbox_take(
        &self,
        platform: &str,
        now: DateTime<Utc>,
        accepted_before: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<crate::store::InboxEntry>, StoreError> {
        Store::inbox_take(self, platform, now, accepted_before, until).await
    }

    async fn prune_events(&self, older_than: DateTime<Utc>) -> Result<u64, StoreError> {
        Store::prune_events(self, older_than).await
    }
}

/// The commands layer as the chat adapters hold it: cheap to clone, shared by every bot.
#[derive(Clone)]
pub struct Commands {
    store: Arc<dyn Backend>,
    summaries: Arc<dyn SummaryService>,
    presets: Arc<Presets>,
    /// Whether feed URLs may name private or loopback addresses (tests, intranets).
    allow_private: bool,
    /// Set when other instances share the inbox: how long an instance has to answer an entry before
    /// another may resume it (see [`Commands::shared_with_others`]).
    resume_after: Option<TimeDelta>,
}

impl Commands {
    pub fn new<S: Store + 'static>(
        store: S,
        summaries: Arc<dyn SummaryService>,
        presets: Presets,
        allow_private: bool,
    ) -> Self {
        Self { store: Arc::new(store), summaries, presets: Arc::new(presets), allow_private, resume_after: None }
    }

    /// Other instances share the store's inbox: [`Commands::resume`] takes only entries nobody has
    /// worked on for [`inbox::RESUME_AFTER`] (their instance most likely stopped), claims them for as
    /// long, and the adapters call it again every [`Commands::resume_every`], not only at start.
    pub fn shared_with_others(mut self) -> Self {
        self.resume_after = Some(inbox::RESUME_AFTER);
        self
    }

    /// How often to resume entries other instances left, when the inbox is shared.
    pub fn resume_every(&self) -> Option<std::time::Duration> {
        self.resume_after.and_then(|t| t.to_std().ok())
    }

    /// A layer on a fresh in-memory store with the offline summarizer and presets from TOML text, for
    /// the adapters' unit tests (which may not reach the store themselves).
    #[cfg(test)]
    pub(crate) async fn in_memory(presets_toml: &str, allow_private: bool) -> Self {
        let store = crate::store::SqliteStore::open_in_memory().await.expect("an in-memory store");
        let presets = Presets::parse(presets_toml).expect("valid test presets");
        Self::new(store, Arc::new(crate::summaries::Offline), presets, allow_private)
    }

    /// The feeds a subscribe names: one feed URL (checked against private addresses) or a preset.
    pub fn target(&self, argument: &str) -> Result<Target, Refusal> {
        target::parse(argument, &self.presets, self.allow_private)
    }

    /// What an unsubscribe names: a preset or one feed URL (not fetched, so not address-checked).
    pub fn unsubscribe_target(&self, argument: &str) -> Result<Target, Refusal> {
        target::parse_known(argument, &self.presets)
    }

    /// The presets, for help texts and refusals.
    pub fn presets(&self) -> Vec<PresetInfo> {
        help::presets(&self.presets)
    }

    /// Carries out `command` in `place` and returns the answer. Permission was checked by the caller.
    /// Runs in a `command` span naming the command, platform and channel (no arguments, no text).
    pub async fn run(&self, place: &Place<'_>, command: Command) -> Reply {
        let span = tracing::info_span!(
            "command",
            command = command.name(),
            platform = place.platform,
            channel = place.channel
        );
        let store = self.store.as_ref();
        let result = async {
            match command {
                Command::Help => Ok(help::run(&self.presets)),
                Command::List => list::run(store, place).await,
                Command::Subscribe(target) => subscribe::run(store, place, target, Utc::now()).await,
                Command::Unsubscribe(target) => unsubscribe::run(store, place, target).await,
                Command::Digest(mode) => digest::run(store, place, mode).await,
                Command::Claims(story) => claims::run(store, &story).await,
            }
        }
        .instrument(span.clone())
        .await;
        result.unwrap_or_else(|e| {
            span.in_scope(|| tracing::error!(error = %e, "A chat command could not use the store."));
            Reply::Failed
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_read_back_what_they_store() {
        let replies = [
            Reply::Listing { feeds: vec!["https://a.example/rss".into()], digest: "daily 09:30".parse().unwrap() },
            Reply::DigestSet(DigestMode::Hourly),
            Reply::Refused(Refusal::OneAtATime { first: "https://a.example/rss".into(), rest: "and b".into() }),
            Reply::StoryGone,
        ];
        for reply in replies {
            let text = serde_json::to_string(&reply).unwrap();
            assert_eq!(serde_json::from_str::<Reply>(&text).unwrap(), reply, "{text}");
        }
    }

    #[tokio::test]
    async fn the_claims_of_a_story_the_store_does_not_hold_are_answered_as_gone() {
        let commands = Commands::in_memory("", false).await;
        let place = Place { platform: "slack", channel: "C1", user: "U1" };
        let story = StoryRef::parse("s-000000000000").unwrap();
        assert_eq!(commands.run(&place, Command::Claims(story)).await, Reply::StoryGone);
    }
}
