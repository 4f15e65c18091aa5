//! `digest`: one stateless pass over feeds — fetch, parse, keep the AI-layoff news, fold it into
//! stories, label claims and summarize — in the JSON shape of the command-line contract.

use super::ingest::parse_fetched;
use crate::core::claims::Claim;
use crate::core::facts::LayoffFact;
use crate::core::id::StoryId;
use crate::core::lexicon::Lexicon;
use crate::core::relevance::Topic;
use crate::core::story::{NewsItem, Placement, Story, StoryBook, StoryRules};
use crate::core::summarize::{Bullet, Summarizer};
use crate::feeds::article::ArticleReader;
use crate::feeds::{FeedSource, FetchError, FetchOutcome, Fetcher, ParseError, Validators};
use crate::store::SqliteStore;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct DigestReport {
    pub stories: Vec<DigestStory>,
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Serialize)]
pub struct DigestStory {
    pub id: StoryId,
    pub headline: String,
    pub companies: Vec<String>,
    pub facts: Vec<LayoffFact>,
    pub items: Vec<NewsItem>,
    pub claims: Vec<Claim>,
    pub summary: DigestSummary,
}

#[derive(Debug, Serialize)]
pub struct DigestSummary {
    pub text: String,
    pub bullets: Vec<Bullet>,
}

#[derive(Debug, Serialize)]
pub struct Skipped {
    pub url: Option<String>,
    pub title: String,
    pub reason: String,
}

/// A feed that could not be read, with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum FeedFailure {
    #[error("{0}")]
    Fetch(#[from] FetchError),
    #[error("{0}")]
    Parse(#[from] ParseError),
}

/// Fetches and parses every feed, and reads the article pages of stub items of http(s) feeds when
/// given a reader; failures are returned beside the items of the feeds that worked.
pub async fn collect(
    fetcher: &Fetcher,
    articles: Option<&ArticleReader>,
    sources: &[FeedSource],
) -> (Vec<NewsItem>, Vec<(String, FeedFailure)>) {
    let results = futures_util::future::join_all(sources.iter().map(|s| fetch_one(fetcher, articles, s))).await;
    let mut items = Vec::new();
    let mut failures = Vec::new();
    for (source, result) in sources.iter().zip(results) {
        match result {
            Ok(mut got) => items.append(&mut got),
            Err(e) => failures.push((source.to_string(), e)),
        }
    }
    items.sort_by_key(|i| i.published);
    (items, failures)
}

async fn fetch_one(
    fetcher: &Fetcher,
    articles: Option<&ArticleReader>,
    source: &FeedSource,
) -> Result<Vec<NewsItem>, FeedFailure> {
    let mut items = match fetcher.fetch(source, &Validators::default()).await? {
        FetchOutcome::NotModified => Vec::new(),
        FetchOutcome::Fetched { body, content_type, .. } => {
            parse_fetched(body, content_type.as_deref(), &source.to_string()).await?
        }
    };
    if let (Some(reader), FeedSource::Url(_)) = (articles, source) {
        // A digest is one stateless pass: no cache across runs.
        super::fulltext::complete(reader, None::<&SqliteStore>, &mut items, Utc::now()).await;
    }
    Ok(items)
}

/// Folds items into stories. A digest is a snapshot, so no item is too old for it.
pub fn build(items: Vec<NewsItem>, now: DateTime<Utc>, summarizer: &dyn Summarizer) -> DigestReport {
    let mut book = StoryBook::new(StoryRules { max_age: Duration::days(365 * 100), ..StoryRules::default() });
    let (lex, topic) = (Lexicon::embedded(), Topic::embedded());
    let mut skipped = Vec::new();
    for item in items {
        let (url, title) = (item.url.clone(), item.title.clone());
        let reason = match book.add(item, now, lex, topic) {
            Placement::OffTopic { reason } => reason,
            Placement::Duplicate { of, reason } => format!("duplicate ({reason}) of {of}"),
            Placement::Repeat { item } => format!("duplicate (same item id) of {item}"),
            Placement::TooOld => "too old".into(),
            Placement::NewStory { .. } | Placement::Joined { .. } => continue,
        };
        skipped.push(Skipped { url, title, reason });
    }
    let stories: Vec<DigestStory> = book.stories().iter().map(|s| story(s, summarizer)).collect();
    // An item passed over at first may have joined a story that started later. Looked up in a set of
    // the stories' items: comparing each skipped item with every story item grew with their product.
    let placed: std::collections::HashSet<(Option<&str>, &str)> =
        stories.iter().flat_map(|st| &st.items).map(|i| (i.url.as_deref(), i.title.as_str())).collect();
    skipped.retain(|s| !placed.contains(&(s.url.as_deref(), s.title.as_str())));
    DigestReport { stories, skipped }
}

/// One story as the digest shows it: its facts, claims and summary. The story's analysis is built
/// once and its claims, facts and companies move into the entry, so no second copy is made.
pub fn story(s: &Story, summarizer: &dyn Summarizer) -> DigestStory {
    let analysis = s.analysis();
    let summary = summarizer.summarize(&analysis);
    DigestStory {
        id: s.id.clone(),
        headline: s.headline().to_string(),
        companies: analysis.companies,
        facts: analysis.facts,
        items: s.items.iter().map(|i| i.item.clone()).collect(),
        claims: analysis.claims,
        summary: DigestSummary { text: summary.text, bullets: summary.bullets },
    }
}
