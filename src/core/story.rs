//! Stories: every outlet's take on one real-world event, folded together. The story book recognises
//! the same article reached several ways (same id, same canonical URL, same publisher and headline
//! through an aggregator, near-identical text) and folds it into one item that remembers who else
//! carried it and where it is discussed; it clusters the rest by company and time window with an
//! index, so the cost grows linearly with items; and it tells the pipeline whether an item made a new
//! story, joined one (and whether it changed the story's facts), or added nothing new.
//!
//! The outcome does not depend on the order items arrive in: the version of an article kept is the
//! best one whichever came first (the publisher's own text over an aggregator's headline over a
//! community post), a story's headline is chosen by rank rather than arrival, and an item joins the
//! story of its company whose span it falls in, so `digest` (date order) and the watcher (feed
//! order) make the same stories from the same items.

use super::analyze::{Analysis, NewsKind, analyze_news};
use super::claims::Claim;
use super::companies::{about_one_company, family_keys, same_company};
use super::facts::LayoffFact;
use super::id::{ItemId, StoryId};
use super::lexicon::Lexicon;
use super::model::{Article, Document};
use super::relevance::{Relevance, Topic};
use super::simhash::{SimIndex, simhash};
use super::text::article_text;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
/// The book's maps and sets, keyed by ids, URLs and words from feeds: hashed with foldhash, seeded
/// per process, which costs a fraction of SipHash on keys this short.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
use xxhash_rust::xxh3::xxh3_64;

/// An item from a feed, as the core sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewsItem {
    /// Stable across polls (the feed layer derives it).
    pub id: ItemId,
    /// Canonical URL.
    pub url: Option<String>,
    pub outlet: String,
    pub title: String,
    /// Summary or content, HTML or text.
    #[serde(skip)]
    pub text: String,
    pub published: Option<DateTime<Utc>>,
    /// How the item reached us beyond its outlet: discussion or article, carriers, discussions.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Whether an item is an outlet's reporting or people's discussion (a community feed's post, which
/// is labelled by the chat rules).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    #[default]
    Article,
    Discussion,
}

/// A community page where an item is discussed. Points and comments are metadata, never text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscussedOn {
    pub site: String,
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<u32>,
}

/// How an item reached us beyond its outlet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    #[serde(default, skip_serializing_if = "is_article")]
    pub kind: ItemKind,
    /// Aggregators and syndicating sites that carried this same article ("also carried by").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<String>,
    /// Community pages discussing it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discussed_on: Vec<DiscussedOn>,
    /// The link is an aggregator's opaque token: shown, never fetched.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub opaque_link: bool,
    /// Ids of the other feed items that were this same article.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub same_as: Vec<ItemId>,
}

fn is_article(kind: &ItemKind) -> bool {
    *kind == ItemKind::Article
}

impl NewsItem {
    /// Whether the item is a community post rather than reporting.
    pub fn is_discussion(&self) -> bool {
        self.provenance.kind == ItemKind::Discussion
    }

    /// Folds another copy of the same article into this one: its carriers, discussions and id.
    fn absorb(&mut self, other: NewsItem) {
        let p = &mut self.provenance;
        if other.outlet != self.outlet && other.provenance.kind == ItemKind::Article {
            p.via.push(other.outlet.clone());
        }
        p.via.extend(other.provenance.via);
        p.via.retain(|v| *v != self.outlet);
        p.via.sort();
        p.via.dedup();
        p.discussed_on.extend(other.provenance.discussed_on);
        p.discussed_on.sort_by(|a, b| (&a.site, &a.url).cmp(&(&b.site, &b.url)));
        p.discussed_on.dedup_by(|a, b| a.url == b.url && a.site == b.site);
        p.same_as.push(other.id);
        p.same_as.extend(other.provenance.same_as);
        p.same_as.sort();
        p.same_as.dedup();
    }
}

/// Which of two copies of one article is kept: the outlet's reporting over discussion, a real link
/// over an aggregator token, more text over less, then the smaller id, so the choice is the same
/// whichever arrived first.
fn version_rank(item: &NewsItem, words: usize) -> (bool, bool, usize) {
    (!item.is_discussion(), !item.provenance.opaque_link, words.min(400))
}

/// What is kept of an item's text (beside its id, link and dates) so the story can be rebuilt after a
/// restart and its claims recomputed when a reader asks for them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredItem {
    pub title: String,
    pub outlet: String,
    pub text: String,
    #[serde(default)]
    pub provenance: Provenance,
}

impl StoredItem {
    /// The item again, under its stored id, link and publication time.
    pub fn news(self, id: &str, url: Option<String>, published: Option<DateTime<Utc>>) -> NewsItem {
        NewsItem {
            id: crate::core::id::ItemId::from(id),
            url,
            outlet: self.outlet,
            title: self.title,
            text: self.text,
            published,
            provenance: self.provenance,
        }
    }
}

/// Source, company, headcount and percent (as bits): what makes two facts one.
type FactKey<'a> = (&'a str, Option<&'a str>, Option<u64>, Option<u64>);

/// One item of a story with what the core learned from it.
#[derive(Debug, Clone)]
pub struct StoryItem {
    pub item: NewsItem,
    pub claims: Vec<Claim>,
    pub facts: Vec<LayoffFact>,
    pub companies: Vec<String>,
    pub simhash: u64,
    /// Words of plain text the item had, for choosing between copies of one article.
    pub words: usize,
    /// The item is about its lead company, not a round-up of several: only then does it join
    /// (or start) that company's story.
    pub focused: bool,
    /// The hash of its [`headline_key`], so finding a copy among a story's items compares numbers.
    headline_hash: u64,
}

impl StoryItem {
    /// Whether `other` is this same article: the same canonical URL, or the same publisher and
    /// headline (`key`, with `hash` its hash).
    fn is_copy(&self, url: &Option<String>, key: &str, hash: u64) -> bool {
        url.is_some() && self.item.url == *url
            || self.headline_hash == hash && headline_key(&self.item.outlet, &self.item.title) == key
    }
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
    pub id: StoryId,
    /// Bumped for every item that joins.
    pub revision: u32,
    pub first_seen: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub items: Vec<StoryItem>,
    tally: Tally,
}

/// What a story shows first (its companies, its headline numbers), kept up to date as items join, so
/// reading it does not cost a pass over every item: a story can have hundreds, and each new item
/// reads it several times.
#[derive(Debug, Clone, Default)]
struct Tally {
    /// Each company's mentions (the first two companies of each item), in order of first mention.
    mentions: Vec<(String, usize)>,
    /// The most authoritative headcount and percent so far (authority, value), the later among equals.
    headcount: Option<(u8, u64)>,
    percent: Option<(u8, f64)>,
}

impl Tally {
    fn of(items: &[StoryItem]) -> Self {
        let mut tally = Self::default();
        for item in items {
            tally.add(item);
        }
        tally
    }

    fn add(&mut self, item: &StoryItem) {
        for c in item.companies.iter().take(2) {
            match self.mentions.iter_mut().find(|(n, _)| n == c) {
                Some(e) => e.1 += 1,
                None => self.mentions.push((c.clone(), 1)),
            }
        }
        for f in &item.facts {
            if let Some(n) = f.headcount
                && self.headcount.is_none_or(|(a, _)| f.authority >= a)
            {
                self.headcount = Some((f.authority, n));
            }
            if let Some(p) = f.percent
                && self.percent.is_none_or(|(a, _)| f.authority >= a)
            {
                self.percent = Some((f.authority, p));
            }
        }
    }

    /// The most mentioned company, the first mentioned among equals.
    fn lead_company(&self) -> Option<&str> {
        let mut best: Option<&(String, usize)> = None;
        for entry in &self.mentions {
            if best.is_none_or(|b| entry.1 > b.1) {
                best = Some(entry);
            }
        }
        best.map(|(name, _)| name.as_str())
    }
}

impl Story {
    pub fn headline(&self) -> &str {
        &self.lead().item.title
    }

    /// The item that stands for the story: reporting before discussion, a real link before an
    /// aggregator token, then the earliest published (the smaller id among equals). Chosen by rank,
    /// not arrival, so the story reads the same whatever order its items came in.
    pub fn lead(&self) -> &StoryItem {
        self.items
            .iter()
            .min_by(|a, b| {
                let key = |i: &StoryItem| (i.item.is_discussion(), i.item.provenance.opaque_link, i.item.published);
                key(a).cmp(&key(b)).then_with(|| a.item.id.cmp(&b.item.id))
            })
            .expect("a story has items")
    }

    /// The companies of the story, most mentioned first.
    pub fn companies(&self) -> Vec<String> {
        let mut counts: Vec<&(String, usize)> = self.tally.mentions.iter().collect();
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        counts.into_iter().map(|(n, _)| n.clone()).collect()
    }

    /// The first of [`Story::companies`], without building the list.
    pub fn lead_company(&self) -> Option<&str> {
        self.tally.lead_company()
    }

    /// Adds an item, keeping what the story shows first up to date.
    fn push(&mut self, item: StoryItem) {
        self.tally.add(&item);
        self.items.push(item);
    }

    /// Takes out the item at `at` (its replacement is pushed after).
    fn remove(&mut self, at: usize) -> StoryItem {
        let item = self.items.remove(at);
        self.tally = Tally::of(&self.items);
        item
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
        // The same source repeating the same numbers in two items is one fact. Percent is compared
        // as a number (0.0 and -0.0 are one), as `==` would.
        let mut seen: HashSet<FactKey> = HashSet::default();
        for f in self.items.iter().flat_map(|i| i.facts.iter()) {
            let percent = f.percent.map(|p| if p == 0.0 { 0 } else { p.to_bits() });
            if seen.insert((f.source.as_str(), f.company.as_deref(), f.headcount, percent)) {
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
        KeyFacts {
            company: self.lead_company().map(str::to_string),
            headcount: self.tally.headcount.map(|(_, n)| n),
            percent: self.tally.percent.map(|(_, p)| p),
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
        story: StoryId,
    },
    /// `revised_from` holds the story's headline numbers before this item changed them.
    Joined {
        story: StoryId,
        revised_from: Option<KeyFacts>,
    },
    Duplicate {
        of: StoryId,
        reason: &'static str,
    },
    /// The item id was placed before: an item listed twice, or by two feeds.
    Repeat {
        item: ItemId,
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
    by_id: HashMap<StoryId, usize>,
    by_company: HashMap<String, Vec<usize>>,
    /// Item ids placed so far, with the date they count from, so ids can be forgotten with their stories.
    seen_ids: HashMap<ItemId, DateTime<Utc>>,
    seen_urls: HashMap<String, StoryId>,
    /// Publisher and headline → story, for articles reached through an aggregator's opaque link.
    seen_headlines: HashMap<String, StoryId>,
    near: SimIndex<StoryId>,
    /// Stories without a company, newest last; only the recent ones are compared.
    anonymous: Vec<usize>,
    /// Items that follow a company's story but came before it, by company key (see
    /// [`StoryBook::follow_or_hold`]).
    held: HashMap<String, Vec<(StoryItem, DateTime<Utc>)>>,
}

/// How many company-less stories a new item is compared with, so cost stays bounded.
const RECENT_ANONYMOUS: usize = 64;

/// How many items may wait for a company's story to start (see [`StoryBook::follow_or_hold`]).
const MAX_HELD_PER_COMPANY: usize = 32;

impl StoryBook {
    pub fn new(rules: StoryRules) -> Self {
        Self {
            rules,
            stories: Vec::new(),
            by_id: HashMap::default(),
            by_company: HashMap::default(),
            seen_ids: HashMap::default(),
            seen_urls: HashMap::default(),
            seen_headlines: HashMap::default(),
            near: SimIndex::default(),
            anonymous: Vec::new(),
            held: HashMap::default(),
        }
    }

    pub fn stories(&self) -> &[Story] {
        &self.stories
    }

    pub fn story(&self, id: &StoryId) -> Option<&Story> {
        self.by_id.get(id).map(|&i| &self.stories[i])
    }

    /// Raises a story's revision to one already recorded, so that after a restart new revisions never
    /// reuse a number (and an idempotency key) that was used before.
    pub fn raise_revision(&mut self, id: &StoryId, revision: u32) {
        if let Some(&i) = self.by_id.get(id) {
            let story = &mut self.stories[i];
            story.revision = story.revision.max(revision);
        }
    }

    /// Whether an item id was already placed (as a story item or a duplicate).
    pub fn has_seen(&self, id: &ItemId) -> bool {
        self.seen_ids.contains_key(id)
    }

    /// Drops the stories last updated before `cutoff` and returns them, with every index entry that
    /// points at them, the ids seen before it and the held items older than it. A caller passes
    /// `now - max_age - window`: no item young enough to be news can join such a story, so `run`
    /// keeps only the clustering window in memory however long it runs.
    pub fn retire(&mut self, cutoff: DateTime<Utc>) -> Vec<Story> {
        self.seen_ids.retain(|_, at| *at >= cutoff);
        for list in self.held.values_mut() {
            list.retain(|(_, at)| *at >= cutoff);
        }
        self.held.retain(|_, list| !list.is_empty());
        if self.stories.iter().all(|s| s.updated >= cutoff) {
            return Vec::new();
        }
        let mut new_index = vec![usize::MAX; self.stories.len()];
        let (mut kept, mut retired) = (Vec::new(), Vec::new());
        for (old, story) in std::mem::take(&mut self.stories).into_iter().enumerate() {
            if story.updated < cutoff {
                retired.push(story);
            } else {
                new_index[old] = kept.len();
                kept.push(story);
            }
        }
        self.stories = kept;
        let live: HashSet<&str> = self.stories.iter().map(|s| s.id.as_str()).collect();
        self.by_id.retain(|id, _| live.contains(id.as_str()));
        for idx in self.by_id.values_mut() {
            *idx = new_index[*idx];
        }
        self.seen_urls.retain(|_, id| live.contains(id.as_str()));
        self.seen_headlines.retain(|_, id| live.contains(id.as_str()));
        self.near.retain(|id| live.contains(id.as_str()));
        let remap = |list: &mut Vec<usize>| {
            list.retain(|i| new_index[*i] != usize::MAX);
            for i in list.iter_mut() {
                *i = new_index[*i];
            }
        };
        remap(&mut self.anonymous);
        for list in self.by_company.values_mut() {
            remap(list);
        }
        self.by_company.retain(|_, list| !list.is_empty());
        retired
    }

    /// Places one item. `now` bounds its age; the book never reads a clock.
    pub fn add(&mut self, item: NewsItem, now: DateTime<Utc>, lex: &Lexicon, topic: &Topic) -> Placement {
        let published = item.published.unwrap_or(now);
        match self.seen_ids.entry(item.id.clone()) {
            std::collections::hash_map::Entry::Occupied(_) => {
                return Placement::Repeat { item: item.id };
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(published);
            }
        }
        if let Some(story) = self.same_article(&item) {
            return self.fold_copy(story, item, None, lex);
        }
        if now - published > self.rules.max_age {
            return Placement::TooOld;
        }
        let plain = article_text(&item.text);
        let fingerprint = simhash(&format!("{} {}", item.title, plain));
        if let Relevance::OffTopic { reason } = topic.judge(&item.title, &plain) {
            return self.follow_or_hold(item, fingerprint, &plain, (published, now), reason, lex, topic);
        }
        if plain.split_whitespace().count() >= 20
            && let Some(story) = self.near.near(fingerprint)
        {
            let story = self.by_id[&story];
            return self.fold_copy(story, item, Some(fingerprint), lex);
        }
        let analysed = analyse_item(item, fingerprint, &plain, lex);
        let target = self.find_story(&analysed, published);
        self.place(analysed, target, published)
    }

    /// An item that is not AI-layoff news on its own words but may be coverage of a story: a
    /// community post, an aggregator's or syndicator's item, or one with some layoff term, about a
    /// company with a story around its date, joins that story (the rumour thread before the
    /// announcement, the company's own memo headline). With no such story yet it is held, and
    /// joins if one starts later, so the outcome does not depend on which came first.
    #[allow(clippy::too_many_arguments)]
    fn follow_or_hold(
        &mut self,
        item: NewsItem,
        fingerprint: u64,
        plain: &str,
        (published, now): (DateTime<Utc>, DateTime<Utc>),
        reason: String,
        lex: &Lexicon,
        topic: &Topic,
    ) -> Placement {
        let (layoff, _) = topic.scores(&item.title, plain);
        let follows = item.is_discussion() || !item.provenance.via.is_empty() || layoff > 0.0;
        if !follows {
            return Placement::OffTopic { reason };
        }
        let analysed = analyse_item(item, fingerprint, plain, lex);
        let Some(lead) = analysed.companies.first().cloned().filter(|_| analysed.focused) else {
            return Placement::OffTopic { reason };
        };
        match self.find_story(&analysed, published) {
            Some(idx) => self.place(analysed, Some(idx), published),
            None => {
                // Held items wait at most as long as news stays news, and only so many per company.
                let oldest = now - self.rules.max_age - self.rules.window;
                for key in family_keys(&lead) {
                    let list = self.held.entry(key).or_default();
                    list.retain(|(_, at)| *at >= oldest);
                    if list.len() >= MAX_HELD_PER_COMPANY {
                        list.remove(0);
                    }
                    list.push((analysed.clone(), published));
                }
                Placement::OffTopic { reason }
            }
        }
    }

    /// Puts an analysed item into story `target` (or a new story), and adopts the held items that
    /// follow the story's company.
    fn place(&mut self, analysed: StoryItem, target: Option<usize>, published: DateTime<Utc>) -> Placement {
        let placement = match target {
            Some(idx) => {
                let before = self.stories[idx].key_facts();
                let story = &mut self.stories[idx];
                story.push(analysed);
                story.revision += 1;
                story.first_seen = story.first_seen.min(published);
                story.updated = story.updated.max(published);
                let after = story.key_facts();
                let id = story.id.clone();
                self.index_companies(idx);
                Placement::Joined { story: id, revised_from: revised(&before, &after).then_some(before) }
            }
            None => {
                let id = StoryId::started_by(&analysed.item.id);
                let idx = self.stories.len();
                let mut story = Story {
                    id: id.clone(),
                    revision: 1,
                    first_seen: published,
                    updated: published,
                    items: Vec::new(),
                    tally: Tally::default(),
                };
                story.push(analysed);
                self.stories.push(story);
                self.by_id.insert(id.clone(), idx);
                if self.stories[idx].items[0].companies.is_empty() || !self.stories[idx].items[0].focused {
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
        let idx = self.by_id[&story_id];
        let last = self.stories[idx].items.len() - 1;
        self.index_item(idx, last);
        self.adopt_held(idx);
        placement
    }

    /// Moves into story `idx` the held items about its company whose dates fall in its span.
    fn adopt_held(&mut self, idx: usize) {
        let window = self.rules.window;
        let companies: Vec<String> = self.stories[idx].lead_company().map(str::to_string).into_iter().collect();
        let keys: Vec<String> = companies.iter().flat_map(|c| family_keys(c)).collect();
        let mut adopted: Vec<(StoryItem, DateTime<Utc>)> = Vec::new();
        for key in keys {
            let Some(list) = self.held.get_mut(&key) else { continue };
            let story = &self.stories[idx];
            let (from, to) = (story.first_seen - window, story.updated + window);
            list.retain(|(item, at)| {
                let ours = *at >= from
                    && *at <= to
                    && item.companies.first().is_some_and(|lead| companies.iter().any(|c| same_company(c, lead)));
                let taken = adopted.iter().any(|(a, _)| a.item.id == item.item.id);
                if ours && !taken {
                    adopted.push((item.clone(), *at));
                }
                !ours
            });
        }
        for (item, at) in adopted {
            let key = headline_key(&item.item.outlet, &item.item.title);
            let hash = xxh3_64(key.as_bytes());
            let story = &mut self.stories[idx];
            // A held link post to an article the story now has is that article, discussed.
            let copy = story.items.iter().position(|i| i.is_copy(&item.item.url, &key, hash));
            if let Some(at) = copy {
                story.items[at].item.absorb(item.item);
                self.index_item(idx, at);
                continue;
            }
            story.push(item);
            story.first_seen = story.first_seen.min(at);
            story.updated = story.updated.max(at);
            let last = story.items.len() - 1;
            self.index_item(idx, last);
        }
    }

    /// The story already holding this article, reached another way: the same canonical URL, or the
    /// same publisher and headline (how an aggregator's opaque link is recognised).
    fn same_article(&self, item: &NewsItem) -> Option<usize> {
        let by_url = item.url.as_ref().and_then(|u| self.seen_urls.get(u));
        let by_headline = || self.seen_headlines.get(&headline_key(&item.outlet, &item.title));
        by_url.or_else(by_headline).and_then(|id| self.by_id.get(id)).copied()
    }

    /// Folds a copy of an article already in story `idx` into the item it copies. The better
    /// version is kept (see [`version_rank`]) with the other's carriers and discussions; replacing
    /// the kept version is news for the story (a join), adding a carrier is not (a duplicate).
    fn fold_copy(&mut self, idx: usize, item: NewsItem, fingerprint: Option<u64>, lex: &Lexicon) -> Placement {
        let story_id = self.stories[idx].id.clone();
        let key = headline_key(&item.outlet, &item.title);
        let at = {
            let items = &self.stories[idx].items;
            let hash = xxh3_64(key.as_bytes());
            let exact = items.iter().position(|i| i.is_copy(&item.url, &key, hash));
            exact.unwrap_or_else(|| {
                let print = fingerprint.unwrap_or_default();
                (0..items.len()).min_by_key(|&i| super::simhash::distance(items[i].simhash, print)).unwrap_or(0)
            })
        };
        let plain = article_text(&item.text);
        let words = plain.split_whitespace().count();
        let kept = &self.stories[idx].items[at];
        let better = version_rank(&item, words)
            .cmp(&version_rank(&kept.item, kept.words))
            .then_with(|| kept.item.id.cmp(&item.id))
            .is_gt();
        if !better {
            self.stories[idx].items[at].item.absorb(item);
            self.index_item(idx, at);
            return Placement::Duplicate { of: story_id, reason: "same article, also carried by another feed" };
        }
        let before = self.stories[idx].key_facts();
        let fingerprint = fingerprint.unwrap_or_else(|| simhash(&format!("{} {}", item.title, plain)));
        let mut analysed = analyse_item(item, fingerprint, &plain, lex);
        let story = &mut self.stories[idx];
        let old = story.remove(at);
        analysed.item.absorb(old.item);
        story.push(analysed);
        story.revision += 1;
        let after = story.key_facts();
        let last = story.items.len() - 1;
        self.index_companies(idx);
        self.index_item(idx, last);
        Placement::Joined { story: story_id, revised_from: revised(&before, &after).then_some(before) }
    }

    /// Remembers an item's addresses, headline and fingerprint, so later copies find it.
    fn index_item(&mut self, idx: usize, at: usize) {
        let story_id = self.stories[idx].id.clone();
        let item = &self.stories[idx].items[at];
        if let Some(url) = &item.item.url {
            self.seen_urls.insert(url.clone(), story_id.clone());
        }
        self.seen_headlines.insert(headline_key(&item.item.outlet, &item.item.title), story_id.clone());
        self.near.insert(item.simhash, story_id);
    }

    fn index_companies(&mut self, idx: usize) {
        let item = self.stories[idx].items.last().expect("a story has items");
        if !item.focused {
            return;
        }
        let keys: Vec<String> = item.companies.iter().take(2).flat_map(|c| family_keys(c)).collect();
        for key in keys {
            let list = self.by_company.entry(key).or_default();
            if !list.contains(&idx) {
                list.push(idx);
            }
        }
    }

    /// The story an item belongs to: one about the same company (the same name, or one name the
    /// start of the other: "Acme" and "Acme Software") whose span, widened by the window, holds the
    /// item's date, the nearest such if several; for items naming no company, a recent story with a
    /// closely matching headline.
    fn find_story(&self, item: &StoryItem, published: DateTime<Utc>) -> Option<usize> {
        let window = self.rules.window;
        let distance = |s: &Story| {
            if published < s.first_seen {
                s.first_seen - published
            } else if published > s.updated {
                published - s.updated
            } else {
                Duration::zero()
            }
        };
        if let Some(lead) = item.companies.first().filter(|_| item.focused) {
            return family_keys(lead)
                .iter()
                .filter_map(|key| self.by_company.get(key))
                .flatten()
                .copied()
                .filter(|&i| {
                    let s = &self.stories[i];
                    distance(s) <= window && s.lead_company().is_some_and(|c| same_company(c, lead))
                })
                .min_by_key(|&i| (distance(&self.stories[i]), self.stories[i].first_seen));
        }
        let words = title_words(&item.item.title);
        self.anonymous.iter().rev().take(RECENT_ANONYMOUS).copied().find(|&i| {
            let s = &self.stories[i];
            distance(s) <= window && jaccard(&words, &title_words(s.headline())) >= 0.5
        })
    }
}

/// Whether a story's headline numbers changed in a way worth an edit.
fn revised(before: &KeyFacts, after: &KeyFacts) -> bool {
    before.headcount.is_some() && before.headcount != after.headcount
        || before.percent.is_some() && before.percent != after.percent
}

/// The key under which one publisher's headline is recognised across aggregators.
fn headline_key(outlet: &str, title: &str) -> String {
    let norm = |s: &str| {
        s.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
    };
    format!("{}|{}", norm(outlet), norm(title))
}

/// Analyses an item and drops its body: the story keeps the claims, not the article, so memory stays
/// proportional to what is shown.
fn analyse_item(mut item: NewsItem, fingerprint: u64, plain: &str, lex: &Lexicon) -> StoryItem {
    let doc = Document::Article(Article {
        id: item.url.clone().or_else(|| Some(item.id.to_string())),
        outlet: Some(item.outlet.clone()),
        url: item.url.clone(),
        title: Some(item.title.clone()),
        published: item.published,
        text: std::mem::take(&mut item.text),
    });
    let Document::Article(article) = &doc else { unreachable!("built as an article above") };
    let kind = if item.is_discussion() {
        let page = item.provenance.discussed_on.first().and_then(|d| d.url.as_ref());
        NewsKind::Post { links_article: item.url.is_some() && item.url.as_ref() != page }
    } else {
        NewsKind::Article
    };
    let a = analyze_news(article, plain, kind, lex);
    let words = plain.split_whitespace().count();
    let focused = a.companies.len() == 1 || about_one_company(&format!("{}\n{plain}", item.title), lex);
    let headline_hash = xxh3_64(headline_key(&item.outlet, &item.title).as_bytes());
    // The lists were grown by pushing, so up to half of each can be spare room; they are kept as long
    // as the story (days, in `run`, for every story in the window), so they are cut to size once here.
    let (mut claims, mut facts, mut companies) = (a.claims, a.facts, a.companies);
    claims.shrink_to_fit();
    for claim in &mut claims {
        claim.hedges.shrink_to_fit();
    }
    facts.shrink_to_fit();
    companies.shrink_to_fit();
    StoryItem { item, claims, facts, companies, simhash: fingerprint, words, focused, headline_hash }
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
            provenance: Provenance::default(),
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
        assert_eq!(add(&mut b, i.clone()), Placement::Repeat { item: "1".into() });
        let mut other_id = i;
        other_id.id = "1b".into();
        assert!(matches!(add(&mut b, other_id), Placement::Duplicate { .. }));
    }

    #[test]
    fn a_syndicated_copy_is_a_near_duplicate() {
        let text = "Initech will cut 500 jobs in its support division, the company said on Tuesday, as it moves customer service work to AI agents it built over the past year and closes two call centres.";
        let mut b = book();
        add(&mut b, item("1", "Reuters", "Initech to cut 500 jobs as AI agents take over", text, 0));
        let p = add(&mut b, item("2", "Yahoo Finance", "Initech to cut 500 jobs as AI agents take over", text, 1));
        assert!(matches!(p, Placement::Duplicate { .. }), "{p:?}");
        let story = &b.stories()[0];
        assert_eq!(story.items.len(), 1);
        assert_eq!(story.items[0].item.provenance.via, vec!["Yahoo Finance".to_string()]);
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

    fn carried(id: &str, outlet: &str, title: &str, via: &str, hours: i64) -> NewsItem {
        let mut i = item(id, outlet, title, "", hours);
        i.url = Some(format!("https://news.google.com/rss/articles/{id}"));
        i.provenance = Provenance { via: vec![via.into()], opaque_link: true, ..Provenance::default() };
        i
    }

    fn post(id: &str, title: &str, text: &str, links: Option<&str>, hours: i64) -> NewsItem {
        let mut i = item(id, "Reddit", title, text, hours);
        let page = format!("https://www.reddit.com/r/layoffs/comments/{id}/");
        i.url = Some(links.map_or(page.clone(), String::from));
        i.provenance = Provenance {
            kind: ItemKind::Discussion,
            discussed_on: vec![DiscussedOn { site: "Reddit".into(), url: Some(page), points: None, comments: None }],
            ..Provenance::default()
        };
        i
    }

    const INITECH_TEXT: &str = "Initech will cut 500 jobs in its support division, the company said on Tuesday, as AI agents it built over the past year now answer most customer tickets.";

    fn groups(b: &StoryBook) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = b
            .stories()
            .iter()
            .map(|s| {
                let mut ids: Vec<String> = s
                    .items
                    .iter()
                    .flat_map(|i| std::iter::once(&i.item.id).chain(&i.item.provenance.same_as))
                    .map(ItemId::to_string)
                    .collect();
                ids.sort();
                ids
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn the_same_article_through_an_aggregator_is_one_item_whatever_came_first() {
        let own = || item("r1", "Reuters", "Initech to cut 500 jobs as AI agents take over support", INITECH_TEXT, 0);
        let google =
            || carried("g1", "Reuters", "Initech to cut 500 jobs as AI agents take over support", "Google News", 1);
        for order in [vec![own(), google()], vec![google(), own()]] {
            let mut b = book();
            for i in order {
                add(&mut b, i);
            }
            let story = &b.stories()[0];
            assert_eq!((b.stories().len(), story.items.len()), (1, 1));
            let kept = &story.items[0].item;
            assert_eq!(kept.id, "r1", "the publisher's own copy is kept");
            assert_eq!(kept.provenance.via, vec!["Google News".to_string()]);
            assert_eq!(kept.provenance.same_as, vec!["g1".to_string()]);
        }
    }

    #[test]
    fn a_link_post_joins_the_article_it_links_and_is_kept_as_where_it_is_discussed() {
        let article = item("r1", "Reuters", "Initech to cut 500 jobs as AI agents take over support", INITECH_TEXT, 0);
        let url = article.url.clone().unwrap();
        let mut b = book();
        add(&mut b, post("p1", "Initech cutting 500, blames AI", "my whole team", Some(&url), 2));
        add(&mut b, article);
        assert_eq!(groups(&b), vec![vec!["p1".to_string(), "r1".to_string()]]);
        let kept = &b.stories()[0].items[0].item;
        assert!(!kept.is_discussion());
        assert_eq!(kept.provenance.discussed_on[0].site, "Reddit");
    }

    #[test]
    fn a_rumour_thread_before_the_news_joins_its_story_in_either_order() {
        let rumour = || {
            post(
                "p1",
                "Heard Initech's support team is next. Anyone know more?",
                "Supposedly a few hundred people.",
                None,
                -20,
            )
        };
        let news = || item("r1", "Reuters", "Initech to cut 500 jobs as AI agents take over support", INITECH_TEXT, 0);
        let mut forward = book();
        add(&mut forward, rumour());
        add(&mut forward, news());
        let mut backward = book();
        add(&mut backward, news());
        add(&mut backward, rumour());
        assert_eq!(groups(&forward), groups(&backward));
        assert_eq!(groups(&forward), vec![vec!["p1".to_string(), "r1".to_string()]]);
        assert_eq!(forward.stories()[0].headline(), "Initech to cut 500 jobs as AI agents take over support");
    }

    #[test]
    fn the_same_company_weeks_apart_is_two_stories() {
        let mut b = book();
        add(
            &mut b,
            item("1", "Reuters", "Initech to cut 500 jobs as AI agents take over support", INITECH_TEXT, -24 * 10),
        );
        let p = add(
            &mut b,
            item(
                "2",
                "Reuters",
                "Initech to cut 300 more jobs as AI handles billing",
                "Initech will cut 300 more jobs in billing, the company said, citing AI tools.",
                24,
            ),
        );
        assert!(matches!(p, Placement::NewStory { .. }), "{p:?}");
    }

    #[test]
    fn a_retired_story_leaves_the_book_and_a_later_copy_starts_afresh() {
        let mut b = book();
        let old =
            item("1", "Reuters", "Initech to cut 500 jobs as AI agents take over support", INITECH_TEXT, -24 * 12);
        add(&mut b, old.clone());
        add(&mut b, item("2", "Reuters", "Globex to cut 300 jobs in AI overhaul", "Globex will cut 300 jobs.", 0));
        let retired = b.retire(now() - Duration::days(5));
        assert_eq!(retired.len(), 1);
        assert_eq!(retired[0].headline(), old.title);
        assert_eq!(b.stories().len(), 1);
        assert!(!b.has_seen(&ItemId::from("1")), "the retired story's ids are forgotten");
        assert!(b.story(&retired[0].id).is_none());
        let globex = b.stories()[0].id.clone();
        let joined = add(
            &mut b,
            item("3", "CNBC", "Globex layoffs hit support as AI arrives", "Globex is laying off 300 support staff.", 2),
        );
        assert!(matches!(joined, Placement::Joined { ref story, .. } if *story == globex), "{joined:?}");
        let mut again = old;
        again.id = "1c".into();
        again.published = Some(now() - Duration::hours(1));
        assert!(matches!(add(&mut b, again), Placement::NewStory { .. }), "no index points at the retired story");
    }

    #[test]
    fn a_subsidiary_and_its_parent_in_the_same_days_are_one_story() {
        let mut b = book();
        add(
            &mut b,
            item(
                "1",
                "Reuters",
                "Instagram to cut 600 jobs as AI moderation tools take over",
                "Instagram will cut 600 jobs in content moderation, the company said, citing AI review tools.",
                0,
            ),
        );
        let p = add(
            &mut b,
            item(
                "2",
                "CNBC",
                "Meta cuts 600 roles at its photo app in AI shift",
                "Meta is laying off 600 people as AI moderation tools take over review work.",
                3,
            ),
        );
        assert!(matches!(p, Placement::Joined { .. }), "{p:?}");
    }
}
