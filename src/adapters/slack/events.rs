//! What Slack sends the bot (events, slash commands, shortcuts), turned into work. Both connections
//! (Socket Mode and the HTTP Events API) come through here, so both acknowledge the same way: write
//! the work to the inbox (the commands layer's durable path), queue it, and return at once. Slack
//! wants an ack within three seconds and redelivers otherwise; a summary can take longer than that,
//! so nothing slow ever runs before the ack, and a crash after the ack loses nothing: the restarted
//! bot resumes what the inbox still holds.
//!
//! Deduplication is by id across restarts (the inbox records every id it accepts): an Events API
//! `event_id` (the same on every retry, `X-Slack-Retry-Num` or a redelivered Socket Mode envelope),
//! or the `trigger_id` of a command, shortcut or button click.

use super::blocks::CLAIMS_ACTION;
use crate::commands::{Accepted, Commands, InboxError, Reply, StoryRef};
use crate::secret::Secret;
use chrono::{TimeDelta, Utc};
use slack_morphism::prelude::*;
use tokio::sync::mpsc;

/// The platform name of Slack's inbox entries, subscriptions and digests.
pub const PLATFORM: &str = "slack";
/// How long a command's `response_url` may be used: Slack allows 30 minutes.
const COMMAND_LIFETIME: TimeDelta = TimeDelta::minutes(30);
/// A summary asked for longer ago than this is no longer waited for.
const SUMMARY_LIFETIME: TimeDelta = TimeDelta::hours(1);

/// Something to do after the ack. Stored in the inbox: ids and a command's arguments only.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Work {
    /// `/layoffs …` in `channel`.
    Command { channel: String, user: String, text: String },
    /// Summarize the thread whose parent is `thread_ts` and reply in it.
    Summarize { channel: String, thread_ts: String, user: String },
    /// A mention the bot does not understand (or a summary asked for outside a thread).
    MentionHelp { channel: String, user: String, thread_ts: Option<String>, outside_thread: bool },
    /// The "All claims" button clicked by `user` on a message in `channel` (in thread `thread_ts`):
    /// the full list of `of`, shown to `user` only.
    Claims { channel: String, user: String, thread_ts: Option<String>, of: ClaimsRef },
}

/// What an "All claims" button names, as its `value` carries it: `story:{id}`, or
/// `thread:{channel}:{thread ts}` for a thread summary's. Never text: the claims are recomputed on
/// click.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimsRef {
    Story(StoryRef),
    Thread { channel: String, thread_ts: String },
}

impl ClaimsRef {
    /// The button's `value`.
    pub fn value(&self) -> String {
        match self {
            ClaimsRef::Story(s) => format!("story:{s}"),
            ClaimsRef::Thread { channel, thread_ts } => format!("thread:{channel}:{thread_ts}"),
        }
    }

    /// Reads a button's `value`; `None` for anything the bot did not write (a channel id is upper
    /// case letters and digits, a ts two runs of digits around a dot).
    pub fn parse(value: &str) -> Option<Self> {
        if let Some(id) = value.strip_prefix("story:") {
            return StoryRef::parse(id).map(ClaimsRef::Story);
        }
        let (channel, thread_ts) = value.strip_prefix("thread:")?.split_once(':')?;
        let channel_ok =
            (1..=24).contains(&channel.len()) && channel.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        let (secs, micros) = thread_ts.split_once('.')?;
        let digits = |s: &str| (1..=12).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit());
        (channel_ok && digits(secs) && digits(micros))
            .then(|| ClaimsRef::Thread { channel: channel.into(), thread_ts: thread_ts.into() })
    }
}

impl Work {
    fn lifetime(&self) -> TimeDelta {
        match self {
            Work::Command { .. } => COMMAND_LIFETIME,
            Work::Claims { .. } => COMMAND_LIFETIME,
            Work::Summarize { .. } | Work::MentionHelp { .. } => SUMMARY_LIFETIME,
        }
    }
}

/// Work as Slack delivered it: its id, and the `response_url` of a command.
#[derive(Debug)]
pub struct Incoming {
    pub id: String,
    pub work: Work,
    pub response_url: Option<Secret>,
}

/// Work taken from the queue (just accepted, or resumed after a restart).
#[derive(Debug)]
pub struct Job {
    pub id: String,
    pub work: Work,
    pub response_url: Option<Secret>,
    /// A command's answer, when it was applied before a restart.
    pub reply: Option<Reply>,
}

/// The callback id of the "Summarize thread" message shortcut in `slack/manifest.yml`.
pub const SUMMARIZE_SHORTCUT: &str = "summarize_thread";

/// Work for an Events API callback. Events the bot does not act on give `None` (and are
/// acknowledged all the same).
pub fn from_push(ev: &SlackPushEventCallback, bot_user: &str) -> Option<Incoming> {
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
    Some(Incoming { id: format!("event:{}", ev.event_id.0), work, response_url: None })
}

/// The words of a message, lower-cased, with `<@U…>` mentions removed.
fn words_without_mentions(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| !(w.starts_with("<@") && w.ends_with('>')))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != ';').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

pub fn from_command(ev: &SlackCommandEvent) -> Incoming {
    let work = Work::Command {
        channel: ev.channel_id.0.clone(),
        user: ev.user_id.0.clone(),
        text: ev.text.clone().unwrap_or_default(),
    };
    Incoming {
        id: format!("command:{}", ev.trigger_id.0),
        work,
        response_url: Some(Secret::new(ev.response_url.0.to_string())),
    }
}

pub fn from_interaction(ev: &SlackInteractionEvent) -> Option<Incoming> {
    let a = match ev {
        SlackInteractionEvent::MessageAction(a) => a,
        SlackInteractionEvent::BlockActions(b) => return from_block_actions(b),
        _ => return None,
    };
    if a.callback_id.0 != SUMMARIZE_SHORTCUT {
        return None;
    }
    let channel = a.channel.as_ref()?.id.0.clone();
    let message = a.message.as_ref()?;
    let thread_ts = message.origin.thread_ts.clone().unwrap_or_else(|| message.origin.ts.clone()).0;
    let work = Work::Summarize { channel, thread_ts, user: a.user.id.0.clone() };
    Some(Incoming { id: format!("shortcut:{}", a.trigger_id.0), work, response_url: None })
}

/// A click on an "All claims" button. A thread's list is only ever shown in that thread's own
/// channel, so a value naming another channel asks for nothing.
fn from_block_actions(b: &SlackInteractionBlockActionsEvent) -> Option<Incoming> {
    let action = b.actions.as_ref()?.iter().find(|a| a.action_id.0 == CLAIMS_ACTION)?;
    let of = ClaimsRef::parse(action.value.as_deref()?)?;
    let channel = match (&b.channel, &b.container) {
        (Some(c), _) => c.id.0.clone(),
        (None, SlackInteractionActionContainer::Message(m)) => m.channel_id.as_ref()?.0.clone(),
        (None, _) => return None,
    };
    if matches!(&of, ClaimsRef::Thread { channel: named, .. } if *named != channel) {
        return None;
    }
    let user = b.user.as_ref()?.id.0.clone();
    let thread_ts = b.message.as_ref().and_then(|m| m.origin.thread_ts.as_ref()).map(|t| t.0.clone());
    Some(Incoming {
        id: format!("action:{}", b.trigger_id.0),
        work: Work::Claims { channel, user, thread_ts, of },
        response_url: b.response_url.as_ref().map(|u| Secret::new(u.0.to_string())),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The queue is full; not acknowledging lets Slack redeliver it later.
    #[error("the work queue is full; Slack will redeliver the event")]
    Busy,
    #[error("the bot is shutting down; Slack will redeliver the event")]
    Closed,
    #[error(transparent)]
    Inbox(#[from] InboxError),
}

/// The ack path: write to the inbox, queue, return.
#[derive(Clone)]
pub struct Intake {
    commands: Commands,
    queue: mpsc::Sender<Job>,
}

impl Intake {
    pub fn new(commands: Commands, queue: mpsc::Sender<Job>) -> Self {
        Self { commands, queue }
    }

    /// Writes `incoming` to the inbox and queues it, unless its id was already handled. The queue
    /// slot is taken before the write, so work is never recorded and then dropped; the write comes
    /// before the caller acknowledges, so acknowledged work is never lost.
    pub async fn accept(&self, incoming: Incoming) -> Result<Accepted, IntakeError> {
        let permit = self.queue.try_reserve().map_err(|e| match e {
            mpsc::error::TrySendError::Full(()) => IntakeError::Busy,
            mpsc::error::TrySendError::Closed(()) => IntakeError::Closed,
        })?;
        let Incoming { id, work, response_url } = incoming;
        let accepted =
            self.commands.accept(PLATFORM, &id, &work, response_url.as_ref(), work.lifetime(), Utc::now()).await?;
        if accepted == Accepted::New {
            permit.send(Job { id, work, response_url, reply: None });
        }
        Ok(accepted)
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
        let incoming = from_push(&mention("<@UBOT> summarize please", Some("1700000000.000100")), "UBOT").unwrap();
        assert_eq!(incoming.id, "event:Ev1");
        assert_eq!(
            incoming.work,
            Work::Summarize { channel: "C1".into(), thread_ts: "1700000000.000100".into(), user: "U2".into() }
        );
    }

    fn click(value: &str, channel: &str) -> SlackInteractionEvent {
        serde_json::from_value(serde_json::json!({
            "type": "block_actions", "team": {"id": "T1", "domain": "acme"}, "api_app_id": "A1",
            "user": {"id": "U2", "team_id": "T1"}, "trigger_id": "123.456.abc",
            "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": channel, "is_ephemeral": false},
            "channel": {"id": channel, "name": "news"},
            "response_url": "https://hooks.slack.com/actions/T1/1/xyz",
            "actions": [{"type": "button", "action_id": CLAIMS_ACTION, "block_id": "b1", "value": value,
                         "text": {"type": "plain_text", "text": "All claims"}, "action_ts": "1700000001.000100"}]
        }))
        .unwrap()
    }

    #[test]
    fn a_click_on_all_claims_asks_for_the_list_it_names_and_nothing_else() {
        let incoming = from_interaction(&click("story:s-0123456789ab", "C1")).unwrap();
        assert_eq!(incoming.id, "action:123.456.abc");
        let story = ClaimsRef::Story(StoryRef::parse("s-0123456789ab").unwrap());
        assert_eq!(incoming.work, Work::Claims { channel: "C1".into(), user: "U2".into(), thread_ts: None, of: story });
        assert!(incoming.response_url.is_some());
        let thread = ClaimsRef::Thread { channel: "C1".into(), thread_ts: "1700000000.000100".into() };
        assert_eq!(ClaimsRef::parse(&thread.value()), Some(thread.clone()));
        assert!(from_interaction(&click(&thread.value(), "C1")).is_some());
        assert!(from_interaction(&click(&thread.value(), "C2")).is_none(), "another channel's thread");
        for forged in ["story:<!here>", "thread:C1:now", "thread:c1:1.2", "claims please"] {
            assert!(from_interaction(&click(forged, "C1")).is_none(), "{forged}");
        }
    }

    #[test]
    fn a_summary_asked_for_outside_a_thread_gets_help() {
        let work = from_push(&mention("<@UBOT> summarize", None), "UBOT").unwrap().work;
        assert!(matches!(work, Work::MentionHelp { outside_thread: true, .. }), "{work:?}");
        let work = from_push(&mention("<@UBOT> hello", Some("1.2")), "UBOT").unwrap().work;
        assert!(matches!(work, Work::MentionHelp { outside_thread: false, .. }), "{work:?}");
    }
}
