//! `bench-llm`: what LLM summaries cost on the demo corpus, in tokens, for layoffwatch's strategy
//! against summarizing every article on its own. Offline and deterministic: it builds the exact
//! prompts the LLM summarizer would send and counts them with the same estimator the summarizer uses
//! when a server reports no usage; a reply is counted as the JSON of the extractive summary of the
//! same sentences (what a compliant model returns is of that size).
//!
//! layoffwatch's strategy follows the pipeline: a story is summarized when it is first posted and
//! again only when its facts are revised (the edit of its first post); an update sends the previous
//! summary and only the sentences it was not built from; repeats and the least informative sentences
//! are trimmed to the input budget; duplicates and off-topic items are never sent. The baseline sends
//! each article in the corpus, whole, in a call of its own.

use super::demo::SAMPLE_FEEDS;
use super::ingest::news_items;
use crate::core::analyze::analyze_article;
use crate::core::claims::Claim;
use crate::core::lexicon::Lexicon;
use crate::core::model::Article;
use crate::core::relevance::Topic;
use crate::core::story::{NewsItem, Placement, StoryBook, StoryRules};
use crate::core::summarize::{Extractive, Summarizer, Summary};
use crate::core::text::article_text;
use crate::feeds::{ParseError, parse_feed};
use crate::llm::estimate_tokens;
use crate::llm::prompt::{self, BuiltPrompt};
use serde_json::json;
use std::collections::HashMap;

/// Tokens of one strategy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    pub calls: usize,
    pub sent: u64,
    pub received: u64,
}

impl Cost {
    pub fn total(&self) -> u64 {
        self.sent + self.received
    }

    fn add(&mut self, prompt: &BuiltPrompt, reply: &Summary) {
        self.calls += 1;
        self.sent += prompt.estimated_tokens;
        self.received += reply_tokens(prompt, reply);
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
        per_article.add(&prompt, &Extractive.summarize(&analysis));
    }

    let mut book = StoryBook::new(StoryRules::default());
    let mut posted: HashMap<String, Summary> = HashMap::new();
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
        let reply = Extractive.summarize(&analysis);
        per_story.add(&built, &reply);
        posted.insert(story_id, reply);
    }
    Ok(LlmBenchReport { articles: items.len(), stories: book.stories().len(), per_story, per_article })
}

/// The reply a compliant model sends: the summary's headline and bullets as the asked-for JSON,
/// citing short ids.
fn reply_tokens(prompt: &BuiltPrompt, reply: &Summary) -> u64 {
    let ids: Vec<&str> = prompt.lines.iter().map(|l| l.citable.id.as_str()).collect();
    let bullets: Vec<serde_json::Value> = reply
        .bullets
        .iter()
        .enumerate()
        .map(|(i, b)| json!({"text": b.text, "cites": [ids.get(i).copied().unwrap_or("c1")]}))
        .collect();
    estimate_tokens(&json!({"headline": reply.headline, "bullets": bullets}).to_string())
}

fn article(item: &NewsItem) -> Article {
    Article {
        id: item.url.clone().or_else(|| Some(item.id.clone())),
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
        assert_eq!(r.stories, 5);
        assert_eq!(r.per_article.calls, 22);
        assert!(r.per_story.calls >= r.stories && r.per_story.calls < r.per_article.calls, "{r:?}");
        assert!(r.per_story.total() < r.per_article.total(), "{r:?}");
    }

    #[test]
    fn a_tighter_input_budget_sends_fewer_tokens() {
        let roomy = run(100_000).unwrap();
        let tight = run(600).unwrap();
        assert!(tight.per_story.sent < roomy.per_story.sent, "{tight:?} vs {roomy:?}");
        assert_eq!(tight.per_article, roomy.per_article);
    }
}
