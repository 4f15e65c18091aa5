//! Stories: every outlet's take on one real-world event, folded together. The story book dedupes items
//! (same id, same canonical URL, near-identical text), clusters the rest by company and time window
//! with an index so the cost grows linearly with items, and tells the pipeline whether an item made a
//! new story, joined one (and whether it changed the story's facts), or was a duplicate.

use super::analyze::{Analysis, analyze_article};
use super::claims::Claim;
use super::facts::LayoffFact;
use super::lexicon::Lexicon;
use super::model::{Article, Document};
use super::relevance::{Relevance, Topic};
use super::simhash::{SimIndex, simhash};
use super::text::article_text;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use xxhash_rust::xxh3::xxh3_64;

/// An item from a feed, as the core sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewsItem {
    /// Stable across polls (the feed layer derives it).
    pub id: String,
    /// Canonical URL.
    pub url: Option<String>,
    pub outlet: String,
    pub title: String,
    /// Summary or content, HTML or text.
    #[serde(skip)]
    pub text: String,
    pub published: Option<DateTime<Utc>>,
}

/// One item of a story with what the core learned from it.
#[derive(Debug, Clone)]
pub struct StoryItem {
    pub item: NewsItem,
    pub claims: Vec<Claim>,
    pub facts: Vec<LayoffFact>,
    pub companies: Vec<String>,
    pub simhash: u64,
}

/// The headline numbers of a story; a change in them is a revision worth editing the first post for.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyFacts {
    pub company: Option<String>,
    pub headcount: Option<u64>,
    pub percent: Option<f64>,
}

/// One real-world event and every item that covered it.
#[derive(Debug, Clone)]
pub struct Story {
    pub id: String,
    /// Bumped for every item that joins.
    pub revision: u32,
    pub first_seen: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub items: Vec<StoryItem>,
}

impl Story {
    pub fn headline(&self) -> &str {
        &self.items[0].item.title
    }

    /// The companies of the story, most mentioned first.
    pub fn companies(&self) -> Vec<String> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for c in self.items.iter().flat_map(|i| i.companies.iter().take(2)) {
            match counts.iter_mut().find(|(n, _)| n == c) {
                Some(e) => e.1 += 1,
                None => counts.push((c.clone(), 1)),
            }
        }
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        counts.into_iter().map(|(n, _)| n).collect()
    }

    pub fn outlets(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for i in &self.items {
            if !out.contains(&i.item.outlet) {
                out.push(i.item.outlet.clone());
            }
        }
        out
    }

    /// Every source's facts, each kept with its source.
    pub fn facts(&self) -> Vec<LayoffFact> {
        let mut out: Vec<LayoffFact> = Vec::new();
        for f in self.items.iter().flat_map(|i| i.facts.iter()) {
            // The same source repeating the same numbers in two items is one fact.
            let repeat = out.iter().any(|o| {
                o.source == f.source && o.company == f.company && o.headcount == f.headcount && o.percent == f.percent
            });
            if !repeat {
                out.push(f.clone());
            }
        }
        out
    }

    pub fn claims(&self) -> Vec<Claim> {
        self.items.iter().flat_map(|i| i.claims.iter().cloned()).collect()
    }

    /// The numbers a reader sees first: from the most authoritative source, the latest among equals.
    pub fn key_facts(&self) -> KeyFacts {
        let facts = || self.items.iter().flat_map(|i| i.facts.iter());
        let best = |pick: fn(&LayoffFact) -> bool| facts().filter(|f| pick(f)).max_by_key(|f| f.authority).cloned();
        let with_count = best(|f| f.headcount.is_some());
        let with_percent = best(|f| f.percent.is_some());
        KeyFacts {
            company: self.companies().into_iter().next(),
            headcount: with_count.and_then(|f| f.headcount),
            percent: with_percent.and_then(|f| f.percent),
        }
    }

    /// The whole story as one analysis, so the summarizer sees every outlet's claims; bullets cite the
    /// item URLs.
    pub fn analysis(&self) -> Analysis {
        Analysis {
            title: Some(self.headline().to_string()),
            claims: self.claims(),
            companies: self.companies(),
            facts: self.facts(),
            cite_for_article: None,
            permalinks: Vec::new(),
        }
    }
}

/// Where an item went.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    NewStory {
        story: String,
    },
    /// `revised_from` holds the story's headline numbers before this item changed them.
    Joined {
        story: String,
        revised_from: Option<KeyFacts>,
    },
    Duplicate {
        of: String,
        reason: &'static str,
    },
    OffTopic {
        reason: String,
    },
    TooOld,
}

/// Settings of the story book.
#[derive(Debug, Clone, Copy)]
pub struct StoryRules {
    /// Items about the same company this close in time are one event.
    pub window: Duration,
    /// Items older than this are not news any more.
    pub max_age: Duration,
}

impl Default for StoryRules {
    fn default() -> Self {
        Self { window: Duration::days(4), max_age: Duration::days(14) }
    }
}

/// The set of stories and the indexes that place a new item in linear time.
pub struct StoryBook {
    rules: StoryRules,
    stories: Vec<Story>,
    by_id: HashMap<String, usize>,
    by_company: HashMap<String, Vec<usize>>,
    seen_ids: HashSet<String>,
    seen_urls: HashMap<String, String>,
    near: SimIndex<String>,
    /// Stories without a company, newest last; only the recent ones are compared.
    anonymous: Vec<usize>,
}

/// How many company-less stories a new item is compared with, so cost stays bounded.
const RECENT_ANONYMOUS: usize = 64;

impl StoryBook {
    pub fn new(rules: StoryRules) -> Self {
        Self {
            rules,
            stories: Vec::new(),
            by_id: HashMap::new(),
            by_company: HashMap::new(),
            seen_ids: HashSet::new(),
            seen_urls: HashMap::new(),
            near: SimIndex::default(),
            anonymous: Vec::new(),
        }
    }

    pub fn stories(&self) -> &[Story] {
        &self.stories
    }

    pub fn story(&self, id: &str) -> Option<&Story> {
        self.by_id.get(id).map(|&i| &self.stories[i])
    }

    /// Raises a story's revision to one already recorded, so that after a restart new revisions never
    /// reuse a number (and an idempotency key) that was used before.
    pub fn raise_revision(&mut self, id: &str, revision: u32) {
        if let Some(&i) = self.by_id.get(id) {
            let story = &mut self.stories[i];
            story.revision = story.revision.max(revision);
        }
    }

    /// Whether an item id was already placed (as a story item or a duplicate).
    pub fn has_seen(&self, id: &str) -> bool {
        self.seen_ids.contains(id)
    }

    /// Places one item. `now` bounds its age; the book never reads a clock.
    pub fn add(&mut self, item: NewsItem, now: DateTime<Utc>, lex: &Lexicon, topic: &Topic) -> Placement {
        if !self.seen_ids.insert(item.id.clone()) {
            return Placement::Duplicate { of: item.id.clone(), reason: "same item id" };
        }
        if let Some(url) = &item.url
            && let Some(story) = self.seen_urls.get(url)
        {
            return Placement::Duplicate { of: story.clone(), reason: "same canonical URL" };
        }
        let published = item.published.unwrap_or(now);
        if now - published > self.rules.max_age {
            return Placement::TooOld;
        }
        let plain = article_text(&item.text);
        if let Relevance::OffTopic { reason } = topic.judge(&item.title, &plain) {
            return Placement::OffTopic { reason };
        }
        let fingerprint = simhash(&format!("{} {}", item.title, plain));
        if plain.split_whitespace().count() >= 20
            && let Some(story) = self.near.near(fingerprint)
        {
            return Placement::Duplicate { of: story, reason: "near-duplicate text" };
        }
        let analysed = analyse_item(item, fingerprint, &plain, lex);
        let target = self.find_story(&analysed, published);
        let placement = match target {
            Some(idx) => {
                let before = self.stories[idx].key_facts();
                let story = &mut self.stories[idx];
                story.items.push(analysed);
                story.revision += 1;
                story.updated = story.updated.max(published);
                let after = story.key_facts();
                let changed = before.headcount.is_some() && before.headcount != after.headcount
                    || before.percent.is_some() && before.percent != after.percent;
                let id = story.id.clone();
                self.index_companies(idx);
                Placement::Joined { story: id, revised_from: changed.then_some(before) }
            }
            None => {
                let id = format!("s-{:012x}", xxh3_64(analysed.item.id.as_bytes()) >> 16);
                let idx = self.stories.len();
                self.stories.push(Story {
                    id: id.clone(),
                    revision: 1,
                    first_seen: published,
                    updated: published,
                    items: vec![analysed],
                });
                self.by_id.insert(id.clone(), idx);
                if self.stories[idx].items[0].companies.is_empty() {
                    self.anonymous.push(idx);
                }
                self.index_companies(idx);
                Placement::NewStory { story: id }
            }
        };
        let story_id = match &placement {
            Placement::NewStory { story } | Placement::Joined { story, .. } => story.clone(),
            _ => unreachable!("only placements into a story reach here"),
        };
        let last = self.stories[self.by_id[&story_id]].items.last().expect("the item was just added");
        if let Some(url) = &last.item.url {
            self.seen_urls.insert(url.clone(), story_id.clone());
        }
        self.near.insert(last.simhash, story_id);
        placement
    }

    fn index_companies(&mut self, idx: usize) {
        let item = self.stories[idx].items.last().expect("a story has items");
        for c in item.companies.iter().take(2) {
            let list = self.by_company.entry(c.clone()).or_default();
            if !list.contains(&idx) {
                list.push(idx);
            }
        }
    }

    /// The story an item belongs to: one about the same lead company within the window, or, for items
    /// naming no company, a recent story with a closely matching headline.
    fn find_story(&self, item: &StoryItem, published: DateTime<Utc>) -> Option<usize> {
        let in_window = |s: &Story| {
            (published - s.updated).abs() <= self.rules.window || (published >= s.first_seen && published <= s.updated)
        };
        if let Some(lead) = item.companies.first() {
            return self.by_company.get(lead)?.iter().rev().copied().find(|&i| in_window(&self.stories[i]));
        }
        let words = title_words(&item.item.title);
        self.anonymous.iter().rev().take(RECENT_ANONYMOUS).copied().find(|&i| {
            let s = &self.stories[i];
            in_window(s) && jaccard(&words, &title_words(s.headline())) >= 0.5
        })
    }
}

/// Analyses an item and drops its body: the story keeps the claims, not the article, so memory stays
/// proportional to what is shown.
fn analyse_item(mut item: NewsItem, fingerprint: u64, plain: &str, lex: &Lexicon) -> StoryItem {
    let doc = Document::Article(Article {
        id: item.url.clone().or_else(|| Some(item.id.clone())),
        outlet: Some(item.outlet.clone()),
        url: item.url.clone(),
        title: Some(item.title.clone()),
        published: item.published,
        text: std::mem::take(&mut item.text),
    });
    let Document::Article(article) = &doc else { unreachable!("built as an article above") };
    let a = analyze_article(article, plain, lex);
    StoryItem { item, claims: a.claims, facts: a.facts, companies: a.companies, simhash: fingerprint }
}

fn title_words(title: &str) -> HashSet<String> {
    title.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() > 3).map(str::to_lowercase).collect()
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 { 0.0 } else { a.intersection(b).count() as f64 / union as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn item(id: &str, outlet: &str, title: &str, text: &str, hours: i64) -> NewsItem {
        NewsItem {
            id: id.into(),
            url: Some(format!("https://{}.example/{id}", outlet.to_lowercase().replace(' ', ""))),
            outlet: outlet.into(),
            title: title.into(),
            text: text.into(),
            published: Some(Utc.with_ymd_and_hms(2026, 4, 18, 8, 0, 0).unwrap() + Duration::hours(hours)),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, 20, 0, 0, 0).unwrap()
    }

    fn book() -> StoryBook {
        StoryBook::new(StoryRules::default())
    }

    fn add(b: &mut StoryBook, i: NewsItem) -> Placement {
        b.add(i, now(), Lexicon::embedded(), Topic::embedded())
    }

    #[test]
    fn two_outlets_on_one_event_make_one_story() {
        let mut b = book();
        let first = add(
            &mut b,
            item(
                "1",
                "Reuters",
                "Initech to cut 500 jobs as AI agents take over support",
                "Initech will cut 500 jobs, the company said.",
                0,
            ),
        );
        let second = add(
            &mut b,
            item(
                "2",
                "Bloomberg",
                "Initech layoffs: AI replaces support staff",
                "Initech is laying off 500 support workers as it adopts AI agents.",
                3,
            ),
        );
        let Placement::NewStory { story } = first else { panic!("{first:?}") };
        assert_eq!(second, Placement::Joined { story: story.clone(), revised_from: None });
        assert_eq!(b.story(&story).unwrap().outlets(), vec!["Reuters", "Bloomberg"]);
    }

    #[test]
    fn a_revised_headcount_is_a_change_of_facts() {
        let mut b = book();
        add(
            &mut b,
            item(
                "1",
                "Reuters",
                "Initech to cut 500 jobs in AI push",
                "Initech will cut 500 jobs as it automates support, Reuters reported.",
                0,
            ),
        );
        let p = add(
            &mut b,
            item(
                "2",
                "CNBC",
                "Initech now says 800 jobs will go in AI shift",
                "Initech will eliminate 800 jobs, the company said in a statement, citing AI automation.",
                5,
            ),
        );
        let Placement::Joined { revised_from: Some(before), .. } = p else { panic!("{p:?}") };
        assert_eq!(before.headcount, Some(500));
    }

    #[test]
    fn the_same_url_or_id_is_a_duplicate() {
        let mut b = book();
        let i = item("1", "Reuters", "Initech to cut 500 jobs as AI agents take over", "Initech will cut 500 jobs.", 0);
        add(&mut b, i.clone());
        assert!(matches!(add(&mut b, i.clone()), Placement::Duplicate { reason: "same item id", .. }));
        let mut other_id = i;
        other_id.id = "1b".into();
        assert!(matches!(add(&mut b, other_id), Placement::Duplicate { reason: "same canonical URL", .. }));
    }

    #[test]
    fn a_syndicated_copy_is_a_near_duplicate() {
        let text = "Initech will cut 500 jobs in its support division, the company said on Tuesday, as it moves customer service work to AI agents it built over the past year and closes two call centres.";
        let mut b = book();
        add(&mut b, item("1", "Reuters", "Initech to cut 500 jobs as AI agents take over", text, 0));
        let p = add(&mut b, item("2", "Yahoo Finance", "Initech to cut 500 jobs as AI agents take over", text, 1));
        assert!(matches!(p, Placement::Duplicate { reason: "near-duplicate text", .. }), "{p:?}");
    }

    #[test]
    fn other_companies_and_old_news_stay_apart() {
        let mut b = book();
        add(
            &mut b,
            item("1", "Reuters", "Initech to cut 500 jobs as AI agents take over", "Initech will cut 500 jobs.", 0),
        );
        let p =
            add(&mut b, item("2", "Reuters", "Globex to cut 300 jobs in AI overhaul", "Globex will cut 300 jobs.", 1));
        assert!(matches!(p, Placement::NewStory { .. }));
        let old = add(&mut b, item("3", "Reuters", "Hooli AI layoffs", "Hooli laid off 50.", -24 * 30));
        assert_eq!(old, Placement::TooOld);
    }

    #[test]
    fn off_topic_items_keep_their_reason() {
        let mut b = book();
        let p = add(
            &mut b,
            item("1", "Reuters", "Globex opens a new AI lab in Lisbon", "The lab will hire 40 researchers.", 0),
        );
        assert!(matches!(p, Placement::OffTopic { reason } if reason.starts_with("off-topic")));
    }
}
