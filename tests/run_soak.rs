//! Kill -9 soaks of the real `layoffwatch run` binary, with the Slack bot in Socket Mode and with the
//! Discord bot on its gateway.
//!
//! Slack: the fake Slack
//! (which, like Slack, returns message metadata only when asked) lives in this process and outlives
//! every kill. While a feed server releases stories (a first report, a second outlet, a revised figure
//! that edits the post), slash commands and thread-summary mentions arrive over the socket, and the
//! bot is killed at seeded random moments: after a random delay, or by the fake itself right after it
//! recorded a chat.postMessage and before answering it (between a chat write and the bot's record of
//! it). An envelope the bot did not acknowledge before dying is sent again, as Slack would.
//!
//! At the end, after a last run left alone: nothing lost (every delivery in the outbox sent and found
//! in the channel, every revision edited in, every acknowledged command applied and answered, every
//! acknowledged summary posted) and nothing twice (no delivery key and piece posted twice, one summary
//! per request, the inbox empty).
//!
//! Discord: the same stories into a text channel, `/layoffs subscribe` and `/layoffs summarize`
//! interactions over the gateway, kills at seeded moments (some by the fake right after it created a
//! message). The fake honours no nonce (as Discord after a few minutes), so only the bot's read-back
//! keeps a retry from posting twice. At the end: every sent delivery in the channel (by its nonce),
//! none twice, every edit applied, every acknowledged command applied once, every acknowledged summary
//! edited into its answer, the inbox empty.
//!
//! The seed is printed; `LAYOFFWATCH_SOAK_SEED` replays one. CI runs about 30 kills within 3 minutes;
//! the 100-kill version: `LAYOFFWATCH_SOAK_KILLS=100 cargo test --test run_soak -- --nocapture`.

mod support;

use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::Duration;
use support::fake_discord::{self, Control, FakeDiscord};
use support::fake_slack::{FakeSlack, Posted};
use support::soak::{COMPANIES, Soak, deliveries_to, pause, revised_figures, subscriptions, within};

/// The channel stories go to (`SLACK_CHANNEL`).
const LIVE: &str = "C0SOAK0001";
/// The channel whose feeds the slash commands change.
const OTHER: &str = "C0SOAK0002";
const ADMIN: &str = "UADMIN0001";

fn slack_env(fake: &FakeSlack) -> [(&'static str, String); 4] {
    [
        ("SLACK_BOT_TOKEN", "xoxb-soak-bot-token".into()),
        ("SLACK_APP_TOKEN", "xapp-soak-app-token".into()),
        ("SLACK_API_URL", fake.api_url()),
        ("SLACK_CHANNEL", LIVE.into()),
    ]
}

/// Envelopes sent and whether the bot acknowledged each.
#[derive(Default)]
struct Sent {
    /// trigger or event id → (envelope kind, payload, acknowledged)
    all: Vec<(String, &'static str, Value, bool)>,
}

fn slash(trigger: &str, text: &str) -> Value {
    json!({
        "token": "unused", "team_id": "T0000001", "team_domain": "acme", "channel_id": OTHER,
        "channel_name": "other", "user_id": ADMIN, "user_name": "admin", "command": "/layoffs",
        "text": text, "api_app_id": "A0000001", "is_enterprise_install": "false",
        "response_url": "https://hooks.slack.com/commands/T0000001/1/abc", "trigger_id": trigger,
    })
}

fn mention(thread: &str, event_id: &str) -> Value {
    FakeSlack::event_wrapper(
        event_id,
        json!({"type": "app_mention", "user": "UASKER0001", "text": "<@UBOT00001> summarize please",
               "ts": format!("{thread}1"), "thread_ts": thread, "channel": LIVE, "event_ts": format!("{thread}1")}),
    )
}

fn key(m: &Posted) -> (String, String) {
    let md = m.metadata.clone().unwrap_or(Value::Null);
    (
        md["event_payload"]["key"].as_str().unwrap_or_default().to_string(),
        md["event_payload"]["part"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_at_seeded_moments_loses_nothing_and_repeats_nothing_through_slack() {
    let mut soak = Soak::new("slack").await;
    let seed = soak.seed;
    let fake = FakeSlack::start().await;
    fake.make_admin(ADMIN);
    let thread = fake.seed(LIVE, None, "UPOSTER001", "Initech confirmed 400 layoffs https://news.example/initech");
    fake.seed(LIVE, Some(&thread), "UPOSTER002", "my manager says support is next");
    let env = slack_env(&fake);

    // The first run remembers the (empty) backlog, so what is released later is news.
    let mut first = Some(soak.start(&env));
    soak.backlog_remembered().await;
    let mut sent = Sent::default();
    let (mut commands, mut mentions) = (0, 0);
    let mut by_post = 0;
    for round in 0..soak.kills {
        let bot = first.take().unwrap_or_else(|| soak.start(&env));
        let on_post = soak.rng.below(2) == 0;
        if on_post {
            fake.kill_on_next_post(bot.id().expect("running"));
        }
        let connections = fake.connections();
        let connected = within(Duration::from_secs(20), || fake.connections() > connections).await;
        soak.release_due(round);
        if connected {
            // What the last process did not acknowledge is sent again, as Slack redelivers.
            for (id, kind, payload, acked) in sent.all.iter_mut().filter(|s| !s.3) {
                let envelope = format!("env-{id}-{round}");
                fake.send_envelope(kind, &envelope, payload.clone(), 1);
                *acked = within(Duration::from_millis(500), || {
                    fake.acks().iter().any(|a| a["envelope_id"] == envelope.as_str())
                })
                .await;
            }
            if soak.rng.below(3) == 0 {
                commands += 1;
                let trigger = format!("trig-soak-{commands}");
                let feed = soak.quiet_feed(commands);
                sent.all.push((
                    trigger.clone(),
                    "slash_commands",
                    slash(&trigger, &format!("subscribe {feed}")),
                    false,
                ));
            }
            if soak.rng.below(4) == 0 {
                mentions += 1;
                let event = format!("Ev0SOAK{mentions:04}");
                sent.all.push((event.clone(), "events_api", mention(&thread, &event), false));
            }
            let fresh: Vec<usize> = (0..sent.all.len()).filter(|&i| !sent.all[i].3).collect();
            for i in fresh {
                let (id, kind, payload, _) = sent.all[i].clone();
                let envelope = format!("env-{id}-{round}-new");
                fake.send_envelope(kind, &envelope, payload, 0);
                // Acknowledgements are fast; one missing here means the kill came first.
                sent.all[i].3 = within(Duration::from_millis(300), || {
                    fake.acks().iter().any(|a| a["envelope_id"] == envelope.as_str())
                })
                .await;
            }
        }
        by_post += usize::from(soak.kill(bot, on_post, || fake.kill_pending()).await);
        fake.disarm();
    }
    println!(
        "kills: {}, of them between a chat write and its record: {by_post}; commands {commands}, summaries {mentions}",
        soak.kills
    );

    // A last run, left alone: released everything, re-sent what was never acknowledged.
    soak.release_all();
    let bot = soak.start(&env);
    let connections = fake.connections();
    assert!(within(Duration::from_secs(30), || fake.connections() >= connections.max(1)).await);
    pause(300).await;
    for (id, kind, payload, acked) in sent.all.iter_mut().filter(|s| !s.3) {
        let envelope = format!("env-{id}-final");
        fake.send_envelope(kind, &envelope, payload.clone(), 1);
        *acked =
            within(Duration::from_secs(10), || fake.acks().iter().any(|a| a["envelope_id"] == envelope.as_str())).await;
    }
    let pool = soak.settle(bot).await;

    // Nothing twice: no delivery key and piece is in the channel twice.
    let ours: Vec<Posted> = fake.bot_messages();
    let mut seen = HashSet::new();
    for m in &ours {
        let k = key(m);
        assert!(!k.0.is_empty(), "every bot post carries its delivery key: {m:?}");
        assert!(seen.insert(k.clone()), "{k:?} was posted twice (seed {seed})");
    }
    // Nothing lost: every post, reply and correction the outbox sent is in the channel, every edit
    // was applied, and every story of the feeds was posted.
    let keys: HashSet<String> = seen.iter().map(|(k, _)| k.clone()).collect();
    let mut posts = 0;
    for (k, kind) in deliveries_to(&pool, &format!("slack:{LIVE}")).await {
        if kind != "edit" {
            assert!(keys.contains(&k), "{kind} {k} was marked sent but is not in the channel (seed {seed})");
        }
        posts += usize::from(kind == "post");
    }
    assert_eq!(posts, COMPANIES.len(), "one story post per company (seed {seed})");
    let top: Vec<&Posted> = ours.iter().filter(|m| m.channel == LIVE && m.thread_ts.is_none()).collect();
    assert_eq!(top.len(), COMPANIES.len(), "{top:?}");
    for (c, figure) in revised_figures() {
        let post = top.iter().find(|m| m.blocks.to_string().contains(c)).unwrap_or_else(|| panic!("{c} was posted"));
        assert!(
            post.blocks.to_string().contains(&figure),
            "{c}'s post shows the revised {figure} (seed {seed}): {}",
            post.blocks
        );
        assert!(ours.iter().any(|m| m.thread_ts.as_deref() == Some(post.ts.as_str())), "{c}'s thread has its replies");
    }
    // Every acknowledged command applied (and answered), every acknowledged summary posted once.
    for (id, kind, payload, acked) in &sent.all {
        assert!(acked, "{id} was acknowledged in the end");
        if *kind == "slash_commands" {
            let feed = payload["text"].as_str().unwrap().trim_start_matches("subscribe ").to_string();
            assert_eq!(
                subscriptions(&pool, "slack", OTHER, &feed).await,
                1,
                "{id} subscribed {feed} once (seed {seed})"
            );
        } else {
            let summary = format!("summary/event:{id}");
            let found = ours.iter().filter(|m| key(m).0 == summary && key(m).1 == "0").count();
            assert_eq!(found, 1, "{id} was summarized once (seed {seed})");
        }
    }
    let answered = fake.ephemerals().iter().filter(|e| e["channel"] == OTHER).count();
    assert!(answered >= commands as usize, "every command was answered: {answered} replies for {commands} commands");
    assert_eq!(fake.violations(), Vec::<String>::new());
}

/// The Discord text channel stories go to (`DISCORD_CHANNEL`), and the one commands change.
const D_TEXT: u64 = 100;
const D_OTHER: u64 = 400;
const MANAGE_CHANNELS: u64 = 1 << 4;

fn discord_env(fake: &FakeDiscord) -> [(&'static str, String); 4] {
    [
        ("DISCORD_TOKEN", "MTIzNDU2Nzg5MDEy.GaBcDe.abcdefghijklmnopqrstuvwxyz_0123456789".into()),
        ("DISCORD_API_URL", fake.url()),
        ("DISCORD_CHANNEL", D_TEXT.to_string()),
        ("DISCORD_COMMANDS_GUILD", fake_discord::GUILD.to_string()),
    ]
}

/// The nonce the bot gives piece `piece` of delivery `key`.
fn nonce(key: &str, piece: usize) -> String {
    format!("{:016x}{piece}", xxhash_rust::xxh3::xxh3_64(key.as_bytes()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_at_seeded_moments_loses_nothing_and_repeats_nothing_through_discord() {
    let mut soak = Soak::new("discord").await;
    let seed = soak.seed;
    let fake = FakeDiscord::start().await;
    fake.add_channel(D_TEXT, 0, json!({}));
    fake.add_channel(D_OTHER, 0, json!({}));
    fake.seed_messages(
        D_TEXT,
        [
            "Initech confirmed 300 cuts https://news.example/initech".to_string(),
            "my manager says the whole org is next".into(),
        ],
    );
    fake.expire_nonces();
    let env = discord_env(&fake);
    let sessions = || fake.state.lock().unwrap().sessions;
    let answered = |id: u64| !fake.requests_to("POST", &format!("/interactions/{id}/")).is_empty();

    // The first run remembers the (empty) backlog, so what is released later is news.
    let mut first = Some(soak.start(&env));
    soak.backlog_remembered().await;
    // interaction id → (subscribed feed, or None for a summary; acknowledged)
    let mut interactions: Vec<(u64, Option<String>, bool)> = Vec::new();
    let mut next_id = 5_000u64;
    let mut by_post = 0;
    for round in 0..soak.kills {
        let bot = first.take().unwrap_or_else(|| soak.start(&env));
        let on_post = soak.rng.below(2) == 0;
        if on_post {
            fake.state.lock().unwrap().kill_on_post = Some(bot.id().expect("running"));
        }
        let before = sessions();
        let ready = within(Duration::from_secs(20), || sessions() > before).await;
        soak.release_due(round);
        if ready {
            if soak.rng.below(3) == 0 {
                next_id += 1;
                let feed = soak.quiet_feed(next_id);
                let options = json!([{"name": "feed", "type": 3, "value": feed}]);
                fake.send(Control::Dispatch(
                    "INTERACTION_CREATE",
                    fake_discord::slash(next_id, D_OTHER, 0, MANAGE_CHANNELS, "subscribe", options),
                ));
                let acked = within(Duration::from_millis(500), || answered(next_id)).await;
                interactions.push((next_id, Some(feed), acked));
            }
            if soak.rng.below(4) == 0 {
                next_id += 1;
                fake.send(Control::Dispatch(
                    "INTERACTION_CREATE",
                    fake_discord::slash(next_id, D_TEXT, 0, 0, "summarize", json!([])),
                ));
                let acked = within(Duration::from_millis(500), || answered(next_id)).await;
                interactions.push((next_id, None, acked));
            }
        }
        let pending = || fake.state.lock().unwrap().kill_on_post.is_some();
        by_post += usize::from(soak.kill(bot, on_post, pending).await);
        fake.state.lock().unwrap().kill_on_post = None;
    }
    println!(
        "kills: {}, of them between a chat write and its record: {by_post}; interactions {}",
        soak.kills,
        interactions.len()
    );

    soak.release_all();
    let bot = soak.start(&env);
    let pool = soak.settle(bot).await;

    // Nothing twice: every message the bot created carries a nonce no other does.
    let all: Vec<Value> = fake.state.lock().unwrap().messages.values().flatten().cloned().collect();
    let bot_id = fake_discord::BOT_ID.to_string();
    let by_bot = |m: &Value| m["author"]["id"].as_str() == Some(bot_id.as_str());
    let ours: Vec<&Value> = all.iter().filter(|m| by_bot(m)).collect();
    let mut seen = HashSet::new();
    for m in &ours {
        let n = m["nonce"].as_str().unwrap_or_default().to_string();
        assert!(!n.is_empty(), "every bot message carries its nonce: {m}");
        assert!(seen.insert(n.clone()), "a message was posted twice (nonce {n}, seed {seed})");
    }
    // Nothing lost: every post and reply the outbox sent is there, every story posted and edited.
    let mut posts = 0;
    for (k, kind) in deliveries_to(&pool, &format!("discord:{D_TEXT}")).await {
        if kind != "edit" {
            assert!(seen.contains(&nonce(&k, 0)), "{kind} {k} was marked sent but is not in the channel (seed {seed})");
        }
        posts += usize::from(kind == "post");
    }
    assert_eq!(posts, COMPANIES.len(), "one story post per company (seed {seed})");
    let top = fake.messages(D_TEXT);
    for (c, figure) in revised_figures() {
        let post = top
            .iter()
            .find(|m| by_bot(m) && m["embeds"].to_string().contains(c))
            .unwrap_or_else(|| panic!("{c} was posted (seed {seed})"));
        assert!(post["embeds"].to_string().contains(&figure), "{c}'s post shows the revised {figure} (seed {seed})");
        let thread: u64 = post["id"].as_str().unwrap().parse().unwrap();
        assert!(!fake.messages(thread).is_empty(), "{c}'s thread has its replies (seed {seed})");
    }
    // Every acknowledged command applied once; every acknowledged summary edited into its answer.
    for (id, feed, acked) in &interactions {
        if !acked {
            continue;
        }
        match feed {
            Some(feed) => {
                let n = subscriptions(&pool, "discord", &D_OTHER.to_string(), feed).await;
                assert_eq!(n, 1, "interaction {id} subscribed {feed} once (seed {seed})");
            }
            None => {
                let edits = fake.requests_to("PATCH", &format!("/token-{id}/messages/@original"));
                assert!(!edits.is_empty(), "summary {id} was edited into its answer (seed {seed})");
            }
        }
    }
    fake.assert_pings_nobody();
    fake.assert_bodies_valid();
}
