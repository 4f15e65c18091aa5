//! The bot in Socket Mode against the fake Slack's websocket: every `/layoffs` command (with its
//! permission rules and ephemeral replies), a thread summary of a 300-message thread read page by
//! page, the "Summarize thread" shortcut, and a redelivered envelope done once. Every envelope the fake
//! sends is checked against the Events API wrapper schema, every request the bot sends against the
//! Web API spec.

mod support;

use layoffwatch::store::{DigestMode, Store};
use serde_json::{Value, json};
use std::sync::Arc;
use support::fake_slack::{BOT_USER, FakeSlack, wait_for};
use tokio::sync::oneshot;

const CHANNEL: &str = "C0000000001";
const ADMIN: &str = "UADMIN0001";
const CREATOR: &str = "UCREATOR01";
const MEMBER: &str = "UMEMBER001";

fn command(trigger: &str, user: &str, text: &str) -> Value {
    json!({
        "token": "unused", "team_id": "T0000001", "team_domain": "acme", "channel_id": CHANNEL,
        "channel_name": "layoffs", "user_id": user, "user_name": "someone", "command": "/layoffs",
        "text": text, "api_app_id": "A0000001", "is_enterprise_install": "false",
        "response_url": "https://hooks.slack.com/commands/T0000001/1/abc", "trigger_id": trigger,
    })
}

/// Sends a command and returns the ephemeral reply it got.
async fn run(fake: &FakeSlack, n: usize, user: &str, text: &str) -> String {
    let before = fake.ephemerals().len();
    let envelope =
        fake.send_envelope("slash_commands", &format!("env-cmd-{n}"), command(&format!("trig-{n}"), user, text), 0);
    fake.ack_of(&envelope).await;
    wait_for(|| fake.ephemerals().len() > before).await;
    let reply = fake.ephemerals()[before].clone();
    assert_eq!(reply["user"], user, "the reply goes to the person who asked");
    assert_eq!(reply["channel"], CHANNEL);
    reply["blocks"].to_string()
}

struct Running {
    stop: oneshot::Sender<()>,
    served: tokio::task::JoinHandle<()>,
}

async fn start(fake: &FakeSlack, store: layoffwatch::store::SqliteStore) -> Running {
    let bot = support::bot(fake, store, &[]).await;
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn({
        let bot = Arc::clone(&bot);
        async move {
            bot.serve(async {
                let _ = stopped.await;
            })
            .await
            .unwrap()
        }
    });
    fake.connected().await;
    Running { stop, served }
}

impl Running {
    /// Stops the bot; returns once the work already acknowledged is done.
    async fn stop(self) {
        let _ = self.stop.send(());
        self.served.await.unwrap();
    }
}

#[tokio::test]
async fn every_command_replies_ephemerally_and_changes_the_stored_subscriptions() {
    let fake = FakeSlack::start().await;
    fake.make_admin(ADMIN);
    fake.set_creator(CHANNEL, CREATOR);
    let store = support::store().await;
    let bot = start(&fake, store.clone()).await;

    let help = run(&fake, 1, MEMBER, "help").await;
    assert!(help.contains("/layoffs subscribe") && help.contains("digest"), "{help}");

    let reply = run(&fake, 2, ADMIN, "subscribe https://feeds.example/ai-layoffs.xml").await;
    assert!(reply.contains("Subscribed this channel"), "{reply}");
    let reply = run(&fake, 3, CREATOR, "subscribe tech-news").await;
    assert!(reply.contains("tech-news"), "{reply}");
    let subs = store.subscriptions_for_channel("slack", CHANNEL).await.unwrap();
    assert_eq!(subs.len(), 4, "one feed and a three-feed preset: {subs:?}");
    assert!(subs.iter().all(|s| s.platform == "slack"));
    assert_eq!(subs.iter().find(|s| s.feed.contains("feeds.example")).unwrap().added_by, ADMIN);

    let refused = run(&fake, 4, MEMBER, "subscribe https://feeds.example/other.xml").await;
    assert!(refused.contains("Only workspace admins and this channel's creator"), "{refused}");
    let metadata = run(&fake, 5, ADMIN, "subscribe http://169.254.169.254/latest/meta-data").await;
    assert!(metadata.contains("won't fetch"), "{metadata}");
    let not_a_url = run(&fake, 6, ADMIN, "subscribe feeds.example/rss").await;
    assert!(
        not_a_url.contains("expected https://") && not_a_url.contains("/layoffs subscribe https://"),
        "{not_a_url}"
    );
    assert_eq!(store.subscriptions_for_channel("slack", CHANNEL).await.unwrap().len(), 4, "refusals changed nothing");

    let list = run(&fake, 7, MEMBER, "list").await;
    assert!(list.contains("4 feed(s)") && list.contains("feeds.example/ai-layoffs.xml"), "{list}");

    let digest = run(&fake, 8, ADMIN, "digest daily 09:30").await;
    assert!(digest.contains("daily 09:30"), "{digest}");
    assert_eq!(store.get_digest("slack", CHANNEL).await.unwrap(), Some("daily 09:30".parse::<DigestMode>().unwrap()));
    let bad_digest = run(&fake, 9, ADMIN, "digest weekly").await;
    assert!(bad_digest.contains("/layoffs digest daily 09:00"), "{bad_digest}");

    let one = run(&fake, 10, ADMIN, "unsubscribe https://feeds.example/ai-layoffs.xml").await;
    assert!(one.contains("Unsubscribed"), "{one}");
    assert_eq!(store.subscriptions_for_channel("slack", CHANNEL).await.unwrap().len(), 3);
    let all = run(&fake, 11, CREATOR, "unsubscribe").await;
    assert!(all.contains("Unsubscribed"), "{all}");
    assert!(store.subscriptions_for_channel("slack", CHANNEL).await.unwrap().is_empty());

    let unknown = run(&fake, 12, MEMBER, "frobnicate").await;
    assert!(unknown.contains("/layoffs help"), "{unknown}");

    bot.stop().await;
    assert_eq!(fake.violations(), Vec::<String>::new());
}

/// A 300-message thread of invented chat about an invented company's layoffs.
fn seed_thread(fake: &FakeSlack) -> String {
    let parent = fake.seed(CHANNEL, None, "UPOSTER001", "Anyone know what's going on at Initech?");
    let lines = [
        "Initech confirmed 400 layoffs in a statement https://news.example/initech-layoffs",
        "my manager says the whole support org is getting cut next week",
        "honestly they'll cut more by spring, AI agents are replacing the help desk",
        "The WARN notice filed in Ohio lists 180 affected workers https://warn.example/oh/initech",
        "I heard from a friend that recruiting is next",
        "this is pure AI-washing if you ask me",
    ];
    for i in 0..299 {
        fake.seed(CHANNEL, Some(&parent), &format!("U{:08}", 100 + i % 7), lines[i % lines.len()]);
    }
    parent
}

fn mention(thread: &str, event_id: &str) -> Value {
    FakeSlack::event_wrapper(
        event_id,
        json!({"type": "app_mention", "user": "UASKER0001", "text": format!("<@{BOT_USER}> summarize"),
               "ts": "1800000000.000100", "thread_ts": thread, "channel": CHANNEL, "event_ts": "1800000000.000100"}),
    )
}

#[tokio::test]
async fn a_mention_in_a_long_thread_gets_one_summary_with_marks_and_permalinks() {
    let fake = FakeSlack::start().await;
    let thread = seed_thread(&fake);
    let bot = start(&fake, support::store().await).await;

    let first = fake.send_envelope("events_api", "env-1", mention(&thread, "Ev0SUMMARY1"), 0);
    let ack = fake.ack_of(&first).await;
    assert_eq!(ack, json!({"envelope_id": "env-1"}), "acknowledged with the envelope id only");
    let summary_in_thread = || {
        fake.bot_messages().into_iter().filter(|m| m.thread_ts.as_deref() == Some(thread.as_str())).collect::<Vec<_>>()
    };
    wait_for(|| !summary_in_thread().is_empty()).await;
    // Slack redelivers the same event in a new envelope (as if the ack were lost).
    let again = fake.send_envelope("events_api", "env-2", mention(&thread, "Ev0SUMMARY1"), 1);
    fake.ack_of(&again).await;
    bot.stop().await;

    let replies = fake.requests("conversations.replies");
    assert!(replies.len() >= 2, "300 messages take two pages of 200");
    assert!(replies.iter().any(|r| r.params.get("cursor").is_some()), "the second page was asked for by cursor");

    let posted = summary_in_thread();
    let summaries: Vec<_> = posted.iter().filter(|m| m.blocks.to_string().contains("Thread summary")).collect();
    assert_eq!(summaries.len(), 1, "the redelivered event was not summarized twice");
    let text: String = posted.iter().map(|m| m.blocks.to_string()).collect();
    assert!(text.contains('✅') && text.contains("Unconfirmed"), "{text}");
    assert!(text.contains("hearsay"), "the manager rumour is marked speculative with its reason: {text}");
    assert!(
        text.contains(&format!("https://acme.slack.com/archives/{CHANNEL}/p")),
        "permalinks to cited messages: {text}"
    );
    assert!(text.contains("300 messages"), "{text}");
    assert_eq!(fake.violations(), Vec::<String>::new());
}

#[tokio::test]
async fn the_message_shortcut_summarizes_the_thread_it_was_used_on() {
    let fake = FakeSlack::start().await;
    let thread = fake.seed(CHANNEL, None, "UPOSTER001", "Initech confirmed 400 layoffs https://news.example/initech");
    let reply = fake.seed(CHANNEL, Some(&thread), "UPOSTER002", "I heard support is next");
    let bot = start(&fake, support::store().await).await;

    let payload = json!({
        "type": "message_action", "token": "unused", "action_ts": "1800000000.1",
        "team": {"id": "T0000001", "domain": "acme"}, "user": {"id": "UASKER0001", "username": "asker", "team_id": "T0000001"},
        "channel": {"id": CHANNEL, "name": "layoffs"}, "callback_id": "summarize_thread", "trigger_id": "trig-shortcut-1",
        "response_url": "https://hooks.slack.com/app/T0000001/1/abc",
        "message": {"type": "message", "user": "UPOSTER002", "ts": reply, "thread_ts": thread, "text": "I heard support is next"},
    });
    let envelope = fake.send_envelope("interactive", "env-shortcut", payload, 0);
    fake.ack_of(&envelope).await;
    bot.stop().await;

    let summaries: Vec<_> = fake
        .bot_messages()
        .into_iter()
        .filter(|m| m.thread_ts.as_deref() == Some(thread.as_str()) && m.blocks.to_string().contains("Thread summary"))
        .collect();
    assert_eq!(summaries.len(), 1);
    assert_eq!(fake.violations(), Vec::<String>::new());
}

/// Acknowledged work survives a crash: a command and a summary request that were written to the inbox
/// (and acknowledged) by a process killed before doing them are done by the next start, once each,
/// and a summary posted just before a crash is found in the thread rather than posted again.
#[tokio::test]
async fn work_acknowledged_before_a_crash_is_done_after_the_restart_once() {
    use chrono::{TimeDelta, Utc};
    use layoffwatch::adapters::slack::events::Work;

    let fake = FakeSlack::start().await;
    fake.make_admin(ADMIN);
    let thread = fake.seed(CHANNEL, None, "UPOSTER001", "Initech confirmed 400 layoffs https://news.example/initech");
    fake.seed(CHANNEL, Some(&thread), "UPOSTER002", "my manager says support is next");
    let store = support::store().await;
    let layer = support::commands(store.clone(), true);
    let now = Utc::now();
    let subscribe = Work::Command {
        channel: CHANNEL.into(),
        user: ADMIN.into(),
        text: "subscribe https://wire.example/rss".into(),
    };
    layer.accept("slack", "command:trig-crash", &subscribe, None, TimeDelta::minutes(30), now).await.unwrap();
    let summarize = Work::Summarize { channel: CHANNEL.into(), thread_ts: thread.clone(), user: MEMBER.into() };
    layer.accept("slack", "event:Ev0CRASH01", &summarize, None, TimeDelta::hours(1), now).await.unwrap();

    let bot = start(&fake, store.clone()).await;
    wait_for(|| !fake.ephemerals().is_empty()).await;
    wait_for(|| summaries(&fake, &thread) == 1).await;
    bot.stop().await;
    let reply = fake.ephemerals()[0]["blocks"].to_string();
    assert!(reply.contains("Subscribed this channel to"), "{reply}");
    assert_eq!(store.subscriptions_for_channel("slack", CHANNEL).await.unwrap().len(), 1);
    assert!(store.inbox_entries("slack").await.unwrap().is_empty(), "answered work leaves the inbox");

    // A crash between posting the summary and forgetting the work: the work is still in the inbox.
    store.prune_events(Utc::now() + TimeDelta::seconds(1)).await.unwrap();
    layer.accept("slack", "event:Ev0CRASH01", &summarize, None, TimeDelta::hours(1), Utc::now()).await.unwrap();
    let bot = start(&fake, store.clone()).await;
    for _ in 0..600 {
        if store.inbox_entries("slack").await.unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(store.inbox_entries("slack").await.unwrap().is_empty(), "the resumed work was done");
    bot.stop().await;
    assert_eq!(summaries(&fake, &thread), 1, "the summary already in the thread is not posted again");
    assert_eq!(fake.violations(), Vec::<String>::new());
}

fn summaries(fake: &FakeSlack, thread: &str) -> usize {
    fake.bot_messages()
        .iter()
        .filter(|m| m.thread_ts.as_deref() == Some(thread) && m.blocks.to_string().contains("Thread summary"))
        .count()
}
