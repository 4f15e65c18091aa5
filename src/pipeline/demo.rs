//! `demo`: the bundled sample feeds (written for this project: several outlets, near-duplicates,
//! revised numbers, off-topic items) through the whole pipeline — fetch, parse, relevance, stories,
//! claims, the SQLite store and its outbox — to a destination, offline and without tokens.

use super::ingest::news_items;
use super::watcher::{WatchRules, Watcher};
use crate::core::story::{NewsItem, StoryRules};
use crate::core::summarize::Summarizer;
use crate::delivery::Destination;
use crate::feeds::{FeedSource, FetchSettings, Fetcher, ParseError, parse_feed};
use crate::store::SqliteStore;
use chrono::Duration;
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

/// Every item of the sample feeds, oldest first.
pub fn sample_items() -> Result<Vec<NewsItem>, ParseError> {
    let mut items = Vec::new();
    for (name, bytes) in SAMPLE_FEEDS {
        let feed = parse_feed(bytes, name)?;
        items.extend(news_items(&feed, name));
    }
    items.sort_by_key(|i| i.published);
    Ok(items)
}

/// Runs the sample feeds through the bot's own pipeline — an in-memory SQLite store, the outbox and
/// `dest` — with the clock at the newest item's time, so every run prints the same.
pub async fn run(
    dest: Arc<dyn Destination>,
    summarizer: Box<dyn Summarizer + Send + Sync>,
) -> Result<DemoReport, DemoError> {
    let dir = tempfile::tempdir().map_err(|e| DemoError::Setup(e.to_string()))?;
    let mut sources = Vec::new();
    for (name, bytes) in SAMPLE_FEEDS {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).map_err(|e| DemoError::Setup(e.to_string()))?;
        sources.push(FeedSource::File(path));
    }
    let now = sample_items()?.iter().filter_map(|i| i.published).max().unwrap_or_default() + Duration::hours(1);
    let store = SqliteStore::open_in_memory().await.map_err(|e| DemoError::Setup(e.to_string()))?;
    let fetcher = Fetcher::new(FetchSettings::default()).map_err(|e| DemoError::Setup(e.to_string()))?;
    let rules = WatchRules {
        stories: StoryRules::default(),
        disable_after_failures: 3,
        base_backoff: Duration::seconds(60),
        post_backlog: true,
    };
    let mut watcher = Watcher::new(store, fetcher, vec![dest], summarizer, rules);
    let mut report = DemoReport::default();
    // Feeds in the order their news broke, so stories grow as they did.
    let mut order: Vec<(Option<chrono::DateTime<chrono::Utc>>, FeedSource)> = Vec::new();
    for (source, (name, bytes)) in sources.into_iter().zip(SAMPLE_FEEDS) {
        let first = parse_feed(bytes, name)?.items.iter().filter_map(|i| i.published).min();
        order.push((first, source));
    }
    order.sort_by_key(|(first, _)| *first);
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
