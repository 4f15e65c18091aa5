//! `demo`: the bundled sample feeds (written for this project: several outlets, near-duplicates,
//! revised numbers, off-topic items) through the whole pipeline to a destination, offline and
//! without tokens. The clock is the newest item's time, so the demo prints the same on every run.

use super::ingest::news_items;
use super::placement::messages;
use super::send::send;
use crate::core::lexicon::Lexicon;
use crate::core::relevance::Topic;
use crate::core::story::{NewsItem, Placement, StoryBook, StoryRules};
use crate::core::summarize::Summarizer;
use crate::delivery::{DeliveryError, Destination, PostRef};
use crate::feeds::{ParseError, parse_feed};
use chrono::Duration;
use std::collections::HashMap;

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
    #[error("posting failed: {0}")]
    Delivery(#[from] DeliveryError),
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

pub async fn run(dest: &dyn Destination, summarizer: &dyn Summarizer) -> Result<DemoReport, DemoError> {
    let items = sample_items()?;
    let now = items.iter().filter_map(|i| i.published).max().unwrap_or_default() + Duration::hours(1);
    let mut book = StoryBook::new(StoryRules::default());
    let mut threads: HashMap<String, PostRef> = HashMap::new();
    let mut report = DemoReport::default();
    for item in items {
        let title = item.title.clone();
        let placement = book.add(item, now, Lexicon::embedded(), Topic::embedded());
        match &placement {
            Placement::OffTopic { reason } => report.skipped.push((title, reason.clone())),
            Placement::Duplicate { of, reason } => {
                report.skipped.push((title, format!("duplicate ({reason}) of {of}")))
            }
            Placement::TooOld => report.skipped.push((title, "too old".into())),
            Placement::NewStory { .. } | Placement::Joined { .. } => {}
        }
        for msg in messages(&book, &placement, summarizer) {
            let story_id = match &msg {
                crate::core::message::Outbound::Post(p) | crate::core::message::Outbound::Edit(p) => p.story_id.clone(),
                crate::core::message::Outbound::Update(u) => u.story_id.clone(),
            };
            let key = format!("{story_id}/{}/{}", dest.name(), report.posts + report.updates + report.edits);
            let posted = send(dest, &key, &msg, threads.get(&story_id)).await?;
            match msg {
                crate::core::message::Outbound::Post(_) => {
                    report.posts += 1;
                    threads.insert(story_id, posted);
                }
                crate::core::message::Outbound::Update(_) => report.updates += 1,
                crate::core::message::Outbound::Edit(_) => report.edits += 1,
            }
        }
    }
    Ok(report)
}
