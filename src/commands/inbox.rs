//! The durable path of chat work: every command and event is written to the store's inbox before the
//! platform is acknowledged, answered at most once, and removed when its reply is delivered. After a
//! crash the entries still there are resumed, so nothing acknowledged is lost:
//!
//! 1. [`Commands::accept`]: the platform's id is recorded as handled and the entry written, in one
//!    transaction; a redelivery of the same id is recognised. Only then does the adapter acknowledge.
//! 2. [`Commands::run_once`]: the command's effect is applied and its answer stored in the entry. A
//!    resumed entry that already has an answer is answered again, not applied again. (Between the
//!    effect and the stored answer a crash can leave the effect without the answer; the commands are
//!    set operations, so running one again leaves the channel as once would.)
//! 3. The adapter delivers the reply, then [`Commands::done`] removes the entry.
//!
//! An entry holds ids and a command's arguments, never chat message text (a summary re-reads its
//! thread on resume), plus the reply token (a Discord interaction token, a Slack `response_url`) in
//! the redacting [`Secret`] until the entry is removed or the token expires.

use super::{Commands, Place, Reply};
use crate::secret::Secret;
use crate::store::{InboxEntry, StoreError};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::{debug, info, warn};

/// With several instances, how long the instance that accepted an entry (or resumed it) has to answer
/// it before another may resume it: longer than an answer takes (an LLM summary with its retries),
/// shorter than Discord's 15-minute interaction token.
pub const RESUME_AFTER: TimeDelta = TimeDelta::minutes(3);

/// What became of work handed to [`Commands::accept`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// Written: acknowledge it and do it.
    New,
    /// Seen before (a retry or a redelivery): acknowledge it, do nothing.
    Duplicate,
}

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error("could not record chat work: {0}")]
    Store(#[from] StoreError),
    #[error("could not write chat work down: {0}")]
    Encode(#[from] serde_json::Error),
}

/// An entry resumed after a restart (or picked up by a worker).
#[derive(Debug)]
pub struct Pending<W> {
    pub id: String,
    pub work: W,
    pub reply_to: Option<Secret>,
    /// The answer, when the command's effect was applied before the crash.
    pub reply: Option<Reply>,
    pub received_at: DateTime<Utc>,
}

impl Commands {
    /// Writes `work` to the inbox under the platform's `id` before the platform is acknowledged.
    /// `lifetime` is how long its reply can still be delivered (a token's validity).
    pub async fn accept(
        &self,
        platform: &str,
        id: &str,
        work: &impl Serialize,
        reply_to: Option<&Secret>,
        lifetime: TimeDelta,
        now: DateTime<Utc>,
    ) -> Result<Accepted, InboxError> {
        let entry = InboxEntry {
            id: id.to_string(),
            platform: platform.to_string(),
            work: serde_json::to_string(work)?,
            reply_to: reply_to.cloned(),
            reply: None,
            received_at: now,
            expires_at: now + lifetime,
        };
        if self.store.inbox_accept(&entry).await? {
            info!(platform, event = id, "Chat work recorded.");
            Ok(Accepted::New)
        } else {
            debug!(platform, event = id, "Chat work already handled; acknowledging the redelivery only.");
            Ok(Accepted::Duplicate)
        }
    }

    /// The platform's unfinished work, oldest first. Entries whose reply can no longer be delivered
    /// (expired) or that this version cannot read are removed and left out. When other instances
    /// share the inbox, only the entries nobody works on, now claimed by this instance.
    pub async fn resume<W: DeserializeOwned>(
        &self,
        platform: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Pending<W>>, InboxError> {
        let entries = match self.resume_after {
            Some(after) => self.store.inbox_take(platform, now, now - after, now + after).await?,
            None => self.store.inbox_entries(platform).await?,
        };
        let mut out = Vec::new();
        for entry in entries {
            if entry.expires_at <= now {
                info!(platform, event = %entry.id, "Dropping chat work whose reply can no longer be delivered.");
                self.done(&entry.id).await;
                continue;
            }
            let work = match serde_json::from_str::<W>(&entry.work) {
                Ok(w) => w,
                Err(e) => {
                    warn!(platform, event = %entry.id, error = %e, "Dropping chat work this version cannot read.");
                    self.done(&entry.id).await;
                    continue;
                }
            };
            let reply = entry.reply.as_deref().and_then(|r| serde_json::from_str(r).ok());
            out.push(Pending { id: entry.id, work, reply_to: entry.reply_to, reply, received_at: entry.received_at });
        }
        Ok(out)
    }

    /// Runs a command of inbox entry `id` unless it already ran (`answered`), and stores its answer.
    pub async fn run_once(
        &self,
        id: &str,
        place: &Place<'_>,
        command: super::Command,
        answered: Option<Reply>,
    ) -> Reply {
        if let Some(reply) = answered {
            debug!(event = id, "Command already applied; answering again.");
            return reply;
        }
        let reply = self.run(place, command).await;
        self.answered(id, &reply).await;
        reply
    }

    /// Stores the answer of entry `id` (one that needed no store change, or a refusal, too).
    pub async fn answered(&self, id: &str, reply: &Reply) {
        let stored = match serde_json::to_string(reply) {
            Ok(text) => self.store.inbox_answer(id, &text).await.map_err(InboxError::from),
            Err(e) => Err(e.into()),
        };
        if let Err(e) = stored {
            warn!(event = id, error = %e, "Could not record a command's answer; a restart would apply it again.");
        }
    }

    /// Removes entry `id`: its reply was delivered, or cannot be.
    pub async fn done(&self, id: &str) {
        if let Err(e) = self.store.inbox_remove(id).await {
            warn!(event = id, error = %e, "Could not remove answered chat work; a restart will answer it again.");
        }
    }

    /// Forgets handled event ids older than `older_than`; platforms redeliver for minutes, not days.
    pub async fn prune(&self, older_than: DateTime<Utc>) {
        if let Err(e) = self.store.prune_events(older_than).await {
            warn!(error = %e, "Could not prune handled chat event ids.");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::{Command, Commands};
    use crate::feeds::presets::Presets;
    use crate::store::{SqliteStore, Store};
    use crate::summaries::Offline;
    use std::sync::Arc;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Work {
        channel: String,
        args: String,
    }

    async fn layer() -> (Commands, SqliteStore) {
        let store = SqliteStore::open_in_memory().await.unwrap();
        (Commands::new(store.clone(), Arc::new(Offline), Presets::bundled(), false), store)
    }

    #[tokio::test]
    async fn acknowledged_work_survives_until_done_and_a_redelivery_is_recognised() {
        let (commands, _) = layer().await;
        let now = Utc::now();
        let work = Work { channel: "C1".into(), args: "list".into() };
        let token = Secret::new("interaction-token-value");
        let accepted = commands.accept("discord", "i-1", &work, Some(&token), TimeDelta::minutes(15), now).await;
        assert_eq!(accepted.unwrap(), Accepted::New);
        let again = commands.accept("discord", "i-1", &work, Some(&token), TimeDelta::minutes(15), now).await;
        assert_eq!(again.unwrap(), Accepted::Duplicate);

        let pending: Vec<Pending<Work>> = commands.resume("discord", now).await.unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].work, work);
        assert_eq!(pending[0].reply_to.as_ref().map(Secret::expose), Some("interaction-token-value"));
        assert!(!format!("{pending:?}").contains("interaction-token-value"), "the token is never shown");
        commands.done("i-1").await;
        assert!(commands.resume::<Work>("discord", now).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_resumed_command_is_answered_again_not_applied_again() {
        let (commands, store) = layer().await;
        let now = Utc::now();
        commands
            .accept("slack", "c-1", &Work { channel: "C1".into(), args: "".into() }, None, TimeDelta::minutes(30), now)
            .await
            .unwrap();
        let place = Place { platform: "slack", channel: "C1", user: "U1" };
        let target = commands.target("https://wire.example/rss").unwrap();
        let first = commands.run_once("c-1", &place, Command::Subscribe(target.clone()), None).await;

        // The process dies before the reply is delivered; the restarted one resumes the entry.
        let pending: Vec<Pending<Work>> = commands.resume("slack", now).await.unwrap();
        let answered = pending.into_iter().next().unwrap().reply;
        let again = commands.run_once("c-1", &place, Command::Subscribe(target), answered).await;
        assert_eq!(again, first, "the same answer, not \"already subscribed\"");
        assert_eq!(store.subscriptions_for_channel("slack", "C1").await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn with_a_shared_inbox_an_entry_is_resumed_by_one_instance_once_its_accepter_had_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.sqlite");
        let open = || async { SqliteStore::open(path.to_str().unwrap()).await.unwrap() };
        let layer = |store: SqliteStore| {
            Commands::new(store, Arc::new(Offline), Presets::bundled(), false).shared_with_others()
        };
        let (one, two, three) = (layer(open().await), layer(open().await), layer(open().await));
        let now = Utc::now();
        let work = Work { channel: "C1".into(), args: "list".into() };
        one.accept("slack", "c-9", &work, None, TimeDelta::minutes(30), now).await.unwrap();
        assert!(two.resume::<Work>("slack", now).await.unwrap().is_empty(), "one is answering it");
        let later = now + RESUME_AFTER;
        assert_eq!(two.resume::<Work>("slack", later).await.unwrap().len(), 1, "one had its time: two resumes it");
        assert!(three.resume::<Work>("slack", later).await.unwrap().is_empty(), "two claimed it");
        let two_stopped = later + RESUME_AFTER;
        assert_eq!(three.resume::<Work>("slack", two_stopped).await.unwrap().len(), 1, "two's claim ran out");
    }

    #[tokio::test]
    async fn work_whose_token_expired_is_dropped_on_resume() {
        let (commands, _) = layer().await;
        let then = Utc::now() - TimeDelta::hours(1);
        let work = Work { channel: "C1".into(), args: "help".into() };
        commands.accept("discord", "i-2", &work, None, TimeDelta::minutes(15), then).await.unwrap();
        assert!(commands.resume::<Work>("discord", Utc::now()).await.unwrap().is_empty());
        assert!(commands.resume::<Work>("discord", then).await.unwrap().is_empty(), "and removed");
    }
}
