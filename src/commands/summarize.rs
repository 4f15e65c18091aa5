//! Thread summaries: the adapter reads the thread (its platform's history API) into the core's thread
//! document; this analyses it and summarizes it with the configured summarizer (offline or LLM, both
//! grounded), and the adapter renders the result. Message text lives only in memory for the length of
//! one summary.

use super::Commands;
use crate::core::analyze::{Analysis, analyze};
use crate::core::lexicon::Lexicon;
use crate::core::model::{Document, Thread};
use crate::core::summarize::Summary;
use tracing::Instrument;

/// A summarized thread: the analysis (claims, labels) and the summary drawn from it.
#[derive(Debug, Clone)]
pub struct ThreadSummary {
    pub analysis: Analysis,
    pub summary: Summary,
}

impl Commands {
    /// Runs in a `command` span naming the channel (never the thread's messages).
    pub async fn summarize(&self, thread: Thread) -> ThreadSummary {
        let channel = thread.channel.clone().unwrap_or_default();
        let span = tracing::info_span!("command", command = "summarize", channel = %channel);
        async {
            let analysis = analyze(&Document::Thread(thread), Lexicon::embedded());
            let summary = self.summaries.summarize(&analysis, None).await;
            ThreadSummary { analysis, summary }
        }
        .instrument(span)
        .await
    }
}
