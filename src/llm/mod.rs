//! LLM summaries through any OpenAI-compatible server (OpenAI, Ollama, vLLM, the llama.cpp server),
//! on async-openai. The model writes prose; the core decides what may be said: every reply is
//! grounded in code against the labelled sentences it was given, and anything that fails is dropped
//! or replaced by the extractive summary, with the reason logged and counted. So the bot never says
//! something its sources did not, whatever the model (or a prompt injection in a feed) makes of it.
//!
//! - [`settings`]: the server, model, key and limits (read by the configuration).
//! - [`transport`]: our reqwest client under async-openai: timeouts, capped `Retry-After` backoff.
//! - [`client`]: one chat completion, read leniently; concurrency limit; response-format fallback.
//! - [`prompt`]: short instructions, and the story's distinct claims as delimited data with short
//!   ids, most informative first, within a per-call data cap and the input budget.
//! - [`schema`]: the JSON schema of a reply (a headline, at most three short bullets, one-letter
//!   keys) and its lenient parsing.
//! - [`books`]: where the day's token count and cached replies live (the database, shared by every
//!   instance, or memory for a one-off command).
//! - [`budget`]: the daily token budget.
//! - [`cache`]: replies by content hash; a thread's only in memory.
//! - [`summarizer`]: [`LlmSummaries`], the [`crate::summaries::SummaryService`] tying them together.
//!
//! `tools::llm_bench` measures tokens for one call per story against one per article, per call
//! and by where they go (instructions, data, reply).

pub mod books;
pub mod budget;
pub mod cache;
pub mod client;
pub mod prompt;
pub mod schema;
pub mod settings;
pub mod summarizer;
pub mod transport;

pub use settings::{LlmSettings, RetryPolicy};
pub use summarizer::{FallbackReason, LlmSummaries, Outcome};

use crate::metrics::Counter;

/// Why the LLM summarizer could not be built.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("could not build the HTTP client for the LLM server: {0}")]
    Client(#[from] reqwest::Error),
}

/// Tokens in `text` as a deterministic estimate (four characters a token, the usual figure for
/// English with BPE tokenizers), for servers that report no `usage` and for the budget check before
/// a call. Counted as estimated in the metrics, so the difference shows.
pub fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4) + 4
}

pub const LLM_CALLS: Counter =
    Counter { name: "layoffwatch_llm_calls_total", help: "LLM calls by outcome.", label: Some("outcome") };
pub const LLM_TOKENS_SENT: Counter =
    Counter { name: "layoffwatch_llm_tokens_sent_total", help: "Prompt tokens sent to the LLM.", label: None };
pub const LLM_TOKENS_RECEIVED: Counter = Counter {
    name: "layoffwatch_llm_tokens_received_total",
    help: "Completion tokens received from the LLM.",
    label: None,
};
pub const LLM_TOKENS_ESTIMATED: Counter = Counter {
    name: "layoffwatch_llm_tokens_estimated_total",
    help: "Tokens counted by estimate because the server reported no usage (included in sent/received).",
    label: Some("direction"),
};
pub const LLM_CACHE: Counter =
    Counter { name: "layoffwatch_llm_cache_total", help: "Reply cache lookups.", label: Some("result") };
pub const LLM_SUMMARIES: Counter = Counter {
    name: "layoffwatch_llm_summaries_total",
    help: "Summaries by how they were made.",
    label: Some("source"),
};
pub const LLM_FALLBACKS: Counter = Counter {
    name: "layoffwatch_llm_fallbacks_total",
    help: "Summaries replaced by the extractive summary, by reason.",
    label: Some("reason"),
};
pub const LLM_GROUNDING_DROPS: Counter = Counter {
    name: "layoffwatch_llm_grounding_drops_total",
    help: "LLM bullets (and headlines) dropped by grounding, by reason.",
    label: Some("reason"),
};
pub const LLM_TRIMMED: Counter = Counter {
    name: "layoffwatch_llm_trimmed_sentences_total",
    help: "Sentences left out of prompts as repeats or to fit the input budget.",
    label: None,
};
pub const LLM_INJECTIONS: Counter = Counter {
    name: "layoffwatch_llm_injected_sources_total",
    help: "Messages or articles left out of summaries because their text addresses the model.",
    label: None,
};
pub const LLM_RETRIES: Counter = Counter {
    name: "layoffwatch_llm_retries_total",
    help: "LLM call attempts retried, by cause.",
    label: Some("cause"),
};
pub const LLM_RETRY_WAIT_MS: Counter = Counter {
    name: "layoffwatch_llm_retry_wait_milliseconds_total",
    help: "Time spent waiting before retries (Retry-After capped).",
    label: None,
};
