//! The bot survives `kill -9` at any point: runs of the real binary are killed at staggered moments
//! while it polls and posts, then restarted; the posts that come out (a JSON-lines output whose keys
//! identify each delivery) must be exactly those of a run that was never interrupted — none missing,
//! none twice.

mod support;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use layoffwatch::tools::bench::COMPANIES;
use support::feeds::FeedServer;

/// An RSS feed whose item count the test controls: phase 0 is the backlog a first poll remembers,
/// phase 1 adds the news that must be posted.
fn feed(phase: usize) -> String {
    let now = chrono::Utc::now();
    let mut items = String::new();
    let count = if phase == 0 { 2 } else { COMPANIES.len() * 2 };
    for i in 0..count {
        let company = COMPANIES[i / 2];
        let (title, text) = if i % 2 == 0 {
            (
                format!("{company} to cut {} jobs as AI agents take over support", 100 + i * 10),
                format!(
                    "{company} will cut {} jobs as it replaces support staff with AI agents, the company said in a statement. Analysts expect more cuts.",
                    100 + i * 10
                ),
            )
        } else {
            (
                format!("{company} confirms {} layoffs in AI push", 150 + i * 10),
                format!(
                    "{company} confirmed {} layoffs on Tuesday, citing automation, according to a filing. Critics argue the AI explanation is a pretext.",
                    150 + i * 10
                ),
            )
        };
        let published = (now - chrono::Duration::minutes((60 - i) as i64)).to_rfc2822();
        items.push_str(&format!(
            "<item><guid>item-{i}</guid><link>https://news.example/{i}</link><title>{title}</title><pubDate>{published}</pubDate><description>{text}</description></item>"
        ));
    }
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Example Wire</title>{items}</channel></rss>")
}

fn bot(dir: &Path, feed: &str, once: bool) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_layoffwatch"));
    cmd.arg("run")
        .env("LAYOFFWATCH_DB", dir.join("db.sqlite"))
        .env("LAYOFFWATCH_FEEDS", feed)
        .env("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true")
        .env("LAYOFFWATCH_JSONL", dir.join("out.jsonl"))
        .env("LAYOFFWATCH_CONSOLE", "false")
        .env("LAYOFFWATCH_POLL_SECONDS", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if once {
        cmd.arg("--once");
    }
    cmd
}

async fn run_once(dir: &Path, feed: &str) {
    let mut cmd = bot(dir, feed, true);
    let status = tokio::task::spawn_blocking(move || cmd.status().unwrap()).await.unwrap();
    assert!(status.success());
}

/// The delivery keys written, with the run's own folder (part of the destination's name) taken out.
fn keys(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("out.jsonl")).unwrap_or_default();
    let folder = dir.display().to_string();
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| v["key"].as_str().unwrap().replace(&folder, "DIR"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_at_any_point_loses_nothing_and_repeats_nothing() {
    // The uninterrupted reference.
    let feeds = FeedServer::start().await;
    feeds.raw("feed.xml", feed(0));
    let feed_url = feeds.url("feed.xml");
    let reference = tempfile::tempdir().unwrap();
    run_once(reference.path(), &feed_url).await;
    assert!(keys(reference.path()).is_empty(), "a first poll posts nothing old");
    feeds.raw("feed.xml", feed(1));
    run_once(reference.path(), &feed_url).await;
    let expected = keys(reference.path());
    assert!(expected.len() >= COMPANIES.len(), "the news is posted: {expected:?}");
    let expected_set: HashSet<String> = expected.iter().cloned().collect();
    assert_eq!(expected_set.len(), expected.len());

    // The same news, with the bot killed again and again.
    feeds.raw("feed.xml", feed(0));
    let crashed = tempfile::tempdir().unwrap();
    run_once(crashed.path(), &feed_url).await;
    feeds.raw("feed.xml", feed(1));
    let mut progress = Vec::new();
    for delay_ms in [20u64, 60, 100, 120, 135, 150, 160, 170, 180, 190, 205, 225, 260, 320, 450, 700] {
        let mut child = bot(crashed.path(), &feed_url, false).spawn().unwrap();
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        child.kill().unwrap(); // SIGKILL: no chance to clean up.
        child.wait().unwrap();
        progress.push(keys(crashed.path()).len());
    }
    println!("deliveries written after each kill: {progress:?}");
    println!("posted by the killed runs: {} of {}", keys(crashed.path()).len(), expected.len());
    run_once(crashed.path(), &feed_url).await;
    let got = keys(crashed.path());
    let got_set: HashSet<String> = got.iter().cloned().collect();
    assert_eq!(got_set.len(), got.len(), "a delivery was written twice: {got:?}");
    assert_eq!(got_set, expected_set, "the killed runs posted something different");
}
