//! `bench-llm`: what LLM summaries cost on the demo corpus, in tokens, for layoffwatch's strategy
//! against summarizing every article on its own. Offline and deterministic: it builds the exact
//! prompts the LLM summarizer would send and counts them with the same estimator the summarizer uses
//! when a server reports no usage. A reply is counted as what a compliant model returns: the
//! extractive summary's headline and first bullets, cut to the word limits the prompt asks for, in
//! the reply's JSON. Each call is broken down into the system message, the user message (the data
//! and its one-line framing) and the reply, so it shows where the tokens go.
//!
//! layoffwatch's strategy follows the pipeline: a story is summarized when it is first posted and
//! again only when its facts are revised (the edit of its first post); an update sends the previous
//! summary and only the sentences it was not built from; repeats are dropped and the most
//! informative sentences kept within the per-call data cap and the input budget; duplicates and
//! off-topic items are never sent. The baseline sends each article in the corpus, whole, in a call of
//! its own, with the same instructions and reply rules.

use super::demo::SAMPLE_FEEDS;
use crate::core::analyze::analyze_article;
use crate::core::claims::Claim;
use crate::core::id::StoryId;
use crate::core::lexicon::Lexicon;
use crate::core::model::Article;
use crate::core::relevance::Topic;
use crate::core::story::{NewsItem, Placement, StoryBook, StoryRules};
use crate::core::summarize::{Extractive, Summarizer, Summary};
use crate::core::text::article_text;
use crate::feeds::{ParseError, parse_feed};
use crate::llm::estimate_tokens;
use crate::llm::prompt::{self, BuiltPrompt};
use crate::llm::schema::{BULLET_WORDS, HEADLINE_WORDS, MAX_BULLETS};
use crate::pipeline::ingest::news_items;
use serde_json::json;
use std::collections::HashMap;

/// What a call is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// A story's first post.
    Story,
    /// A story's revision: the previous summary plus the new claims.
    Update,
    /// One article, whole (the baseline).
    Article,
}

impl CallKind {
    pub fn name(self) -> &'static str {
        match self {
            CallKind::Story => "story",
            CallKind::Update => "update",
            CallKind::Article => "article",
        }
    }
}

/// Tokens of one call, by where they go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    pub kind: CallKind,
    /// Data lines sent (claims, and the previous bullets of an update).
    pub lines: usize,
    /// The instructions, the same on every call.
    pub system: u64,
    /// The user message: the data block and its framing.
    pub data: u64,
    pub reply: u64,
}

/// Tokens of one strategy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cost {
    pub calls: Vec<Call>,
}

impl Cost {
    pub fn count(&self) -> usize {
        self.calls.len()
    }

    pub fn system(&self) -> u64 {
        self.calls.iter().map(|c| c.system).sum()
    }

    pub fn data(&self) -> u64 {
        self.calls.iter().map(|c| c.data).sum()
    }

    /// Tokens sent: instructions plus data.
    pub fn sent(&self) -> u64 {
        self.system() + self.data()
    }

    pub fn received(&self) -> u64 {
        self.calls.iter().map(|c| c.reply).sum()
    }

    pub fn total(&self) -> u64 {
        self.sent() + self.received()
    }

    fn add(&mut self, kind: CallKind, prompt: &BuiltPrompt, reply: &Summary) {
        self.calls.push(Call {
            kind,
            lines: prompt.lines.len(),
            system: prompt.system_tokens,
            data: prompt.estimated_tokens - prompt.system_tokens,
            reply: reply_tokens(prompt, reply),
        });
    }
}

/// The benchmark's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct LlmBenchReport {
    pub articles: usize,
    pub stories: usize,
    pub per_story: Cost,
    pub per_article: Cost,
}

impl LlmBenchReport {
    /// layoffwatch's tokens as a share of the per-article baseline's.
    pub fn ratio(&self) -> f64 {
        self.per_story.total() as f64 / self.per_article.total().max(1) as f64
    }
}

/// Runs the demo corpus with an input budget of `max_input_tokens` per call.
pub fn run(max_input_tokens: u32) -> Result<LlmBenchReport, ParseError> {
    let lex = Lexicon::embedded();
    let topic = Topic::embedded();
    let mut items: Vec<NewsItem> = Vec::new();
    for (name, bytes) in SAMPLE_FEEDS {
        items.extend(news_items(&parse_feed(bytes, name)?, name));
    }
    items.sort_by_key(|i| i.published);

    let mut per_article = Cost::default();
    for item in &items {
        let analysis = analyze_article(&article(item), &article_text(&item.text), lex);
        let claims: Vec<&Claim> = analysis.claims.iter().collect();
        let prompt = prompt::build_untrimmed(&analysis, &claims);
        per_article.add(CallKind::Article, &prompt, &compliant(Extractive.summarize(&analysis)));
    }

    let mut book = StoryBook::new(StoryRules::default());
    let mut posted: HashMap<StoryId, Summary> = HashMap::new();
    let mut per_story = Cost::default();
    for item in &items {
        // Each item is placed when it is published, as the bot sees it.
        let now = item.published.unwrap_or_default();
        let placement = book.add(item.clone(), now, lex, topic);
        let (story_id, revised) = match &placement {
            Placement::NewStory { story } => (story.clone(), false),
            Placement::Joined { story, revised_from } => (story.clone(), revised_from.is_some()),
            _ => continue,
        };
        let story = book.story(&story_id).expect("a placed story exists");
        let analysis = story.analysis();
        let previous = posted.get(&story_id);
        if previous.is_some() && !revised {
            continue;
        }
        let claims: Vec<&Claim> = match previous {
            Some(p) => prompt::new_claims(&analysis, p),
            None => analysis.claims.iter().collect(),
        };
        if claims.is_empty() {
            continue;
        }
        let built = prompt::build(&analysis, &claims, previous, max_input_tokens);
        let reply = compliant(Extractive.summarize(&analysis));
        per_story.add(if previous.is_some() { CallKind::Update } else { CallKind::Story }, &built, &reply);
        posted.insert(story_id, reply);
    }
    Ok(LlmBenchReport { articles: items.len(), stories: book.stories().len(), per_story, per_article })
}

/// The reply a compliant model sends, made from the extractive summary of the same analysis: its
/// headline and first bullets within the asked-for limits. This is also what the story's post then
/// shows, so an update sends it as the previous summary.
fn compliant(extractive: Summary) -> Summary {
    let mut reply = extractive;
    reply.headline = first_words(&reply.headline, HEADLINE_WORDS);
    reply.bullets.truncate(MAX_BULLETS);
    for b in &mut reply.bullets {
        b.text = first_words(&b.text, BULLET_WORDS);
    }
    reply
}

/// The reply's tokens: `reply` as the asked-for JSON, each bullet citing a short id.
fn reply_tokens(prompt: &BuiltPrompt, reply: &Summary) -> u64 {
    let ids: Vec<&str> = prompt.lines.iter().map(|l| l.citable.id.as_str()).collect();
    let bullets: Vec<serde_json::Value> = reply
        .bullets
        .iter()
        .enumerate()
        .map(|(i, b)| json!({"t": b.text, "c": [ids.get(i).copied().unwrap_or("c1")]}))
        .collect();
    estimate_tokens(&json!({"h": reply.headline, "b": bullets}).to_string())
}

fn first_words(text: &str, n: usize) -> String {
    text.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

fn article(item: &NewsItem) -> Article {
    Article {
        id: item.url.clone().or_else(|| Some(item.id.to_string())),
        outlet: Some(item.outlet.clone()),
        url: item.url.clone(),
        title: Some(item.title.clone()),
        published: item.published,
        text: item.text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_corpus_costs_less_per_story_than_per_article() {
        let r = run(3_000).unwrap();
        assert_eq!(r.articles, 22);
        assert_eq!(r.stories, 6);
        assert_eq!(r.per_article.count(), 22);
        assert!(r.per_story.count() >= r.stories && r.per_story.count() < r.per_article.count(), "{r:?}");
        assert!(r.per_story.total() < r.per_article.total(), "{r:?}");
        let system = r.per_story.calls[0].system;
        assert!(r.per_story.calls.iter().chain(&r.per_article.calls).all(|c| c.system == system), "same instructions");
        let first_posts = r.per_story.calls.iter().filter(|c| c.kind == CallKind::Story);
        // The data cap bounds the claims; the user message adds the data block's two tag lines.
        assert!(first_posts.clone().all(|c| c.data <= prompt::MAX_DATA_TOKENS + 20), "{r:?}");
        assert_eq!(first_posts.count(), r.stories, "one first call per story");
    }

    #[test]
    fn a_tighter_input_budget_sends_fewer_tokens() {
        let roomy = run(100_000).unwrap();
        let tight = run(150).unwrap();
        assert!(tight.per_story.sent() < roomy.per_story.sent(), "{tight:?} vs {roomy:?}");
        assert_eq!(tight.per_article, roomy.per_article);
    }
}
