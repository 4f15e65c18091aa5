//! LLM settings, from the environment only (the key is a secret, and containers are configured by
//! environment): where the OpenAI-compatible server is, which model, and the limits that bound what
//! one summary may cost in time and tokens. `OPENAI_BASE_URL` switches the LLM on; without it the bot
//! stays offline. A self-hosted server on a loopback or private address is operator configuration,
//! not user input, so no SSRF guard applies here.

use crate::config::ConfigProblem;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// An API key. Its `Debug` and `Display` never show it, so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

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
    pub api_key: Option<ApiKey>,
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
    /// Where the day's token use is kept so a restart does not reset the budget; `None` keeps it in
    /// memory only (an in-memory database, or the `summarize` command).
    pub usage_file: Option<PathBuf>,
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
            usage_file: None,
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

const DEFAULT_TIMEOUT_SECONDS: u64 = 60;
const DEFAULT_MAX_INPUT_TOKENS: u32 = 3_000;
/// A reply is a headline and at most three short bullets with ids (about 150 tokens); twice that
/// leaves room for tokenizers that split words finely, and bounds what a rambling model costs.
const DEFAULT_MAX_OUTPUT_TOKENS: u32 = 300;
const DEFAULT_TEMPERATURE: f32 = 0.2;
const DEFAULT_DAILY_TOKEN_BUDGET: u64 = 500_000;
const DEFAULT_CONCURRENCY: usize = 2;
/// A prompt needs room for the instructions and at least a few sentences.
const MIN_INPUT_TOKENS: u32 = 500;

/// Reads the LLM settings. `Ok(None)` when `OPENAI_BASE_URL` is unset (offline). `db` is the
/// store's path; the day's token use is kept in a file beside it.
pub fn from_env(
    env: &dyn Fn(&str) -> Option<String>,
    db: Option<&str>,
) -> Result<Option<LlmSettings>, Vec<ConfigProblem>> {
    let get = |k: &str| env(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let Some(raw_base) = get("OPENAI_BASE_URL") else { return Ok(None) };
    let mut problems = Vec::new();
    let mut problem = |key: &str, problem: String, fix: &str| {
        problems.push(ConfigProblem { key: key.into(), problem, fix: fix.into() });
    };
    let base_url = match url::Url::parse(&raw_base) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Some(u),
        Ok(_) => {
            problem(
                "OPENAI_BASE_URL",
                format!("{raw_base:?} is not an http(s) URL"),
                "use the API root, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1",
            );
            None
        }
        Err(e) => {
            problem(
                "OPENAI_BASE_URL",
                format!("{raw_base:?} is not a URL ({e})"),
                "use the API root, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1",
            );
            None
        }
    };
    let model = get("OPENAI_MODEL").or_else(|| get("LAYOFFWATCH_LLM_MODEL"));
    if model.is_none() {
        problem(
            "OPENAI_MODEL",
            "is not set, and every server needs to be told which model to run".into(),
            "set it to a model the server has, e.g. gpt-4o-mini (OpenAI) or llama3.1:8b (Ollama)",
        );
    }
    let api_key = get("OPENAI_API_KEY").map(ApiKey::new);
    if api_key.is_none() && base_url.as_ref().is_some_and(|u| u.host_str() == Some("api.openai.com")) {
        problem("OPENAI_API_KEY", "is not set, and OpenAI requires one".into(), "set OPENAI_API_KEY to your API key");
    }
    let mut number = |key: &str, default: f64, min: f64, max: f64, fix: &str| -> f64 {
        let Some(raw) = get(key) else { return default };
        match raw.parse::<f64>() {
            Ok(v) if v.is_finite() && (min..=max).contains(&v) => v,
            Ok(_) => {
                problem(key, format!("{raw} is outside {min}..={max}"), fix);
                default
            }
            Err(_) => {
                problem(key, format!("{raw:?} is not a number"), fix);
                default
            }
        }
    };
    let timeout = number(
        "LLM_TIMEOUT_SECONDS",
        DEFAULT_TIMEOUT_SECONDS as f64,
        1.0,
        600.0,
        "give seconds between 1 and 600, e.g. 60 (local models on a CPU may need 120)",
    );
    let max_input_tokens = number(
        "LLM_MAX_INPUT_TOKENS",
        DEFAULT_MAX_INPUT_TOKENS as f64,
        MIN_INPUT_TOKENS as f64,
        1_000_000.0,
        "give a whole number of tokens of at least 500 and below the model's context window, e.g. 3000",
    );
    let max_output_tokens = number(
        "LLM_MAX_OUTPUT_TOKENS",
        DEFAULT_MAX_OUTPUT_TOKENS as f64,
        100.0,
        100_000.0,
        "give a whole number of tokens between 100 and 100000, e.g. 300",
    );
    let temperature =
        number("LLM_TEMPERATURE", DEFAULT_TEMPERATURE as f64, 0.0, 2.0, "give a number from 0 to 2, e.g. 0.2");
    let daily_token_budget = number(
        "LLM_DAILY_TOKEN_BUDGET",
        DEFAULT_DAILY_TOKEN_BUDGET as f64,
        1_000.0,
        1e12,
        "give a whole number of tokens per day of at least 1000, e.g. 500000",
    );
    let concurrency =
        number("LLM_CONCURRENCY", DEFAULT_CONCURRENCY as f64, 1.0, 64.0, "give a whole number from 1 to 64, e.g. 2");
    if let Some(max_output) = get("LLM_MAX_OUTPUT_TOKENS").and_then(|v| v.parse::<f64>().ok())
        && max_output > daily_token_budget
    {
        problem(
            "LLM_DAILY_TOKEN_BUDGET",
            format!("{daily_token_budget} is smaller than one call's LLM_MAX_OUTPUT_TOKENS ({max_output})"),
            "raise the budget or lower LLM_MAX_OUTPUT_TOKENS",
        );
    }
    let (Some(base_url), Some(model)) = (base_url, model) else { return Err(problems) };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Some(LlmSettings {
        base_url,
        api_key,
        model,
        timeout: Duration::from_secs_f64(timeout),
        max_input_tokens: max_input_tokens as u32,
        max_output_tokens: max_output_tokens as u32,
        temperature: temperature as f32,
        daily_token_budget: daily_token_budget as u64,
        concurrency: concurrency as usize,
        retry: RetryPolicy::default(),
        usage_file: db.and_then(usage_file_beside),
    }))
}

/// `./layoffwatch.sqlite` keeps its day's LLM token use in `./layoffwatch.sqlite.llm-usage.json`.
fn usage_file_beside(db: &str) -> Option<PathBuf> {
    let path = db.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path.contains(":memory:") || path.starts_with("postgres") {
        return None;
    }
    Some(Path::new(&format!("{path}.llm-usage.json")).to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Option<LlmSettings>, Vec<ConfigProblem>> {
        let env: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        from_env(&|k| env.get(k).cloned(), Some("./data/bot.sqlite"))
    }

    #[test]
    fn without_a_base_url_the_bot_stays_offline() {
        assert_eq!(load(&[("OPENAI_MODEL", "x")]).unwrap(), None);
    }

    #[test]
    fn a_local_server_needs_no_key_and_gets_the_defaults() {
        let s = load(&[("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"), ("OPENAI_MODEL", "llama3.1:8b")])
            .unwrap()
            .unwrap();
        assert_eq!(s.api_key, None);
        assert_eq!(s.max_input_tokens, DEFAULT_MAX_INPUT_TOKENS);
        assert_eq!(s.usage_file.as_deref(), Some(Path::new("./data/bot.sqlite.llm-usage.json")));
        assert_eq!(s.server(), "127.0.0.1:11434");
    }

    #[test]
    fn bad_values_name_the_key_and_the_fix() {
        let problems = load(&[
            ("OPENAI_BASE_URL", "api.openai.com/v1"),
            ("LLM_TEMPERATURE", "hot"),
            ("LLM_MAX_INPUT_TOKENS", "10"),
            ("LLM_CONCURRENCY", "0"),
        ])
        .unwrap_err();
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        for key in ["OPENAI_BASE_URL", "OPENAI_MODEL", "LLM_TEMPERATURE", "LLM_MAX_INPUT_TOKENS", "LLM_CONCURRENCY"] {
            assert!(keys.contains(&key), "{key} missing from {keys:?}");
        }
        assert!(problems.iter().all(|p| !p.fix.is_empty()));
    }

    #[test]
    fn openai_itself_needs_a_key_and_the_key_is_never_shown() {
        let problems =
            load(&[("OPENAI_BASE_URL", "https://api.openai.com/v1"), ("OPENAI_MODEL", "gpt-4o-mini")]).unwrap_err();
        assert_eq!(problems[0].key, "OPENAI_API_KEY");
        let s = load(&[
            ("OPENAI_BASE_URL", "https://api.openai.com/v1"),
            ("OPENAI_MODEL", "gpt-4o-mini"),
            ("OPENAI_API_KEY", "sk-secret-value"),
        ])
        .unwrap()
        .unwrap();
        assert!(!format!("{s:?}").contains("sk-secret-value"));
    }

    #[test]
    fn an_in_memory_database_keeps_the_budget_in_memory() {
        assert_eq!(usage_file_beside("sqlite::memory:"), None);
        assert_eq!(usage_file_beside("sqlite://bot.db?mode=rwc"), Some(PathBuf::from("bot.db.llm-usage.json")));
    }
}
