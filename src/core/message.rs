//! The platform-neutral messages the pipeline hands to every destination: a story's first post, an
//! update in its thread, and an edit of the first post when its facts change. They are plain data
//! (serialised into the outbox), with every claim's label already decided; adapters only render.

use super::claims::{Claim, Source};
use super::facts::{LayoffFact, group_thousands};
use super::id::StoryId;
use super::injection::addresses_a_model;
use super::story::Story;
use super::summarize::{Summarizer, Summary};
use super::text::defuse_mentions;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A claim as shown to users: its words, label, reasons and source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownClaim {
    pub text: String,
    pub reasons: Vec<String>,
    pub source: Option<Source>,
    /// The article URL or message id it came from.
    pub origin: String,
    /// The uncertainty words in its own text ("could"), shown beside a sourced claim's source.
    #[serde(default)]
    pub hedges: Vec<String>,
}

impl From<&Claim> for ShownClaim {
    fn from(c: &Claim) -> Self {
        Self {
            text: defuse_mentions(&c.text),
            reasons: c.verdict.reason_names().into_iter().map(String::from).collect(),
            source: c.verdict.source().cloned(),
            origin: c.origin.clone(),
            hedges: c.hedges.clone(),
        }
    }
}

/// One line of a story summary and what it cites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownBullet {
    pub text: String,
    pub cites: Vec<String>,
    pub speculative: bool,
}

/// A story's first post (and, re-sent with a higher revision, its edit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryPost {
    pub story_id: StoryId,
    pub revision: u32,
    pub headline: String,
    /// The first report's link.
    pub url: Option<String>,
    pub bullets: Vec<ShownBullet>,
    pub facts: Vec<LayoffFact>,
    pub sourced: Vec<ShownClaim>,
    pub speculative: Vec<ShownClaim>,
    pub outlets: Vec<String>,
    pub first_seen: DateTime<Utc>,
}

/// Later coverage of a story, posted as a reply in its thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryUpdate {
    pub story_id: StoryId,
    pub revision: u32,
    pub outlet: String,
    pub title: String,
    pub url: Option<String>,
    /// Sourced claims the story did not have before.
    pub new_sourced: Vec<ShownClaim>,
    pub new_speculative: Vec<ShownClaim>,
    /// "Headcount revised: 1,200 → 1,800", when the facts changed.
    pub revision_note: Option<String>,
}

/// What a destination is asked to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outbound {
    Post(StoryPost),
    Update(StoryUpdate),
    /// Replace the first post; destinations without edits post a correction in the thread instead.
    Edit(StoryPost),
    /// A channel's hourly or daily digest.
    Digest(DigestPost),
}

/// The stories a digest channel missed since its last digest, newest facts first, each as its post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigestPost {
    /// The period covered, so a reader knows what "since" means.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub stories: Vec<StoryPost>,
}

impl StoryPost {
    pub fn from_story(story: &Story, summarizer: &dyn Summarizer) -> Self {
        Self::from_summary(story, &summarizer.summarize(&story.analysis()))
    }

    /// The post for a story summarized elsewhere (by the bot's summary service, which may be an LLM
    /// whose output has already been grounded).
    pub fn from_summary(story: &Story, summary: &Summary) -> Self {
        let (headline, url) = best_headline(story);
        Self {
            story_id: story.id.clone(),
            revision: story.revision,
            headline: defuse_mentions(headline),
            url,
            bullets: summary
                .bullets
                .iter()
                .map(|b| ShownBullet {
                    text: defuse_mentions(&b.text),
                    cites: b.cites.clone(),
                    speculative: b.speculative,
                })
                .collect(),
            facts: summary.facts.clone(),
            sourced: summary.sourced.iter().map(ShownClaim::from).collect(),
            speculative: summary.speculative.iter().map(ShownClaim::from).collect(),
            outlets: story.outlets(),
            first_seen: story.first_seen,
        }
    }
}

impl StoryUpdate {
    /// The update for the story's newest item: what it adds that earlier items did not say.
    pub fn latest(story: &Story, revision_note: Option<String>) -> Self {
        let newest = story.items.last().expect("a story has items");
        let earlier: Vec<&str> = story.items[..story.items.len() - 1]
            .iter()
            .flat_map(|i| i.claims.iter().map(|c| c.text.as_str()))
            .collect();
        let fresh = |c: &&Claim| !earlier.iter().any(|e| similar(e, &c.text)) && !addresses_a_model(&c.text);
        Self {
            story_id: story.id.clone(),
            revision: story.revision,
            outlet: newest.item.outlet.clone(),
            title: defuse_mentions(&newest.item.title),
            url: newest.item.url.clone(),
            new_sourced: newest
                .claims
                .iter()
                .filter(|c| c.verdict.is_sourced())
                .filter(fresh)
                .take(3)
                .map(ShownClaim::from)
                .collect(),
            new_speculative: newest
                .claims
                .iter()
                .filter(|c| !c.verdict.is_sourced())
                .filter(fresh)
                .take(2)
                .map(ShownClaim::from)
                .collect(),
            revision_note,
        }
    }
}

/// The headline that agrees with the story's current figures, and its link: the lead's title unless it
/// states a headcount the story has since revised, else the first title that states the current one,
/// else the first that states no superseded one.
fn best_headline(story: &Story) -> (&str, Option<String>) {
    let lead = story.lead();
    let Some(current) = story.key_facts().headcount else {
        return (&lead.item.title, lead.item.url.clone());
    };
    let states = |title: &str, n: u64| title.contains(&group_thousands(n)) || title.contains(&n.to_string());
    let superseded: Vec<u64> = story.facts().iter().filter_map(|f| f.headcount).filter(|n| *n != current).collect();
    let stale = |title: &str| superseded.iter().any(|n| states(title, *n));
    let reporting = || story.items.iter().filter(|i| !i.item.is_discussion());
    let pick = std::iter::once(lead)
        .filter(|l| !stale(&l.item.title))
        .chain(reporting().filter(|i| states(&i.item.title, current)))
        .chain(reporting().filter(|i| !stale(&i.item.title)))
        .next()
        .unwrap_or(lead);
    (&pick.item.title, pick.item.url.clone())
}

/// Whether two claims say nearly the same words.
fn similar(a: &str, b: &str) -> bool {
    let words = |s: &str| -> std::collections::HashSet<String> {
        s.split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
            .filter(|w| w.len() > 2)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    let union = a.union(&b).count().max(1);
    a.intersection(&b).count() as f64 / union as f64 >= 0.6
}
