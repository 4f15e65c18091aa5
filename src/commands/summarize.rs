//! Thread summaries: the adapter reads the thread (its platform's history API) into the core's thread
//! document; this analyses it and summarizes it with the configured summarizer (offline or LLM, both
//! grounded), and the adapter renders the result. Message text lives only in memory for the length of
//! one summary.

use super::Commands;
use crate::core::analyze::{Analysis, analyze};
use crate::core::lexicon::Lexicon;
use crate::core::model::{Document, Thread};
use crate::core::recap::{MessageRef, Recap};
use crate::core::summarize::Summary;
use tracing::Instrument;

/// A summarized thread: the analysis (claims, labels), the summary drawn from it, and where each
/// message sits in the thread.
#[derive(Debug, Clone)]
pub struct ThreadSummary {
    pub analysis: Analysis,
    pub summary: Summary,
    pub messages: Vec<MessageRef>,
}

impl ThreadSummary {
    /// The summary as readers see it: shorter than the thread.
    pub fn recap(&self) -> Recap {
        Recap::of(&self.summary, &self.analysis, &self.messages)
    }
}

impl Commands {
    /// Runs in a `command` span naming the channel (never the thread's messages).
    pub async fn summarize(&self, thread: Thread) -> ThreadSummary {
        let channel = thread.channel.clone().unwrap_or_default();
        let span = tracing::info_span!("command", command = "summarize", channel = %channel);
        async {
            let messages = message_refs(&thread);
            let analysis = analyze(&Document::Thread(thread), Lexicon::embedded());
            let summary = self.summaries.summarize_chat(&analysis).await;
            ThreadSummary { analysis, summary, messages }
        }
        .instrument(span)
        .await
    }
}

/// Each message's origin, position, author and link.
pub fn message_refs(thread: &Thread) -> Vec<MessageRef> {
    thread
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| MessageRef {
            origin: m.origin(i),
            position: i + 1,
            author: m.author.clone(),
            permalink: m.permalink.clone(),
            links: m.links.clone(),
        })
        .collect()
}
