//! LLM settings, from the environment only (the key is a secret, and containers are configured by
//! environment). `OPENAI_BASE_URL` switches the LLM on; without it the bot stays offline. A
//! self-hosted server on a loopback or private address is operator configuration, not user input,
//! so no SSRF guard applies here.

use super::Reader;
use crate::llm::settings::{
    DEFAULT_CONCURRENCY, DEFAULT_DAILY_TOKEN_BUDGET, DEFAULT_MAX_INPUT_TOKENS, DEFAULT_MAX_OUTPUT_TOKENS,
    DEFAULT_TEMPERATURE, DEFAULT_TIMEOUT_SECONDS, LlmSettings, MIN_INPUT_TOKENS, RetryPolicy,
};
use crate::secret::Secret;
use std::time::Duration;

const BASE_URL_FIX: &str = "use the API root, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1";

/// Reads the LLM settings. `None` when `OPENAI_BASE_URL` is unset (offline) or a problem was
/// recorded. The day's token use is kept in the store (see `llm::books`).
pub fn read(r: &mut Reader<'_>) -> Option<LlmSettings> {
    let before = r.problem_count();
    let raw_base = r.get("OPENAI_BASE_URL");
    let model = r.get("OPENAI_MODEL");
    let legacy_model = r.get("LAYOFFWATCH_LLM_MODEL");
    let api_key = r.get("OPENAI_API_KEY").map(Secret::new);
    let timeout = r.decimal(
        "LLM_TIMEOUT_SECONDS",
        1.0..=600.0,
        "give seconds between 1 and 600, e.g. 60 (local models on a CPU may need 120)",
    );
    let max_input_tokens = r.whole(
        "LLM_MAX_INPUT_TOKENS",
        None,
        MIN_INPUT_TOKENS..=1_000_000,
        "give a whole number of tokens of at least 500 and below the model's context window, e.g. 3000",
    );
    let max_output_tokens = r.whole(
        "LLM_MAX_OUTPUT_TOKENS",
        None,
        100..=100_000,
        "give a whole number of tokens between 100 and 100000, e.g. 300",
    );
    let temperature = r.decimal("LLM_TEMPERATURE", 0.0..=2.0, "give a number from 0 to 2, e.g. 0.2");
    let daily_token_budget = r.whole(
        "LLM_DAILY_TOKEN_BUDGET",
        None,
        1_000..=1_000_000_000_000u64,
        "give a whole number of tokens per day of at least 1000, e.g. 500000",
    );
    let concurrency = r.whole("LLM_CONCURRENCY", None, 1..=64usize, "give a whole number from 1 to 64, e.g. 2");
    let raw_base = raw_base?;
    let base_url = match url::Url::parse(&raw_base) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Some(u),
        Ok(_) => {
            r.problem("OPENAI_BASE_URL", format!("{raw_base:?} is not an http(s) URL"), BASE_URL_FIX);
            None
        }
        Err(e) => {
            r.problem("OPENAI_BASE_URL", format!("{raw_base:?} is not a URL ({e})"), BASE_URL_FIX);
            None
        }
    };
    let model = model.or(legacy_model);
    if model.is_none() {
        r.problem(
            "OPENAI_MODEL",
            "is not set, and every server needs to be told which model to run",
            "set it to a model the server has, e.g. gpt-4o-mini (OpenAI) or llama3.1:8b (Ollama)",
        );
    }
    if api_key.is_none() && base_url.as_ref().is_some_and(|u| u.host_str() == Some("api.openai.com")) {
        r.problem("OPENAI_API_KEY", "is not set, and OpenAI requires one", "set OPENAI_API_KEY to your API key");
    }
    let max_output_tokens = max_output_tokens.unwrap_or(DEFAULT_MAX_OUTPUT_TOKENS);
    let daily_token_budget = daily_token_budget.unwrap_or(DEFAULT_DAILY_TOKEN_BUDGET);
    if u64::from(max_output_tokens) > daily_token_budget {
        r.problem(
            "LLM_DAILY_TOKEN_BUDGET",
            format!("{daily_token_budget} is smaller than one call's LLM_MAX_OUTPUT_TOKENS ({max_output_tokens})"),
            "raise the budget or lower LLM_MAX_OUTPUT_TOKENS",
        );
    }
    if r.problem_count() > before {
        return None;
    }
    Some(LlmSettings {
        base_url: base_url?,
        api_key,
        model: model?,
        timeout: Duration::from_secs_f64(timeout.unwrap_or(DEFAULT_TIMEOUT_SECONDS as f64)),
        max_input_tokens: max_input_tokens.unwrap_or(DEFAULT_MAX_INPUT_TOKENS),
        max_output_tokens,
        temperature: temperature.map_or(DEFAULT_TEMPERATURE, |t| t as f32),
        daily_token_budget,
        concurrency: concurrency.unwrap_or(DEFAULT_CONCURRENCY),
        retry: RetryPolicy::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigProblem;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Option<LlmSettings>, Vec<ConfigProblem>> {
        let env: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let lookup = move |k: &str| env.get(k).cloned();
        let mut r = Reader::new(&lookup);
        let settings = read(&mut r);
        if r.has_problems() { Err(r.into_problems()) } else { Ok(settings) }
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
        assert_eq!(s.concurrency, DEFAULT_CONCURRENCY);
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
    fn a_fractional_concurrency_is_refused_rather_than_truncated() {
        let problems = load(&[
            ("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"),
            ("OPENAI_MODEL", "llama3.1:8b"),
            ("LLM_CONCURRENCY", "2.5"),
            ("LLM_MAX_OUTPUT_TOKENS", "250.9"),
        ])
        .unwrap_err();
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["LLM_MAX_OUTPUT_TOKENS", "LLM_CONCURRENCY"]);
        assert!(problems.iter().all(|p| p.problem.contains("whole number")), "{problems:?}");
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
    fn a_budget_smaller_than_one_reply_is_named() {
        let problems = load(&[
            ("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"),
            ("OPENAI_MODEL", "m"),
            ("LLM_MAX_OUTPUT_TOKENS", "5000"),
            ("LLM_DAILY_TOKEN_BUDGET", "1000"),
        ])
        .unwrap_err();
        assert_eq!(problems[0].key, "LLM_DAILY_TOKEN_BUDGET");
    }
}
