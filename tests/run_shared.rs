//! Two `layoffwatch run` instances of the real binary on one PostgreSQL database, posting to the
//! fake Slack, one of them killed with SIGKILL at seeded random moments and started again.
//!
//! The instances share the work through the database: each feed poll is leased, each delivery
//! claimed. A feed server releases stories a little at a time (a first report, a second outlet's
//! coverage, a revised figure that edits the post); each round kills one instance, after a random
//! delay or right after it wrote a chat.postMessage the fake recorded (the fake answers nobody
//! then), and starts it again under a new instance name, while the other keeps working.
//!
//! At the end, after both ran undisturbed until the outbox emptied: every delivery arrived once
//! (no delivery key and piece in the channel twice, one top-level post per story, each story's
//! replies in its thread), nothing was lost (every delivery sent, every post showing its revised
//! figure), and every feed kept being polled (requests to each feed in every stretch of the run).
//!
//! Needs the test PostgreSQL server (see `support::postgres`); skips without it unless `CI` is set.
//! The seed is printed; `LAYOFFWATCH_SOAK_SEED` replays one, `LAYOFFWATCH_SOAK_KILLS` sets the
//! number of kills (12 by default, to keep the suite quick).

mod support;

use sqlx::Row;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::fake_slack::{FakeSlack, Posted};
use support::feeds::{FeedServer, item, minutes_ago};
use support::soak::{Rng, pause, thousands, within};

/// The channel stories go to (`SLACK_CHANNEL`).
const LIVE: &str = "C0SHARE001";

/// Each instance's bot token, so the fake can tell which one wrote.
const TOKENS: [&str; 2] = ["xoxb-shared-instance-one", "xoxb-shared-instance-two"];

/// The feeds both instances watch: two that carry the stories and two that stay quiet, so the
/// check that every feed keeps being polled covers feeds with nothing to post too.
const FEEDS: [&str; 4] = ["wire.xml", "daily.xml", "quiet-markets.xml", "quiet-tech.xml"];

/// The longest stretch of the run in which a feed may go unpolled. A round sends what is due
/// before it polls, at Slack's pace of one message a second per channel, so a burst of a dozen
/// deliveries holds an instance for a dozen seconds; with the other one just killed and starting
/// again (a debug build, on a loaded machine), a feed can wait that long and a few rounds more.
const POLL_GAP: Duration = Duration::from_secs(30);

/// Invented companies, one story each, worded apart so no two stories are near-duplicates.
const COMPANIES: &[(&str, &str, u32)] = &[
    ("Marlowe Textiles", "order processing", 420),
    ("Quillfeather Insurance", "claims handling", 730),
    ("Tarnside Logistics", "route planning", 160),
    ("Veloria Games", "player support", 95),
];

/// Company `i`'s story in the order it is released: the wire's first report (a post), the daily's
/// coverage (a reply, and an edit adding the outlet), the wire's revised figure (a reply and an edit).
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
                    "LONDON (Northwind) - {c} will lay off {n} employees as AI agents take over its {team} work, the company said in a statement on Tuesday."
                ),
                minutes_ago(30),
            ),
        ),
        (
            "daily.xml",
            item(
                &format!("{slug}-daily"),
                "harbor.example",
                &format!("{c} {team} staff first to go in AI layoffs"),
                &format!(
                    "Harbor Daily has learned that {c} is cutting {n} roles, most of them in {team}, because an AI system now does much of that work, a {c} spokesperson confirmed. Read more"
                ),
                minutes_ago(20),
            ),
        ),
        (
            "wire.xml",
            item(
                &format!("{slug}-revised"),
                "northwind.example",
                &format!("{c} raises AI layoffs to {revised} jobs"),
                &format!(
                    "{c} will now lay off {revised} employees as its AI agents handle a growing share of {team} work, the company said in an updated statement on Thursday."
                ),
                minutes_ago(10),
            ),
        ),
    ]
}

/// One instance of the bot, logging to `dir/NAME.log`.
fn start(fake: &FakeSlack, dir: &Path, db: &str, feeds: &str, slot: usize, name: &str) -> tokio::process::Child {
    let log = std::fs::File::options().create(true).append(true).open(dir.join(format!("{name}.log"))).unwrap();
    tokio::process::Command::new(env!("CARGO_BIN_EXE_layoffwatch"))
        .arg("run")
        .env_clear()
        .env("SLACK_BOT_TOKEN", TOKENS[slot])
        .env("SLACK_APP_TOKEN", "xapp-shared-app-token")
        .env("SLACK_API_URL", fake.api_url())
        .env("SLACK_CHANNEL", LIVE)
        .env("LAYOFFWATCH_FEEDS", feeds)
        .env("LAYOFFWATCH_DB", db)
        .env("LAYOFFWATCH_INSTANCE", name)
        .env("LAYOFFWATCH_POLL_SECONDS", "1")
        .env("LAYOFFWATCH_FEED_LEASE_SECONDS", "1")
        .env("LAYOFFWATCH_DELIVERY_CLAIM_SECONDS", "30")
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

/// A bot message's delivery key and piece, from the metadata the bot attaches.
fn key(m: &Posted) -> (String, String) {
    let md = m.metadata.clone().unwrap_or(serde_json::Value::Null);
    (
        md["event_payload"]["key"].as_str().unwrap_or_default().to_string(),
        md["event_payload"]["part"].as_str().unwrap_or_default().to_string(),
    )
}

fn kill_nine(pid: u32) {
    let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
}

fn logs(dir: &Path) -> String {
    let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    names.sort();
    names
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .map(|p| format!("--- {}\n{}", p.display(), std::fs::read_to_string(p).unwrap_or_default()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_database_killed_at_seeded_moments_deliver_everything_once() {
    let Some(db) = support::postgres::fresh_schema("run_shared_two_instances").await else { return };
    let seed = std::env::var("LAYOFFWATCH_SOAK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| chrono::Utc::now().timestamp_nanos_opt().unwrap_or(1) as u64 | 1);
    let kills: usize = std::env::var("LAYOFFWATCH_SOAK_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(12);
    println!("two-instance soak seed: {seed} (replay with LAYOFFWATCH_SOAK_SEED={seed}), kills: {kills}");
    let mut rng = Rng(seed);

    let fake = FakeSlack::start().await;
    let feeds = FeedServer::start().await;
    feeds.feed("wire.xml", "Northwind Wire");
    feeds.feed("daily.xml", "Harbor Daily");
    feeds.feed("quiet-markets.xml", "Harbor Daily Markets");
    feeds.feed("quiet-tech.xml", "Northwind Tech");
    let feed_list = FEEDS.iter().map(|f| feeds.url(f)).collect::<Vec<_>>().join(",");
    let dir = tempfile::tempdir().unwrap();
    let mut starts = 0;
    let mut launch = |slot: usize| {
        starts += 1;
        start(&fake, dir.path(), &db, &feed_list, slot, &format!("instance-{}-{starts}", slot + 1))
    };
    let mut bots = [launch(0), launch(1)];

    // The first polls remember the (empty) backlog, so what is released later is news.
    let first_polls = within(Duration::from_secs(60), || FEEDS.iter().all(|f| feeds.hits(f) >= 2)).await;
    assert!(first_polls, "both instances started and polled every feed; logs:\n{}", logs(dir.path()));
    let watched_from = Instant::now();

    let releases: Vec<(&'static str, String)> = (0..COMPANIES.len()).flat_map(story_items).collect();
    let mut released = 0;
    let mut by_post = 0;
    for round in 0..kills {
        // News arrives a little at a time, through the first two thirds of the rounds.
        let due = ((round + 1) * releases.len()).div_ceil(kills * 2 / 3 + 1).min(releases.len());
        while released < due {
            let (path, item) = releases[released].clone();
            feeds.add(path, item);
            released += 1;
        }
        let victim = rng.below(2) as usize;
        let pid = bots[victim].id().expect("running");
        if rng.below(2) == 0 {
            // Killed by the fake right after this instance's next chat write, before its answer.
            fake.kill_on_next_post_with(pid, TOKENS[victim]);
            let written = within(Duration::from_millis(600 + rng.below(2_400)), || !fake.kill_pending()).await;
            fake.disarm();
            by_post += usize::from(written);
        } else {
            pause(200 + rng.below(2_000)).await;
        }
        kill_nine(pid);
        let _ = bots[victim].wait().await;
        let connections = fake.connections();
        bots[victim] = launch(victim);
        // Started again and connected before the other one can be killed.
        within(Duration::from_secs(20), || fake.connections() > connections).await;
    }
    println!("kills: {kills}, of them between a chat write and its record: {by_post}");
    while released < releases.len() {
        let (path, item) = releases[released].clone();
        feeds.add(path, item);
        released += 1;
    }

    // Both left alone until every delivery is sent and every feed was polled again.
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect(&db).await.unwrap();
    let open = async || -> i64 {
        sqlx::query("SELECT COUNT(*) AS n FROM deliveries WHERE state <> 'sent'")
            .fetch_one(&pool)
            .await
            .unwrap()
            .get("n")
    };
    let polled_before: Vec<usize> = FEEDS.iter().map(|f| feeds.hits(f)).collect();
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let polled = FEEDS.iter().zip(&polled_before).all(|(f, before)| feeds.hits(f) >= before + 3);
        if polled && open().await == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the instances did not settle (seed {seed}); logs:\n{}", logs(dir.path()));
        pause(200).await;
    }
    let watched_to = Instant::now();
    for bot in &mut bots {
        let _ = std::process::Command::new("kill").args(["-TERM", &bot.id().unwrap().to_string()]).status();
        let _ = bot.wait().await;
    }

    // Nothing twice: no delivery key and piece is in the channel twice.
    let ours = fake.bot_messages();
    let mut seen = HashSet::new();
    for m in &ours {
        let k = key(m);
        assert!(!k.0.is_empty(), "every bot post carries its delivery key: {m:?}");
        assert!(seen.insert(k.clone()), "{k:?} was posted twice (seed {seed})");
    }
    // Nothing lost: every post and reply the outbox holds is in the channel, once per story.
    let rows = sqlx::query("SELECT key, kind, state FROM deliveries WHERE destination = $1")
        .bind(format!("slack:{LIVE}"))
        .fetch_all(&pool)
        .await
        .unwrap();
    let keys: HashSet<String> = seen.iter().map(|(k, _)| k.clone()).collect();
    let mut by_kind: HashMap<String, usize> = HashMap::new();
    for row in &rows {
        let (k, kind, state): (String, String, String) = (row.get("key"), row.get("kind"), row.get("state"));
        assert_eq!(state, "sent", "{kind} {k} was sent (seed {seed})");
        if kind != "edit" {
            assert!(keys.contains(&k), "{kind} {k} was marked sent but is not in the channel (seed {seed})");
        }
        *by_kind.entry(kind).or_default() += 1;
    }
    assert_eq!(by_kind.get("post"), Some(&COMPANIES.len()), "one story post per company (seed {seed}): {by_kind:?}");
    let top: Vec<&Posted> = ours.iter().filter(|m| m.channel == LIVE && m.thread_ts.is_none()).collect();
    assert_eq!(top.len(), COMPANIES.len(), "one top-level message per story (seed {seed}): {top:?}");
    for (c, _, n) in COMPANIES {
        let post = top
            .iter()
            .find(|m| m.blocks.to_string().contains(c))
            .unwrap_or_else(|| panic!("{c} was posted (seed {seed})"));
        let figure = thousands(n + n / 2);
        assert!(
            post.blocks.to_string().contains(&figure),
            "{c}'s post shows the revised {figure} (seed {seed}): {}",
            post.blocks
        );
        assert!(
            ours.iter().any(|m| m.thread_ts.as_deref() == Some(post.ts.as_str())),
            "{c}'s thread has its replies (seed {seed})"
        );
    }
    // Every feed kept being polled: no stretch of the run without a request to each.
    for feed in FEEDS {
        let times: Vec<Instant> =
            feeds.hit_times(feed).into_iter().filter(|t| *t >= watched_from && *t <= watched_to).collect();
        let mut last = watched_from;
        for t in times.iter().copied().chain([watched_to]) {
            assert!(
                t - last <= POLL_GAP,
                "{feed} went {:.1} s without a poll (seed {seed}); logs:\n{}",
                (t - last).as_secs_f64(),
                logs(dir.path())
            );
            last = t;
        }
    }
    assert_eq!(fake.violations(), Vec::<String>::new());
}
