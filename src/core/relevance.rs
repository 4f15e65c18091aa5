//! Whether an item is about AI-driven layoffs, by the weighted topic profile in `config/topic.toml`.
//! Off-topic items are skipped with a reason a user can ask for ("no layoff terms", "no AI angle").

use crate::fast_regex::AsciiMask;
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;
/// Term maps, looked up for every match in every item: hashed with foldhash, which costs a fraction
/// of SipHash on keys this short.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

const DEFAULT_TOPIC: &str = include_str!("../../config/topic.toml");

static EMBEDDED: LazyLock<Topic> =
    LazyLock::new(|| Topic::from_toml(DEFAULT_TOPIC).expect("the topic profile compiled into the binary is valid"));

#[derive(Debug, thiserror::Error)]
pub enum TopicError {
    #[error("the topic profile is not valid: {0}; compare it with config/topic.toml")]
    Toml(#[from] toml::de::Error),
    #[error("the topic profile term {term:?} could not be compiled: {source}")]
    Pattern { term: String, source: regex::Error },
}

#[derive(Deserialize)]
struct TopicFile {
    min_layoff_score: f64,
    min_ai_score: f64,
    require_ai: bool,
    #[serde(default)]
    layoff_only_score: Option<f64>,
    title_weight: f64,
    layoff_terms: BTreeMap<String, f64>,
    ai_terms: BTreeMap<String, f64>,
}

/// Weighted terms matched in one pass: a single alternation finds every term, and each match is
/// looked up for its weight.
struct Terms {
    regex: Option<Regex>,
    /// Lets the regex search news copy on its fast automaton.
    mask: AsciiMask,
    weights: HashMap<String, f64>,
}

impl Terms {
    fn new(map: BTreeMap<String, f64>) -> Result<Self, TopicError> {
        let mut terms: Vec<&String> = map.keys().collect();
        terms.sort_by_key(|t| std::cmp::Reverse(t.len()));
        let pattern = terms.iter().map(|t| regex::escape(t)).collect::<Vec<_>>().join("|");
        let regex = if terms.is_empty() {
            None
        } else {
            Some(
                Regex::new(&format!(r"(?i)\b(?:{pattern})\b"))
                    .map_err(|source| TopicError::Pattern { term: pattern.chars().take(80).collect(), source })?,
            )
        };
        let weights = map.into_iter().map(|(t, w)| (t.to_lowercase(), w)).collect();
        let mask = AsciiMask::for_patterns(regex.iter().map(Regex::as_str));
        Ok(Terms { regex, mask, weights })
    }

    /// The weighted count of term matches, each term counted at most three times.
    fn score(&self, text: &str) -> f64 {
        let Some(regex) = &self.regex else { return 0.0 };
        let mut seen: HashMap<String, usize> = HashMap::default();
        let mut total = 0.0;
        for m in regex.find_iter(&self.mask.apply(text)) {
            let term = text[m.range()].to_lowercase();
            let weight = self.weights.get(&term).copied().unwrap_or(0.0);
            let count = seen.entry(term).or_default();
            *count += 1;
            if *count <= 3 {
                total += weight;
            }
        }
        total
    }
}

/// The topic profile.
pub struct Topic {
    min_layoff: f64,
    min_ai: f64,
    require_ai: bool,
    layoff_only: Option<f64>,
    title_weight: f64,
    layoff: Terms,
    ai: Terms,
}

/// The verdict on one item.
#[derive(Debug, Clone, PartialEq)]
pub enum Relevance {
    Relevant { score: f64 },
    OffTopic { reason: String },
}

impl Topic {
    pub fn embedded() -> &'static Topic {
        &EMBEDDED
    }

    pub fn from_toml(text: &str) -> Result<Self, TopicError> {
        let f: TopicFile = toml::from_str(text)?;
        Ok(Self {
            min_layoff: f.min_layoff_score,
            min_ai: f.min_ai_score,
            require_ai: f.require_ai,
            layoff_only: f.layoff_only_score,
            title_weight: f.title_weight,
            layoff: Terms::new(f.layoff_terms)?,
            ai: Terms::new(f.ai_terms)?,
        })
    }

    /// Scores an item by its title and plain text.
    /// Scores an item's layoff and AI terms, title weighted: `(layoff, ai)`.
    pub fn scores(&self, title: &str, text: &str) -> (f64, f64) {
        (
            self.layoff.score(title) * self.title_weight + self.layoff.score(text),
            self.ai.score(title) * self.title_weight + self.ai.score(text),
        )
    }

    pub fn judge(&self, title: &str, text: &str) -> Relevance {
        let (layoff, ai) = self.scores(title, text);
        if layoff < self.min_layoff {
            return Relevance::OffTopic {
                reason: format!("off-topic: no layoff news (layoff score {layoff:.1} < {:.1})", self.min_layoff),
            };
        }
        let strong_layoff_news = self.layoff_only.is_some_and(|min| layoff >= min);
        if self.require_ai && ai < self.min_ai && !strong_layoff_news {
            return Relevance::OffTopic {
                reason: format!("off-topic: layoffs without an AI angle (AI score {ai:.1} < {:.1})", self.min_ai),
            };
        }
        Relevance::Relevant { score: layoff + ai }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ai_layoff_news_is_relevant() {
        let r = Topic::embedded().judge("Initech to cut 500 jobs as AI agents take over support", "");
        assert!(matches!(r, Relevance::Relevant { .. }), "{r:?}");
    }

    #[test]
    fn a_product_launch_is_off_topic_with_a_reason() {
        let r = Topic::embedded().judge("Globex launches a new AI phone", "The phone ships in May.");
        assert!(matches!(r, Relevance::OffTopic { reason } if reason.contains("no layoff news")));
    }

    #[test]
    fn a_passing_mention_of_cuts_without_ai_is_off_topic() {
        let r =
            Topic::embedded().judge("Hooli cuts phone prices after a sales slump", "Sales fell for three quarters.");
        assert!(matches!(&r, Relevance::OffTopic { reason } if reason.contains("AI angle")), "{r:?}");
    }

    #[test]
    fn plain_layoff_news_is_kept_without_an_ai_angle() {
        let r = Topic::embedded().judge("Hooli lays off 200 after a sales slump", "Sales fell for three quarters.");
        assert!(matches!(r, Relevance::Relevant { .. }), "{r:?}");
    }

    #[test]
    fn headline_verbs_and_shares_of_staff_count() {
        for title in [
            "Globex sheds 400 roles as AI agents take over support",
            "Initrode to axe 800 jobs in automation push",
            "Vandelay cuts 12% of staff, says AI tools do the work",
            "Hooli slashes support team as it automates tickets",
        ] {
            let r = Topic::embedded().judge(title, "");
            assert!(matches!(r, Relevance::Relevant { .. }), "{title}: {r:?}");
        }
    }
}
