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

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Value, json};
use sqlx::Row;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::fake_discord::{self, Control, FakeDiscord};
use support::fake_slack::{FakeSlack, Posted};

/// The channel stories go to (`SLACK_CHANNEL`).
const LIVE: &str = "C0SOAK0001";
/// The channel whose feeds the slash commands change.
const OTHER: &str = "C0SOAK0002";
const ADMIN: &str = "UADMIN0001";

/// Invented companies, one story each, worded apart so no two stories are near-duplicates.
const COMPANIES: &[(&str, &str, u32)] = &[
    ("Corvana", "customer support", 600),
    ("Pellmark Labs", "quality assurance", 240),
    ("Tessaly", "call-centre", 80),
    ("Brindlewood Health", "medical billing", 1_150),
    ("Quorra Systems", "technical writing", 310),
    ("Ostrander Freight", "dispatch", 470),
];

/// A small seeded generator (xorshift64*), so a failing run can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn item(guid: &str, host: &str, title: &str, body: &str, minutes_ago: i64) -> String {
    let published = (chrono::Utc::now() - chrono::Duration::minutes(minutes_ago)).to_rfc2822();
    format!(
        "<item><guid>{guid}</guid><link>https://{host}/{guid}</link><title>{title}</title><pubDate>{published}</pubDate><description>{body}</description></item>"
    )
}

/// The three items of company `i`'s story, in the order they are released: the wire's first report
/// (a post), the daily's coverage (a reply in the thread), the wire's revised figure (an edit).
fn story_items(i: usize) -> [(&'static str, String); 3] {
    let (c, team, n) = COMPANIES[i];
    let slug = c.to_lowercase().replace(' ', "-");
    let revised = n + n / 2;
    [
        (
            "wire.xml",
            item(
                &format!("{slug}-first"),
                "northwind.example",
                &format!("{c} to lay off {n} as AI agents take over {team}"),
                &format!(
                    "{c} will lay off {n} employees as AI agents take over its {team} work, the company said in a statement on Monday."
                ),
                30,
            ),
        ),
        (
            "daily.xml",
            item(
                &format!("{slug}-daily"),
                "harbor.example",
                &format!("{c} {team} staff hit hardest by AI layoffs"),
                &format!(
                    "Harbor Daily has learned that {c} is cutting {n} roles, mostly in {team}, because its new AI assistant now handles most of the work, a {c} spokesperson confirmed."
                ),
                20,
            ),
        ),
        (
            "wire.xml",
            item(
                &format!("{slug}-revised"),
                "northwind.example",
                &format!("{c} raises AI layoffs to {revised} jobs"),
                &format!(
                    "{c} will now lay off {revised} employees as its AI agents handle a growing share of {team} work, the company said in an updated statement on Wednesday."
                ),
                10,
            ),
        ),
    ]
}

/// The feed server: items per path, released by the test; any other path is an empty feed.
#[derive(Default)]
struct Feeds {
    items: Mutex<HashMap<String, Vec<String>>>,
    hits: Mutex<HashMap<String, usize>>,
}

impl Feeds {
    fn release(&self, path: &str, item: String) {
        self.items.lock().unwrap().entry(path.into()).or_default().push(item);
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

async fn serve_feeds(feeds: Arc<Feeds>) -> String {
    async fn feed(State(feeds): State<Arc<Feeds>>, UrlPath(path): UrlPath<String>) -> axum::response::Response {
        let items = feeds.items.lock().unwrap().get(&path).cloned().unwrap_or_default();
        *feeds.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
        let title = if path == "daily.xml" { "Harbor Daily" } else { "Northwind Wire" };
        let xml = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>{}</channel></rss>",
            items.concat()
        );
        ([("content-type", "application/rss+xml")], xml).into_response()
    }
    let app = Router::new().route("/{path}", get(feed)).with_state(feeds);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn start(fake: &FakeSlack, dir: &Path, feeds: &str) -> tokio::process::Child {
    let log = std::fs::File::options().create(true).append(true).open(dir.join("bot.log")).unwrap();
    tokio::process::Command::new(env!("CARGO_BIN_EXE_layoffwatch"))
        .arg("run")
        .env_clear()
        .env("SLACK_BOT_TOKEN", "xoxb-soak-bot-token")
        .env("SLACK_APP_TOKEN", "xapp-soak-app-token")
        .env("SLACK_API_URL", fake.api_url())
        .env("SLACK_CHANNEL", LIVE)
        .env("LAYOFFWATCH_FEEDS", feeds)
        .env("LAYOFFWATCH_DB", dir.join("db.sqlite"))
        .env("LAYOFFWATCH_POLL_SECONDS", "1")
        .env("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true")
        .env("LAYOFFWATCH_CONSOLE", "false")
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts")
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

/// 1725 → "1,725", as the posts write headcounts.
fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

async fn pause(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

/// Waits up to `limit` for `done`; returns whether it held.
async fn within(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        pause(25).await;
    }
    done()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_at_seeded_moments_loses_nothing_and_repeats_nothing_through_slack() {
    let seed = std::env::var("LAYOFFWATCH_SOAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| chrono::Utc::now().timestamp_nanos_opt().unwrap_or(1) as u64 | 1);
    let kills: usize = std::env::var("LAYOFFWATCH_SOAK_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(30);
    println!("soak seed: {seed} (replay with LAYOFFWATCH_SOAK_SEED={seed}), kills: {kills}");
    let mut rng = Rng(seed);

    let fake = FakeSlack::start().await;
    fake.make_admin(ADMIN);
    let thread = fake.seed(LIVE, None, "UPOSTER001", "Initech confirmed 400 layoffs https://news.example/initech");
    fake.seed(LIVE, Some(&thread), "UPOSTER002", "my manager says support is next");
    let feeds = Arc::new(Feeds::default());
    let base = serve_feeds(feeds.clone()).await;
    let feed_list = format!("{base}/wire.xml,{base}/daily.xml");
    let dir = tempfile::tempdir().unwrap();

    // A first run remembers the (empty) backlog, so what is released later is news.
    let mut bot = start(&fake, dir.path(), &feed_list);
    assert!(within(Duration::from_secs(60), || feeds.hits("wire.xml") >= 2 && feeds.hits("daily.xml") >= 2).await);

    let releases: Vec<(&'static str, String)> = (0..COMPANIES.len()).flat_map(story_items).collect();
    let mut released = 0;
    let mut sent = Sent::default();
    let (mut commands, mut mentions) = (0, 0);
    let mut by_post = 0;
    for round in 0..kills {
        if round > 0 {
            bot = start(&fake, dir.path(), &feed_list);
        }
        let pid = bot.id().expect("running");
        let on_post = rng.below(2) == 0;
        if on_post {
            fake.kill_on_next_post(pid);
        }
        let connections = fake.connections();
        let connected = within(Duration::from_secs(20), || fake.connections() > connections).await;
        // News arrives a little at a time, through the first two thirds of the rounds.
        let due = ((round + 1) * releases.len()).div_ceil(kills * 2 / 3 + 1).min(releases.len());
        while released < due {
            let (path, item) = releases[released].clone();
            feeds.release(path, item);
            released += 1;
        }
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
            if rng.below(3) == 0 {
                commands += 1;
                let trigger = format!("trig-soak-{commands}");
                sent.all.push((
                    trigger.clone(),
                    "slash_commands",
                    slash(&trigger, &format!("subscribe {base}/quiet-{commands}.xml")),
                    false,
                ));
            }
            if rng.below(4) == 0 {
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
        // The kill: by the fake right after a chat write (armed from the start of the round), or
        // after a random delay.
        if on_post {
            let waited = within(Duration::from_millis(600 + rng.below(2_400)), || !fake.kill_pending()).await;
            fake.disarm();
            by_post += usize::from(waited);
        } else {
            pause(100 + rng.below(1_500)).await;
        }
        let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
        let _ = bot.wait().await;
    }
    println!(
        "kills: {kills}, of them between a chat write and its record: {by_post}; commands {commands}, summaries {mentions}"
    );

    // A last run, left alone: released everything, re-sent what was never acknowledged.
    while released < releases.len() {
        let (path, item) = releases[released].clone();
        feeds.release(path, item);
        released += 1;
    }
    let mut bot = start(&fake, dir.path(), &feed_list);
    let connections = fake.connections();
    assert!(within(Duration::from_secs(30), || fake.connections() >= connections.max(1)).await);
    pause(300).await;
    for (id, kind, payload, acked) in sent.all.iter_mut().filter(|s| !s.3) {
        let envelope = format!("env-{id}-final");
        fake.send_envelope(kind, &envelope, payload.clone(), 1);
        *acked =
            within(Duration::from_secs(10), || fake.acks().iter().any(|a| a["envelope_id"] == envelope.as_str())).await;
    }
    let db = format!("sqlite://{}", dir.path().join("db.sqlite").display());
    let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(&db).await.unwrap();
    let settled = async || {
        let open: i64 = sqlx::query("SELECT COUNT(*) AS n FROM deliveries WHERE state <> 'sent'")
            .fetch_one(&pool)
            .await
            .unwrap()
            .get("n");
        let inbox: i64 = sqlx::query("SELECT COUNT(*) AS n FROM inbox").fetch_one(&pool).await.unwrap().get("n");
        open == 0 && inbox == 0
    };
    let (w, d) = (feeds.hits("wire.xml"), feeds.hits("daily.xml"));
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let polled = feeds.hits("wire.xml") >= w + 3 && feeds.hits("daily.xml") >= d + 3;
        if polled && settled().await {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the last run did not settle; log:\n{}",
            std::fs::read_to_string(dir.path().join("bot.log")).unwrap_or_default()
        );
        pause(200).await;
    }
    let _ = std::process::Command::new("kill").args(["-TERM", &bot.id().unwrap().to_string()]).status();
    let _ = bot.wait().await;

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
    let rows = sqlx::query("SELECT key, kind, story_id FROM deliveries WHERE destination = ?")
        .bind(format!("slack:{LIVE}"))
        .fetch_all(&pool)
        .await
        .unwrap();
    let keys: HashSet<String> = seen.iter().map(|(k, _)| k.clone()).collect();
    let mut posts = 0;
    for row in &rows {
        let (k, kind): (String, String) = (row.get("key"), row.get("kind"));
        match kind.as_str() {
            "edit" => {}
            _ => assert!(keys.contains(&k), "{kind} {k} was marked sent but is not in the channel (seed {seed})"),
        }
        posts += usize::from(kind == "post");
    }
    assert_eq!(posts, COMPANIES.len(), "one story post per company (seed {seed})");
    let top: Vec<&Posted> = ours.iter().filter(|m| m.channel == LIVE && m.thread_ts.is_none()).collect();
    assert_eq!(top.len(), COMPANIES.len(), "{top:?}");
    for (c, _, n) in COMPANIES {
        let revised = n + n / 2;
        let post = top.iter().find(|m| m.blocks.to_string().contains(c)).unwrap_or_else(|| panic!("{c} was posted"));
        let figure = thousands(revised);
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
            let n: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM subscriptions WHERE platform = 'slack' AND channel = ? AND feed = ?",
            )
            .bind(OTHER)
            .bind(&feed)
            .fetch_one(&pool)
            .await
            .unwrap()
            .get("n");
            assert_eq!(n, 1, "{id} subscribed {feed} once (seed {seed})");
        } else {
            let summary = format!("summary/event:{id}");
            let found = ours.iter().filter(|m| key(m).0 == summary && key(m).1 == "0").count();
            assert_eq!(found, 1, "{id} was summarized once (seed {seed})");
        }
    }
    let answered = fake.ephemerals().iter().filter(|e| e["channel"] == OTHER).count();
    assert!(answered >= commands, "every command was answered: {answered} replies for {commands} commands");
    assert_eq!(fake.violations(), Vec::<String>::new());
}

/// The Discord text channel stories go to (`DISCORD_CHANNEL`), and the one commands change.
const D_TEXT: u64 = 100;
const D_OTHER: u64 = 400;
const MANAGE_CHANNELS: u64 = 1 << 4;

fn start_discord(fake: &FakeDiscord, dir: &Path, feeds: &str) -> tokio::process::Child {
    let log = std::fs::File::options().create(true).append(true).open(dir.join("bot.log")).unwrap();
    tokio::process::Command::new(env!("CARGO_BIN_EXE_layoffwatch"))
        .arg("run")
        .env_clear()
        .env("DISCORD_TOKEN", "MTIzNDU2Nzg5MDEy.GaBcDe.abcdefghijklmnopqrstuvwxyz_0123456789")
        .env("DISCORD_API_URL", fake.url())
        .env("DISCORD_CHANNEL", D_TEXT.to_string())
        .env("DISCORD_COMMANDS_GUILD", fake_discord::GUILD.to_string())
        .env("LAYOFFWATCH_FEEDS", feeds)
        .env("LAYOFFWATCH_DB", dir.join("db.sqlite"))
        .env("LAYOFFWATCH_POLL_SECONDS", "1")
        .env("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true")
        .env("LAYOFFWATCH_CONSOLE", "false")
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts")
}

/// The nonce the bot gives piece `piece` of delivery `key`.
fn nonce(key: &str, piece: usize) -> String {
    format!("{:016x}{piece}", xxhash_rust::xxh3::xxh3_64(key.as_bytes()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_at_seeded_moments_loses_nothing_and_repeats_nothing_through_discord() {
    let seed = std::env::var("LAYOFFWATCH_SOAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| chrono::Utc::now().timestamp_nanos_opt().unwrap_or(1) as u64 | 1);
    let kills: usize = std::env::var("LAYOFFWATCH_SOAK_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(30);
    println!("discord soak seed: {seed} (replay with LAYOFFWATCH_SOAK_SEED={seed}), kills: {kills}");
    let mut rng = Rng(seed);

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
    let feeds = Arc::new(Feeds::default());
    let base = serve_feeds(feeds.clone()).await;
    let feed_list = format!("{base}/wire.xml,{base}/daily.xml");
    let dir = tempfile::tempdir().unwrap();
    let sessions = || fake.state.lock().unwrap().sessions;
    let answered = |id: u64| !fake.requests_to("POST", &format!("/interactions/{id}/")).is_empty();

    let mut bot = start_discord(&fake, dir.path(), &feed_list);
    assert!(within(Duration::from_secs(60), || feeds.hits("wire.xml") >= 2 && feeds.hits("daily.xml") >= 2).await);

    let releases: Vec<(&'static str, String)> = (0..COMPANIES.len()).flat_map(story_items).collect();
    let mut released = 0;
    // interaction id → (subscribed feed, or None for a summary; acknowledged)
    let mut interactions: Vec<(u64, Option<String>, bool)> = Vec::new();
    let mut next_id = 5_000u64;
    let mut by_post = 0;
    for round in 0..kills {
        if round > 0 {
            bot = start_discord(&fake, dir.path(), &feed_list);
        }
        let pid = bot.id().expect("running");
        let on_post = rng.below(2) == 0;
        if on_post {
            fake.state.lock().unwrap().kill_on_post = Some(pid);
        }
        let before = sessions();
        let ready = within(Duration::from_secs(20), || sessions() > before).await;
        let due = ((round + 1) * releases.len()).div_ceil(kills * 2 / 3 + 1).min(releases.len());
        while released < due {
            let (path, item) = releases[released].clone();
            feeds.release(path, item);
            released += 1;
        }
        if ready {
            if rng.below(3) == 0 {
                next_id += 1;
                let feed = format!("{base}/quiet-{next_id}.xml");
                let options = json!([{"name": "feed", "type": 3, "value": feed}]);
                fake.send(Control::Dispatch(
                    "INTERACTION_CREATE",
                    fake_discord::slash(next_id, D_OTHER, 0, MANAGE_CHANNELS, "subscribe", options),
                ));
                let acked = within(Duration::from_millis(500), || answered(next_id)).await;
                interactions.push((next_id, Some(feed), acked));
            }
            if rng.below(4) == 0 {
                next_id += 1;
                fake.send(Control::Dispatch(
                    "INTERACTION_CREATE",
                    fake_discord::slash(next_id, D_TEXT, 0, 0, "summarize", json!([])),
                ));
                let acked = within(Duration::from_millis(500), || answered(next_id)).await;
                interactions.push((next_id, None, acked));
            }
        }
        if on_post {
            let waited = within(Duration::from_millis(600 + rng.below(2_400)), || {
                fake.state.lock().unwrap().kill_on_post.is_none()
            })
            .await;
            fake.state.lock().unwrap().kill_on_post = None;
            by_post += usize::from(waited);
        } else {
            pause(100 + rng.below(1_500)).await;
        }
        let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
        let _ = bot.wait().await;
    }
    println!(
        "kills: {kills}, of them between a chat write and its record: {by_post}; interactions {}",
        interactions.len()
    );

    while released < releases.len() {
        let (path, item) = releases[released].clone();
        feeds.release(path, item);
        released += 1;
    }
    let mut bot = start_discord(&fake, dir.path(), &feed_list);
    let db = format!("sqlite://{}", dir.path().join("db.sqlite").display());
    let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(&db).await.unwrap();
    let settled = async || {
        let open: i64 = sqlx::query("SELECT COUNT(*) AS n FROM deliveries WHERE state <> 'sent'")
            .fetch_one(&pool)
            .await
            .unwrap()
            .get("n");
        let inbox: i64 = sqlx::query("SELECT COUNT(*) AS n FROM inbox").fetch_one(&pool).await.unwrap().get("n");
        open == 0 && inbox == 0
    };
    let (w, d) = (feeds.hits("wire.xml"), feeds.hits("daily.xml"));
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let polled = feeds.hits("wire.xml") >= w + 3 && feeds.hits("daily.xml") >= d + 3;
        if polled && settled().await {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the last run did not settle; log:\n{}",
            std::fs::read_to_string(dir.path().join("bot.log")).unwrap_or_default()
        );
        pause(200).await;
    }
    let _ = std::process::Command::new("kill").args(["-TERM", &bot.id().unwrap().to_string()]).status();
    let _ = bot.wait().await;

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
    let rows = sqlx::query("SELECT key, kind FROM deliveries WHERE destination = ?")
        .bind(format!("discord:{D_TEXT}"))
        .fetch_all(&pool)
        .await
        .unwrap();
    let mut posts = 0;
    for row in &rows {
        let (k, kind): (String, String) = (row.get("key"), row.get("kind"));
        if kind != "edit" {
            assert!(seen.contains(&nonce(&k, 0)), "{kind} {k} was marked sent but is not in the channel (seed {seed})");
        }
        posts += usize::from(kind == "post");
    }
    assert_eq!(posts, COMPANIES.len(), "one story post per company (seed {seed})");
    let top = fake.messages(D_TEXT);
    for (c, _, n) in COMPANIES {
        let post = top
            .iter()
            .find(|m| by_bot(m) && m["embeds"].to_string().contains(c))
            .unwrap_or_else(|| panic!("{c} was posted (seed {seed})"));
        let figure = thousands(n + n / 2);
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
                let n: i64 = sqlx::query(
                    "SELECT COUNT(*) AS n FROM subscriptions WHERE platform = 'discord' AND channel = ? AND feed = ?",
                )
                .bind(D_OTHER.to_string())
                .bind(feed)
                .fetch_one(&pool)
                .await
                .unwrap()
                .get("n");
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
