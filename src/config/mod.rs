//! Settings, parsed once at start: the config file (`config/layoffwatch.toml` documents every key),
//! then the environment, which wins. Containers are configured by environment alone. Every problem
//! names the key and how to fix it, and all of them are reported together.
//!
//! - `reader`: the one problem collector and the strict typed parsers; each variable read once.
//! - `file`: the config file's shape.
//! - `slack`, `discord`, `llm`: the chat bots' and the LLM's settings, built here as the plain
//!   typed structs those modules define (they never read configuration themselves).
//!
//! Everything `run` would refuse is refused here, so `layoffwatch check` catches it first: feed
//! addresses, webhook URLs (scheme and the SSRF guard), the listen address, and a bot with no output.

mod discord;
mod file;
mod llm;
mod reader;
mod slack;

pub use reader::{Reader, flag};

use crate::adapters::discord::settings::DiscordSettings;
use crate::adapters::slack::SlackSettings;
use crate::feeds::{FeedSource, guard};
use crate::llm::LlmSettings;
use crate::secret::Secret;
use file::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// What the running bot needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// SQLite path or URL, or a `postgres://` URL shared by several instances (`LAYOFFWATCH_DB`).
    pub db: String,
    /// How instances sharing a database split the work.
    pub sharing: Sharing,
    /// Feeds watched for every default destination, parsed once.
    pub feeds: Vec<FeedSource>,
    pub poll_seconds: u64,
    pub max_age_days: u32,
    /// Whether feeds, APIs and user-supplied URLs may live on loopback or private addresses. Read
    /// once here and handed to every part that checks addresses.
    pub allow_private_addresses: bool,
    pub contact: String,
    pub disable_after_failures: u32,
    pub console: bool,
    pub jsonl: Option<String>,
    pub article_text_days: u32,
    /// Fetch article pages when an item's text is empty or a stub (`LAYOFFWATCH_FULL_TEXT`).
    pub full_text: bool,
    /// Post-only destinations; secrets (the URL is the credential), so only from the environment.
    pub slack_webhook_url: Option<Secret>,
    pub discord_webhook_url: Option<Secret>,
    /// The Discord bot, when `DISCORD_TOKEN` is set.
    pub discord: Option<DiscordSettings>,
    /// The Slack bot, when `SLACK_BOT_TOKEN` is set (environment only: tokens are secrets).
    pub slack: Option<SlackSettings>,
    /// `LAYOFFWATCH_HTTP_ADDR`: where to serve /healthz and /metrics (and, in Slack's HTTP mode,
    /// Slack's request URLs); `None` opens no port unless Slack's HTTP mode needs one.
    pub http_addr: Option<SocketAddr>,
    /// LLM summaries; `None` keeps the bot offline (extractive summaries).
    pub llm: Option<LlmSettings>,
}

/// How one instance takes its share of the work in a database it may share with others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sharing {
    /// This instance's name in leases (`LAYOFFWATCH_INSTANCE`); by default the host name and
    /// process id, which differ between instances.
    pub instance: String,
    /// How long a feed poll is leased (`LAYOFFWATCH_FEED_LEASE_SECONDS`, default the poll
    /// interval): no other instance polls the feed before it runs out, and a dead instance's feeds
    /// are taken over after it.
    pub feed_lease_seconds: u64,
    /// How long a claimed delivery stays with its sender (`LAYOFFWATCH_DELIVERY_CLAIM_SECONDS`,
    /// default 60): a delivery of an instance killed mid-send is retried after it.
    pub delivery_claim_seconds: u64,
    /// How long a lease on a range of Discord shards lasts unless renewed
    /// (`LAYOFFWATCH_SHARD_LEASE_SECONDS`, default 60): the holder renews it three times within
    /// it, and a dead instance's shards are started by another after it.
    pub shard_lease_seconds: u64,
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

const WEBHOOK_FIX: &str = "copy the webhook URL exactly as the platform shows it";

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
        let mut r = Reader::new(env);
        let poll_seconds = r
            .whole(
                "LAYOFFWATCH_POLL_SECONDS",
                file.feeds.poll_seconds.map(|v| ("feeds.poll_seconds", v)),
                1..=u64::from(u32::MAX),
                "set it to 1 or more (seconds between polls, e.g. 600)",
            )
            .unwrap_or(600);
        let max_age_days = r
            .whole(
                "LAYOFFWATCH_MAX_AGE_DAYS",
                file.feeds.max_age_days.map(|v| ("feeds.max_age_days", v)),
                1..=36_500,
                "set it to 1 or more (days, e.g. 3)",
            )
            .unwrap_or(3);
        let disable_after_failures = r
            .whole(
                "LAYOFFWATCH_DISABLE_AFTER",
                file.feeds.disable_after_failures.map(|v| ("feeds.disable_after_failures", v)),
                1..=u32::MAX,
                "set it to 1 or more (failed polls in a row, e.g. 10)",
            )
            .unwrap_or(10);
        let article_text_days = r
            .whole(
                "LAYOFFWATCH_TEXT_DAYS",
                file.privacy.article_text_days.map(|v| ("privacy.article_text_days", v)),
                1..=36_500,
                "set it to 1 or more (days, e.g. 30)",
            )
            .unwrap_or(30);
        let allow_private_addresses =
            r.flag("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", file.feeds.allow_private_addresses).unwrap_or(false);
        let full_text = r.flag("LAYOFFWATCH_FULL_TEXT", file.feeds.full_text).unwrap_or(true);
        let console = r.flag("LAYOFFWATCH_CONSOLE", file.output.console).unwrap_or(true);
        let raw_feeds: Vec<String> = match r.raw("LAYOFFWATCH_FEEDS") {
            Some(v) => v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
            None => file.feeds.urls.unwrap_or_default(),
        };
        let mut feeds = Vec::new();
        for (i, f) in raw_feeds.iter().enumerate() {
            let key = format!("feeds.urls[{i}]");
            match FeedSource::parse(f) {
                Ok(FeedSource::Url(url)) => match guard::check_url(&url, allow_private_addresses) {
                    Ok(()) => feeds.push(FeedSource::Url(url)),
                    Err(e) => r.problem(key, e.to_string(), "use a public https://… feed URL"),
                },
                Ok(source) => feeds.push(source),
                Err(e) => r.problem(key, e.to_string(), "use an https://… URL or a path to a feed file"),
            }
        }
        let db = db(&mut r, file.store.db);
        let sharing = sharing(&mut r, poll_seconds);
        let contact = r
            .get("LAYOFFWATCH_CONTACT")
            .or(file.feeds.contact)
            .unwrap_or_else(|| "https://github.com/layoffwatch/layoffwatch".into());
        let jsonl = r.raw("LAYOFFWATCH_JSONL").or(file.output.jsonl).filter(|j| !j.trim().is_empty());
        if let Some(path) = jsonl.as_deref().filter(|p| *p != "-")
            && let Some(parent) = Path::new(path).parent()
            && !parent.as_os_str().is_empty()
            && !parent.is_dir()
        {
            r.problem(
                "output.jsonl",
                format!("the folder {} does not exist", parent.display()),
                "create it, choose another path, or use \"-\" for standard output",
            );
        }
        let slack_webhook_url = webhook(&mut r, "SLACK_WEBHOOK_URL", allow_private_addresses);
        let discord_webhook_url = webhook(&mut r, "DISCORD_WEBHOOK_URL", allow_private_addresses);
        let http_addr = match r.get("LAYOFFWATCH_HTTP_ADDR") {
            None => None,
            Some(raw) => match raw.parse() {
                Ok(addr) => Some(addr),
                Err(_) => {
                    r.problem(
                        "LAYOFFWATCH_HTTP_ADDR",
                        format!("{raw:?} is not an address and port"),
                        "write it as 0.0.0.0:3000 (all interfaces) or 127.0.0.1:3000 (this machine only)",
                    );
                    None
                }
            },
        };
        let discord = discord::read(&mut r, allow_private_addresses);
        let slack = slack::read(&mut r, &slack::Shared { allow_private_addresses, http_addr });
        let llm = llm::read(&mut r);
        let has_output = console
            || jsonl.is_some()
            || slack_webhook_url.is_some()
            || discord_webhook_url.is_some()
            || discord.is_some()
            || slack.is_some();
        if !has_output && !r.has_problems() {
            r.problem(
                "output",
                "no output is enabled",
                "set [output] console = true, a jsonl path, a webhook or a chat bot token",
            );
        }
        if r.has_problems() {
            return Err(ConfigError::Invalid(r.into_problems()));
        }
        Ok(Settings {
            db,
            sharing,
            feeds,
            poll_seconds,
            max_age_days,
            allow_private_addresses,
            contact,
            disable_after_failures,
            console,
            jsonl,
            article_text_days,
            full_text,
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

    /// Whether a chat bot is configured (its channels subscribe to feeds, so it needs none here).
    pub fn has_bot(&self) -> bool {
        self.discord.is_some() || self.slack.is_some()
    }
}

/// The LLM settings alone, for `summarize --llm`: the same parser the bot uses, without the rest of
/// the configuration (which a one-off command does not need to be valid).
pub fn llm_from_process() -> Result<Option<LlmSettings>, ConfigError> {
    let lookup = |k: &str| std::env::var(k).ok();
    let mut r = Reader::new(&lookup);
    let settings = llm::read(&mut r);
    if r.has_problems() { Err(ConfigError::Invalid(r.into_problems())) } else { Ok(settings) }
}

/// `LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES` alone, for the stateless `digest` command; the same
/// parser the bot uses.
pub fn allow_private_addresses_from_process() -> Result<bool, ConfigError> {
    let lookup = |k: &str| std::env::var(k).ok();
    let mut r = Reader::new(&lookup);
    let allow = r.flag("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", None).unwrap_or(false);
    if r.has_problems() { Err(ConfigError::Invalid(r.into_problems())) } else { Ok(allow) }
}

fn sharing(r: &mut Reader<'_>, poll_seconds: u64) -> Sharing {
    let instance = r.get("LAYOFFWATCH_INSTANCE").unwrap_or_else(default_instance);
    let feed_lease_seconds = r
        .whole(
            "LAYOFFWATCH_FEED_LEASE_SECONDS",
            None,
            1..=u64::from(u32::MAX),
            "set it to 1 or more (seconds; by default the poll interval)",
        )
        .unwrap_or(poll_seconds);
    let delivery_claim_seconds = r
        .whole(
            "LAYOFFWATCH_DELIVERY_CLAIM_SECONDS",
            None,
            1..=86_400,
            "set it to 1 or more (seconds a sender holds a delivery, e.g. 60)",
        )
        .unwrap_or(60);
    let shard_lease_seconds = r
        .whole(
            "LAYOFFWATCH_SHARD_LEASE_SECONDS",
            None,
            3..=3_600,
            "set it from 3 to 3600 (seconds a range of Discord shards stays leased without renewal, e.g. 60)",
        )
        .unwrap_or(60);
    Sharing { instance, feed_lease_seconds, delivery_claim_seconds, shard_lease_seconds }
}

/// The host name and process id: unique among instances running at once.
fn default_instance() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.trim().is_empty())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok().map(|h| h.trim().to_owned()))
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "layoffwatch".to_owned());
    format!("{host}-{}", std::process::id())
}

/// `LAYOFFWATCH_FULL_TEXT` alone, for the stateless `digest` command; the same parser the bot uses.
pub fn full_text_from_process() -> Result<bool, ConfigError> {
    let lookup = |k: &str| std::env::var(k).ok();
    let mut r = Reader::new(&lookup);
    let on = r.flag("LAYOFFWATCH_FULL_TEXT", None).unwrap_or(true);
    if r.has_problems() { Err(ConfigError::Invalid(r.into_problems())) } else { Ok(on) }
}

fn db(r: &mut Reader<'_>, from_file: Option<String>) -> String {
    let db = r.raw("LAYOFFWATCH_DB").or(from_file).unwrap_or_else(|| "./layoffwatch.sqlite".into());
    if db.trim().is_empty() {
        r.problem("store.db", "is empty", "give a file path such as ./layoffwatch.sqlite (or set LAYOFFWATCH_DB)");
    } else if crate::store::postgres::is_postgres_url(&db) {
        match url::Url::parse(db.trim()) {
            Ok(url) if url.host_str().is_some_and(|h| !h.is_empty()) => {}
            _ => r.problem(
                "store.db",
                "is not a usable PostgreSQL URL (no host)",
                "write it as postgres://USER:PASSWORD@HOST:5432/DATABASE",
            ),
        }
    } else if let Some(parent) = Path::new(db.trim_start_matches("sqlite://").trim_start_matches("sqlite:")).parent()
        && !parent.as_os_str().is_empty()
        && !parent.exists()
    {
        r.problem(
            "store.db",
            format!("the folder {} does not exist", parent.display()),
            "create it or choose another path",
        );
    }
    db
}

/// A webhook URL: https (or http on private addresses when allowed), through the same SSRF guard as
/// feeds. Problems name the variable and the host at most, never the URL: its path is the secret.
fn webhook(r: &mut Reader<'_>, key: &'static str, allow_private: bool) -> Option<Secret> {
    let raw = r.get(key)?;
    let url = match url::Url::parse(&raw) {
        Ok(u) => u,
        Err(e) => {
            r.problem(key, format!("is not a URL ({e})"), WEBHOOK_FIX);
            return None;
        }
    };
    if !(url.scheme() == "https" || allow_private && url.scheme() == "http") || url.host_str().is_none() {
        r.problem(key, "is not an https:// URL", WEBHOOK_FIX);
        return None;
    }
    // With the scheme and host checked, the guard's message names only the host.
    if let Err(e) = guard::check_url(&url, allow_private) {
        r.problem(key, e.to_string(), WEBHOOK_FIX);
        return None;
    }
    Some(Secret::new(raw))
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
        let s = load(Some(include_str!("../../config/layoffwatch.toml")), &[]).unwrap();
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
        assert_eq!(
            s.feeds,
            vec![FeedSource::parse("https://a.example/rss").unwrap(), FeedSource::parse("./b.xml").unwrap()]
        );
    }

    #[test]
    fn full_text_is_on_by_default_and_turned_off_by_the_file_or_the_environment() {
        assert!(load(None, &[]).unwrap().full_text);
        assert!(!load(Some("[feeds]\nfull_text = false\n"), &[]).unwrap().full_text);
        assert!(!load(Some("[feeds]\nfull_text = true\n"), &[("LAYOFFWATCH_FULL_TEXT", "false")]).unwrap().full_text);
        let err = load(None, &[("LAYOFFWATCH_FULL_TEXT", "sometimes")]).unwrap_err().to_string();
        assert!(err.contains("LAYOFFWATCH_FULL_TEXT"), "{err}");
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

    #[test]
    fn every_variable_is_read_once() {
        let env: HashMap<&str, &str> = [
            ("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true"),
            ("LAYOFFWATCH_HTTP_ADDR", "127.0.0.1:0"),
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_MODE", "http"),
            ("SLACK_SIGNING_SECRET", "s"),
            ("DISCORD_TOKEN", "MTIz.GaBc.abc"),
            ("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"),
            ("OPENAI_MODEL", "m"),
        ]
        .into_iter()
        .collect();
        let reads = std::sync::Mutex::new(HashMap::<String, usize>::new());
        let lookup = |k: &str| {
            *reads.lock().unwrap().entry(k.to_string()).or_default() += 1;
            env.get(k).map(|v| v.to_string())
        };
        Settings::load(None, &lookup).unwrap();
        let reads = reads.into_inner().unwrap();
        let twice: Vec<_> = reads.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "read more than once: {twice:?}");
        assert_eq!(reads.get("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES"), Some(&1));
    }

    #[test]
    fn the_files_private_address_switch_reaches_both_bots() {
        let s = load(
            Some("[feeds]\nallow_private_addresses = true\n"),
            &[
                ("DISCORD_TOKEN", "MTIz.GaBc.abc"),
                ("DISCORD_API_URL", "http://127.0.0.1:4000"),
                ("SLACK_BOT_TOKEN", "xoxb-1"),
                ("SLACK_APP_TOKEN", "xapp-1"),
                ("SLACK_API_URL", "http://127.0.0.1:4001/api"),
            ],
        )
        .unwrap();
        assert!(s.allow_private_addresses);
        assert!(s.discord.unwrap().allow_private_addresses);
        assert!(s.slack.unwrap().allow_private_addresses);
    }

    #[test]
    fn a_webhook_run_would_refuse_is_refused_here_without_showing_its_url() {
        let err = load(None, &[("SLACK_WEBHOOK_URL", "https://127.0.0.1/services/T0/B0/MARKER-secret-path")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("SLACK_WEBHOOK_URL") && err.contains("127.0.0.1"), "{err}");
        assert!(!err.contains("MARKER"), "{err}");
        let err = load(None, &[("DISCORD_WEBHOOK_URL", "http://discord.example/api/webhooks/1/MARKER")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("DISCORD_WEBHOOK_URL") && !err.contains("MARKER"), "{err}");
        let ok = load(None, &[("SLACK_WEBHOOK_URL", "https://hooks.slack.example/services/T0/B0/MARKER")]).unwrap();
        assert!(!format!("{ok:?}").contains("MARKER"));
    }

    #[test]
    fn a_feed_on_this_machine_is_refused_unless_private_addresses_are_allowed() {
        let err = load(None, &[("LAYOFFWATCH_FEEDS", "http://127.0.0.1:9/rss")]).unwrap_err().to_string();
        assert!(err.contains("feeds.urls[0]") && err.contains("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES"), "{err}");
        let s = load(
            None,
            &[("LAYOFFWATCH_FEEDS", "http://127.0.0.1:9/rss"), ("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES", "true")],
        )
        .unwrap();
        assert_eq!(s.feeds.len(), 1);
    }

    #[test]
    fn a_json_lines_file_in_a_missing_folder_is_refused_before_run_tries_to_open_it() {
        let err = load(None, &[("LAYOFFWATCH_JSONL", "/no/such/folder/out.jsonl")]).unwrap_err().to_string();
        assert!(err.contains("output.jsonl") && err.contains("/no/such/folder"), "{err}");
        assert!(load(None, &[("LAYOFFWATCH_JSONL", "-")]).is_ok());
    }

    #[test]
    fn a_bot_with_no_output_at_all_is_refused() {
        let err = load(Some("[output]\nconsole = false\n"), &[]).unwrap_err().to_string();
        assert!(err.contains("no output is enabled"), "{err}");
    }

    /// Every setting is read here, once; elsewhere an environment lookup would be a second parser.
    /// `NO_COLOR` is the terminal's convention, read where the console decides on colour.
    #[test]
    fn only_the_configuration_reads_the_environment() {
        fn walk(dir: &Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    if !path.ends_with("config") {
                        walk(&path, found);
                    }
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (n, line) in text.lines().enumerate() {
                        let reads = ["env::var(", "env::var_os(", "env::vars("].iter().any(|r| line.contains(r));
                        if reads && !line.contains("\"NO_COLOR\"") {
                            found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
        assert!(found.is_empty(), "read the setting in src/config instead:\n{}", found.join("\n"));
    }
}
