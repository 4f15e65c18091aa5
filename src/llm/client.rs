//! One chat completion against any OpenAI-compatible server, through async-openai's bring-your-own-
//! types calls: the request is our struct and the reply is read into lenient structs, because
//! async-openai's own response enums are closed and Ollama, vLLM or llama.cpp answer with values
//! they do not know (`"finish_reason": "eos"`, `""`, unknown `service_tier`s). The whole call, its
//! retries included, is bounded by the configured timeout, and at most `concurrency` calls run at once.

use super::schema::{self, Format};
use super::settings::LlmSettings;
use super::transport::Transport;
use crate::metrics::Metrics;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

/// The messages of one call.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatPrompt {
    pub system: String,
    pub user: String,
}

/// What the server answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub content: String,
    pub finish: Finish,
    pub usage: TokenUsage,
}

/// Why the model stopped, as far as it matters to us; anything a server invents is `Other`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finish {
    Stop,
    /// Cut off at the output limit: the JSON is probably incomplete.
    Length,
    /// The server's filter withheld the answer.
    Filtered,
    Other(String),
}

/// Tokens one call used. `estimated` when the server sent no `usage` and we counted characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenUsage {
    pub sent: u64,
    pub received: u64,
    pub estimated: bool,
}

/// Why a call produced no answer.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("the server is rate limiting (HTTP 429) and retries did not help")]
    RateLimited,
    #[error("the server failed (HTTP {0}) and retries did not help")]
    Server(u16),
    #[error("the server refused the request (HTTP {status}): {message}")]
    Rejected { status: u16, message: String },
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("could not reach the server: {0}")]
    Connection(String),
    #[error("the reply is not a chat completion: {0}")]
    BadReply(String),
}

/// Our request body: only fields every OpenAI-compatible server understands.
#[derive(Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: [Message<'a>; 2],
    temperature: f32,
    /// `max_tokens` rather than `max_completion_tokens`: Ollama, vLLM and llama.cpp read this one.
    max_tokens: u32,
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<Value>,
}

#[derive(Serialize)]
struct Message<'a> {
    role: &'static str,
    content: &'a str,
}

/// The reply, read leniently: every field optional, unknown fields and values ignored.
#[derive(Deserialize, Default)]
struct Reply {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize, Default)]
struct Choice {
    #[serde(default)]
    message: Option<ReplyMessage>,
    #[serde(default)]
    finish_reason: Option<Value>,
}

#[derive(Deserialize, Default)]
struct ReplyMessage {
    #[serde(default)]
    content: Option<Value>,
    #[serde(default)]
    refusal: Option<Value>,
}

#[derive(Deserialize, Default)]
struct Usage {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
}

/// The client. Cheap to share behind an `Arc`.
pub struct ChatClient {
    inner: async_openai::Client<OpenAIConfig>,
    model: String,
    temperature: f32,
    max_output_tokens: u32,
    timeout: Duration,
    permits: Semaphore,
    /// The most capable response format the server has accepted (see [`Format`]); it only steps down.
    format: AtomicU8,
}

impl ChatClient {
    pub fn new(settings: &LlmSettings, metrics: Arc<Metrics>) -> Result<Self, reqwest::Error> {
        let transport = Transport::new(settings.timeout, settings.retry.clone(), metrics)?;
        // Every field set here: async-openai's defaults read the process environment themselves, and
        // settings come from one place (`LlmSettings`). Without a key the header is a bare `Bearer`,
        // which servers that need no key ignore.
        let config = OpenAIConfig::new()
            .with_api_base(settings.base_url.as_str().trim_end_matches('/'))
            .with_api_key(settings.api_key.as_ref().map_or("", |k| k.expose()))
            .with_org_id("")
            .with_project_id("");
        Ok(Self {
            inner: async_openai::Client::with_config(config).with_http_service(transport),
            model: settings.model.clone(),
            temperature: settings.temperature,
            max_output_tokens: settings.max_output_tokens,
            timeout: settings.timeout,
            permits: Semaphore::new(settings.concurrency.max(1)),
            format: AtomicU8::new(Format::JsonSchema as u8),
        })
    }

    /// The response format the next call will ask for.
    pub fn format(&self) -> Format {
        Format::from_u8(self.format.load(Ordering::Relaxed))
    }

    /// One completion, within the deadline. A server that refuses the JSON-schema response format
    /// is asked again with plain JSON mode, then with none (the prompt asks for JSON either way),
    /// and the format that worked is remembered.
    pub async fn complete(&self, prompt: &ChatPrompt) -> Result<Completion, CallError> {
        let _permit = self.permits.acquire().await.map_err(|e| CallError::Connection(e.to_string()))?;
        let deadline = tokio::time::Instant::now() + self.timeout;
        let mut format = self.format();
        loop {
            let attempt = tokio::time::timeout_at(deadline, self.call(prompt, format)).await;
            match attempt {
                Err(_) => return Err(CallError::Timeout(self.timeout)),
                Ok(Err(CallError::Rejected { status: 400 | 422, message })) if format != Format::Plain => {
                    let next = format.weaker();
                    tracing::warn!(
                        from = format.name(),
                        to = next.name(),
                        %message,
                        "The LLM server refused a response format; asking with a simpler one."
                    );
                    format = next;
                }
                Ok(Ok(completion)) => {
                    if format != self.format() {
                        self.format.store(format as u8, Ordering::Relaxed);
                    }
                    return Ok(completion);
                }
                Ok(Err(e)) => return Err(e),
            }
        }
    }

    async fn call(&self, prompt: &ChatPrompt, format: Format) -> Result<Completion, CallError> {
        let request = ChatRequest {
            model: &self.model,
            messages: [
                Message { role: "system", content: &prompt.system },
                Message { role: "user", content: &prompt.user },
            ],
            temperature: self.temperature,
            max_tokens: self.max_output_tokens,
            stream: false,
            response_format: schema::response_format(format),
        };
        let raw: Value = self.inner.chat().create_byot(&request).await.map_err(|e| self.classify(e))?;
        let reply: Reply =
            serde_json::from_value(raw).map_err(|e| CallError::BadReply(format!("unexpected shape ({e})")))?;
        let choice = reply.choices.into_iter().next().ok_or_else(|| CallError::BadReply("no choices".into()))?;
        let message = choice.message.unwrap_or_default();
        let content = match message.content {
            Some(Value::String(s)) => s,
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        let finish = match choice.finish_reason.as_ref().and_then(Value::as_str) {
            Some("stop") | Some("eos") | Some("end_turn") => Finish::Stop,
            Some("length") | Some("max_tokens") => Finish::Length,
            Some("content_filter") => Finish::Filtered,
            Some(other) => Finish::Other(other.chars().take(40).collect()),
            None => Finish::Other(String::new()),
        };
        let finish = match message.refusal {
            Some(Value::String(r)) if !r.is_empty() => Finish::Filtered,
            _ => finish,
        };
        let usage = match reply.usage {
            Some(Usage { prompt_tokens: Some(sent), completion_tokens: Some(received) }) => {
                TokenUsage { sent, received, estimated: false }
            }
            _ => TokenUsage {
                sent: super::estimate_tokens(&prompt.system) + super::estimate_tokens(&prompt.user),
                received: super::estimate_tokens(&content),
                estimated: true,
            },
        };
        Ok(Completion { content, finish, usage })
    }

    fn classify(&self, e: OpenAIError) -> CallError {
        match e {
            OpenAIError::ApiError(api) => match api.status_code.as_u16() {
                429 => CallError::RateLimited,
                s if s >= 500 => CallError::Server(s),
                s => CallError::Rejected { status: s, message: api.api_error.message.chars().take(300).collect() },
            },
            OpenAIError::Reqwest(e) if e.is_timeout() => CallError::Timeout(self.timeout),
            // Without the URL: a base URL may carry a token in its query.
            OpenAIError::Reqwest(e) => CallError::Connection(e.without_url().to_string()),
            OpenAIError::JSONDeserialize(e, _) => CallError::BadReply(format!("not JSON ({e})")),
            other => CallError::BadReply(other.to_string()),
        }
    }
}
