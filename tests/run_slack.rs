//! The real `layoffwatch run` binary with the Slack bot in Socket Mode, against the fake Slack and a
//! local feed server whose two feeds (two outlets) grow while the bot runs. A channel admin subscribes
//! a channel to both feeds with `/layoffs subscribe`; a second channel subscribes to one of them and
//! asks for an hourly digest. Then: a new story is posted once (Block Kit, unfurls off, a hostile
//! headline defused), the second outlet's coverage is a reply in the story's thread, a revised figure
//! from the company edits the first post, SIGTERM stops the bot cleanly, and after a restart on the
//! same database nothing is posted twice and later coverage still goes into the same thread. Every Web
//! API request is checked against Slack's spec by the fake.
//!
//! Posts are paced at Slack's real one per second per channel here (the binary runs with production
//! pacing), so the test keeps to a handful of them.

mod support;

use serde_json::{Value, json};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::fake_slack::{FakeSlack, Posted};
use support::feeds::{FeedServer, item, minutes_ago};

/// The channel that takes live posts.
const LIVE: &str = "C0LIVE0001";
/// The channel that asked for an hourly digest instead.
const DIGEST: &str = "C0DIGEST01";
/// A workspace admin: allowed to change a channel's feeds under the default policy.
const ADMIN: &str = "UADMIN0001";
/// How long any one condition may take to hold (the machine is shared and slow; this is no timing test).
const PATIENCE: Duration = Duration::from_secs(60);

// Fixtures: one invented company's AI-driven layoffs as two outlets cover it, each item worded unlike
// the others so none is a near-duplicate, and two backlog items that a new subscription must not post.

/// Backlog of the wire: on the feed before anyone subscribes, so it is remembered, not posted.
fn wire_backlog() -> String {
    item(
        "pellmark-120",
        "northwind.example",
        "Pellmark Labs lays off 120 engineers after AI coding push",
        "Pellmark Labs is laying off 120 engineers after adopting AI coding assistants across its teams, the company said.",
        minutes_ago(90),
    )
}

/// Backlog of the daily, likewise.
fn daily_backlog() -> String {
    item(
        "tessaly-80",
        "harbor.example",
        "Tessaly lays off 80 call-centre workers as chatbots take calls",
        "Tessaly will lay off 80 call-centre workers now that AI chatbots answer most customer calls, the company said on Friday.",
        minutes_ago(80),
    )
}

/// Exercises a new story, and a headline that tries to ping the whole channel. Feed titles are HTML,
/// where a bare `<!channel>` is markup and dropped; escaped, it reaches the headline as text.
fn wire_first() -> String {
    item(
        "corvana-600",
        "northwind.example",
        "@here Corvana to lay off 600 as AI agents take over customer support &lt;!channel&gt;",
        "Corvana will lay off 600 employees as AI agents take over its customer support, the company said in a statement on Monday.",
        minutes_ago(20),
    )
}

/// Exercises a second outlet joining the story with the same figure: a reply in the thread, no edit.
fn daily_joins() -> String {
    item(
        "corvana-support",
        "harbor.example",
        "Corvana support teams hit hardest by AI layoffs",
        "Harbor Daily has learned that Corvana is cutting 600 roles, mostly in customer support, because its new AI assistant now resolves most tickets, a Corvana spokesperson confirmed.",
        minutes_ago(15),
    )
}

/// Exercises a revised headcount from the company itself (equal authority): the first post is edited.
fn wire_revised() -> String {
    item(
        "corvana-900",
        "northwind.example",
        "Corvana raises AI support layoffs to 900 jobs",
        "Corvana will now lay off 900 employees as its AI agents handle a growing share of support calls, the company said in an updated statement on Wednesday.",
        minutes_ago(10),
    )
}

/// Exercises coverage arriving after a restart: it still goes into the story's existing thread.
fn daily_after_restart() -> String {
    item(
        "corvana-final-weeks",
        "harbor.example",
        "Corvana staff describe final weeks before AI layoffs",
        "Employees at Corvana described tense final weeks before the layoffs, as managers trained the AI system that will replace much of the support team, according to interviews by Harbor Daily.",
        minutes_ago(5),
    )
}

/// One run of the binary, its output going to `log`.
struct Bot {
    child: tokio::process::Child,
    log: PathBuf,
}

impl Bot {
    fn start(fake: &FakeSlack, db: &Path, log: &Path) -> Bot {
        let out = std::fs::File::options().create(true).append(true).open(log).unwrap();
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_layoffwatch"))
            .arg("run")
            // Only what this test sets: no token or feed of the machine's environment leaks in.
            .env_clear()
            .env("SLACK_BOT_TOKEN", "xoxb-e2e-bot-token")
            .env("SLACK_APP_TOKEN", "xapp-e2e-app-token")
            .env("SLACK_API_URL", fake.api_url())
            .env("LAYOFFWATCH_DB", db)
            .env("LAYOFFWATCH_POLL_SECONDS", "1")
            .env("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true")
            .env("LAYOFFWATCH_CONSOLE", "false")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::from(out.try_clone().unwrap()))
            .stderr(Stdio::from(out))
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts");
        Bot { child, log: log.to_path_buf() }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits for `done`, failing early (with the bot's log) if the process ends meanwhile.
    async fn until(&mut self, what: &str, mut done: impl FnMut() -> bool) {
        let deadline = Instant::now() + PATIENCE;
        while !done() {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("the bot exited ({status}) while waiting for {what}; its log:\n{}", self.log());
            }
            assert!(Instant::now() < deadline, "waited {PATIENCE:?} for {what}; the bot's log:\n{}", self.log());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends SIGTERM and returns how the process ended.
    async fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().expect("still running");
        let sent = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
        assert!(sent.success(), "kill -TERM {pid} failed");
        match tokio::time::timeout(PATIENCE, self.child.wait()).await {
            Ok(status) => status.unwrap(),
            Err(_) => panic!("the bot did not stop within {PATIENCE:?} of SIGTERM; its log:\n{}", self.log()),
        }
    }
}

/// A `/layoffs` slash command as Slack sends it over Socket Mode.
fn slash(channel: &str, user: &str, trigger: &str, text: &str) -> Value {
    json!({
        "token": "unused", "team_id": "T0000001", "team_domain": "acme", "channel_id": channel,
        "channel_name": "layoffs", "user_id": user, "user_name": "someone", "command": "/layoffs",
        "text": text, "api_app_id": "A0000001", "is_enterprise_install": "false",
        "response_url": "https://hooks.slack.com/commands/T0000001/1/abc", "trigger_id": trigger,
    })
}

/// Sends a command and returns the ephemeral reply's blocks, after checking who and where it went.
async fn command(bot: &mut Bot, fake: &FakeSlack, n: usize, channel: &str, text: &str) -> String {
    let before = fake.ephemerals().len();
    let envelope =
        fake.send_envelope("slash_commands", &format!("env-{n}"), slash(channel, ADMIN, &format!("trig-{n}"), text), 0);
    bot.until(&format!("the ack of {envelope}"), || fake.acks().iter().any(|a| a["envelope_id"] == envelope.as_str()))
        .await;
    bot.until(&format!("the reply to `/layoffs {text}`"), || fake.ephemerals().len() > before).await;
    let reply = fake.ephemerals()[before].clone();
    assert_eq!(reply["user"], ADMIN, "the reply goes to the person who asked: {reply:?}");
    assert_eq!(reply["channel"], channel, "{reply:?}");
    reply["blocks"].to_string()
}

/// The delivery key a bot message carries in its metadata.
fn key(m: &Posted) -> String {
    m.metadata.as_ref().and_then(|md| md["event_payload"]["key"].as_str()).unwrap_or_default().to_string()
}

fn top_level(fake: &FakeSlack, channel: &str) -> Vec<Posted> {
    fake.bot_messages().into_iter().filter(|m| m.channel == channel && m.thread_ts.is_none()).collect()
}

fn replies(fake: &FakeSlack, channel: &str, parent: &str) -> Vec<Posted> {
    fake.bot_messages().into_iter().filter(|m| m.channel == channel && m.thread_ts.as_deref() == Some(parent)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_posts_threads_edits_and_survives_a_restart_through_slack() {
    let fake = FakeSlack::start().await;
    fake.make_admin(ADMIN);
    let feeds = FeedServer::start().await;
    feeds.feed_of_site("wire.xml", "Northwind Wire", "https://northwind.example/");
    feeds.add("wire.xml", wire_backlog());
    feeds.feed_of_site("daily.xml", "Harbor Daily — Business", "https://harbor.example/");
    feeds.add("daily.xml", daily_backlog());
    let (wire, daily) = (feeds.url("wire.xml"), feeds.url("daily.xml"));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("layoffwatch.sqlite");
    let log = dir.path().join("bot.log");

    let mut bot = Bot::start(&fake, &db, &log);
    bot.until("the Socket Mode connection", || !fake.requests("apps.connections.open").is_empty()).await;
    fake.connected().await;

    // Slack wraps a typed URL in <…>, as the real client does.
    let reply = command(&mut bot, &fake, 1, LIVE, &format!("subscribe <{wire}>")).await;
    assert!(reply.contains("Subscribed this channel to") && reply.contains(&wire), "{reply}");
    assert!(reply.contains("not reposted"), "the reply says the backlog stays unposted: {reply}");
    let reply = command(&mut bot, &fake, 2, LIVE, &format!("subscribe <{daily}>")).await;
    assert!(reply.contains("Subscribed this channel to") && reply.contains(&daily), "{reply}");
    let reply = command(&mut bot, &fake, 3, DIGEST, &format!("subscribe <{wire}>")).await;
    assert!(reply.contains("Subscribed this channel to"), "{reply}");
    let reply = command(&mut bot, &fake, 4, DIGEST, "digest hourly").await;
    assert!(reply.contains("Digest set to hourly"), "{reply}");

    // Two fetches of a feed mean its first poll (the backlog, remembered) is committed.
    bot.until("the first polls of both feeds", || feeds.hits("wire.xml") >= 2 && feeds.hits("daily.xml") >= 2).await;
    assert!(fake.bot_messages().is_empty(), "a new subscription's backlog is not posted: {:?}", fake.bot_messages());

    // A new story on the wire: one Block Kit post in the live channel.
    feeds.add("wire.xml", wire_first());
    bot.until("the new story's post", || !top_level(&fake, LIVE).is_empty()).await;
    let first = top_level(&fake, LIVE).remove(0);
    let blocks = first.blocks.to_string();
    // The post opens with its linked headline.
    assert_eq!(first.blocks[0]["type"], "section", "{blocks}");
    assert!(blocks.contains("Corvana") && blocks.contains("600 jobs"), "{blocks}");
    // The hostile headline reaches Slack as escaped text (the checks at the end prove it pings no one).
    let header = first.blocks[0]["text"]["text"].as_str().unwrap_or_default();
    assert!(header.starts_with("*<https://northwind.example/corvana-600|"), "{header}");
    assert!(header.contains("here Corvana") && header.contains("!channel&gt;"), "{header}");
    assert!(blocks.contains("Northwind Wire"), "{blocks}");
    assert!(key(&first).contains(&format!("slack:{LIVE}/")) && key(&first).ends_with("/post"), "{}", key(&first));

    // The same story from the second outlet: a reply in the first post's thread.
    feeds.add("daily.xml", daily_joins());
    bot.until("the second outlet's reply", || !replies(&fake, LIVE, &first.ts).is_empty()).await;
    let reply = replies(&fake, LIVE, &first.ts).remove(0);
    assert!(reply.blocks.to_string().contains("Also reported by Harbor Daily"), "{}", reply.blocks);
    assert!(key(&reply).ends_with("/update"), "{}", key(&reply));
    assert_eq!(top_level(&fake, LIVE).len(), 1, "coverage of a known story is no new post");

    // The company revises its figure: the first post is edited in place (and the thread told).
    feeds.add("wire.xml", wire_revised());
    let edited = |fake: &FakeSlack| fake.messages().into_iter().find(|m| m.ts == first.ts).unwrap();
    // (An earlier edit may have added the second outlet; the revision's edit reads 900.)
    bot.until("the edit of the first post", || edited(&fake).blocks.to_string().contains("900 jobs")).await;
    bot.until("the revision's reply", || replies(&fake, LIVE, &first.ts).len() >= 2).await;
    let now_reads = edited(&fake).blocks.to_string();
    assert!(now_reads.contains("900 jobs (was 600)") && now_reads.contains("updated"), "{now_reads}");
    assert_eq!(fake.requests("chat.update")[0].params["ts"], first.ts.as_str());
    assert_eq!(top_level(&fake, LIVE).len(), 1);

    // SIGTERM: a clean stop, exit code 0.
    let status = bot.terminate().await;
    assert!(
        status.success(),
        "SIGTERM ends the bot with 0, got {status}; its log:\n{}",
        std::fs::read_to_string(&log).unwrap()
    );
    let before_restart = fake.bot_messages();

    // A new process on the same database: nothing is posted again…
    let mut bot = Bot::start(&fake, &db, &log);
    bot.until("the restarted bot's start", || fake.requests("auth.test").len() >= 2).await;
    let (w, d) = (feeds.hits("wire.xml"), feeds.hits("daily.xml"));
    bot.until("two polls after the restart", || feeds.hits("wire.xml") >= w + 2 && feeds.hits("daily.xml") >= d + 2)
        .await;
    assert_eq!(fake.bot_messages().len(), before_restart.len(), "a restart reposts nothing: {:?}", fake.bot_messages());

    // …and later coverage still goes into the story's thread.
    feeds.add("daily.xml", daily_after_restart());
    bot.until("the reply after the restart", || replies(&fake, LIVE, &first.ts).len() >= 3).await;
    let late = replies(&fake, LIVE, &first.ts).pop().unwrap();
    assert!(late.blocks.to_string().contains("final weeks"), "{}", late.blocks);
    let status = bot.terminate().await;
    assert!(status.success(), "{status}; log:\n{}", std::fs::read_to_string(&log).unwrap());

    // The whole conversation: one post, three replies in its thread, one edit, each delivery once.
    let live: Vec<Posted> = fake.bot_messages().into_iter().filter(|m| m.channel == LIVE).collect();
    assert_eq!(top_level(&fake, LIVE).len(), 1, "{live:?}");
    assert_eq!(replies(&fake, LIVE, &first.ts).len(), 3, "{live:?}");
    assert_eq!(live.len(), 4, "{live:?}");
    let mut keys = HashSet::new();
    for m in &fake.bot_messages() {
        let part = &m.metadata.as_ref().unwrap()["event_payload"]["part"];
        assert!(keys.insert((key(m), part.to_string())), "{} (part {part}) was posted twice", key(m));
    }
    // One edit when the second outlet joined, one for the revision; the restart repeats neither.
    assert_eq!(edited(&fake).edits, 2, "one edit per change");
    // A digest channel gets nothing live (a digest may arrive if the test ran across the hour).
    for m in fake.bot_messages().iter().filter(|m| m.channel == DIGEST) {
        assert!(key(m).starts_with("digest/"), "a live post reached the digest channel: {}", key(m));
    }
    // Nothing the bot sent unfurls links or can ping anyone.
    for r in fake.requests("chat.postMessage") {
        assert_eq!(r.params["unfurl_links"], Value::Bool(false), "{:?}", r.params);
        assert_eq!(r.params["unfurl_media"], Value::Bool(false), "{:?}", r.params);
    }
    let sent = ["chat.postMessage", "chat.update", "chat.postEphemeral"].iter().flat_map(|m| fake.requests(m));
    for r in sent {
        let body = serde_json::to_string(&r.params).unwrap();
        for mention in ["<!channel>", "<!here>", "@here", "@channel", "&lt;!channel&gt;"] {
            assert!(!body.contains(mention), "{mention} reached Slack in {}: {body}", r.method);
        }
        assert_ne!(r.params.get("link_names"), Some(&Value::Bool(true)));
    }
    assert_eq!(fake.violations(), Vec::<String>::new(), "every request and envelope matched Slack's spec");
}
