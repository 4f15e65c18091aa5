//! Summaries of a document or a story: a headline, three to five bullets that cite where each came
//! from (sourced facts first), and the claims split into a sourced and a speculative part so that
//! speculation is never stated as fact.

pub mod extractive;
pub mod grounding;
mod render;

pub use extractive::Extractive;
pub use render::markdown;

use super::analyze::Analysis;
use super::claims::Claim;
use super::facts::LayoffFact;
use serde::Serialize;

/// One line of a summary, with the message ids or article URLs it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bullet {
    pub text: String,
    pub cites: Vec<String>,
    /// Set when the bullet repeats speculation; renderers mark it as such.
    #[serde(skip)]
    pub speculative: bool,
}

/// A finished summary in the contract's shape.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub headline: String,
    pub bullets: Vec<Bullet>,
    pub sourced: Vec<Claim>,
    pub speculative: Vec<Claim>,
    pub facts: Vec<LayoffFact>,
    /// The summary rendered as Markdown.
    pub text: String,
}

/// Anything that can summarize an analysed document. The extractive summarizer is the offline,
/// deterministic default; an LLM summarizer must fall back to it when its output fails grounding.
pub trait Summarizer {
    fn summarize(&self, analysis: &Analysis) -> Summary;
}
