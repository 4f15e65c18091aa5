//! `demo`: the bundled sample feeds (written for this project: several outlets, near-duplicates,
//! revised numbers, off-topic items) through the whole pipeline — fetch, parse, relevance, stories,
//! claims, the SQLite store and its outbox — to a destination, offline and without tokens.

use crate::core::story::StoryRules;
use crate::delivery::Destination;
use crate::feeds::{FeedSource, FetchSettings, Fetcher, ParseError, parse_feed};
use crate::pipeline::watcher::{WatchRules, Watcher};
use crate::store::SqliteStore;
use crate::summaries::SummaryService;
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

/// The sample feeds compiled into the binary: (file name, contents).
pub const SAMPLE_FEEDS: &[(&str, &[u8])] = &[
    ("reuters-technology.xml", include_bytes!("../../demo/feeds/reuters-technology.xml")),
    ("techcrunch.xml", include_bytes!("../../demo/feeds/techcrunch.xml")),
    ("theverge.atom", include_bytes!("../../demo/feeds/theverge.atom")),
    ("geekwire.rdf", include_bytes!("../../demo/feeds/geekwire.rdf")),
    ("cnbc.json", include_bytes!("../../demo/feeds/cnbc.json")),
    ("yahoo-finance.xml", include_bytes!("../../demo/feeds/yahoo-finance.xml")),
];

/// What the demo did, for its closing lines and for tests.
#[derive(Debug, Default)]
pub struct DemoReport {
    pub posts: usize,
    pub updates: usize,
    pub edits: usize,
    /// (title, reason) of every item that did not become part of a story.
    pub skipped: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("a bundled sample feed is broken: {0}; this is a bug in the release, please report it")]
    Feed(#[from] ParseError),
    #[error("the demo could not run: {0}")]
    Setup(String),
}

/// Runs the sample feeds through the bot's own pipeline — an in-memory SQLite store, the outbox and
/// `dest` — with the clock at the newest item's time, so every run prints the same.
pub async fn run(dest: Arc<dyn Destination>, summaries: Arc<dyn SummaryService>) -> Result<DemoReport, DemoError> {
    let feeds: Vec<(&str, &[u8])> = SAMPLE_FEEDS.to_vec();
    run_feeds(&feeds, dest, summaries).await
}

/// Runs `feeds` ((file name, contents)) through the pipeline as [`run`] does the sample feeds: the
/// `preview` command shows an operator's own feed this way.
pub async fn run_feeds(
    feeds: &[(&str, &[u8])],
    dest: Arc<dyn Destination>,
    summaries: Arc<dyn SummaryService>,
) -> Result<DemoReport, DemoError> {
    // Each feed is parsed once here for its dates: the clock is the newest item's time, and feeds are
    // polled in the order their news broke, so stories grow as they did.
    let dir = tempfile::tempdir().map_err(|e| DemoError::Setup(e.to_string()))?;
    let mut order: Vec<(Option<DateTime<Utc>>, FeedSource)> = Vec::new();
    let mut newest: Option<DateTime<Utc>> = None;
    for (name, bytes) in feeds {
        let dates: Vec<DateTime<Utc>> = parse_feed(bytes, name)?.items.iter().filter_map(|i| i.published).collect();
        newest = newest.max(dates.iter().max().copied());
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).map_err(|e| DemoError::Setup(e.to_string()))?;
        order.push((dates.iter().min().copied(), FeedSource::File(path)));
    }
    order.sort_by_key(|(first, _)| *first);
    let now = newest.unwrap_or_default() + Duration::hours(1);
    let store = SqliteStore::open_in_memory().await.map_err(|e| DemoError::Setup(e.to_string()))?;
    let fetcher = Fetcher::new(FetchSettings::default()).map_err(|e| DemoError::Setup(e.to_string()))?;
    let rules = WatchRules {
        stories: StoryRules::default(),
        disable_after_failures: 3,
        base_backoff: Duration::seconds(60),
        post_backlog: true,
        keep_text: chrono::Duration::days(30),
    };
    let mut watcher = Watcher::new(store, fetcher, vec![dest], summaries, rules);
    let mut report = DemoReport::default();
    for (_, source) in &order {
        let polled = watcher.poll(source, now).await.map_err(|e| DemoError::Setup(e.to_string()))?;
        report.skipped.extend(polled.passed_over);
        watcher.flush(now).await.map_err(|e| DemoError::Setup(e.to_string()))?;
    }
    let counts = watcher.sent_by_kind();
    report.posts = counts.posts;
    report.updates = counts.updates;
    report.edits = counts.edits;
    Ok(report)
}
