//! Settings, parsed once at start: the config file (`config/layoffwatch.toml` documents every key),
//! then the environment, which wins. Containers are configured by environment alone. Every problem
//! names the key and how to fix it.

use crate::feeds::FeedSource;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// What the running bot needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub db: String,
    pub feeds: Vec<String>,
    pub poll_seconds: u64,
    pub max_age_days: u32,
    pub allow_private_addresses: bool,
    pub contact: String,
    pub disable_after_failures: u32,
    pub console: bool,
    pub jsonl: Option<String>,
    pub article_text_days: u32,
    /// Post-only destinations; secrets, so only from the environment.
    pub slack_webhook_url: Option<url::Url>,
    pub discord_webhook_url: Option<url::Url>,
    /// The Discord bot, when `DISCORD_TOKEN` is set.
    pub discord: Option<crate::adapters::discord::settings::DiscordSettings>,
    /// The Slack bot, when `SLACK_BOT_TOKEN` is set (environment only: tokens are secrets).
    pub slack: Option<crate::adapters::slack::SlackSettings>,
    /// `LAYOFFWATCH_HTTP_ADDR`: where to serve /healthz and /metrics (and, in Slack's HTTP mode,
    /// Slack's request URLs); `None` opens no port unless Slack's HTTP mode needs one.
    pub http_addr: Option<std::net::SocketAddr>,
    /// LLM summaries; `None` keeps the bot offline (extractive summaries).
    pub llm: Option<crate::llm::LlmSettings>,
}

/// A setting that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{key}: {problem}; {fix}")]
pub struct ConfigProblem {
    pub key: String,
    pub problem: String,
    pub fix: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read the config file {path}: {source}; check the path given to --config")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("the config file {path} is not valid: {message}; compare it with config/layoffwatch.toml")]
    Parse { path: PathBuf, message: String },
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<ConfigProblem>),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    store: StoreSection,
    #[serde(default)]
    feeds: FeedsSection,
    #[serde(default)]
    output: OutputSection,
    #[serde(default)]
    privacy: PrivacySection,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct StoreSection {
    db: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FeedsSection {
    urls: Option<Vec<String>>,
    poll_seconds: Option<i64>,
    max_age_days: Option<i64>,
    allow_private_addresses: Option<bool>,
    contact: Option<String>,
    disable_after_failures: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct OutputSection {
    console: Option<bool>,
    jsonl: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PrivacySection {
    article_text_days: Option<i64>,
}

/// A true/false setting as people write it in the environment.
pub fn flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" | "" => Some(false),
        _ => None,
    }
}

impl Settings {
    /// Loads the config file (if any), applies the environment, and validates the result.
    pub fn load(path: Option<&Path>, env: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let file: File = match path {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|source| ConfigError::Read { path: p.into(), source })?;
                toml::from_str(&text)
                    .map_err(|e| ConfigError::Parse { path: p.into(), message: e.to_string().replace('\n', " ") })?
            }
            None => File::default(),
        };
        let mut problems = Vec::new();
        let mut problem = |key: &str, problem: String, fix: &str| {
            problems.push(ConfigProblem { key: key.into(), problem, fix: fix.into() });
        };
        let int = |key: &str,
                   env_name: &str,
                   file_value: Option<i64>,
                   default: i64,
                   min: i64,
                   problem: &mut dyn FnMut(&str, String, &str)|
         -> i64 {
            let value = match env(env_name) {
                Some(v) => match v.trim().parse::<i64>() {
                    Ok(n) => n,
                    Err(_) => {
                        problem(env_name, format!("{v:?} is not a whole number"), "give a number of seconds, e.g. 600");
                        return default;
                    }
                },
                None => file_value.unwrap_or(default),
            };
            if value < min {
                problem(key, format!("{value} is below the minimum of {min}"), &format!("set it to {min} or more"));
                return default;
            }
            value
        };
        let boolean = |env_name: &str,
                       file_value: Option<bool>,
                       default: bool,
                       problem: &mut dyn FnMut(&str, String, &str)|
         -> bool {
            match env(env_name) {
                Some(v) => flag(&v).unwrap_or_else(|| {
                    problem(env_name, format!("{:?} is not true or false", v.trim()), "use true or false");
                    default
                }),
                None => file_value.unwrap_or(default),
            }
        };
        let poll_seconds =
            int("feeds.poll_seconds", "LAYOFFWATCH_POLL_SECONDS", file.feeds.poll_seconds, 600, 1, &mut problem) as u64;
        let max_age_days =
            int("feeds.max_age_days", "LAYOFFWATCH_MAX_AGE_DAYS", file.feeds.max_age_days, 3, 1, &mut problem) as u32;
        let disable_after_failures = int(
            "feeds.disable_after_failures",
            "LAYOFFWATCH_DISABLE_AFTER",
            file.feeds.disable_after_failures,
            10,
            1,
            &mut problem,
        ) as u32;
        let article_text_days = int(
            "privacy.article_text_days",
            "LAYOFFWATCH_TEXT_DAYS",
            file.privacy.article_text_days,
            30,
            1,
            &mut problem,
        ) as u32;
        let allow_private_addresses =
            boolean("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", file.feeds.allow_private_addresses, false, &mut problem);
        let console = boolean("LAYOFFWATCH_CONSOLE", file.output.console, true, &mut problem);
        let feeds: Vec<String> = match env("LAYOFFWATCH_FEEDS") {
            Some(v) => v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
            None => file.feeds.urls.unwrap_or_default(),
        };
        for (i, f) in feeds.iter().enumerate() {
            if let Err(e) = FeedSource::parse(f) {
                problem(&format!("feeds.urls[{i}]"), e.to_string(), "use an https://… URL or a path to a feed file");
            }
        }
        let db = env("LAYOFFWATCH_DB").or(file.store.db).unwrap_or_else(|| "./layoffwatch.sqlite".into());
        if db.trim().is_empty() {
            problem(
                "store.db",
                "is empty".into(),
                "give a file path such as ./layoffwatch.sqlite (or set LAYOFFWATCH_DB)",
            );
        } else if db.starts_with("postgres://") || db.starts_with("postgresql://") {
            problem("store.db", "Postgres is not supported yet".into(), "use a SQLite file path for now");
        } else if let Some(parent) =
            Path::new(db.trim_start_matches("sqlite://").trim_start_matches("sqlite:")).parent()
            && !parent.as_os_str().is_empty()
            && !parent.exists()
        {
            problem(
                "store.db",
                format!("the folder {} does not exist", parent.display()),
                "create it or choose another path",
            );
        }
        let contact = env("LAYOFFWATCH_CONTACT")
            .or(file.feeds.contact)
            .unwrap_or_else(|| "https://github.com/layoffwatch/layoffwatch".into());
        let jsonl = env("LAYOFFWATCH_JSONL").or(file.output.jsonl).filter(|j| !j.trim().is_empty());
        let mut webhook = |name: &str| -> Option<url::Url> {
            let raw = env(name).filter(|v| !v.trim().is_empty())?;
            match url::Url::parse(raw.trim()) {
                Ok(u) if u.scheme() == "https" || allow_private_addresses && u.scheme() == "http" => Some(u),
                Ok(_) => {
                    problem(
                        name,
                        "is not an https:// URL".into(),
                        "copy the webhook URL exactly as the platform shows it",
                    );
                    None
                }
                Err(e) => {
                    problem(
                        name,
                        format!("is not a URL ({e})"),
                        "copy the webhook URL exactly as the platform shows it",
                    );
                    None
                }
            }
        };
        let slack_webhook_url = webhook("SLACK_WEBHOOK_URL");
        let discord_webhook_url = webhook("DISCORD_WEBHOOK_URL");
        let http_addr = match env("LAYOFFWATCH_HTTP_ADDR").filter(|v| !v.trim().is_empty()) {
            None => None,
            Some(raw) => match raw.trim().parse() {
                Ok(addr) => Some(addr),
                Err(_) => {
                    problem(
                        "LAYOFFWATCH_HTTP_ADDR",
                        format!("{raw:?} is not an address and port"),
                        "write it as 0.0.0.0:3000 (all interfaces) or 127.0.0.1:3000 (this machine only)",
                    );
                    None
                }
            },
        };
        let discord = crate::adapters::discord::settings::DiscordSettings::from_env(env).unwrap_or_else(|found| {
            problems.extend(found);
            None
        });
        let slack = crate::adapters::slack::SlackSettings::from_env(env)
            .unwrap_or_else(|slack_problems| {
                problems.extend(slack_problems);
                None
            })
            .map(|s| crate::adapters::slack::SlackSettings { allow_private_addresses, ..s });
        let llm = crate::llm::settings::from_env(env, Some(&db)).unwrap_or_else(|found| {
            problems.extend(found);
            None
        });
        if !problems.is_empty() {
            return Err(ConfigError::Invalid(problems));
        }
        Ok(Settings {
            db,
            feeds,
            poll_seconds,
            max_age_days,
            allow_private_addresses,
            contact,
            disable_after_failures,
            console,
            jsonl,
            article_text_days,
            slack_webhook_url,
            discord_webhook_url,
            http_addr,
            discord,
            slack,
            llm,
        })
    }

    /// The settings from the process environment.
    pub fn from_process(path: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load(path, &|k| std::env::var(k).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(file: Option<&str>, env: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        if let Some(f) = file {
            std::fs::write(&path, f).unwrap();
        }
        let env: HashMap<String, String> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::load(file.map(|_| path.as_path()), &|k| env.get(k).cloned())
    }

    #[test]
    fn the_documented_default_file_is_valid() {
        let s = load(Some(include_str!("../config/layoffwatch.toml")), &[]).unwrap();
        assert_eq!(s.poll_seconds, 600);
        assert!(s.console);
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let s = load(
            Some("[feeds]\npoll_seconds = 900\n"),
            &[("LAYOFFWATCH_POLL_SECONDS", "60"), ("LAYOFFWATCH_FEEDS", "https://a.example/rss, ./b.xml")],
        )
        .unwrap();
        assert_eq!(s.poll_seconds, 60);
        assert_eq!(s.feeds, vec!["https://a.example/rss", "./b.xml"]);
    }

    #[test]
    fn an_unknown_key_is_named() {
        let err = load(Some("[feeds]\npoll_secs = 60\n"), &[]).unwrap_err().to_string();
        assert!(err.contains("poll_secs"), "{err}");
    }

    #[test]
    fn a_bad_value_names_its_key_and_the_fix() {
        let err = load(None, &[("LAYOFFWATCH_POLL_SECONDS", "soon"), ("LAYOFFWATCH_FEEDS", "ftp://x.example/feed")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("LAYOFFWATCH_POLL_SECONDS") && err.contains("whole number"), "{err}");
        assert!(err.contains("feeds.urls[0]") && err.contains("https://"), "{err}");
    }

    #[test]
    fn llm_settings_are_read_and_their_problems_reported() {
        let s =
            load(None, &[("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"), ("OPENAI_MODEL", "llama3.1:8b")]).unwrap();
        assert_eq!(s.llm.unwrap().model, "llama3.1:8b");
        let err = load(None, &[("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1"), ("LLM_TEMPERATURE", "9")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("OPENAI_MODEL") && err.contains("LLM_TEMPERATURE"), "{err}");
        assert_eq!(load(None, &[]).unwrap().llm, None);
    }
}
