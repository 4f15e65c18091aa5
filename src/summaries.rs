//! The summarizer the bot runs with, behind one async interface: the offline extractive summarizer
//! by default, an LLM when one is configured. Story posts and chat-thread summaries both go through
//! it, so whichever is configured, every summary the bot posts has passed the same grounding.

use crate::core::analyze::Analysis;
use crate::core::summarize::{Extractive, Summarizer, Summary};
use async_trait::async_trait;

#[async_trait]
pub trait SummaryService: Send + Sync {
    /// Summarizes an analysed story or thread. `previous` is the summary already posted for the same
    /// story, so an update can send only what is new. Never fails: a service that cannot do better
    /// returns the extractive summary.
    async fn summarize(&self, analysis: &Analysis, previous: Option<&Summary>) -> Summary;
}

/// The offline, deterministic default.
#[derive(Debug, Default, Clone, Copy)]
pub struct Offline;

#[async_trait]
impl SummaryService for Offline {
    async fn summarize(&self, analysis: &Analysis, _previous: Option<&Summary>) -> Summary {
        Extractive.summarize(analysis)
    }
}
