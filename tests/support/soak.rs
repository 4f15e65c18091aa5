//! What the kill -9 soaks of `layoffwatch run` share, whichever chat platform they drive: the seed
//! (printed, replayable), the stories the shared feed server releases a little at a time, starting the
//! real binary, a kill at a seeded moment, and the last run left alone until the outbox and the inbox
//! are empty.

use super::feeds::{FeedServer, item, minutes_ago};
use sqlx::Row;
use sqlx::sqlite::SqlitePool;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use tokio::process::Child;

/// Invented companies, one story each, worded apart so no two stories are near-duplicates.
pub const COMPANIES: &[(&str, &str, u32)] = &[
    ("Corvana", "customer support", 600),
    ("Pellmark Labs", "quality assurance", 240),
    ("Tessaly", "call-centre", 80),
    ("Brindlewood Health", "medical billing", 1_150),
    ("Quorra Systems", "technical writing", 310),
    ("Ostrander Freight", "dispatch", 470),
];

/// A small seeded generator (xorshift64*), so a failing run can be replayed from its seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
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
                minutes_ago(30),
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
                    "{c} will now lay off {revised} employees as its AI agents handle a growing share of {team} work, the company said in an updated statement on Wednesday."
                ),
                minutes_ago(10),
            ),
        ),
    ]
}

/// 1725 → "1,725", as the posts write headcounts.
pub fn thousands(n: u32) -> String {
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

pub async fn pause(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

/// Waits up to `limit` for `done`; returns whether it held.
pub async fn within(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        pause(25).await;
    }
    done()
}

/// One soak: its seed and number of kills, the feed server and the stories it releases, and the
/// folder holding the bot's database and log.
pub struct Soak {
    pub seed: u64,
    pub kills: usize,
    pub rng: Rng,
    pub feeds: FeedServer,
    pub dir: TempDir,
    releases: Vec<(&'static str, String)>,
    released: usize,
}

impl Soak {
    /// A soak seeded from `LAYOFFWATCH_SOAK_SEED` (else the clock) with `LAYOFFWATCH_SOAK_KILLS` kills
    /// (else 30); prints the seed, so a failure can be replayed.
    pub async fn new(platform: &str) -> Self {
        let seed = std::env::var("LAYOFFWATCH_SOAK_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| chrono::Utc::now().timestamp_nanos_opt().unwrap_or(1) as u64 | 1);
        let kills = std::env::var("LAYOFFWATCH_SOAK_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(30);
        println!("{platform} soak seed: {seed} (replay with LAYOFFWATCH_SOAK_SEED={seed}), kills: {kills}");
        let feeds = FeedServer::start().await;
        feeds.feed("wire.xml", "Northwind Wire");
        feeds.feed("daily.xml", "Harbor Daily");
        Self {
            seed,
            kills,
            rng: Rng(seed),
            feeds,
            dir: tempfile::tempdir().unwrap(),
            releases: (0..COMPANIES.len()).flat_map(story_items).collect(),
            released: 0,
        }
    }

    /// A feed a command subscribes a channel to: declared, and empty.
    pub fn quiet_feed(&self, n: u64) -> String {
        let name = format!("quiet-{n}.xml");
        self.feeds.feed(&name, "Quiet Feed");
        self.feeds.url(&name)
    }

    /// Starts `layoffwatch run` on the soak's feeds and database, with the platform's variables.
    pub fn start(&self, platform: &[(&str, String)]) -> Child {
        let log = std::fs::File::options().create(true).append(true).open(self.dir.path().join("bot.log")).unwrap();
        let feeds = format!("{},{}", self.feeds.url("wire.xml"), self.feeds.url("daily.xml"));
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_layoffwatch"));
        command
            .arg("run")
            .env_clear()
            .env("LAYOFFWATCH_FEEDS", feeds)
            .env("LAYOFFWATCH_DB", self.db_path())
            .env("LAYOFFWATCH_POLL_SECONDS", "1")
            .env("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true")
            .env("LAYOFFWATCH_CONSOLE", "false")
            .env("RUST_LOG", "warn")
            .env("NO_COLOR", "1");
        for (key, value) in platform {
            command.env(key, value);
        }
        command
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts")
    }

    fn db_path(&self) -> std::path::PathBuf {
        self.dir.path().join("db.sqlite")
    }

    /// Waits for the first run to poll both feeds twice: their (empty) backlog is remembered, so
    /// what is released later is news.
    pub async fn backlog_remembered(&self) {
        let polled = || self.feeds.hits("wire.xml") >= 2 && self.feeds.hits("daily.xml") >= 2;
        assert!(within(Duration::from_secs(60), polled).await, "the first run polled both feeds");
    }

    /// Releases the stories' items due by `round`: a little at a time, through the first two thirds
    /// of the rounds.
    pub fn release_due(&mut self, round: usize) {
        let due = ((round + 1) * self.releases.len()).div_ceil(self.kills * 2 / 3 + 1).min(self.releases.len());
        self.release_until(due);
    }

    /// Releases every item not released yet.
    pub fn release_all(&mut self) {
        self.release_until(self.releases.len());
    }

    fn release_until(&mut self, due: usize) {
        while self.released < due {
            let (feed, item) = self.releases[self.released].clone();
            self.feeds.add(feed, item);
            self.released += 1;
        }
    }

    /// Ends a round with kill -9. When `on_post` the caller armed its fake to kill the bot right after
    /// a chat write: this waits (a seeded while) for `pending` to turn false, then kills anyway; else
    /// it kills after a seeded delay. Returns whether the fake's kill came first.
    pub async fn kill(&mut self, mut bot: Child, on_post: bool, mut pending: impl FnMut() -> bool) -> bool {
        let pid = bot.id().expect("running");
        let mut by_post = false;
        if on_post {
            by_post = within(Duration::from_millis(600 + self.rng.below(2_400)), || !pending()).await;
        } else {
            pause(100 + self.rng.below(1_500)).await;
        }
        let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
        let _ = bot.wait().await;
        by_post
    }

    /// Lets the last run work until it has polled both feeds three more times and the outbox and the
    /// inbox are empty, then stops it; returns the database for the checks. Fails with the bot's log
    /// after two minutes.
    pub async fn settle(&self, mut bot: Child) -> SqlitePool {
        let db = format!("sqlite://{}", self.db_path().display());
        let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(&db).await.unwrap();
        let (w, d) = (self.feeds.hits("wire.xml"), self.feeds.hits("daily.xml"));
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let polled = self.feeds.hits("wire.xml") >= w + 3 && self.feeds.hits("daily.xml") >= d + 3;
            if polled
                && count(&pool, "SELECT COUNT(*) AS n FROM deliveries WHERE state <> 'sent'").await == 0
                && count(&pool, "SELECT COUNT(*) AS n FROM inbox").await == 0
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the last run did not settle; log:\n{}",
                std::fs::read_to_string(self.dir.path().join("bot.log")).unwrap_or_default()
            );
            pause(200).await;
        }
        let _ = std::process::Command::new("kill").args(["-TERM", &bot.id().unwrap().to_string()]).status();
        let _ = bot.wait().await;
        pool
    }
}

async fn count(pool: &SqlitePool, sql: &'static str) -> i64 {
    sqlx::query(sql).fetch_one(pool).await.unwrap().get("n")
}

/// The outbox rows for `destination`: (key, kind).
pub async fn deliveries_to(pool: &SqlitePool, destination: &str) -> Vec<(String, String)> {
    sqlx::query("SELECT key, kind FROM deliveries WHERE destination = ?")
        .bind(destination)
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|row| (row.get("key"), row.get("kind")))
        .collect()
}

/// How many times `platform`'s `channel` is subscribed to `feed`.
pub async fn subscriptions(pool: &SqlitePool, platform: &str, channel: &str, feed: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM subscriptions WHERE platform = ? AND channel = ? AND feed = ?")
        .bind(platform)
        .bind(channel)
        .bind(feed)
        .fetch_one(pool)
        .await
        .unwrap()
        .get("n")
}

/// The revised headcount each company's post must show in the end, as the posts write it.
pub fn revised_figures() -> impl Iterator<Item = (&'static str, String)> {
    COMPANIES.iter().map(|(c, _, n)| (*c, thousands(n + n / 2)))
}
