//! The "All claims" button (issue 12) end to end: the whole app started in-process against the fake
//! Slack and the fake Discord and a local feed, a story posted with the button, and the button
//! clicked the way each platform sends a click. Slack over HTTP (a signed `block_actions` form; a
//! bad signature refused with 401), Slack over Socket Mode (an `interactive` envelope, acknowledged),
//! and Discord over the gateway (a MESSAGE_COMPONENT interaction, answered ephemerally). The list
//! shows every claim with its mark in reader words and its source, to the clicker only; a story the
//! bot no longer keeps is answered as gone; a thread summary has the same button, which reads the
//! thread again (Slack and Discord), and on Discord a second one that shares the summary in the
//! channel.

mod support;

use layoffwatch::app::App;
use layoffwatch::config::Settings;
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;
use support::fake_discord::{self, Control, FakeDiscord};
use support::fake_slack::{FakeSlack, Posted};
use support::feeds::{FeedServer, item, minutes_ago};
use tokio::sync::oneshot;

const PATIENCE: Duration = Duration::from_secs(60);
const SLACK_CHANNEL: &str = "C0STORIES1";
const DISCORD_CHANNEL: u64 = 100;
const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const CLICKER: &str = "UREADER001";

/// One story with four claims of four kinds, more than a first post shows: the company's own word,
/// an outlet's report on unnamed people (hedged), the writer's opinion, and an anonymous account.
fn story_item() -> String {
    item(
        "quillon-300",
        "wire.example",
        "Quillon Systems to cut 300 support jobs as AI agents answer tickets",
        "Quillon Systems will cut 300 customer-support jobs after AI agents took over most of its tickets, the company said in a statement on Tuesday. \
         The cuts could reach 500 by the summer, according to two people familiar with the plans. \
         Critics have long argued the company over-hired during the pandemic. \
         An anonymous account on X claims the sales team is next.",
        minutes_ago(1),
    )
}

/// Words only the labeller uses: none may reach a reader.
const INTERNAL: &[&str] =
    &["anonymous-sources", "unverified-social", "weasel", "\"outlet\"", "reasons", "s-0", "revision"];

fn settings(vars: &[(&str, String)]) -> Settings {
    let env: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    Settings::load(None, &|k| env.get(k).cloned()).expect("valid test settings")
}

fn base(dir: &Path, feed: &str) -> Vec<(&'static str, String)> {
    vec![
        ("LAYOFFWATCH_DB", dir.join("db.sqlite").display().to_string()),
        ("LAYOFFWATCH_FEEDS", feed.to_string()),
        ("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true".into()),
        ("LAYOFFWATCH_HTTP_ADDR", "127.0.0.1:0".into()),
        ("LAYOFFWATCH_CONSOLE", "false".into()),
        ("LAYOFFWATCH_POLL_SECONDS", "1".into()),
    ]
}

fn slack_env(slack: &FakeSlack, http: bool) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("SLACK_BOT_TOKEN", "xoxb-test-token".to_string()),
        ("SLACK_API_URL", slack.api_url()),
        ("SLACK_CHANNEL", SLACK_CHANNEL.into()),
    ];
    if http {
        env.extend([("SLACK_MODE", "http".to_string()), ("SLACK_SIGNING_SECRET", SECRET.into())]);
    } else {
        env.push(("SLACK_APP_TOKEN", "xapp-test-token".into()));
    }
    env
}

struct Running {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), layoffwatch::app::AppError>>,
}

fn run(app: App) -> Running {
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    Running { stop, task }
}

impl Running {
    async fn stop(self) {
        let _ = self.stop.send(());
        let ended = tokio::time::timeout(PATIENCE, self.task).await.expect("the app stops").expect("no panic");
        ended.expect("the app stops cleanly");
    }
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "waited {PATIENCE:?} for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A feed whose first poll finds nothing; the story is added once the bot has polled it.
async fn empty_feed() -> FeedServer {
    let feeds = FeedServer::start().await;
    feeds.feed("wire", "Example Wire");
    feeds
}

async fn publish_story(feeds: &FeedServer) {
    wait_for("the first poll", || feeds.hits("wire") >= 1).await;
    feeds.add("wire", story_item());
}

async fn slack_story(slack: &FakeSlack) -> Posted {
    wait_for("the story in Slack", || {
        slack.bot_messages().iter().any(|m| m.channel == SLACK_CHANNEL && m.blocks.to_string().contains("Quillon"))
    })
    .await;
    slack.bot_messages().into_iter().find(|m| m.channel == SLACK_CHANNEL).unwrap()
}

/// Every ephemeral's text (blocks included) sent to `user` so far, joined.
fn ephemeral_text(slack: &FakeSlack, user: &str) -> String {
    slack
        .ephemerals()
        .iter()
        .filter(|e| e["user"] == user)
        .map(|e| format!("{} {}", e["text"], e["blocks"]))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The list as a reader sees it: every claim of the story, each with its mark in reader words and
/// its source, and no word of the labeller's own.
fn assert_full_list(text: &str) {
    for claim in ["will cut 300 customer-support jobs", "could reach 500", "over-hired", "sales team is next"] {
        assert!(text.contains(claim), "{claim:?} missing from the list: {text}");
    }
    assert!(text.contains("✅"), "sourced claims are marked: {text}");
    assert!(text.contains("❔"), "unconfirmed claims are marked: {text}");
    assert!(text.contains("Quillon Systems"), "the company's claim names its source: {text}");
    assert!(text.contains("citing two people"), "the anonymous report says whom it cites: {text}");
    assert!(text.contains("anonymous account"), "the social-media claim says why in reader words: {text}");
    for word in INTERNAL {
        assert!(!text.contains(word), "internal word {word:?} shown: {text}");
    }
}

#[tokio::test]
async fn a_slack_click_over_http_shows_the_full_list_to_the_clicker_only_and_a_bad_signature_is_refused() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let feeds = empty_feed().await;
    let slack = FakeSlack::start().await;
    let mut env = base(dir.path(), &feeds.url("wire"));
    env.extend(slack_env(&slack, true));
    let app = App::build(settings(&env)).await.unwrap();
    let interactions = format!("http://{}/slack/interactions", app.local_addr().unwrap());
    let running = run(app);
    publish_story(&feeds).await;
    let post = slack_story(&slack).await;
    let posted = post.blocks.to_string();
    assert!(posted.contains("\"action_id\":\"layoffwatch_claims\""), "the post has the button: {posted}");
    assert!(!posted.contains("sales team is next"), "the first post leaves the fourth claim to the list: {posted}");

    let click = slack.block_actions(&post, CLICKER, "layoffwatch_claims", "trig-1").expect("a button to click");
    assert!(click["actions"][0]["value"].as_str().unwrap().starts_with("story:"), "a reference, not text: {click}");

    let (status, _) = slack.send_interaction(&interactions, "not-the-signing-secret", &click).await;
    assert_eq!(status, 401, "a click not signed with the app's secret is refused");

    let (status, _) = slack.send_interaction(&interactions, SECRET, &click).await;
    assert_eq!(status, 200);
    wait_for("the claim list", || !ephemeral_text(&slack, CLICKER).is_empty()).await;
    assert_eq!(slack.ephemerals().len(), 1, "only the signed click was answered");
    assert_eq!(slack.ephemerals()[0]["channel"], SLACK_CHANNEL);
    assert_full_list(&ephemeral_text(&slack, CLICKER));

    let mut stale = slack.block_actions(&post, "UREADER002", "layoffwatch_claims", "trig-2").unwrap();
    stale["actions"][0]["value"] = json!("story:s-000000000000");
    let (status, _) = slack.send_interaction(&interactions, SECRET, &stale).await;
    assert_eq!(status, 200);
    wait_for("the stale answer", || !ephemeral_text(&slack, "UREADER002").is_empty()).await;
    assert!(ephemeral_text(&slack, "UREADER002").contains("That story is no longer kept"));

    assert!(slack.violations().is_empty(), "{:?}", slack.violations());
    let all = format!("{:?}", slack.ephemerals());
    assert!(!all.contains("<!channel>") && !all.contains("<!here>"), "nothing can ping: {all}");
    running.stop().await;
}

#[tokio::test]
async fn a_slack_click_over_socket_mode_is_acknowledged_and_answered() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let feeds = empty_feed().await;
    let slack = FakeSlack::start().await;
    let mut env = base(dir.path(), &feeds.url("wire"));
    env.extend(slack_env(&slack, false));
    let app = App::build(settings(&env)).await.unwrap();
    let running = run(app);
    slack.connected().await;
    publish_story(&feeds).await;
    let post = slack_story(&slack).await;
    let click = slack.block_actions(&post, CLICKER, "layoffwatch_claims", "trig-socket").unwrap();
    let envelope = slack.send_envelope("interactive", "env-click-1", click, 0);
    let ack = slack.ack_of(&envelope).await;
    assert_eq!(ack["envelope_id"], "env-click-1");
    wait_for("the claim list", || !ephemeral_text(&slack, CLICKER).is_empty()).await;
    assert_full_list(&ephemeral_text(&slack, CLICKER));
    assert!(slack.violations().is_empty(), "{:?}", slack.violations());
    running.stop().await;
}

#[tokio::test]
async fn a_slack_thread_summary_carries_the_button_and_a_click_reads_the_thread_again() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let feeds = empty_feed().await;
    let slack = FakeSlack::start().await;
    let parent = slack.seed(SLACK_CHANNEL, None, "UPOSTER001", "Anyone know what's going on at Initech?");
    for (user, text) in [
        ("UPOSTER002", "Initech confirmed 400 layoffs in a statement https://news.example/initech-layoffs"),
        ("UPOSTER003", "my manager says the whole support org is getting cut next week"),
        ("UPOSTER004", "I heard from a friend that recruiting is next"),
    ] {
        slack.seed(SLACK_CHANNEL, Some(&parent), user, text);
    }
    let mut env = base(dir.path(), &feeds.url("wire"));
    env.extend(slack_env(&slack, false));
    let running = run(App::build(settings(&env)).await.unwrap());
    slack.connected().await;
    let mention = FakeSlack::event_wrapper(
        "Ev0CLAIMS01",
        json!({"type": "app_mention", "user": "UASKER0001", "text": format!("<@{}> summarize", support::fake_slack::BOT_USER),
               "ts": "1800000000.000100", "thread_ts": parent, "channel": SLACK_CHANNEL, "event_ts": "1800000000.000100"}),
    );
    slack.send_envelope("events_api", "env-mention", mention, 0);
    let summary = || {
        slack.bot_messages().into_iter().find(|m| {
            m.thread_ts.as_deref() == Some(parent.as_str()) && m.blocks.to_string().contains("layoffwatch_claims")
        })
    };
    wait_for("the summary with its button", || summary().is_some()).await;
    let summary = summary().unwrap();
    let click = slack.block_actions(&summary, CLICKER, "layoffwatch_claims", "trig-thread").unwrap();
    assert_eq!(click["actions"][0]["value"], format!("thread:{SLACK_CHANNEL}:{parent}"), "channel and thread ts only");
    let replies_before = slack.requests("conversations.replies").len();
    slack.send_envelope("interactive", "env-thread-click", click, 0);
    slack.ack_of("env-thread-click").await;
    wait_for("the thread's claims", || ephemeral_text(&slack, CLICKER).contains("recruiting is next")).await;
    assert!(slack.requests("conversations.replies").len() > replies_before, "the thread was read again");
    let list = ephemeral_text(&slack, CLICKER);
    assert!(list.contains("support org is getting cut") && list.contains("400 layoffs"), "{list}");
    assert!(list.contains("hearsay"), "why, in reader words: {list}");
    assert!(
        list.contains(&format!("https://acme.slack.com/archives/{SLACK_CHANNEL}/p")),
        "each claim links its message: {list}"
    );
    assert_eq!(slack.ephemerals()[0]["thread_ts"], parent, "shown in the thread it lists");
    for word in INTERNAL {
        assert!(!list.contains(word), "internal word {word:?} shown: {list}");
    }
    assert!(slack.violations().is_empty(), "{:?}", slack.violations());
    running.stop().await;
}

fn discord_env(discord: &FakeDiscord) -> Vec<(&'static str, String)> {
    vec![
        ("DISCORD_TOKEN", "MTIzNDU2Nzg5MDEy.GaBcDe.abcdefghijklmnopqrstuvwxyz_0123456789".into()),
        ("DISCORD_API_URL", discord.url()),
        ("DISCORD_CHANNEL", DISCORD_CHANNEL.to_string()),
        ("DISCORD_AUTOSHARD", "false".into()),
    ]
}

/// The deferred answer of interaction `id` as edited in, and its follow-ups, as text.
fn answer_of(discord: &FakeDiscord, token: &str) -> String {
    discord
        .requests()
        .iter()
        .filter(|r| r.path.contains(&format!("/{token}")) && r.path.starts_with("/webhooks/"))
        .map(|r| r.body.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn deferred_ephemerally(discord: &FakeDiscord, id: u64) -> bool {
    discord
        .requests_to("POST", &format!("/interactions/{id}/"))
        .iter()
        .any(|r| r.body["type"] == 5 && r.body["data"]["flags"] == 64)
}

#[tokio::test]
async fn a_discord_click_answers_the_clicker_alone_with_every_claim_and_a_stale_story_is_gone() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let feeds = empty_feed().await;
    let discord = FakeDiscord::start().await;
    discord.add_channel(DISCORD_CHANNEL, 0, json!({}));
    let mut env = base(dir.path(), &feeds.url("wire"));
    env.extend(discord_env(&discord));
    let running = run(App::build(settings(&env)).await.unwrap());
    discord.wait_for("the gateway identify", |d| !d.gateway_ops(2).is_empty()).await;
    publish_story(&feeds).await;
    discord.wait_for("the story", |d| !d.messages(DISCORD_CHANNEL).is_empty()).await;
    let post = discord.messages(DISCORD_CHANNEL).remove(0);
    let ids = fake_discord::custom_ids(&post);
    assert_eq!(ids.len(), 1, "one button on the post: {post}");
    assert!(ids[0].starts_with("claims:story:") && ids[0].len() <= 100, "{ids:?}");

    let click = fake_discord::button_click(5_001, 0, &post, &ids[0]).unwrap();
    discord.send(Control::Dispatch("INTERACTION_CREATE", click));
    discord.wait_for("the list", |d| answer_of(d, "token-5001").contains("sales team is next")).await;
    assert!(deferred_ephemerally(&discord, 5_001), "answered to the clicker only");
    assert_full_list(&answer_of(&discord, "token-5001"));

    let mut gone = post.clone();
    gone["components"][0]["components"][0]["custom_id"] = json!("claims:story:s-000000000000");
    let click = fake_discord::button_click(5_002, 0, &gone, "claims:story:s-000000000000").unwrap();
    discord.send(Control::Dispatch("INTERACTION_CREATE", click));
    discord.wait_for("the stale answer", |d| answer_of(d, "token-5002").contains("no longer kept")).await;
    assert!(deferred_ephemerally(&discord, 5_002));

    assert_eq!(discord.messages(DISCORD_CHANNEL).len(), 1, "nothing was posted for everyone");
    discord.assert_bodies_valid();
    discord.assert_pings_nobody();
    running.stop().await;
}

#[tokio::test]
async fn a_discord_thread_summary_lists_its_claims_and_shares_itself_in_the_channel_on_request() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let feeds = empty_feed().await;
    let discord = FakeDiscord::start().await;
    discord.add_channel(DISCORD_CHANNEL, 0, json!({}));
    let thread: u64 = 300;
    discord.add_channel(thread, 11, json!({"parent_id": DISCORD_CHANNEL.to_string()}));
    discord.seed_messages(
        thread,
        [
            "Reuters reported that Quillon Systems will cut 300 support jobs https://wire.example/quillon".to_string(),
            "a friend at Quillon says the sales org is next".to_string(),
            "my manager says the sales org is next, probably in March".to_string(),
            "honestly this is all AI-washing @everyone".to_string(),
        ],
    );
    let mut env = base(dir.path(), &feeds.url("wire"));
    env.extend(discord_env(&discord));
    let running = run(App::build(settings(&env)).await.unwrap());
    discord.wait_for("the gateway identify", |d| !d.gateway_ops(2).is_empty()).await;

    discord.send(Control::Dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash(6_001, thread, 11, 0, "summarize", json!([])),
    ));
    discord.wait_for("the summary", |d| answer_of(d, "token-6001").contains("embeds")).await;
    let summary = discord
        .requests_to("PATCH", "/token-6001/messages/@original")
        .into_iter()
        .find(|r| r.body["embeds"].is_array())
        .unwrap()
        .body;
    let ids = fake_discord::custom_ids(&summary);
    assert_eq!(ids.len(), 2, "All claims and Share in channel: {summary}");
    let shown = fake_discord::message(
        6_100,
        thread,
        "",
        summary["embeds"].clone(),
        fake_discord::user(fake_discord::BOT_ID, "layoffwatch", true),
    );
    let mut shown = shown;
    shown["components"] = summary["components"].clone();

    let claims = ids.iter().find(|i| i.starts_with("claims:")).unwrap();
    discord
        .send(Control::Dispatch("INTERACTION_CREATE", fake_discord::button_click(6_002, 11, &shown, claims).unwrap()));
    discord.wait_for("the thread's claims", |d| answer_of(d, "token-6002").contains("sales org is next")).await;
    let list = answer_of(&discord, "token-6002");
    assert!(list.contains("✅") && list.contains("❔"), "{list}");
    assert!(list.contains("https://discord.com/channels/"), "each claim links its message: {list}");
    assert!(deferred_ephemerally(&discord, 6_002));

    let before = discord.messages(thread).len();
    let share = ids.iter().find(|i| i.starts_with("share:")).unwrap();
    discord
        .send(Control::Dispatch("INTERACTION_CREATE", fake_discord::button_click(6_003, 11, &shown, share).unwrap()));
    discord.wait_for("the shared summary", |d| d.messages(thread).len() > before).await;
    discord.wait_for("the sharer told", |d| answer_of(d, "token-6003").contains("Shared")).await;
    let shared = discord.messages(thread).last().cloned().unwrap();
    assert_eq!(shared["embeds"], summary["embeds"], "the summary the asker saw, now for everyone");

    discord.assert_bodies_valid();
    discord.assert_pings_nobody();
    running.stop().await;
}
