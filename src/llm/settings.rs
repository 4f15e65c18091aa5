//! LLM settings as plain typed values: where the OpenAI-compatible server is, which model, and the
//! limits that bound what one summary may cost in time and tokens. The configuration reads them from
//! the environment (`OPENAI_BASE_URL` switches the LLM on); the summarizer only receives them.

use crate::secret::Secret;
use std::time::Duration;

/// How a failed attempt is retried: 429, 5xx and connection failures only, with exponential backoff,
/// and a server's `Retry-After` honoured only up to a cap (a server asking for an hour must not stall
/// a story post for an hour; the summary falls back instead).
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub max_retries: usize,
    pub min_delay: Duration,
    pub max_delay: Duration,
    pub retry_after_cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(20),
        }
    }
}

/// Everything the LLM summarizer needs.
#[derive(Debug, Clone, PartialEq)]
pub struct LlmSettings {
    /// The API root, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1` (Ollama).
    pub base_url: url::Url,
    /// Optional: local servers usually need none.
    pub api_key: Option<Secret>,
    pub model: String,
    /// Deadline for one summary call, retries and their waits included.
    pub timeout: Duration,
    /// Prompt tokens one call may send; the least informative sentences are dropped to fit.
    pub max_input_tokens: u32,
    pub max_output_tokens: u32,
    pub temperature: f32,
    /// Tokens (sent plus received) all calls of one UTC day may use; then summaries are extractive.
    pub daily_token_budget: u64,
    /// Calls in flight at once.
    pub concurrency: usize,
    pub retry: RetryPolicy,
}

impl LlmSettings {
    /// Settings for a server at `base_url` with `model` and the documented defaults.
    pub fn new(base_url: url::Url, model: impl Into<String>) -> Self {
        Self {
            base_url,
            api_key: None,
            model: model.into(),
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECONDS),
            max_input_tokens: DEFAULT_MAX_INPUT_TOKENS,
            max_output_tokens: DEFAULT_MAX_OUTPUT_TOKENS,
            temperature: DEFAULT_TEMPERATURE,
            daily_token_budget: DEFAULT_DAILY_TOKEN_BUDGET,
            concurrency: DEFAULT_CONCURRENCY,
            retry: RetryPolicy::default(),
        }
    }

    /// The server's host and port, for messages that must not show a path with a token in it.
    pub fn server(&self) -> String {
        match (self.base_url.host_str(), self.base_url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => self.base_url.to_string(),
        }
    }
}

pub const DEFAULT_TIMEOUT_SECONDS: u64 = 60;
pub const DEFAULT_MAX_INPUT_TOKENS: u32 = 3_000;
/// A reply is a headline and at most three short bullets with ids (about 150 tokens); twice that
/// leaves room for tokenizers that split words finely, and bounds what a rambling model costs.
pub const DEFAULT_MAX_OUTPUT_TOKENS: u32 = 300;
pub const DEFAULT_TEMPERATURE: f32 = 0.2;
pub const DEFAULT_DAILY_TOKEN_BUDGET: u64 = 500_000;
pub const DEFAULT_CONCURRENCY: usize = 2;
/// A prompt needs room for the instructions and at least a few sentences.
pub const MIN_INPUT_TOKENS: u32 = 500;
