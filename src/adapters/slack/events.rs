//! What Slack sends the bot (events, slash commands, shortcuts), turned into queued work. Both
//! connections (Socket Mode and the HTTP Events API) come through here, so both acknowledge the same
//! way: record the event's id as seen, queue the work, and return at once. Slack wants an ack within
//! three seconds and redelivers otherwise; a summary can take longer than that, so nothing slow ever
//! runs before the ack.
//!
//! Deduplication is by id across restarts (the store's processed-event table): an Events API
//! `event_id` (the same on every retry, `X-Slack-Retry-Num` or a redelivered Socket Mode envelope),
//! or the `trigger_id` of a command or shortcut.

use crate::secret::Secret;
use crate::store::{Store, StoreError};
use chrono::Utc;
use slack_morphism::prelude::*;
use tokio::sync::mpsc;
use tracing::{debug, info};

/// Something to do after the ack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Work {
    /// `/layoffs …` in `channel`.
    Command { channel: String, user: String, text: String, response_url: Option<Secret> },
    /// Summarize the thread whose parent is `thread_ts` and reply in it.
    Summarize { channel: String, thread_ts: String, user: String },
    /// A mention the bot does not understand (or a summary asked for outside a thread).
    MentionHelp { channel: String, user: String, thread_ts: Option<String>, outside_thread: bool },
}

/// The callback id of the "Summarize thread" message shortcut in `slack/manifest.yml`.
pub const SUMMARIZE_SHORTCUT: &str = "summarize_thread";

/// Work for an Events API callback, with the id to deduplicate it by. Events the bot does not act on
/// give `None` (and are acknowledged all the same).
pub fn from_push(ev: &SlackPushEventCallback, bot_user: &str) -> Option<(String, Work)> {
    let SlackEventCallbackBody::AppMention(m) = &ev.event else {
        return None;
    };
    if m.user.0 == bot_user {
        return None;
    }
    let text = m.content.text.as_deref().unwrap_or_default();
    let asks_summary = words_without_mentions(text)
        .iter()
        .any(|w| matches!(w.as_str(), "summarize" | "summarise" | "summary" | "tldr" | "tl;dr"));
    let channel = m.channel.0.clone();
    let user = m.user.0.clone();
    let work = match (&m.origin.thread_ts, asks_summary) {
        (Some(thread), true) => Work::Summarize { channel, thread_ts: thread.0.clone(), user },
        (thread, _) => Work::MentionHelp {
            channel,
            user,
            thread_ts: thread.as_ref().map(|t| t.0.clone()),
            outside_thread: asks_summary,
        },
    };
    Some((format!("event:{}", ev.event_id.0), work))
}

/// The words of a message, lower-cased, with `<@U…>` mentions removed.
fn words_without_mentions(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| !(w.starts_with("<@") && w.ends_with('>')))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != ';').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

pub fn from_command(ev: &SlackCommandEvent) -> (String, Work) {
    let work = Work::Command {
        channel: ev.channel_id.0.clone(),
        user: ev.user_id.0.clone(),
        text: ev.text.clone().unwrap_or_default(),
        response_url: Some(Secret::new(ev.response_url.0.to_string())),
    };
    (format!("command:{}", ev.trigger_id.0), work)
}

pub fn from_interaction(ev: &SlackInteractionEvent) -> Option<(String, Work)> {
    let SlackInteractionEvent::MessageAction(a) = ev else {
        return None;
    };
    if a.callback_id.0 != SUMMARIZE_SHORTCUT {
        return None;
    }
    let channel = a.channel.as_ref()?.id.0.clone();
    let message = a.message.as_ref()?;
    let thread_ts = message.origin.thread_ts.clone().unwrap_or_else(|| message.origin.ts.clone()).0;
    Some((format!("shortcut:{}", a.trigger_id.0), Work::Summarize { channel, thread_ts, user: a.user.id.0.clone() }))
}

/// What became of an event handed to [`Intake::accept`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    Queued,
    /// Seen before (a retry or a redelivery): acknowledged, not done again.
    Duplicate,
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The queue is full; not acknowledging lets Slack redeliver it later.
    #[error("the work queue is full; Slack will redeliver the event")]
    Busy,
    #[error("the bot is shutting down; Slack will redeliver the event")]
    Closed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The ack path: dedupe, queue, return.
#[derive(Clone)]
pub struct Intake<S> {
    store: S,
    queue: mpsc::Sender<Work>,
}

impl<S: Store + Clone + 'static> Intake<S> {
    pub fn new(store: S, queue: mpsc::Sender<Work>) -> Self {
        Self { store, queue }
    }

    /// Queues `work` unless the event `id` was already handled. The queue slot is taken before the id
    /// is recorded, so an event is never marked seen and then dropped.
    pub async fn accept(&self, id: &str, work: Work) -> Result<Accepted, IntakeError> {
        let permit = self.queue.try_reserve().map_err(|e| match e {
            mpsc::error::TrySendError::Full(()) => IntakeError::Busy,
            mpsc::error::TrySendError::Closed(()) => IntakeError::Closed,
        })?;
        if !self.store.mark_event_seen(id, Utc::now()).await? {
            debug!(event = id, "Event already handled; acknowledging the redelivery only.");
            return Ok(Accepted::Duplicate);
        }
        info!(event = id, "Event queued.");
        permit.send(work);
        Ok(Accepted::Queued)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(text: &str, thread: Option<&str>) -> SlackPushEventCallback {
        let body = serde_json::json!({
            "team_id": "T1", "api_app_id": "A1", "event_id": "Ev1", "event_time": 1700000000,
            "event": {"type": "app_mention", "user": "U2", "channel": "C1", "text": text,
                      "ts": "1700000000.000200", "thread_ts": thread, "event_ts": "1700000000.000200"}
        });
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn a_summary_asked_for_in_a_thread_summarizes_that_thread() {
        let (id, work) = from_push(&mention("<@UBOT> summarize please", Some("1700000000.000100")), "UBOT").unwrap();
        assert_eq!(id, "event:Ev1");
        assert_eq!(
            work,
            Work::Summarize { channel: "C1".into(), thread_ts: "1700000000.000100".into(), user: "U2".into() }
        );
    }

    #[test]
    fn a_summary_asked_for_outside_a_thread_gets_help() {
        let (_, work) = from_push(&mention("<@UBOT> summarize", None), "UBOT").unwrap();
        assert!(matches!(work, Work::MentionHelp { outside_thread: true, .. }), "{work:?}");
        let (_, work) = from_push(&mention("<@UBOT> hello", Some("1.2")), "UBOT").unwrap();
        assert!(matches!(work, Work::MentionHelp { outside_thread: false, .. }), "{work:?}");
    }
}
