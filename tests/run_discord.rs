//! The real `layoffwatch run` binary with the Discord bot, end to end, against a local fake Discord
//! (REST + gateway) and a local feed server whose feeds grow in phases. A channel subscribes through
//! a slash command; a new story is posted there with a thread, a second outlet's report lands in the
//! thread, a revised figure edits the first post; a forum subscribed to the second feed gets the
//! story as a forum post; a digest channel gets nothing live. Then the process is stopped with
//! SIGTERM and started again on the same database: nothing is posted twice, and later coverage still
//! goes into the existing thread.

mod support;

use serde_json::{Value, json};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;
use support::fake_discord::{self, Control, FakeDiscord, GUILD, Recorded};
use support::feeds::FeedServer;

const TEXT: u64 = 100;
const FORUM: u64 = 200;
const DIGEST: u64 = 300;
const MANAGE_CHANNELS: u64 = 1 << 4;
const FORUM_TAG_VANTORIX: &str = "502";

const WIRE: &str = "wire.xml";
const DAILY: &str = "daily.xml";

/// The shared feed server playing the two outlets the channels subscribe to.
async fn feed_server() -> FeedServer {
    let feeds = FeedServer::start().await;
    feeds.feed_of_site(WIRE, "Example Wire", "https://news.example/");
    feeds.feed_of_site(DAILY, "Example Daily", "https://news.example/");
    feeds
}

fn item(guid: &str, title: &str, body: &str) -> String {
    let published = (chrono::Utc::now() - chrono::Duration::minutes(2)).to_rfc2822();
    format!(
        "<item><guid>{guid}</guid><link>https://news.example/{guid}</link><title>{title}</title>\
         <pubDate>{published}</pubDate><description>{body}</description></item>"
    )
}

/// Off-topic background, there before anyone subscribes: the first poll remembers it, nobody gets it.
fn background(guid: &str) -> String {
    item(guid, "City council approves new bike lanes downtown", "The council voted 7-2 on Tuesday to add bike lanes.")
}

/// A relevant story already in a feed when it is subscribed: remembered on the first poll, never posted.
fn old_news() -> String {
    item(
        "daily-0b",
        "Norhaven Logistics lays off 120 planners after AI scheduling rollout",
        "Norhaven Logistics laid off 120 warehouse planners after rolling out AI scheduling software, the company said.",
    )
}

/// The story breaks, with a headline that tries to ping everyone.
fn vantorix_breaks() -> String {
    item(
        "wire-1",
        "Vantorix to lay off 400 support staff as AI agents take over @everyone",
        "Vantorix will lay off 400 employees as AI agents take over customer support, the company said in a statement. @everyone &lt;@&amp;4242&gt;",
    )
}

/// A second outlet's report of the same event, worded unlike the first and with no new figure.
fn vantorix_second_outlet() -> String {
    item(
        "daily-1",
        "Inside the Vantorix all-hands where AI layoffs were announced",
        "Employees at Vantorix said managers read from a script at an all-hands meeting about the layoffs and the AI tools replacing their support work, according to three people who attended.",
    )
}

/// A revised headcount from the company itself (equal authority to the first report, and later).
fn vantorix_revised() -> String {
    item(
        "wire-2",
        "Vantorix layoffs grow to 650 as support automation spreads",
        "Vantorix will now lay off 650 employees as AI agents handle more support tickets, the company said in an updated statement on Thursday.",
    )
}

/// Coverage after the restart.
fn vantorix_deadline() -> String {
    item(
        "wire-3",
        "Vantorix sets June deadline for support layoffs tied to AI agents",
        "Vantorix told staff the layoffs tied to its AI support agents will be finished by June, according to an internal memo seen by Example Wire.",
    )
}

/// One run of the real binary, its log in a file so a failure can show it.
struct Bot {
    child: tokio::process::Child,
    log: PathBuf,
}

impl Bot {
    fn start(fake: &FakeDiscord, dir: &Path, run: usize) -> Self {
        let log = dir.join(format!("run-{run}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_layoffwatch"))
            .arg("run")
            // Only what is set here: no configured feeds, no fixed outputs but the bot.
            .env_clear()
            .env("DISCORD_TOKEN", "MTIzNDU2Nzg5MDEy.GaBcDe.abcdefghijklmnopqrstuvwxyz_0123456789")
            .env("DISCORD_API_URL", fake.url())
            .env("DISCORD_COMMANDS_GUILD", GUILD.to_string())
            .env("LAYOFFWATCH_DB", dir.join("bot.sqlite"))
            .env("LAYOFFWATCH_POLL_SECONDS", "1")
            .env("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true")
            .env("LAYOFFWATCH_CONSOLE", "false")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        Bot { child, log }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM (the signal has been sent when this returns).
    async fn sigterm(&self) {
        let pid = self.child.id().expect("the bot is still running").to_string();
        let sent = tokio::process::Command::new("kill").args(["-TERM", &pid]).status().await.unwrap();
        assert!(sent.success(), "kill -TERM {pid}");
    }

    /// The exit status and the log, waiting up to 60 s for the process to end.
    async fn exit(mut self) -> (std::process::ExitStatus, String) {
        let status = tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("the bot did not stop within 60 s of SIGTERM; log:\n{}", self.log()))
            .unwrap();
        (status, self.log())
    }

    /// SIGTERM, then the exit status.
    async fn terminate(self) -> (std::process::ExitStatus, String) {
        self.sigterm().await;
        self.exit().await
    }
}

/// Waits (polling, up to 60 s) until `check` holds; on timeout shows the requests and the bot's log.
async fn wait(what: &str, fake: &FakeDiscord, bot: &Bot, check: impl Fn(&FakeDiscord) -> bool) {
    for _ in 0..600 {
        if check(fake) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let requests: Vec<String> = fake.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    panic!("timed out waiting for {what}; requests: {requests:#?}\nbot log:\n{}", bot.log());
}

/// Sends a `/layoffs` interaction through the gateway and returns the bot's ephemeral reply text.
async fn slash(fake: &FakeDiscord, bot: &Bot, interaction: Value) -> String {
    let id = interaction["id"].as_str().unwrap().to_string();
    fake.send(Control::Dispatch("INTERACTION_CREATE", interaction));
    let path = format!("/interactions/{id}/");
    wait("the interaction's reply", fake, bot, |f| !f.requests_to("POST", &path).is_empty()).await;
    let callback = &fake.requests_to("POST", &path)[0].body;
    assert_eq!(callback["type"], 4, "{callback}");
    assert_eq!(callback["data"]["flags"], 64, "ephemeral: {callback}");
    assert_eq!(callback["data"]["allowed_mentions"]["parse"], json!([]), "{callback}");
    callback["data"]["content"].as_str().unwrap().to_string()
}

fn feed_option(url: &str) -> Value {
    json!([{"name": "feed", "type": 3, "value": url}])
}

fn posts_to(fake: &FakeDiscord, channel: u64) -> Vec<Recorded> {
    fake.requests_exact("POST", &format!("/channels/{channel}/messages"))
}

fn forum_posts(fake: &FakeDiscord) -> Vec<Recorded> {
    fake.requests_exact("POST", &format!("/channels/{FORUM}/threads"))
}

fn edits_of(fake: &FakeDiscord, channel: u64, message: u64) -> Vec<Recorded> {
    fake.requests_exact("PATCH", &format!("/channels/{channel}/messages/{message}"))
}

fn embed_titles(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .flat_map(|m| m["embeds"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e["title"].as_str().map(String::from))
        .collect()
}

/// Every message request into `channel` carries its own nonce: no delivery was sent twice.
fn assert_no_repeats(fake: &FakeDiscord, channel: u64) {
    let nonces: Vec<String> = posts_to(fake, channel).iter().map(|r| r.body["nonce"].to_string()).collect();
    let distinct: HashSet<&String> = nonces.iter().collect();
    assert_eq!(distinct.len(), nonces.len(), "a delivery into {channel} was sent twice: {nonces:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_posts_threads_updates_and_edits_through_the_real_binary_and_survives_a_restart() {
    let fake = FakeDiscord::start().await;
    fake.add_channel(TEXT, 0, json!({}));
    fake.add_channel(
        FORUM,
        15,
        json!({"flags": 0, "available_tags": [
            {"id": "501", "name": "Reported", "moderated": false, "emoji_id": null, "emoji_name": null},
            {"id": FORUM_TAG_VANTORIX, "name": "Vantorix", "moderated": false, "emoji_id": null, "emoji_name": null}]}),
    );
    fake.add_channel(DIGEST, 0, json!({}));
    let feeds = feed_server().await;
    feeds.add(WIRE, background("wire-0"));
    feeds.add(DAILY, background("daily-0"));
    feeds.add(DAILY, old_news());
    let (wire_url, daily_url) = (feeds.url(WIRE), feeds.url(DAILY));
    let dir = tempfile::tempdir().unwrap();

    let bot = Bot::start(&fake, dir.path(), 1);
    let guild_commands = format!("/applications/{}/guilds/{GUILD}/commands", fake_discord::APP_ID);
    wait("commands registered in the guild", &fake, &bot, |f| f.requests_exact("PUT", &guild_commands).len() == 1)
        .await;

    // Subscriptions, through the gateway as a member with Manage Channels would make them.
    let reply =
        slash(&fake, &bot, fake_discord::slash(1, TEXT, 0, MANAGE_CHANNELS, "subscribe", feed_option(&wire_url))).await;
    assert!(reply.starts_with("Subscribed: 1 new feed(s)"), "{reply}");
    let reply =
        slash(&fake, &bot, fake_discord::slash(2, FORUM, 15, MANAGE_CHANNELS, "subscribe", feed_option(&daily_url)))
            .await;
    assert!(reply.starts_with("Subscribed: 1 new feed(s)"), "{reply}");
    let hourly = json!([{"name": "mode", "type": 3, "value": "hourly"}]);
    let reply = slash(&fake, &bot, fake_discord::slash(3, DIGEST, 0, MANAGE_CHANNELS, "digest", hourly)).await;
    assert!(reply.contains("digest (hourly UTC)"), "{reply}");
    let reply =
        slash(&fake, &bot, fake_discord::slash(4, DIGEST, 0, MANAGE_CHANNELS, "subscribe", feed_option(&wire_url)))
            .await;
    assert!(reply.starts_with("Subscribed"), "{reply}");
    let list = slash(&fake, &bot, fake_discord::slash(5, DIGEST, 0, 0, "list", json!([]))).await;
    assert!(list.contains(&wire_url) && list.contains("a digest (hourly UTC)"), "{list}");

    // Two fetches of each feed: the first poll (which only remembers the backlog) has committed.
    wait("both feeds polled twice", &fake, &bot, |_| feeds.hits(WIRE) >= 2 && feeds.hits(DAILY) >= 2).await;
    assert!(fake.messages(TEXT).is_empty() && forum_posts(&fake).is_empty(), "the backlog is not posted");
    assert!(bot.log().contains("remembering the backlog"), "{}", bot.log());

    // Phase 1: the story breaks on the wire. A post with an embed, and a thread started on it.
    feeds.add(WIRE, vantorix_breaks());
    wait("the story in the text channel with its thread", &fake, &bot, |f| {
        f.messages(TEXT).len() == 1 && !f.requests_to("POST", "/threads").is_empty()
    })
    .await;
    let first = &fake.messages(TEXT)[0];
    let first_id: u64 = first["id"].as_str().unwrap().parse().unwrap();
    let title = first["embeds"][0]["title"].as_str().unwrap();
    assert!(title.contains("Vantorix to lay off 400"), "{title}");
    assert!(title.contains("@\u{200B}everyone"), "the mention is shown defused, not dropped or live: {title}");
    let started = fake.requests_exact("POST", &format!("/channels/{TEXT}/messages/{first_id}/threads"));
    assert_eq!(started.len(), 1, "one thread started on the post");
    assert!(started[0].body["name"].as_str().unwrap().starts_with("Vantorix to lay off 400"));
    let thread = first_id; // a thread started on a message has the message's id
    let in_thread = fake.messages(thread).len();

    // Phase 2: a second outlet on the other feed. The text channel shows the story, so it gets a reply
    // in the thread; the forum first hears of it through its own feed, so it gets the whole story.
    feeds.add(DAILY, vantorix_second_outlet());
    wait("the second outlet in the thread and the forum post", &fake, &bot, |f| {
        f.messages(thread).len() > in_thread && !forum_posts(f).is_empty()
    })
    .await;
    let replies = embed_titles(&fake.messages(thread)[in_thread..]);
    assert!(replies.iter().any(|t| t.starts_with("Example Daily: Inside the Vantorix all-hands")), "{replies:?}");
    let forum = &forum_posts(&fake)[0].body;
    assert!(forum["message"]["embeds"][0]["title"].as_str().unwrap().contains("Vantorix"), "{forum}");
    assert!(
        forum["applied_tags"].as_array().unwrap().contains(&json!(FORUM_TAG_VANTORIX)),
        "tagged with the company: {forum}"
    );
    let forum_id = FORUM.to_string();
    let forum_thread: u64 = fake
        .state
        .lock()
        .unwrap()
        .channels
        .values()
        .find(|c| c["parent_id"] == forum_id.as_str())
        .and_then(|c| c["id"].as_str()?.parse().ok())
        .expect("the forum post's thread");
    assert_eq!(posts_to(&fake, TEXT).len(), 1, "still one post in the text channel");

    // Phase 3: the company revises its figure. The first post is edited in place, in both channels,
    // and the thread is told what changed.
    let in_thread = fake.messages(thread).len();
    feeds.add(WIRE, vantorix_revised());
    // An earlier edit may already have added the second outlet; the revision's edit carries 650.
    let revised = |f: &FakeDiscord, channel, message| {
        edits_of(f, channel, message).iter().any(|e| e.body.to_string().contains("650"))
    };
    wait("the first posts edited", &fake, &bot, |f| {
        revised(f, TEXT, first_id) && revised(f, forum_thread, forum_thread)
    })
    .await;
    let edits = edits_of(&fake, TEXT, first_id);
    let edit = &edits.iter().find(|e| e.body.to_string().contains("650")).expect("an edit with 650").body;
    assert!(edit.to_string().contains("650"), "the edit shows the revised figure: {edit}");
    assert!(edit["embeds"][0]["footer"]["text"].as_str().unwrap().contains("updated"), "{edit}");
    wait("the revision noted in the thread", &fake, &bot, |f| f.messages(thread).len() > in_thread).await;
    let note = fake.messages(thread)[in_thread..].iter().map(Value::to_string).collect::<String>();
    assert!(note.contains("650 jobs (was 400)"), "the new figure and the one it replaced: {note}");

    // Stop with SIGTERM: a clean exit.
    let (status, first_log) = bot.terminate().await;
    assert!(status.success(), "SIGTERM ends the bot with exit code 0, got {status}; log:\n{first_log}");
    assert!(first_log.contains("Shutting down"), "{first_log}");

    let before = (
        posts_to(&fake, TEXT).len(),
        forum_posts(&fake).len(),
        fake.requests_exact("POST", &format!("/channels/{thread}/messages")).len(),
        fake.requests_exact("POST", &format!("/channels/{forum_thread}/messages")).len(),
        fake.requests_to("PATCH", "/channels/").len(),
    );

    // Start again on the same database. Once it has polled both feeds twice more, nothing was resent.
    let bot = Bot::start(&fake, dir.path(), 2);
    wait("commands registered again", &fake, &bot, |f| f.requests_exact("PUT", &guild_commands).len() == 2).await;
    let (wire_seen, daily_seen) = (feeds.hits(WIRE), feeds.hits(DAILY));
    wait("both feeds polled twice after the restart", &fake, &bot, |_| {
        feeds.hits(WIRE) >= wire_seen + 2 && feeds.hits(DAILY) >= daily_seen + 2
    })
    .await;
    let after = (
        posts_to(&fake, TEXT).len(),
        forum_posts(&fake).len(),
        fake.requests_exact("POST", &format!("/channels/{thread}/messages")).len(),
        fake.requests_exact("POST", &format!("/channels/{forum_thread}/messages")).len(),
        fake.requests_to("PATCH", "/channels/").len(),
    );
    assert_eq!(after, before, "a restart sends nothing again (text posts, forum posts, replies, edits)");

    // Phase 4: later coverage goes into the existing thread and forum post, never as a new post.
    let (in_thread, in_forum_thread) = (fake.messages(thread).len(), fake.messages(forum_thread).len());
    feeds.add(WIRE, vantorix_deadline());
    wait("the new coverage in both threads", &fake, &bot, |f| {
        f.messages(thread).len() > in_thread && f.messages(forum_thread).len() > in_forum_thread
    })
    .await;
    let replies = embed_titles(&fake.messages(thread)[in_thread..]);
    assert!(replies.iter().any(|t| t.starts_with("Example Wire: Vantorix sets June deadline")), "{replies:?}");
    assert_eq!(posts_to(&fake, TEXT).len(), 1, "the story is posted once in the text channel");
    assert_eq!(forum_posts(&fake).len(), 1, "and once in the forum, the old news never");
    assert_eq!(fake.messages(TEXT).len(), 1);
    assert_no_repeats(&fake, thread);
    assert_no_repeats(&fake, forum_thread);

    // The digest channel follows the same feed but got nothing live: at most a digest, if an hour
    // ended while the test ran, and never a story post or a thread.
    let (status, log) = bot.terminate().await;
    assert!(status.success(), "exit code 0 after SIGTERM, got {status}; log:\n{log}");
    let digest_channel = format!("/channels/{DIGEST}/");
    for r in fake.requests().iter().filter(|r| r.method != "GET" && r.path.starts_with(&digest_channel)) {
        assert_eq!(r.path, format!("/channels/{DIGEST}/messages"), "no thread in a digest channel");
        let content = r.body["content"].as_str().unwrap_or_default();
        assert!(content.starts_with("**layoffwatch digest**"), "a live post reached the digest channel: {}", r.body);
    }

    for (run, log) in [(1, &first_log), (2, &log)] {
        let trouble: Vec<&str> = log.lines().filter(|l| l.contains(" WARN ") || l.contains(" ERROR ")).collect();
        assert!(trouble.is_empty(), "run {run} logged trouble: {trouble:#?}");
    }

    let checked = fake.assert_pings_nobody();
    assert!(checked >= 10, "every message-like body was checked ({checked})");
    let valid = fake.assert_bodies_valid();
    assert!(valid >= 10, "{valid} bodies validated against Discord's spec");
}

/// A supervisor may stop the bot at any moment, also while its first round is still waiting on a
/// slow feed: SIGTERM must then end it cleanly (exit 0), not kill it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_the_first_round_still_ends_the_bot_cleanly() {
    use layoffwatch::store::{SqliteStore, Store, Subscription};

    let fake = FakeDiscord::start().await;
    fake.add_channel(TEXT, 0, json!({}));
    let feeds = feed_server().await;
    feeds.add(WIRE, background("wire-0"));
    let wire_url = feeds.url(WIRE);
    let dir = tempfile::tempdir().unwrap();
    // A channel subscribed in an earlier run, so the very first round of this one fetches the feed.
    let store = SqliteStore::open(dir.path().join("bot.sqlite").to_str().unwrap()).await.unwrap();
    let sub = Subscription {
        platform: "discord".into(),
        channel: TEXT.to_string(),
        feed: wire_url,
        added_by: "42".into(),
        added_at: chrono::Utc::now(),
    };
    assert!(store.add_subscription(&sub).await.unwrap());
    store.close().await;

    feeds.stall(true);
    let bot = Bot::start(&fake, dir.path(), 1);
    wait("the first round's fetch", &fake, &bot, |_| feeds.hits(WIRE) == 1).await;
    // The feed answers only once the signal is out, so the bot is mid-fetch when it arrives.
    bot.sigterm().await;
    feeds.stall(false);
    let (status, log) = bot.exit().await;
    assert!(status.success(), "SIGTERM mid-round ends the bot with exit code 0, got {status}; log:\n{log}");
    assert!(log.contains("Shutting down"), "{log}");
}
